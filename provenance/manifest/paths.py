"""Safe corpus-relative paths: what a manifest may name, so nothing outside the corpus is opened."""

from __future__ import annotations

import re

_DRIVE = re.compile(r"^[A-Za-z]:")
_PART = r"(?!\.{1,2}(?:/|\Z))(?!~)[^/\\\x00-\x1f\x7f-\x9f\u2028\u2029]+"
#: Matches exactly the paths path_problem accepts; the fast test for 100,000-row manifests.
SAFE_PATH = re.compile(rf"^(?![A-Za-z]:)(?:{_PART}/)*{_PART}\Z")  # \Z: "$" would allow a final newline


def path_problem(path: str) -> str | None:
    """Why `path` is not a safe relative POSIX path inside the corpus, or None when it is."""
    if not path:
        return "empty file name"
    if "\x00" in path:
        return "file name contains a NUL byte"
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u2028\u2029" for ch in path):
        return f"file name {path!r} contains a control character or line separator"
    if "\\" in path:
        return f"file name {path!r} contains a backslash (use '/')"
    if path.startswith("/") or _DRIVE.match(path):
        return f"file name {path!r} is absolute (must be relative to the corpus)"
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return f"file name {path!r} has an empty, '.' or '..' component"
    if any(part.startswith("~") for part in parts):
        return f"file name {path!r} starts a component with '~'"
    return None
