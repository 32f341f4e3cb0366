"""WAIVERS.md: waived failures are `waived`, never `passed`; stale, expired and unused waivers are findings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from provenance._cli import main
from provenance.audit.validate import validate_corpus
from provenance.audit.waivers import parse_waivers
from provenance.errors import ManifestError

SHA = "23d0a303badedb3964ffc29899a7c82227eaba79c817ea2fc80e2638f26fbe64"
HEADER = "| file | check | sha256 | expires | reason |\n|---|---|---|---|---|\n"
DELIMITER = "the header must be followed by a delimiter row such as |---|---|"
ROW = f"| `000_351c3a7ca37fd0ed.txt` | article.no_duplicate_paragraphs | {SHA} | 2027-11-30 | repeated on the page |\n"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("no table\n", None, "expected exactly one table with columns file, check, sha256, expires, reason"),
        ("| file | check |\n|---|---|\n", 1, "lacks the column 'sha256'"),
        (
            HEADER + ROW.replace("no_duplicate_paragraphs", "no_such_check"),
            3,
            "unknown check id 'article.no_such_check'",
        ),
        (HEADER + ROW.replace(SHA, "abc"), 3, "bad sha256 'abc'"),
        (HEADER + ROW.replace("2027-11-30", "next year"), 3, "bad expiry 'next year'"),
        (HEADER + ROW.replace("repeated on the page", " "), 3, "needs a reason"),
        (HEADER + ROW.replace("`000_351c3a7ca37fd0ed.txt`", "../x.txt"), 3, "'..' component"),
        (HEADER + ROW + ROW, 4, "a second waiver"),
        (HEADER + "| a | b |\n", 3, "row has 2 cells"),
        (HEADER + ROW + "\nprose\n\n" + HEADER, 7, "exactly one table"),  # names the second table
        (HEADER.split("\n", maxsplit=1)[0] + "\n" + ROW, 2, "followed by a delimiter row"),
    ],
)
def test_malformed_waivers_name_the_line(text: str, line: int | None, fragment: str) -> None:
    """Each malformation raises ManifestError with WAIVERS.md's line number."""
    with pytest.raises(ManifestError) as caught:
        parse_waivers(text, path="WAIVERS.md")
    assert caught.value.line == line
    assert caught.value.lines()[0].startswith(f"WAIVERS.md:{line}: " if line else "WAIVERS.md: ")
    assert fragment in caught.value.lines()[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HEADER, []),  # a table with no rows: no waivers
        (HEADER.split("\n", maxsplit=1)[0], ["WAIVERS.md:2: " + DELIMITER]),  # the header alone, no newline
        (HEADER + ROW.replace("repeated on the page", " "), ["WAIVERS.md:3: a waiver needs a reason"]),
    ],
)
def test_table_edges(text: str, expected: list[str]) -> None:
    """An empty table holds no waivers; a header alone, or a row without a reason, is refused in so many words."""
    if not expected:
        assert parse_waivers(text, path="WAIVERS.md") == []
        return
    with pytest.raises(ManifestError) as caught:
        parse_waivers(text, path="WAIVERS.md")
    assert caught.value.lines() == expected


def test_every_problem_is_reported_at_once() -> None:
    """Problems on several rows are all reported, each with its line, the later ones as well."""
    text = HEADER + "| a | b |\n" + ROW.replace(SHA, "abc") + ROW + ROW + ROW
    with pytest.raises(ManifestError) as caught:
        parse_waivers(text, path="WAIVERS.md")
    assert [(p.line, p.message.split(" (")[0].split(":")[0]) for p in caught.value.problems] == [
        (3, "row has 2 cells, the header has 5"),
        (4, "bad sha256 'abc'"),
        (6, "a second waiver for article.no_duplicate_paragraphs on 000_351c3a7ca37fd0ed.txt"),
        (7, "a second waiver for article.no_duplicate_paragraphs on 000_351c3a7ca37fd0ed.txt"),
    ]
    assert [p.message.endswith("(first on line 5)") for p in caught.value.problems[2:]] == [True, True]


def test_a_waiver_row_is_read_field_by_field() -> None:
    """A good row gives its file, check, digest (lowercased), expiry date, reason and line; CRLF reads alike."""
    from datetime import date

    from provenance.audit.waivers import Waiver

    text = "# Waivers\n\n" + HEADER + ROW.replace(SHA, SHA.upper()).replace("the page |", "the page  |")
    expected = [
        Waiver(
            "000_351c3a7ca37fd0ed.txt",
            "article.no_duplicate_paragraphs",
            SHA,
            date(2027, 11, 30),
            "repeated on the page",
            5,
        )
    ]
    assert parse_waivers(text) == expected
    assert parse_waivers(text.replace("\n", "\r\n")) == expected


def test_malformed_waivers_exit_2(
    corpus: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate stops with exit 2 and `WAIVERS.md:line:` before doing any work."""
    root = _seeds(corpus, tmp_path)
    (root / "WAIVERS.md").write_text(HEADER + ROW.replace(SHA, "abc"), encoding="utf-8")
    assert main(["validate", str(root), "--report-dir", str(tmp_path / "r"), "--engine", "pandera"]) == 2
    assert f"{root / 'WAIVERS.md'}:3: bad sha256 'abc'" in capsys.readouterr().err
    assert not (tmp_path / "r" / "audit.json").exists()


def _seeds(corpus: Callable[[str], Path], tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "seeds"
    shutil.copytree(Path(__file__).parent.parent / "seeds", root)
    return root


def _statuses(root: Path, now: datetime) -> dict[tuple[str | None, str], str]:
    audit = validate_corpus(root, engines=("pandera",), now=now)
    return {(r.file, r.check): r.status for r in audit.results}


NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_waived_failure_is_waived_not_passed(corpus: Callable[[str], Path], tmp_path: Path) -> None:
    """A waived failure shows as waived with its reason, and does not fail the run."""
    root = _seeds(corpus, tmp_path)
    audit = validate_corpus(root, engines=("pandera",), now=NOW)
    result = next(
        r
        for r in audit.results
        if r.check == "article.no_duplicate_paragraphs" and r.file == "000_351c3a7ca37fd0ed.txt"
    )
    assert result.status == "waived"
    assert "repeats its last four paragraphs" in result.details["waiver"]["reason"]
    assert audit.ok


def test_removing_the_waiver_fails_the_run(corpus: Callable[[str], Path], tmp_path: Path) -> None:
    """Without its waiver, seed 000's repeated paragraphs fail the gate (exit 1)."""
    root = _seeds(corpus, tmp_path)
    (root / "WAIVERS.md").unlink()
    assert main(["validate", str(root), "--report-dir", str(tmp_path / "r"), "--engine", "pandera"]) == 1


def test_expired_waiver(corpus: Callable[[str], Path], tmp_path: Path) -> None:
    """After its expiry date a waiver is waiver.expired and the failure it covered fails again."""
    root = _seeds(corpus, tmp_path)
    statuses = _statuses(root, datetime(2027, 12, 1, tzinfo=UTC))
    assert statuses["000_351c3a7ca37fd0ed.txt", "waiver.expired"] == "failed"
    assert statuses["000_351c3a7ca37fd0ed.txt", "article.no_duplicate_paragraphs"] == "failed"


def test_stale_waiver(corpus: Callable[[str], Path], tmp_path: Path) -> None:
    """A waiver granted for other bytes is waiver.stale, even when INDEX.md was updated too."""
    root = _seeds(corpus, tmp_path)
    with (root / "000_351c3a7ca37fd0ed.txt").open("ab") as handle:
        handle.write("\nفقرة جديدة.".encode())
    assert main(["index", str(root)]) == 0
    statuses = _statuses(root, NOW)
    assert statuses["000_351c3a7ca37fd0ed.txt", "waiver.stale"] == "failed"
    assert statuses["000_351c3a7ca37fd0ed.txt", "article.no_duplicate_paragraphs"] == "failed"


def test_unused_waiver(corpus: Callable[[str], Path], tmp_path: Path) -> None:
    """A waiver that matches no failure is waiver.unused (a warning)."""
    root = _seeds(corpus, tmp_path)
    extra = f"| `000_351c3a7ca37fd0ed.txt` | article.title | {SHA} | 2027-11-30 | not needed |\n"
    (root / "WAIVERS.md").write_text((root / "WAIVERS.md").read_text(encoding="utf-8") + extra, encoding="utf-8")
    audit = validate_corpus(root, engines=("pandera",), now=NOW)
    unused = [r for r in audit.results if r.check == "waiver.unused"]
    assert [(r.file, r.status, r.severity, r.details["waived_check"]) for r in unused] == [
        ("000_351c3a7ca37fd0ed.txt", "failed", "warning", "article.title")
    ]
    assert audit.ok  # a warning


def test_waiver_for_a_missing_file_is_in_every_report(
    corpus: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A waiver naming no file fails as waiver.stale in audit.json, its counts and every rendering."""
    import json
    import xml.etree.ElementTree as ET

    root = _seeds(corpus, tmp_path)
    extra = f"| `nope.txt` | article.title | {SHA} | 2027-11-30 | no such file |\n"
    (root / "WAIVERS.md").write_text((root / "WAIVERS.md").read_text(encoding="utf-8") + extra, encoding="utf-8")
    reports = tmp_path / "r"
    assert main(["validate", str(root), "--report-dir", str(reports), "--engine", "pandera"]) == 1
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  FAILED")]
    document = json.loads((reports / "audit.json").read_text(encoding="utf-8"))
    stale = [r for r in document["results"] if r["file"] == "nope.txt"]
    assert [(r["check"], r["status"]) for r in stale] == [("waiver.stale", "failed")]
    failed = [r for r in document["results"] if r["status"] == "failed" and r["severity"] == "error"]
    assert document["summary"]["failed"] == len(failed) == len(printed) == 1
    assert "| `nope.txt` | `waiver.stale` |" in (reports / "audit.md").read_text(encoding="utf-8")
    cases = ET.parse(reports / "junit.xml").getroot().iter("testcase")
    assert [c.get("classname") for c in cases if c.get("name") == "nope.txt"] == ["waiver.stale"]
    assert "nope.txt" in (reports / "audit.html").read_text(encoding="utf-8")
    assert ("nope.txt", "waiver.stale") in _statuses(root, NOW)


@pytest.mark.parametrize(
    ("now", "expired"),
    [
        (datetime(2027, 11, 29, 12, tzinfo=UTC), False),  # the day before
        (datetime(2027, 11, 30, 0, 0, tzinfo=UTC), False),  # on the date, at its first second
        (datetime(2027, 11, 30, 23, 59, 59, tzinfo=UTC), False),  # on the date, at its last second
        (datetime(2027, 12, 1, 0, 0, tzinfo=UTC), True),  # the day after, from its first second
        (datetime(2027, 12, 1, 12, tzinfo=UTC), True),
    ],
)
def test_a_waiver_holds_through_its_expiry_date(
    corpus: Callable[[str], Path], tmp_path: Path, now: datetime, expired: bool
) -> None:
    """The seeds' waivers (expires 2027-11-30) hold until the end of that day (UTC) and expire the day after."""
    root = _seeds(corpus, tmp_path)
    audit = validate_corpus(root, engines=("pandera",), now=now)
    statuses = {(r.file, r.check): r.status for r in audit.results}
    covered = [
        ("000_351c3a7ca37fd0ed.txt", "article.no_duplicate_paragraphs"),
        ("000_351c3a7ca37fd0ed.txt", "article.layout"),
        ("001_da717efd77834096.txt", "article.boilerplate"),
    ]
    assert [statuses[key] for key in covered] == ["failed" if expired else "waived"] * 3
    findings = sorted((r.file, r.details["waived_check"]) for r in audit.results if r.check == "waiver.expired")
    assert findings == (sorted((f, c) for f, c in covered) if expired else [])
    assert audit.ok is not expired


def _cli_report(root: Path, tmp_path: Path, *argv: str) -> tuple[int, dict[str, object]]:
    """validate's exit code on the command line (pandera only) and the audit.json it wrote."""
    import json

    out = tmp_path / "reports"
    code = main(["validate", str(root), "--report-dir", str(out), "--engine", "pandera", *argv])
    return code, json.loads((out / "audit.json").read_text(encoding="utf-8"))


def _write_waivers(root: Path, *rows: str) -> None:
    (root / "WAIVERS.md").write_text(HEADER + "".join(rows), encoding="utf-8")


def _findings(report: dict[str, object], check: str) -> list[tuple[object, ...]]:
    results = report["results"]
    assert isinstance(results, list)
    return [
        (r["file"], r["status"], r["severity"], r["details"]["waived_check"]) for r in results if r["check"] == check
    ]


def test_a_waiver_past_its_date_fails_the_command(corpus: Callable[[str], Path], tmp_path: Path) -> None:
    """On the command line, a waiver that expired in 2020 is waiver.expired (an error) and exit 1."""
    root = _seeds(corpus, tmp_path)
    _write_waivers(root, ROW.replace("2027-11-30", "2020-01-31"))
    code, report = _cli_report(root, tmp_path)
    assert code == 1
    assert _findings(report, "waiver.expired") == [
        ("000_351c3a7ca37fd0ed.txt", "failed", "error", "article.no_duplicate_paragraphs")
    ]
    expired = next(r for r in report["results"] if r["check"] == "waiver.expired")  # type: ignore[attr-defined]
    assert "expired on 2020-01-31" in expired["message"]


def test_a_waiver_for_other_bytes_fails_the_command(corpus: Callable[[str], Path], tmp_path: Path) -> None:
    """On the command line, a waiver whose sha256 is not the file's is waiver.stale and the failure fails."""
    root = _seeds(corpus, tmp_path)
    other = "807ac301b462bdbb74416c0c151382b9549ce7187ae68fdb9684c7a652641542"  # seed 001's digest
    _write_waivers(root, ROW.replace(SHA, other))
    code, report = _cli_report(root, tmp_path)
    assert code == 1
    assert _findings(report, "waiver.stale") == [
        ("000_351c3a7ca37fd0ed.txt", "failed", "error", "article.no_duplicate_paragraphs")
    ]
    statuses = {(r["file"], r["check"]): r["status"] for r in report["results"]}  # type: ignore[attr-defined]
    assert statuses["000_351c3a7ca37fd0ed.txt", "article.no_duplicate_paragraphs"] == "failed"


def test_an_unused_waiver_is_a_warning_on_the_command_line(corpus: Callable[[str], Path], tmp_path: Path) -> None:
    """An unused waiver is a waiver.unused warning: exit 0 by default, exit 1 with --fail-on warning."""
    root = _seeds(corpus, tmp_path)
    extra = f"| `000_351c3a7ca37fd0ed.txt` | article.title | {SHA} | 2027-11-30 | not needed |\n"
    text = (root / "WAIVERS.md").read_text(encoding="utf-8") + extra
    (root / "WAIVERS.md").write_text(text.replace("2027-11-30", "2099-12-31"), encoding="utf-8")  # the run is today
    code, report = _cli_report(root, tmp_path)
    assert code == 0
    assert _findings(report, "waiver.unused") == [("000_351c3a7ca37fd0ed.txt", "failed", "warning", "article.title")]
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert {k: summary[k] for k in ("failed", "waived", "warnings")} == {"failed": 0, "waived": 3, "warnings": 1}
    code, _ = _cli_report(root, tmp_path, "--fail-on", "warning")
    assert code == 1


OTHER_SHA = "807ac301b462bdbb74416c0c151382b9549ce7187ae68fdb9684c7a652641542"  # seed 001's digest


@pytest.mark.parametrize(
    ("row", "check", "message"),
    [
        (
            ROW.replace(SHA, OTHER_SHA),
            "waiver.stale",
            f"waiver for article.no_duplicate_paragraphs was granted for sha256 {OTHER_SHA[:12]}…, "
            f"the file is now {SHA[:12]}…",
        ),
        (
            ROW.replace("000_351c3a7ca37fd0ed.txt", "gone.txt"),
            "waiver.stale",
            f"waiver for article.no_duplicate_paragraphs was granted for sha256 {SHA[:12]}…, "
            "the file is now no such file",
        ),
        (
            ROW.replace("2027-11-30", "2026-11-22"),
            "waiver.expired",
            "waiver for article.no_duplicate_paragraphs expired on 2026-11-22",
        ),
        (
            ROW.replace("article.no_duplicate_paragraphs", "article.title"),
            "waiver.unused",
            "waiver for article.title matches no failure: remove it",
        ),
    ],
    ids=["stale", "stale-missing-file", "expired", "unused"],
)
def test_waiver_findings_name_the_waiver_and_its_line(
    corpus: Callable[[str], Path], tmp_path: Path, row: str, check: str, message: str
) -> None:
    """Each waiver finding says why in its message and names the waived check and WAIVERS.md's line."""
    root = _seeds(corpus, tmp_path)
    _write_waivers(root, row)  # the row is on line 3
    audit = validate_corpus(root, engines=("pandera",), now=NOW)
    (finding,) = [r for r in audit.results if r.check.startswith("waiver.")]
    waived_check = row.split(" | ")[1]
    assert (finding.check, finding.status, finding.message) == (check, "failed", message)
    assert (finding.details, finding.engines) == ({"waived_check": waived_check, "waiver_line": 3}, {})


def test_a_waiver_for_a_file_not_in_the_corpus_is_in_every_report(
    corpus: Callable[[str], Path], tmp_path: Path
) -> None:
    """A waiver naming no corpus file fails the run as waiver.stale, and audit.json, audit.md and junit.xml say so."""
    import json

    root = _seeds(corpus, tmp_path)
    waivers = (root / "WAIVERS.md").read_text(encoding="utf-8").replace("2027-11-30", "2099-12-31")
    extra = f"| `gone.txt` | article.title | {SHA} | 2099-12-31 | the file was removed |\n"
    (root / "WAIVERS.md").write_text(waivers + extra, encoding="utf-8")
    out = tmp_path / "reports"
    assert main(["validate", str(root), "--report-dir", str(out), "--engine", "pandera"]) == 1
    report = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert report["ok"] is False
    stale = [(r["file"], r["status"]) for r in report["results"] if r["check"] == "waiver.stale"]
    assert stale == [("gone.txt", "failed")]
    assert report["summary"]["failed"] == 1
    assert "| `gone.txt` | `waiver.stale` |" in (out / "audit.md").read_text(encoding="utf-8")
    assert 'classname="waiver.stale" name="gone.txt"' in (out / "junit.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "reader", "message"),
    [
        ("WAIVERS.md", "provenance.audit.waivers:read_waivers", "not valid UTF-8"),
        ("corpus-audit.toml", "provenance.audit.policy:read_policy", "not valid UTF-8 (a TOML file is UTF-8)"),
    ],
)
def test_a_metadata_file_not_in_utf8_names_its_line(tmp_path: Path, name: str, reader: str, message: str) -> None:
    """In process (the CLI's exit 2 is tested apart): the error names the file and the line of the bad byte."""
    import importlib

    from provenance.errors import ManifestError

    module, _, function = reader.partition(":")
    (tmp_path / name).write_bytes(b"# first line\n# second\n\xff\xfe bad\n")
    with pytest.raises(ManifestError) as caught:
        getattr(importlib.import_module(module), function)(tmp_path)
    assert caught.value.path == str(tmp_path / name)
    assert [(p.line, p.message) for p in caught.value.problems] == [(3, message)]


def test_summary_counts_every_result_of_a_kind() -> None:
    """Counts add up: two failures, three warnings, two waived, one passed (not merely set to one)."""
    from provenance.audit.results import no_counts, tally

    counts = no_counts()
    for status, severity in [("failed", "error")] * 2 + [("failed", "warning")] * 3 + [("waived", "error")] * 2:
        tally(counts, status=status, severity=severity)
    tally(counts, status="passed", severity="error")
    assert counts == {"passed": 1, "failed": 2, "waived": 2, "warnings": 3}
