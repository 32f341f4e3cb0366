"""junit.xml: one testcase per (check, file) for CI test-report readers; waived ones are skipped.

A check the corpus policy overrides carries the override as properties of its testsuite; a check
it switches off has no testcases, only that testsuite and its properties.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from provenance.escape import xml_text
from provenance.render.view import PolicyNote, policy_notes


def _kind(result: dict[str, Any]) -> str:
    if result["status"] == "failed":
        return "failure" if result["severity"] == "error" else "warning"
    return str(result["status"])


def _quote(text: str) -> str:
    """An XML attribute value holding `text`; what XML 1.0 forbids (control characters) made visible."""
    return quoteattr(xml_text(text))


_quote_check = functools.cache(_quote)  # a few dozen check ids, quoted millions of times


def _passed_case(check: str, quoted_name: str) -> str:
    return f"    <testcase classname={_quote_check(check)} name={quoted_name}/>\n"


def _testcase(result: dict[str, Any], *, check: str, kind: str, quoted_name: str) -> str:
    """One testcase of `kind` (see _kind) for a result of the file whose quoted name is given."""
    if kind == "passed":
        return _passed_case(check, quoted_name)
    head = f"    <testcase classname={_quote_check(check)} name={quoted_name}"
    if kind == "failure":
        return f'{head}>\n      <failure type="error" message={_quote(str(result["message"]))}/>\n    </testcase>\n'
    return f"{head}>\n      <skipped message={_quote(kind + ': ' + str(result['message']))}/>\n    </testcase>\n"


class JUnitWriter:
    """Collects testcases one file's row at a time (a testsuite per check), then writes junit.xml.

    A failed error is a <failure>; a waived result and a failed warning are <skipped> with the
    reason, so they are visible without failing the CI job (the gate decides that, not JUnit).
    Each suite's cases go to a temporary file first, so memory stays flat for millions of cases.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.counts: Counter[tuple[str, str]] = Counter()
        self.scratch = tempfile.TemporaryDirectory(prefix=".junit.", dir=path.parent)
        self.parts: dict[str, IO[str]] = {}

    def add_row(self, file: str | None, results: Sequence[dict[str, Any]]) -> None:
        """One file's results (a passed result is read for its check and status only)."""
        quoted = _quote(file or "(corpus)")
        for result in results:
            check, kind = str(result["check"]), _kind(result)
            self.counts[check, kind] += 1
            self._part(check).write(_testcase(result, check=check, kind=kind, quoted_name=quoted))

    def add_passed(self, name: str, checks: Sequence[str]) -> None:
        """A passed testcase for `name` under each of `checks`: add_row() without the dicts."""
        quoted = _quote(name)
        for check in checks:
            self.counts[check, "passed"] += 1
            self._part(check).write(_passed_case(check, quoted))

    def _part(self, check: str) -> IO[str]:
        if check not in self.parts:
            self.parts[check] = (Path(self.scratch.name) / f"{len(self.parts)}.xml").open("w", encoding="utf-8")
        return self.parts[check]

    def abort(self) -> None:
        """Drop the scratch files; junit.xml is left as it was."""
        for handle in self.parts.values():
            handle.close()
        self.scratch.cleanup()

    def finish(self, *, policy: Mapping[str, Any] | None = None) -> Path:
        """Write junit.xml atomically, with the report's `policy` overrides, and remove the scratch files."""
        try:
            for handle in self.parts.values():
                handle.close()
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            notes = {note.check: note for note in policy_notes(policy)}
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    _assemble(out, self.counts, {check: Path(h.name) for check, h in self.parts.items()}, notes)
                Path(tmp).chmod(0o644)
                Path(tmp).replace(self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        finally:
            self.scratch.cleanup()
        return self.path


def _properties(note: PolicyNote) -> str:
    return (
        "    <properties>\n"
        f'      <property name="corpus-audit.severity" value={_quote(note.severity)}/>\n'
        f'      <property name="corpus-audit.policy" value={_quote(note.text)}/>\n'
        "    </properties>\n"
    )


def _assemble(
    out: IO[str], counts: Counter[tuple[str, str]], parts: dict[str, Path], notes: Mapping[str, PolicyNote]
) -> None:
    def tally(check: str | None, *kinds: str) -> int:
        return sum(n for (c, k), n in counts.items() if (check is None or c == check) and k in kinds)

    everything = ("passed", "failure", "waived", "warning")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        f'<testsuites name="corpus-audit" tests="{tally(None, *everything)}" failures="{tally(None, "failure")}" '
        f'errors="0" skipped="{tally(None, "waived", "warning")}">\n'
    )
    for check in sorted(set(parts) | set(notes)):
        out.write(
            f'  <testsuite name={_quote_check(check)} tests="{tally(check, *everything)}" '
            f'failures="{tally(check, "failure")}" errors="0" skipped="{tally(check, "waived", "warning")}">\n'
        )
        if check in notes:
            out.write(_properties(notes[check]))
        if check in parts:
            with parts[check].open(encoding="utf-8") as part:
                while chunk := part.read(1 << 20):
                    out.write(chunk)
        out.write("  </testsuite>\n")
    out.write("</testsuites>\n")
