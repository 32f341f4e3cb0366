"""junit.xml for CI test-report readers: a testsuite per check, a testcase per file it did not pass.

Each check's passed results are one passing testcase that says how many there were, and its
testsuite's `corpus-audit.passed` property holds the number (the JUnit schema has no properties
on a testcase). A check the corpus policy overrides carries the override as properties of its
testsuite; a check it switches off has no testcases, only that testsuite and its properties.
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


def _testcase(result: dict[str, Any], *, check: str, kind: str, quoted_name: str) -> str:
    """One testcase of `kind` (see _kind, not "passed") for a result of the file whose quoted name is given."""
    head = f"    <testcase classname={_quote_check(check)} name={quoted_name}"
    if kind == "failure":
        return f'{head}>\n      <failure type="error" message={_quote(str(result["message"]))}/>\n    </testcase>\n'
    return f"{head}>\n      <skipped message={_quote(kind + ': ' + str(result['message']))}/>\n    </testcase>\n"


class JUnitWriter:
    """Collects testcases one file's row at a time (a testsuite per check), then writes junit.xml.

    A failed error is a <failure>; a waived result and a failed warning are <skipped> with the
    reason, so they are visible without failing the CI job (the gate decides that, not JUnit).
    Passed results are not cases of their own: `finish` is told how many each check had. Each
    suite's cases go to a temporary file first, so memory stays flat however many there are.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.counts: Counter[tuple[str, str]] = Counter()
        self.scratch = tempfile.TemporaryDirectory(prefix=".junit.", dir=path.parent)
        self.parts: dict[str, IO[str]] = {}

    def add_row(self, file: str | None, results: Sequence[dict[str, Any]]) -> None:
        """One file's results; a passed one is skipped (its count comes to `finish`)."""
        quoted = None
        for result in results:
            kind = _kind(result)
            if kind == "passed":
                continue
            check = str(result["check"])
            self.counts[check, kind] += 1
            quoted = quoted or _quote(file or "(corpus)")
            self._part(check).write(_testcase(result, check=check, kind=kind, quoted_name=quoted))

    def _part(self, check: str) -> IO[str]:
        if check not in self.parts:
            self.parts[check] = (Path(self.scratch.name) / f"{len(self.parts)}.xml").open("w", encoding="utf-8")
        return self.parts[check]

    def abort(self) -> None:
        """Drop the scratch files; junit.xml is left as it was."""
        for handle in self.parts.values():
            handle.close()
        self.scratch.cleanup()

    def finish(self, *, passed: Mapping[str, int] | None = None, policy: Mapping[str, Any] | None = None) -> Path:
        """Write junit.xml atomically, with each check's `passed` count and the report's `policy`
        overrides, and remove the scratch files."""
        try:
            for handle in self.parts.values():
                handle.close()
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            notes = {note.check: note for note in policy_notes(policy)}
            counts = self.counts + Counter({(check, "passed"): n for check, n in (passed or {}).items()})
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    _assemble(out, counts, {check: Path(h.name) for check, h in self.parts.items()}, notes)
                Path(tmp).chmod(0o644)
                Path(tmp).replace(self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        finally:
            self.scratch.cleanup()
        return self.path


def _properties(passed: int | None, note: PolicyNote | None) -> str:
    """A testsuite's properties: its check's passed count, and the policy's override of it."""
    lines = [] if passed is None else [f'      <property name="corpus-audit.passed" value="{passed}"/>\n']
    if note is not None:
        lines.append(f'      <property name="corpus-audit.severity" value={_quote(note.severity)}/>\n')
        lines.append(f'      <property name="corpus-audit.policy" value={_quote(note.text)}/>\n')
    return "    <properties>\n" + "".join(lines) + "    </properties>\n" if lines else ""


def _assemble(
    out: IO[str], counts: Counter[tuple[str, str]], parts: dict[str, Path], notes: Mapping[str, PolicyNote]
) -> None:
    """junit.xml: `counts` holds, per (check, kind), the failing testcases in `parts` and the passed results."""

    def tally(check: str | None, *kinds: str) -> int:
        return sum(n for (c, k), n in counts.items() if (check is None or c == check) and k in kinds)

    failing = ("failure", "waived", "warning")
    checks = sorted({c for (c, _), n in counts.items() if n} | set(parts) | set(notes))

    def cases(check: str | None) -> int:  # the failing testcases, and one per check that passed somewhere
        passing = sum(1 for c in checks if (check is None or c == check) and counts[c, "passed"])
        return tally(check, *failing) + passing

    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        f'<testsuites name="corpus-audit" tests="{cases(None)}" failures="{tally(None, "failure")}" errors="0">\n'
    )
    for check in checks:
        out.write(
            f'  <testsuite name={_quote_check(check)} tests="{cases(check)}" '
            f'failures="{tally(check, "failure")}" errors="0" skipped="{tally(check, "waived", "warning")}">\n'
        )
        ran = tally(check, "passed", *failing) > 0
        out.write(_properties(counts[check, "passed"] if ran else None, notes.get(check)))
        if counts[check, "passed"]:
            name = _quote(f"{check}: {counts[check, 'passed']:,} passed")
            out.write(f"    <testcase classname={_quote_check(check)} name={name}/>\n")
        if check in parts:
            with parts[check].open(encoding="utf-8") as part:
                while chunk := part.read(1 << 20):
                    out.write(chunk)
        out.write("  </testsuite>\n")
    out.write("</testsuites>\n")
