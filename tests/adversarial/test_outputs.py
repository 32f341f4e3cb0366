"""Hostile inputs against what corpus-audit writes and prints: one case per input, run as the real CLI.

Each case asserts the exit code, the first line on stderr, that no text from outside the corpus
shows anywhere and that no temporary file is left behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.adversarial.conftest import assert_clean, run_cli

CORPUS = "fixity-clean"  # the corpus each case runs on, in the folder the CLI runs from


def _audit(**changes: Any) -> dict[str, Any]:
    """A small, valid audit.json document, with top-level keys replaced by `changes`."""
    document: dict[str, Any] = {
        "schema_version": 1,
        "ok": True,
        "corpus": {"path": "c", "files": 1, "bytes": 5, "digest": "0" * 64},
        "summary": {"passed": 1, "failed": 0, "waived": 0, "warnings": 0},
        "checks": [],
        "results": [_result()],
        "articles": [{"file": "a.txt", "sha256": "0" * 64, "bytes": 5, "outlet": None, "title": "t"}],
        "run": {"tool_version": "0"},
    }
    return {**document, **changes}


def _result(**changes: Any) -> dict[str, Any]:
    result = {
        "check": "fixity.present",
        "file": "a.txt",
        "status": "passed",
        "severity": "error",
        "message": "present",
        "engines": {},
        "details": {},
    }
    return {**result, **changes}


def _laid_out(document: dict[str, Any]) -> str:
    """`document` laid out as validate writes audit.json: results and articles one per line."""
    head = {k: v for k, v in document.items() if k not in ("results", "articles", "run")}
    lines = [json.dumps(head, indent=2)[:-2] + ',\n  "results": [']
    lines.append(",\n".join("    " + json.dumps(r) for r in document["results"]))
    lines.append('  ],\n  "articles": [')
    lines.append(",\n".join("    " + json.dumps(a) for a in document["articles"]))
    lines.append('  ],\n  "run": ' + json.dumps(document["run"]) + "\n}\n")
    return "\n".join(lines)


def _write(name: str, text: str) -> Callable[[Path], None]:
    def prepare(work: Path) -> None:
        (work / name).write_text(text, encoding="utf-8")

    return prepare


def _report(document: object) -> Callable[[Path], None]:
    return _write("bad.json", json.dumps(document))


@dataclass(frozen=True)
class Case:
    """A hostile input: what to make in the folder the CLI runs in, the command, and what it must do."""

    name: str
    prepare: Callable[[Path], None]
    args: tuple[str, ...]
    code: int
    error: str  # the first line on stderr
    absent: tuple[str, ...] = field(default=())  # paths that must not exist afterwards


SOMEFILE = _write("somefile", "a plain file\n")
BAD_REPORT = ("report", "bad.json", "--format", "md", "--out", "out.md")

CASES = [
    # An output folder under a regular file: a usage error naming the path, before any work.
    Case(
        "validate-report-dir-under-a-file",
        SOMEFILE,
        ("validate", CORPUS, "--report-dir", "somefile/sub", "--engine", "pandera"),
        2,
        "corpus-audit: somefile/sub: somefile is not a directory",
    ),
    Case(
        "validate-report-dir-is-a-file",
        SOMEFILE,
        ("validate", CORPUS, "--report-dir", "somefile", "--engine", "pandera"),
        2,
        "corpus-audit: somefile: exists and is not a directory",
    ),
    Case(
        "parse-out-under-a-file",
        SOMEFILE,
        ("parse", CORPUS, "--out", "somefile/sub/tables"),
        2,
        "corpus-audit: somefile/sub/tables: somefile is not a directory",
    ),
    Case(
        "report-out-under-a-file",
        lambda work: (SOMEFILE(work), _report(_audit())(work)),
        ("report", "bad.json", "--format", "md", "--out", "somefile/sub/audit.md"),
        2,
        "corpus-audit: somefile/sub: somefile is not a directory",
    ),
    # `report` on JSON that is not an audit.json, or one with a bad head, result or article.
    *(
        Case(f"report-{name}", _report(document), BAD_REPORT, 2, f"corpus-audit: bad.json: {error}", ("out.md",))
        for name, document, error in [
            ("on-a-list", [], "not a corpus-audit audit.json (schema_version 1)"),
            ("on-a-string", "audit", "not a corpus-audit audit.json (schema_version 1)"),
            (
                "results-not-a-list",
                _audit(results={}),
                "not a corpus-audit audit.json: 'results' has the wrong type (dict)",
            ),
            (
                "articles-not-a-list",
                _audit(articles=3),
                "not a corpus-audit audit.json: 'articles' has the wrong type (int)",
            ),
            ("ok-not-a-bool", _audit(ok="yes"), "not a corpus-audit audit.json: 'ok' has the wrong type (str)"),
            ("no-run", {k: v for k, v in _audit().items() if k != "run"}, "not a corpus-audit audit.json: lacks 'run'"),
            (
                "corpus-files-a-bool",
                _audit(corpus={**_audit()["corpus"], "files": True}),
                "not a corpus-audit audit.json: corpus 'files' has the wrong type (bool)",
            ),
            (
                "corpus-digest-a-number",
                _audit(corpus={**_audit()["corpus"], "digest": 7}),
                "not a corpus-audit audit.json: corpus 'digest' has the wrong type (int)",
            ),
            (
                "summary-count-a-string",
                _audit(summary={**_audit()["summary"], "failed": "<b>0</b>"}),
                "not a corpus-audit audit.json: summary 'failed' has the wrong type (str)",
            ),
            ("result-not-an-object", _audit(results=[_result(), 1]), "results[1]: not an object (int)"),
            (
                "result-without-status",
                _audit(results=[{k: v for k, v in _result().items() if k != "status"}]),
                "results[0]: lacks 'status'",
            ),
            (
                "result-unknown-status",
                _audit(results=[_result(status="bogus")]),
                "results[0]: 'status' is 'bogus', not one of failed, passed, waived",
            ),
            (
                "result-unknown-severity",
                _audit(results=[_result(severity=None)]),
                "results[0]: 'severity' has the wrong type (NoneType)",
            ),
            ("result-file-a-number", _audit(results=[_result(file=3)]), "results[0]: 'file' has the wrong type (int)"),
            (
                "result-message-a-list",
                _audit(results=[_result(message=["x"])]),
                "results[0]: 'message' has the wrong type (list)",
            ),
            (
                "result-details-a-list",
                _audit(results=[_result(details=[])]),
                "results[0]: 'details' has the wrong type (list)",
            ),
            (
                "waiver-without-reason",
                _audit(results=[_result(status="waived", details={"waiver": {"expires": "2030-01-01"}})]),
                "results[0]: details.waiver lacks 'reason'",
            ),
            ("article-without-file", _audit(articles=[{"title": "t"}]), "articles[0]: lacks 'file'"),
            (
                "article-outlet-a-number",
                _audit(articles=[{"file": "a.txt", "outlet": 5}]),
                "articles[0]: 'outlet' has the wrong type (int)",
            ),
            (
                "article-title-an-object",
                _audit(articles=[{"file": "a.txt", "title": {}}]),
                "articles[0]: 'title' has the wrong type (dict)",
            ),
            (
                "article-line-without-text",
                _audit(articles=[{"file": "a.txt", "lines": [{"line": 1, "role": "body", "duplicate_of": None}]}]),
                "articles[0]: lines[0] lacks 'text'",
            ),
        ]
    ),
    # The same, laid out as validate writes audit.json, so results and articles are read as a stream.
    Case(
        "report-streamed-bad-result",
        _write("bad.json", _laid_out(_audit(results=[_result(), _result(file="b.txt", status=1)]))),
        ("report", "bad.json", "--format", "junit", "--out", "out.xml"),
        2,
        "corpus-audit: bad.json: results[1]: 'status' has the wrong type (int)",
        ("out.xml",),
    ),
    Case(
        "report-streamed-bad-article",
        _write("bad.json", _laid_out(_audit(articles=[{"file": "a.txt", "lines": 2}]))),
        ("report", "bad.json", "--format", "html", "--out", "out.html"),
        2,
        "corpus-audit: bad.json: articles[0]: 'lines' has the wrong type (int)",
        ("out.html",),
    ),
    Case(
        "report-streamed-line-not-json",
        _write("bad.json", _laid_out(_audit()).replace('"check"', "check", 1)),
        ("report", "bad.json", "--format", "md", "--out", "out.md"),
        2,
        "corpus-audit: bad.json: not a corpus-audit JSON report (Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1))",
        ("out.md",),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_output_case(case: Case, make_corpus: Callable[[str], Path], outside: Path) -> None:
    """The case's exit code and first error line; nothing from outside, no temporary file left."""
    work = make_corpus(CORPUS).parent
    case.prepare(work)
    run = run_cli(*case.args, cwd=work)
    assert (run.code, run.first_error) == (case.code, case.error), run.err
    assert_clean(run, folders=[work])
    assert not [name for name in case.absent if (work / name).exists()]
