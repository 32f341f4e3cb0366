"""Hostile inputs against what corpus-audit writes and prints: one case per input, run as the real CLI.

Each case asserts the exit code, the first line on stderr, that no text from outside the corpus
shows anywhere and that no temporary file is left behind.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.adversarial.conftest import Run, assert_clean, run_cli

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


def _audit_v2(**changes: Any) -> dict[str, Any]:
    """A small, valid version 2 audit.json: its passed result counted in its check's entry, not listed."""
    version_2 = {"schema_version": 2, "results_listed": "failed", "files_checked": 1, "checks": [_check()]}
    return _audit(**{**version_2, "results": [], **changes})


def _check(**changes: Any) -> dict[str, Any]:
    check = {"id": "fixity.present", "title": "Present", "severity": "error", "scope": "file"}
    return {**check, "passed": 1, "failed": 0, "waived": 0, "warnings": 0, **changes}


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
        (work / name).parent.mkdir(parents=True, exist_ok=True)
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
    env: dict[str, str] = field(default_factory=dict)
    check: Callable[[Run, Path], None] | None = None  # more to assert on the run and the folder it ran in


INJECTED = "x\n::warning::INJECTED\n.txt"  # a file name that would print a workflow command of its own
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # every control character but LF
GITHUB = {"GITHUB_ACTIONS": "true"}
A_SHA = "bb5d66de3b94be8058733e7b158a28ce483332ffd0f06cba0395e9cefcd9b448"  # a.txt in fixity-clean


def _unlisted(*names: str) -> Callable[[Path], None]:
    """Files on disk in the corpus that INDEX.md does not list."""

    def prepare(work: Path) -> None:
        for name in names:
            (work / CORPUS / name).write_text("نص\n", encoding="utf-8")

    return prepare


def _no_forged_line(run: Run, work: Path) -> None:
    """Nothing printed holds a raw control character, and no line is a workflow command from the data."""
    for stream in (run.out, run.err):
        assert not RAW_CONTROL.search(stream)
        commands = [line for line in stream.splitlines() if line.startswith("::")]
        assert all(re.match(r"::(error|warning) file=[^:]*,title=[^:]*::", line) for line in commands), commands
    assert "x\\n::warning::INJECTED\\n.txt" in run.out + run.err


def _junit_parses(run: Run, work: Path) -> None:
    """junit.xml is XML, and the control characters XML forbids show as visible escapes."""
    from junitparser import JUnitXml

    names = {case.get("name") for case in ET.parse(work / "reports" / "junit.xml").getroot().iter("testcase")}
    assert "ctl\\x01\\x08name.txt" in names
    assert len(list(JUnitXml.fromfile(str(work / "reports" / "junit.xml")))) > 0


def _markdown_is_text(run: Run, work: Path) -> None:
    """The waiver reason shows in audit.md as text: no tag, link or emphasis, one table row."""
    text = (work / "reports" / "audit.md").read_text(encoding="utf-8")
    (row,) = [line for line in text.splitlines() if "article.source_line" in line and "a.txt" in line]
    assert row.endswith("|") and row.count(" | ") == 2 and "<img" not in row
    assert "&lt;img src=x onerror=alert(1)&gt; \\*\\*bold\\*\\* \\[link\\](x.html) \\| \\`tick\\`" in row


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
    # Data in what is printed: a file name with line breaks forges no line, no workflow command.
    Case(
        "validate-name-injects-a-workflow-command",
        _unlisted(INJECTED),
        ("validate", CORPUS, "--report-dir", "reports", "--engine", "pandera", "--no-gx-docs"),
        1,
        "",
        env=GITHUB,
        check=_no_forged_line,
    ),
    Case("verify-name-injects-a-line", _unlisted(INJECTED), ("verify", CORPUS), 1, "", check=_no_forged_line),
    Case(
        "index-check-name-injects-a-line",
        _unlisted(INJECTED),
        ("index", CORPUS, "--check"),
        0,  # index skips a name with control characters, saying so on stderr
        "x\\n::warning::INJECTED\\n.txt: skipped: file name 'x\\n::warning::INJECTED\\n.txt' contains a control "
        "character or line separator: rename it",
        check=_no_forged_line,
    ),
    Case(
        "error-line-names-a-path-with-line-breaks",
        lambda work: None,
        ("verify", "nope\n::error::INJECTED\u2028\x85"),
        2,
        "corpus-audit: nope\\n::error::INJECTED\\u2028\\x85: not a directory",
    ),
    # junit.xml stays XML whatever the names; audit.md shows data as text.
    Case(
        "junit-name-with-control-characters",
        _unlisted("ctl\x01\x08name.txt"),
        ("validate", CORPUS, "--report-dir", "reports", "--engine", "pandera", "--no-gx-docs"),
        1,
        "",
        check=_junit_parses,
    ),
    Case(
        "markdown-waiver-reason-with-markup",
        _write(
            f"{CORPUS}/WAIVERS.md",
            "| file | check | sha256 | expires | reason |\n|---|---|---|---|---|\n"
            f"| `a.txt` | article.source_line | {A_SHA} | 2999-01-01 | "
            "<img src=x onerror=alert(1)> **bold** [link](x.html) \\| `tick` |\n",
        ),
        ("validate", CORPUS, "--report-dir", "reports", "--engine", "pandera", "--no-gx-docs"),
        1,
        "",
        check=_markdown_is_text,
    ),
    # A folder where a report file goes: nothing of the new set moves in, and nothing is left behind.
    Case(
        "validate-report-name-is-a-folder",
        _write("reports/audit.html/keep.txt", "the steward's\n"),
        ("validate", CORPUS, "--report-dir", "reports", "--engine", "pandera", "--no-gx-docs"),
        2,
        "corpus-audit: reports/audit.html: is a directory",
        ("reports/audit.json", "reports/audit.md", "reports/junit.xml"),
    ),
    # `report` on JSON that is not an audit.json, or one with a bad head, result or article.
    *(
        Case(f"report-{name}", _report(document), BAD_REPORT, 2, f"corpus-audit: bad.json: {error}", ("out.md",))
        for name, document, error in [
            ("on-a-list", [], "not a corpus-audit audit.json (schema_version 1 or 2)"),
            ("on-a-string", "audit", "not a corpus-audit audit.json (schema_version 1 or 2)"),
            ("version-3", _audit(schema_version=3), "not a corpus-audit audit.json (schema_version 1 or 2)"),
            ("version-a-bool", _audit(schema_version=True), "not a corpus-audit audit.json (schema_version 1 or 2)"),
            (
                "v2-without-listing",
                {k: v for k, v in _audit_v2().items() if k != "results_listed"},
                "not a corpus-audit audit.json: lacks 'results_listed'",
            ),
            (
                "v2-unknown-listing",
                _audit_v2(results_listed="passed"),
                "not a corpus-audit audit.json: 'results_listed' is 'passed', not one of failed, all",
            ),
            (
                "v2-files-a-bool",
                _audit_v2(files_checked=False),
                "not a corpus-audit audit.json: 'files_checked' has the wrong type (bool)",
            ),
            (
                "v2-check-not-an-object",
                _audit_v2(checks=["fixity.present"]),
                "not a corpus-audit audit.json: checks[0] is not an object (str)",
            ),
            (
                "v2-check-without-scope",
                _audit_v2(checks=[{k: v for k, v in _check().items() if k != "scope"}]),
                "not a corpus-audit audit.json: checks[0] lacks 'scope'",
            ),
            (
                "v2-check-count-a-string",
                _audit_v2(checks=[_check(passed="<b>1</b>")]),
                "not a corpus-audit audit.json: checks[0] 'passed' has the wrong type (str)",
            ),
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
    run = run_cli(*case.args, cwd=work, env=case.env)
    assert (run.code, run.first_error) == (case.code, case.error), run.err
    assert_clean(run, folders=[work])
    assert not [name for name in case.absent if (work / name).exists()]
    if case.check is not None:
        case.check(run, work)


# Every control character a file or folder name can hold (all but NUL), three runs' worth.
CONTROLS = [chr(c) for c in [*range(1, 0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029]]
CHUNKS = [CONTROLS[start::3] for start in range(3)]
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _visible(char: str) -> str:
    """How a control character is shown: Python's spelling."""
    code = ord(char)
    return _SHORT.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


@pytest.mark.parametrize("chars", CHUNKS, ids=[f"chunk{n}" for n in range(len(CHUNKS))])
def test_no_control_character_reaches_an_output_raw(
    chars: list[str], make_corpus: Callable[[str], Path], outside: Path
) -> None:
    """With each control character in file names and the corpus folder's name, under GitHub Actions:
    every printed line is one line (result lines, summary, annotations), junit.xml is XML, audit.md
    shows the names as text, one row each."""
    import mistune
    from junitparser import JUnitXml

    corpus = make_corpus(CORPUS)
    work = corpus.parent
    folder = corpus.rename(work / ("c" + "".join(chars)))  # named in the summary line and the annotations
    names = [f"x{c}::warning::INJECTED{c}.txt" for c in chars]
    for name in names:
        (folder / name).write_text("نص\n", encoding="utf-8")
    summary = work / "summary.md"
    env = {**GITHUB, "GITHUB_STEP_SUMMARY": str(summary)}
    run = run_cli(
        "validate", folder.name, "--report-dir", "reports", "--engine", "pandera", "--no-gx-docs", cwd=work, env=env
    )
    assert (run.code, run.first_error) == (1, "")
    assert_clean(run, folders=[work])
    assert not RAW_CONTROL.search(run.out)
    lines = run.out.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert all(re.match(r"::(error|warning) file=[^:]*,title=[^:]*::", line) for line in commands), commands
    assert sum("INJECTED" in line for line in lines) == 2 * len(names)  # a result line and an annotation each
    (verdict,) = [line for line in lines if line.startswith("validate ")]
    assert verdict.startswith(f"validate c{''.join(_visible(c) for c in chars)}: ")

    junit = work / "reports" / "junit.xml"
    cases = {case.get("name") for case in ET.parse(junit).getroot().iter("testcase")}
    for char, name in zip(chars, names, strict=True):  # a name INDEX.md cannot hold is shown escaped
        assert name.replace(char, _visible(char)) in cases
    assert len(list(JUnitXml.fromfile(str(junit)))) > 0

    markdown = (work / "reports" / "audit.md").read_text(encoding="utf-8")
    assert not RAW_CONTROL.search(markdown)
    rendered = str(mistune.create_markdown(escape=False, plugins=["table"])(markdown))
    for char, name in zip(chars, names, strict=True):
        assert f"<td><code>{name.replace(char, _visible(char))}</code></td>" in rendered
    assert summary.read_text(encoding="utf-8") == markdown + "\n"
