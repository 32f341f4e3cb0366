"""Results are ordered by file then check id in audit.json and in every rendering of it.

Each expected order is computed here from the results' own fields with a plain sort, never by
comparing one output of corpus-audit with another.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from provenance._cli import main
from provenance.audit.validate import validate_corpus

RESOURCES = Path(__file__).parent / "resources"
CORPUS_ROW = "(corpus)"  # junit's name for a result whose file is null


def _by_file_then_check(result: dict[str, Any]) -> tuple[bool, str, str]:
    """The README's report order: file (the corpus, file null, first), then check id."""
    return (result["file"] is not None, result["file"] or "", result["check"])


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _disordered_corpus(root: Path) -> Path:
    """A copy of the invariants corpus with several findings on one file, a corpus-wide one and waivers.

    short-title.txt gets bytes appended after indexing (fixity.bytes and fixity.sha256 fail beside
    its article.title), the pin is made stale (manifest.pin, file null), and WAIVERS.md waives two
    failures and holds an unused and an expired waiver, so every status and every check family shows.
    """
    corpus = root / "invariants"
    shutil.copytree(RESOURCES / "invariants", corpus)
    waivers = [
        ("stray-slash.txt", "article.layout", "2099-01-01"),
        ("future-date.txt", "article.published_valid", "2099-01-01"),
        ("clean.txt", "article.title", "2099-01-01"),  # unused: clean.txt's title passes
        ("no-source.txt", "article.source_line", "2020-01-01"),  # expired
    ]
    rows = [f"| `{f}` | {c} | {_sha(corpus / f)} | {e} | test waiver |" for f, c, e in waivers]
    (corpus / "WAIVERS.md").write_text(
        "| file | check | sha256 | expires | reason |\n|---|---|---|---|---|\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    with (corpus / "short-title.txt").open("ab") as handle:
        handle.write("فقرة أضيفت بعد الفهرسة ولم يسجلها الفهرس.\n".encode())
    index = corpus / "INDEX.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(re.sub(r"sha256 `[0-9a-f]{64}`", "sha256 `" + "0" * 64 + "`", text), encoding="utf-8")
    return corpus


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report folder of one validate run (both engines) over the disordered corpus."""
    root = tmp_path_factory.mktemp("order")
    corpus = _disordered_corpus(root)
    assert main(["validate", str(corpus), "--report-dir", str(root / "reports"), "--no-gx-docs"]) == 1
    return root / "reports"


@pytest.fixture(scope="module")
def results(reports: Path) -> list[dict[str, Any]]:
    """audit.json's results, in the order written."""
    found: list[dict[str, Any]] = json.loads((reports / "audit.json").read_text(encoding="utf-8"))["results"]
    return found


def test_the_corpus_can_show_a_wrong_order(results: list[dict[str, Any]]) -> None:
    """The run has what an ordering bug would scramble: a file with many checks of several families."""
    checks = [r["check"] for r in results if r["file"] == "short-title.txt"]
    assert {"article.title", "fixity.bytes", "fixity.sha256"} <= set(checks)
    assert {r["check"] for r in results if r["file"] is None} >= {"manifest.pin"}
    statuses = {(r["status"], r["severity"]) for r in results}
    assert {("failed", "error"), ("failed", "warning"), ("waived", "error"), ("waived", "warning")} <= statuses
    assert {r["check"] for r in results if r["status"] == "failed"} >= {"waiver.expired", "waiver.unused"}


def test_audit_json_results_are_ordered_by_file_then_check(results: list[dict[str, Any]]) -> None:
    """audit.json lists each (file, check) once, sorted by file (corpus first) then check id."""
    keys = [_by_file_then_check(r) for r in results]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_validate_corpus_yields_results_in_report_order(tmp_path: Path) -> None:
    """The library's results and its notable results come in the same order as audit.json's."""
    audit = validate_corpus(
        _disordered_corpus(tmp_path), engines=("pandera",), now=datetime(2026, 11, 23, 12, tzinfo=UTC)
    )
    every = [r.as_dict() for r in audit.results]
    notable = [r.as_dict() for r in audit.notable()]
    assert [_by_file_then_check(r) for r in every] == sorted(_by_file_then_check(r) for r in every)
    assert [_by_file_then_check(r) for r in notable] == sorted(_by_file_then_check(r) for r in notable)
    assert notable == [r for r in every if r["status"] != "passed"]


def _markdown_sections(text: str) -> dict[str, list[tuple[str, str]]]:
    """audit.md's finding tables: section title -> its (file, check) rows in order."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for line in text.splitlines():
        if line.startswith("### "):
            current = sections.setdefault(line[4:], [])
        elif current is not None and (row := re.match(r"^\| `(.*?)` \| `(.*?)` \|", line)):
            current.append((row[1], row[2]))
    return sections


def test_markdown_rows_are_ordered_by_file_then_check(reports: Path, results: list[dict[str, Any]]) -> None:
    """Each of audit.md's Failures, Warnings and Waived tables lists its results by file then check."""

    def rows(keep: Any) -> list[tuple[str, str]]:
        chosen = sorted((r for r in results if keep(r)), key=_by_file_then_check)
        return [(r["file"] if r["file"] is not None else "—", r["check"]) for r in chosen]

    failures = rows(lambda r: r["status"] == "failed" and r["severity"] == "error")
    warnings = rows(lambda r: r["status"] == "failed" and r["severity"] == "warning")
    waived = rows(lambda r: r["status"] == "waived")
    expected = {
        f"Failures ({len(failures)})": failures,
        f"Warnings ({len(warnings)})": warnings,
        f"Waived ({len(waived)})": waived,
    }
    assert _markdown_sections((reports / "audit.md").read_text(encoding="utf-8")) == expected
    assert ("—", "manifest.pin") in failures  # the corpus row sorts first where it is shown


def test_junit_cases_are_ordered_by_check_then_file(reports: Path, results: list[dict[str, Any]]) -> None:
    """junit.xml has one suite per check in check order, each with its passing case first, then its
    files in file order (corpus first)."""
    root = ET.parse(reports / "junit.xml").getroot()
    got = [
        (suite.get("name"), case.get("classname"), case.get("name"))
        for suite in root
        for case in suite.iter("testcase")
    ]
    checks = json.loads((reports / "audit.json").read_text(encoding="utf-8"))["checks"]
    passed = {c["id"]: c["passed"] for c in checks if c["passed"]}
    expected = []
    for check in sorted(passed.keys() | {r["check"] for r in results}):
        if check in passed:
            expected.append((check, check, f"{check}: {passed[check]:,} passed"))
        files = sorted((r["file"] for r in results if r["check"] == check), key=lambda f: (f is not None, f or ""))
        expected += [(check, check, file or CORPUS_ROW) for file in files]
    assert got == expected


def test_html_findings_are_ordered_by_status_then_file_then_check(reports: Path, results: list[dict[str, Any]]) -> None:
    """audit.html's findings table: failures, then warnings, then waived, each by file then check."""
    page = (reports / "audit.html").read_text(encoding="utf-8")
    section = re.search(r'<section id="problems">.*?</section>', page, re.DOTALL)
    assert section is not None
    rows = re.findall(
        r'<tr class="(\w+)"><td>.*?</td><td><code>(.*?)</code></td><td dir="auto"><code>(.*?)</code></td>',
        section.group(0),
    )
    got = [(status, html.unescape(check), html.unescape(file)) for status, check, file in rows]

    def status(result: dict[str, Any]) -> str:
        if result["status"] == "failed":
            return "failed" if result["severity"] == "error" else "warning"
        return str(result["status"])

    rank = {"failed": 0, "warning": 1, "waived": 2}
    notable = [r for r in results if r["status"] != "passed"]
    notable.sort(key=lambda r: (rank[status(r)], *_by_file_then_check(r)))
    assert got == [(status(r), r["check"], r["file"] if r["file"] is not None else "—") for r in notable]


def _most_serious_first(results: list[dict[str, Any]], articles: set[str]) -> list[str]:
    """The README's order of articles with findings, computed here: any failed error first, then any
    failed warning, then waived only; then the most findings; then the file name."""
    worst: dict[str, int] = {}
    count: dict[str, int] = {}
    for result in results:
        file = result["file"]
        if result["status"] == "passed" or file not in articles:
            continue
        rank = 2 if result["status"] == "waived" else (0 if result["severity"] == "error" else 1)
        worst[file] = min(worst.get(file, 3), rank)
        count[file] = count.get(file, 0) + 1
    return sorted(worst, key=lambda file: (worst[file], -count[file], file))


def test_html_articles_are_ordered_most_serious_first(reports: Path, results: list[dict[str, Any]]) -> None:
    """audit.html's articles with findings: failed errors, then warnings, then waived, most findings first."""
    page = (reports / "audit.html").read_text(encoding="utf-8")
    section = re.search(r'<section id="articles">.*?</section>', page, re.DOTALL)
    assert section is not None
    got = [
        html.unescape(f)
        for f in re.findall(r'<details class="article"><summary dir="auto"><code>(.*?)</code>', section[0])
    ]
    document = json.loads((reports / "audit.json").read_text(encoding="utf-8"))
    expected = _most_serious_first(results, {a["file"] for a in document["articles"]})
    assert got == expected
    assert got[0] == "short-title.txt"  # three failed errors: title, bytes and sha256


def test_validate_keeps_the_lines_of_the_most_serious_articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the cap, the articles whose lines the report carries are the most serious ones, not the
    first by name, and audit.html says how many it shows of how many."""
    monkeypatch.setattr("provenance.audit.validate.DETAIL_LIMIT", 3)
    corpus = _disordered_corpus(tmp_path)
    assert main(["validate", str(corpus), "--engine", "pandera", "--report-dir", str(tmp_path / "r")]) == 1
    document = json.loads((tmp_path / "r" / "audit.json").read_text(encoding="utf-8"))
    order = _most_serious_first(document["results"], {a["file"] for a in document["articles"]})
    assert [a["file"] for a in document["articles"] if "lines" in a] == sorted(order[:3])
    assert len(order) > 3
    page = (tmp_path / "r" / "audit.html").read_text(encoding="utf-8")
    assert (
        f"Showing 3 of {len(order)} articles with findings; the rest are in audit.json (<code>results</code>)." in page
    )
