"""Escaping data (file names, messages, reasons) for each place it is written: terminal, XML, Markdown, GitHub.

Data comes from the corpus and may hold any character. A control character is shown as a visible
escape in Python's spelling (`\\n`, `\\x01`, `\\x85`, `\\u2028`), so no file name can start a new line
of output, break a document's syntax or be told apart from another only by what cannot be seen.
"""

from __future__ import annotations

import re

# C0, DEL, C1 and the Unicode line and paragraph separators: whatever a reader may take as a line break.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# What XML 1.0 forbids in a document at all, even as a character reference.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Characters a JSON string may hold raw that a terminal or log reader may take as a line break.
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029]")
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """`text` with every control character as a visible escape: it prints as one line."""
    return _CONTROL.sub(_visible, text)


def json_document(text: str) -> str:
    """JSON text with DEL, C1 and U+2028/9 inside strings written as \\u escapes (the same JSON value).

    json.dumps already escapes C0; these are the characters it leaves raw. Outside strings JSON
    holds none of them, so every one replaced is inside a string.
    """
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def xml_text(text: str) -> str:
    """`text` with the characters XML 1.0 forbids as visible escapes (then quote it as usual)."""
    return _NOT_XML.sub(_visible, text)


# Markdown: what starts inline markup (emphasis, code, links, strikethrough, math, cell breaks) ...
_MD_INLINE = re.compile(r"([\\`*_\[\]|~$])")
# ... and what starts a block (heading, list, quote, setext underline) when it begins a line.
_MD_LEADING = re.compile(r"^(?:[#+\-=]|(\d{1,9})([.)])(?= |$))")
# What a code span shows as it is, even in a table cell; anything else goes the escaped way.
_CODE_SPAN_PLAIN = re.compile(r"[^`|\\\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def markdown_text(text: str) -> str:
    """`text` as Markdown that renders as exactly that text, on one line, safe in a table cell."""
    escaped = _MD_INLINE.sub(r"\\\1", one_line(text))
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # no raw HTML
    return _MD_LEADING.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group()}", escaped)


def markdown_code(text: str) -> str:
    """`text` in code style: a plain code span when it can hold it, else escaped text in <code>."""
    if _CODE_SPAN_PLAIN.fullmatch(text) and text.strip(" ") == text:
        return f"`{text}`"
    return f"<code>{markdown_text(text)}</code>"


def github_data(text: str) -> str:
    """The message of a GitHub Actions workflow command (`::error ...::MESSAGE`), on one line.

    GitHub's own rules (`%`, CR and LF as %25, %0D, %0A), then any other control character as a
    visible escape, so nothing in it can end the command line and start another.
    """
    return one_line(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def github_property(text: str) -> str:
    """A property of a workflow command (`file=`, `title=`): as data, and `:` and `,` too."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")
