"""The reports a steward and CI read, all rendered from audit.json: Markdown, JUnit, HTML, Data Docs."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from provenance._cli import main
from provenance.render.data import ReportData
from provenance.render.html import PAGE
from provenance.render.outputs import replay, write_reports

REPO = Path(__file__).parent.parent
RESOURCES = REPO / "tests" / "resources"


@pytest.fixture(scope="module")
def invariant_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One validate run (both engines, Data Docs) over the invariants corpus; its report folder."""
    out = tmp_path_factory.mktemp("reports")
    assert main(["validate", str(RESOURCES / "invariants"), "--report-dir", str(out)]) == 1
    return out


def test_one_run_writes_every_report(invariant_reports: Path) -> None:
    """validate writes audit.json, audit.md, junit.xml, audit.html and GX Data Docs together."""
    names = sorted(p.name for p in invariant_reports.iterdir())
    assert names == ["audit.html", "audit.json", "audit.md", "gx", "junit.xml"]
    assert (invariant_reports / "gx" / "index.html").is_file()
    validations = list((invariant_reports / "gx" / "validations").rglob("*.html"))
    assert len(validations) == 2  # one per table, built by GX itself for this run


@pytest.mark.parametrize("fmt", ["html", "md", "junit"])
def test_report_command_rerenders_the_same_bytes(invariant_reports: Path, tmp_path: Path, fmt: str) -> None:
    """`corpus-audit report audit.json --format F` reproduces what validate wrote, byte for byte."""
    name = {"html": "audit.html", "md": "audit.md", "junit": "junit.xml"}[fmt]
    out = tmp_path / name
    assert main(["report", str(invariant_reports / "audit.json"), "--format", fmt, "--out", str(out)]) == 1
    assert out.read_bytes() == (invariant_reports / name).read_bytes()


def test_markdown_summary(invariant_reports: Path) -> None:
    """audit.md states the verdict, the counts and each failure with its file and check."""
    text = (invariant_reports / "audit.md").read_text(encoding="utf-8")
    assert text.startswith("## corpus-audit: ❌ failed")
    assert "| `future-date.txt` | `article.published_valid` |" in text
    assert "### Warnings (4)" in text


def test_junit_is_read_by_a_common_reader(invariant_reports: Path) -> None:
    """junitparser reads junit.xml: a case per listed (check, file), failures for errors, skips for the rest,
    and per check one passing case whose name and suite property give audit.json's passed count."""
    from junitparser import Failure, JUnitXml, Skipped

    xml = JUnitXml.fromfile(str(invariant_reports / "junit.xml"))
    document = json.loads((invariant_reports / "audit.json").read_text(encoding="utf-8"))
    cases = [(suite, case) for suite in xml for case in suite]
    failing = [(s, c) for s, c in cases if c.result]
    assert sorted((c.classname, c.name) for _, c in failing) == sorted(
        (r["check"], r["file"] or "(corpus)") for r in document["results"]
    )
    failed = {(c.classname, c.name) for _, c in failing if any(isinstance(r, Failure) for r in c.result)}
    skipped = {(c.classname, c.name) for _, c in failing if any(isinstance(r, Skipped) for r in c.result)}
    errors = {
        (r["check"], r["file"]) for r in document["results"] if r["status"] == "failed" and r["severity"] == "error"
    }
    assert failed == errors
    assert ("article.layout", "stray-slash.txt") in skipped
    passed = {c["id"]: c["passed"] for c in document["checks"] if c["passed"]}
    assert {c.classname: c.name for s, c in cases if not c.result} == {
        check: f"{check}: {n:,} passed" for check, n in passed.items()
    }
    properties = {s.name: {p.name: p.value for p in s.properties()} for s in xml}
    assert {name: int(p["corpus-audit.passed"]) for name, p in properties.items() if int(p["corpus-audit.passed"])} == (
        passed
    )
    root = ET.parse(invariant_reports / "junit.xml").getroot()
    assert int(root.get("failures", -1)) == document["summary"]["failed"]
    assert int(root.get("tests", -1)) == len(cases) == len(document["results"]) + len(passed)


# Jenkins' junit-10.xsd (the JUnit schema junitparser's xunit2 flavour follows): the attributes and
# children each element may have. It allows no properties on a testcase, and nothing but
# name, time, tests, failures and errors on <testsuites>.
_JUNIT_ATTRIBUTES = {
    "testsuites": {"name", "time", "tests", "failures", "errors"},
    "testsuite": {"name", "tests", "failures", "errors", "group", "time", "skipped", "timestamp", "hostname", "id"}
    | {"package", "file", "log", "url"},
    "properties": set(),
    "property": {"name", "value"},
    "testcase": {"name", "time", "classname", "group"},
    "failure": {"type", "message"},
    "skipped": {"type", "message"},
}
_JUNIT_CHILDREN = {
    "testsuites": {"testsuite"},
    "testsuite": {"testsuite", "properties", "testcase", "system-out", "system-err"},
    "properties": {"property"},
    "property": set(),
    "testcase": {"skipped", "error", "failure", "system-out", "system-err"},
    "failure": set(),
    "skipped": set(),
}
_JUNIT_REQUIRED = {"testsuite": {"name", "tests", "failures", "errors"}, "property": {"name", "value"}}


def test_junit_follows_the_junit_schema(invariant_reports: Path) -> None:
    """Every element of junit.xml has only the attributes and children junit-10.xsd allows, the
    required ones present, and each suite's counts are those of its testcases."""
    root = ET.parse(invariant_reports / "junit.xml").getroot()
    assert root.tag == "testsuites"
    for element in root.iter():
        assert set(element.attrib) <= _JUNIT_ATTRIBUTES[element.tag], element.tag
        assert _JUNIT_REQUIRED.get(element.tag, set()) <= set(element.attrib), element.tag
        assert {child.tag for child in element} <= _JUNIT_CHILDREN[element.tag], element.tag
        assert element.tag != "testcase" or "name" in element.attrib
    for suite in root:
        cases = suite.findall("testcase")
        assert int(suite.get("tests", -1)) == len(cases)
        assert int(suite.get("failures", -1)) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("skipped", -1)) == sum(1 for c in cases if c.find("skipped") is not None)
    assert int(root.get("tests", -1)) == sum(len(suite.findall("testcase")) for suite in root)


def test_github_actions_integration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under GitHub Actions failures become annotations and audit.md is appended to the step summary."""
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    corpus = RESOURCES / "invariants"
    assert main(["validate", str(corpus), "--report-dir", str(tmp_path / "r"), "--engine", "pandera"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert (
        f"::error file={corpus}/future-date.txt,title=article.published_valid::Publication date 2099-01-17 "
        in "\n".join(out)
    )
    assert any(line.startswith("::warning file=") and "stray-slash.txt" in line for line in out)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## corpus-audit: ❌ failed")


def test_everything_from_the_data_is_escaped(tmp_path: Path) -> None:
    """A title or line holding markup shows as text in every rendering; no tag reaches the page."""
    assert main(
        ["validate", str(RESOURCES / "report-escape"), "--report-dir", str(tmp_path), "--engine", "pandera"]
    ) in (0, 1)
    html = (tmp_path / "audit.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;window.__xss = 1; alert(1)&lt;/script&gt;" in html
    ET.parse(tmp_path / "junit.xml")  # still well-formed XML


def _synthetic(articles: int) -> ReportData:
    """Report data for a large corpus: every article with a warning and a waived result."""
    facts = [
        {
            "file": f"{i:05d}.txt",
            "sha256": f"{i:064x}",
            "bytes": 5000,
            "outlet": "rt",
            "title": "عنوان",
            "published_at": f"2022-{i % 12 + 1:02d}-01T00:00:00+00:00",
        }
        for i in range(articles)
    ]

    def results() -> Any:
        for fact in facts:
            yield {
                "check": "article.layout",
                "file": fact["file"],
                "status": "failed",
                "severity": "warning",
                "message": "Clean layout: failed",
                "engines": {},
                "details": {},
            }
            yield {
                "check": "article.title",
                "file": fact["file"],
                "status": "passed",
                "severity": "error",
                "message": "Title present",
                "engines": {},
                "details": {},
            }

    head = {
        "schema_version": 1,
        "ok": True,
        "corpus": {"path": "big", "files": articles, "bytes": 5000 * articles, "digest": "0" * 64},
        "summary": {"passed": articles, "failed": 0, "waived": 0, "warnings": articles},
        "checks": [],
        "run": {"tool_version": "x"},
    }
    return ReportData(head, results, lambda: iter(facts))


def test_html_stays_usable_at_ten_thousand_articles(tmp_path: Path) -> None:
    """At 10,000 articles long tables are split into collapsed pages and the page size stays bounded."""
    write_reports(replay(_synthetic(10_000)), targets={"html": tmp_path / "audit.html"})
    html = (tmp_path / "audit.html").read_text(encoding="utf-8")
    assert html.count("<details") >= 2 * (10_000 // PAGE)
    assert html.count("<details open>") == 2  # only the first page of each long table is open
    assert len(html) < 40_000_000


def test_report_is_read_as_a_stream_and_as_plain_json(invariant_reports: Path, tmp_path: Path) -> None:
    """Streaming audit.json line by line gives exactly what json.load gives, and a re-indented copy still reads."""
    path = invariant_reports / "audit.json"
    whole = json.loads(path.read_text(encoding="utf-8"))
    streamed = ReportData.from_file(path)
    assert list(streamed.results()) == whole["results"]
    assert list(streamed.articles()) == whole["articles"]
    assert streamed.head == {k: v for k, v in whole.items() if k not in ("results", "articles")}
    other = tmp_path / "reindented.json"
    other.write_text(json.dumps(whole, indent=4), encoding="utf-8")
    assert list(ReportData.from_file(other).results()) == whole["results"]


@pytest.mark.parametrize("content", ["{}", "not json", json.dumps({"schema_version": 3, "results": []})])
def test_report_command_rejects_what_is_not_a_report(
    tmp_path: Path, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`corpus-audit report` on something that is not an audit.json: exit 2 naming the file."""
    path = tmp_path / "audit.json"
    path.write_text(content, encoding="utf-8")
    assert main(["report", str(path), "--format", "md"]) == 2
    assert str(path) in capsys.readouterr().err


def _notable(check: str, file: str | None, status: str, severity: str, message: str) -> dict[str, Any]:
    return {"check": check, "file": file, "status": status, "severity": severity, "message": message}


def test_markdown_failure_rows_from_the_view() -> None:
    """render_markdown puts each failed error in the Failures table as `file`, `check` and its message, escaped."""
    from provenance.render.markdown import render_markdown
    from provenance.render.view import ReportView

    head = {
        "ok": False,
        "summary": {"passed": 9, "failed": 3, "waived": 1, "warnings": 1},
        "corpus": {"path": "c", "files": 2, "bytes": 10, "digest": "ab" * 32},
        "run": {"tool_version": "0.0.0"},
    }
    notable = [
        _notable("manifest.pin", None, "failed", "error", "the pin is stale"),
        _notable("article.title", "a.txt", "failed", "error", "Title: failed | too short\nsee line 1"),
        _notable("article.layout", "a.txt", "failed", "warning", "Clean layout: failed"),
        _notable("fixity.sha256", "b.txt", "failed", "error", "sha256 differs from INDEX.md"),
        _notable("article.boilerplate", "b.txt", "waived", "warning", "Boilerplate (waived: kept)"),
    ]
    lines = render_markdown(ReportView(head, [], notable), limit=2).splitlines()
    start = lines.index("### Failures (3)")
    assert lines[start : start + 6] == [
        "### Failures (3)",
        "",
        "| file | check | message |",
        "|---|---|---|",
        "| `—` | `manifest.pin` | the pin is stale |",
        "| `a.txt` | `article.title` | Title: failed \\| too short\\\\nsee line 1 |",
    ]
    assert lines[start + 6] == "| … | | 1 more in audit.json |"
    assert "| `a.txt` | `article.layout` | Clean layout: failed |" in lines[lines.index("### Warnings (1)") :]
    assert not any("fixity.sha256" in line for line in lines)  # beyond the limit: only counted


def test_html_articles_most_serious_first_and_the_cap_said() -> None:
    """Articles with findings: failed errors first, then warnings, then waived, the most findings
    first within each; those whose lines the report lacks are counted, and the page says so."""
    from provenance.render.html import render_html
    from provenance.render.view import ReportView

    head = {
        "ok": False,
        "summary": {"passed": 1, "failed": 3, "waived": 1, "warnings": 4},
        "corpus": {"path": "c", "files": 5, "bytes": 10, "digest": "ab" * 32},
        "run": {"tool_version": "0.0.0"},
    }
    notable = [
        _notable("article.layout", "a.txt", "failed", "warning", "m"),
        _notable("article.title", "b.txt", "failed", "error", "m"),
        _notable("text.utf8", "b.txt", "failed", "error", "m"),
        _notable("article.title", "c.txt", "failed", "error", "m"),
        _notable("article.boilerplate", "d.txt", "waived", "warning", "m"),
        _notable("article.layout", "e.txt", "failed", "warning", "m"),
        _notable("article.language", "e.txt", "failed", "warning", "m"),
        _notable("article.body_length", "e.txt", "failed", "warning", "m"),
    ]
    line = [{"line": 1, "role": "body", "text": "نص", "duplicate_of": None}]
    articles = [
        {"file": f, "sha256": "0" * 64, "bytes": 1, "lines": line} for f in ("a.txt", "b.txt", "c.txt", "e.txt")
    ]
    articles.append({"file": "d.txt", "sha256": "0" * 64, "bytes": 1})  # past the cap: no lines
    page = render_html(ReportView(head, sorted(articles, key=lambda a: a["file"]), notable))
    shown = re.findall(r'<details class="article"><summary dir="auto"><code>(.*?)</code>', page)
    assert shown == ["b.txt", "c.txt", "e.txt", "a.txt"]
    assert "Articles with findings (4 of 5)" in page
    assert "Showing 4 of 5 articles with findings; the rest are in audit.json (<code>results</code>)." in page


V1 = RESOURCES / "audit-v1"  # audit.json files saved by the last version that wrote schema_version 1


def _counts_of(results: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Each check's passed, failed (errors), waived and warnings (failed warnings) counts, from a full listing."""
    counts: dict[str, dict[str, int]] = {}
    for r in results:
        key = "passed" if r["status"] == "passed" else r["status"]
        key = "warnings" if key == "failed" and r["severity"] == "warning" else key
        counts.setdefault(r["check"], dict.fromkeys(("passed", "failed", "waived", "warnings"), 0))[key] += 1
    return counts


@pytest.mark.parametrize("corpus", ["invariants", "seeds"])
def test_version_1_and_2_give_the_same_verdict_and_counts(corpus: str, tmp_path: Path) -> None:
    """`report` renders a saved version 1 audit.json with the verdict, totals and per-check counts its
    results give, and a version 2 run on the same corpus counts the same."""
    from junitparser import JUnitXml

    saved = json.loads((V1 / f"{corpus}.json").read_text(encoding="utf-8"))
    assert saved["schema_version"] == 1
    code = 0 if saved["ok"] else 1
    for fmt in ("md", "junit", "html"):
        assert main(["report", str(V1 / f"{corpus}.json"), "--format", fmt, "--out", str(tmp_path / fmt)]) == code
    counts = _counts_of(saved["results"])
    summary = saved["summary"]
    md = (tmp_path / "md").read_text(encoding="utf-8")
    assert md.startswith("## corpus-audit: ✅ passed" if saved["ok"] else "## corpus-audit: ❌ failed")
    assert f"| {summary['passed']} | {summary['failed']} | {summary['waived']} | {summary['warnings']} |" in md
    for check, n in counts.items():
        assert f"| `{check}` | {n['passed']} | {n['failed']} | {n['waived']} | {n['warnings']} |" in md
    suites = {suite.name: suite for suite in JUnitXml.fromfile(str(tmp_path / "junit"))}
    assert {
        name: int(next(p.value for p in s.properties() if p.name == "corpus-audit.passed"))
        for name, s in suites.items()
    } == {check: n["passed"] for check, n in counts.items()}
    assert {name: s.failures for name, s in suites.items()} == {check: n["failed"] for check, n in counts.items()}
    html = (tmp_path / "html").read_text(encoding="utf-8")
    assert ("Audit passed" if saved["ok"] else "Audit failed") in html

    source = REPO / "seeds" if corpus == "seeds" else RESOURCES / corpus
    shutil.copytree(source, tmp_path / "c")
    assert main(["validate", str(tmp_path / "c"), "--report-dir", str(tmp_path / "r"), "--no-gx-docs"]) == code
    now = json.loads((tmp_path / "r" / "audit.json").read_text(encoding="utf-8"))
    assert (now["schema_version"], now["ok"], now["summary"]) == (2, saved["ok"], summary)
    assert {c["id"]: {k: c[k] for k in summary} for c in now["checks"] if any(c[k] for k in summary)} == counts


def _as_version_1(document: dict[str, Any]) -> dict[str, Any]:
    """A version 2 report that lists every result, rewritten as version 1 wrote it."""
    added = {"scope", "passed", "failed", "waived", "warnings"}
    assert document["results_listed"] == "all"
    old = {k: v for k, v in document.items() if k not in ("results_listed", "files_checked", "breakdown")}
    old["checks"] = [{k: v for k, v in entry.items() if k not in added} for entry in document["checks"]]
    return {**old, "schema_version": 1}


@pytest.mark.parametrize("corpus", ["invariants", "seeds"])
def test_every_listing_and_version_of_a_run_renders_the_same(corpus: str, tmp_path: Path) -> None:
    """One run's audit.json listing failed results, listing all, and rewritten as version 1 give
    byte-identical audit.md, junit.xml and audit.html: the counts stand in for the passed results."""
    from datetime import UTC, datetime

    from provenance.audit.audit_json import write_report
    from provenance.audit.validate import validate_corpus

    source = REPO / "seeds" if corpus == "seeds" else RESOURCES / corpus
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    audit = validate_corpus(source, engines=("pandera",), now=now)
    failed = write_report(audit, directory=tmp_path / "failed").path
    audit = validate_corpus(source, engines=("pandera",), now=now, articles_listed="all")
    every = write_report(audit, directory=tmp_path / "all", results="all").path
    old = tmp_path / "v1.json"
    old.write_text(json.dumps(_as_version_1(json.loads(every.read_text(encoding="utf-8")))), encoding="utf-8")
    assert len(failed.read_bytes()) < len(every.read_bytes())
    rendered = []
    for source_json in (failed, every, old):
        out = tmp_path / f"{source_json.parent.name}-{source_json.stem}"
        out.mkdir()
        targets = {fmt: out / fmt for fmt in ("html", "md", "junit")}
        write_reports(replay(ReportData.from_file(source_json)), targets=targets)
        rendered.append({fmt: path.read_bytes() for fmt, path in targets.items()})
    assert rendered[0] == rendered[1] == rendered[2]


def test_audit_json_and_junit_grow_with_findings_not_with_passed_results(tmp_path: Path) -> None:
    """On 1,000 generated articles (2% planted defects) audit.json lists no passed result: apart from
    the article facts it stays under a few KB per listed result, and junit.xml likewise."""
    from benchmarks.generate import article_corpus

    corpus = article_corpus(tmp_path / "articles", files=1000, defect_rate=0.02)
    reports = tmp_path / "reports"
    assert main(["validate", str(corpus), "--report-dir", str(reports), "--engine", "pandera", "--no-gx-docs"]) == 1
    document = json.loads((reports / "audit.json").read_text(encoding="utf-8"))
    listed = len(document["results"])
    assert all(r["status"] != "passed" for r in document["results"])
    assert document["summary"]["passed"] > 10 * listed  # nearly every result passed, and none is listed
    articles = len(json.dumps(document["articles"], ensure_ascii=False, indent=None).encode())
    rest = len((reports / "audit.json").read_bytes()) - articles
    assert rest < 30_000 + 1_000 * listed
    assert len((reports / "junit.xml").read_bytes()) < 30_000 + 600 * listed
