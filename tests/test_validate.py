"""`corpus-audit validate`: each check fails exactly where it should, with either engine or both."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pytest

from provenance._cli import main
from provenance.audit.validate import validate_corpus

REPO = Path(__file__).parent.parent
RESOURCES = REPO / "tests" / "resources"
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)

# Every file of tests/resources/invariants and the one check it breaks (make_invariants.py).
EXPECTED = {
    ("after-retrieved.txt", "article.published_valid"),
    ("bad-utf8.txt", "text.utf8"),
    ("before-outlet.txt", "article.published_valid"),
    ("boilerplate.txt", "article.boilerplate"),
    ("duplicate-a.txt", "corpus.no_duplicate_articles"),
    ("duplicate-b.txt", "corpus.no_duplicate_articles"),
    ("future-date.txt", "article.published_valid"),
    ("impossible-date.txt", "article.published_valid"),
    ("index-mismatch.txt", "article.outlet_matches_index"),
    ("latin-body.txt", "article.language"),
    ("no-source.txt", "article.source_line"),
    ("nul-byte.txt", "text.utf8"),
    ("repeated-paragraph.txt", "article.no_duplicate_paragraphs"),
    ("short-body.txt", "article.body_length"),
    ("short-title.txt", "article.title"),
    ("stray-slash.txt", "article.layout"),
    ("unknown-outlet.txt", "article.outlet_known"),
    ("updated-before.txt", "article.updated_after_published"),
}


@pytest.fixture(scope="module")
def invariant_audits() -> dict[str, object]:
    """One validation of the invariants corpus per engine choice (GX is slow to start: share them)."""
    corpus = RESOURCES / "invariants"
    return {
        name: validate_corpus(corpus, engines=engines, now=NOW)
        for name, engines in (("pandera", ("pandera",)), ("gx", ("gx",)), ("both", ("pandera", "gx")))
    }


@pytest.mark.parametrize("engine", ["pandera", "gx", "both"])
def test_each_check_fails_exactly_where_broken(invariant_audits: dict[str, object], engine: str) -> None:
    """Each broken file fails only its check; clean.txt and every other (check, file) pass."""
    audit = invariant_audits[engine]
    failed = {(r.file, r.check) for r in audit.results if r.status == "failed"}  # type: ignore[attr-defined]
    assert failed == EXPECTED
    checks = {r.check for r in audit.results}  # type: ignore[attr-defined]
    for check in {c for _, c in EXPECTED}:
        assert check in checks
    clean = [r for r in audit.results if r.file == "clean.txt"]  # type: ignore[attr-defined]
    assert clean and all(r.status == "passed" for r in clean)


def test_engines_agree_on_every_result(invariant_audits: dict[str, object]) -> None:
    """pandera and GX give the same verdict on every (check, file); the report shows both."""
    for result in invariant_audits["both"].results:  # type: ignore[attr-defined]
        verdicts = {v for k, v in result.engines.items() if not v.startswith("unsupported")}
        assert len(verdicts) <= 1, result


def test_messages_say_what_was_found_and_engines_keep_the_rule(invariant_audits: dict[str, object]) -> None:
    """A failure says what the file showed in a steward's words; the rule and each engine's verdict are in
    details.engines, beside the values the check read."""
    by_key = {(r.file, r.check): r for r in invariant_audits["both"].results}  # type: ignore[attr-defined]
    future = by_key["future-date.txt", "article.published_valid"]
    assert future.message.startswith("Publication date 2099-01-17 («18:53 GMT 17.01.2099») is after this run")
    assert future.details["published_when"] == "2099-01-17T18:53:00+00:00"
    assert future.details["engines"] == {
        "rule": "run_at >= published_when where both are present",
        "pandera": "failed",
        "gx": "failed",
    }
    assert future.engines == {"pandera": "failed", "gx": "failed"}
    repeated = by_key["repeated-paragraph.txt", "article.no_duplicate_paragraphs"]
    assert repeated.details["repeated_lines"] == [7]
    assert repeated.message.startswith("Line 7 repeats line 5 ")


def test_seeds_verdict() -> None:
    """The seeds pass, with seed 000's repeated paragraphs and layout and 001's boilerplate waived."""
    audit = validate_corpus(REPO / "seeds", now=NOW)
    assert audit.ok
    waived = {(r.file, r.check) for r in audit.results if r.status == "waived"}
    assert waived == {
        ("000_351c3a7ca37fd0ed.txt", "article.no_duplicate_paragraphs"),
        ("000_351c3a7ca37fd0ed.txt", "article.layout"),
        ("001_da717efd77834096.txt", "article.boilerplate"),
    }
    assert {r.status for r in audit.results} == {"passed", "waived"}
    assert audit.report()["summary"] == {
        "passed": len(list(audit.results)) - 3,
        "failed": 0,
        "waived": 3,
        "warnings": 0,
    }


def test_report_is_deterministic_apart_from_run(tmp_path: Path) -> None:
    """Two runs write the same audit.json bytes except for the run block, listing all results or not."""
    from tests.golden import scrub

    for listed in ("failed", "all"):
        documents = []
        for name in ("a", "b"):
            folder = tmp_path / f"{listed}-{name}"
            argv = ["validate", str(REPO / "seeds"), "--report-dir", str(folder), "--engine", "pandera"]
            assert main([*argv, "--results", listed]) == 0
            data = (folder / "audit.json").read_bytes()
            document = json.loads(data)
            keys = {"schema_version", "ok", "corpus", "policy", "breakdown", "summary", "results_listed"}
            keys |= {"files_checked", "checks"}
            assert set(document) == keys | {"results", "articles", "run"}
            assert document["policy"] is None  # the seeds have no corpus-audit.toml
            assert (document["schema_version"], document["results_listed"]) == (2, listed)
            documents.append(scrub("reports/audit.json", data))
            assert b'"run"' not in documents[-1]
        assert documents[0] == documents[1]


def test_report_lists_the_facts_of_flagged_articles_and_counts_every_one(tmp_path: Path) -> None:
    """audit.json carries the facts of the articles with findings (every article's with --results
    all), and its breakdown counts every parsed article by outlet, agency, language and month,
    the same either way: audit.html's charts cover the corpus, not only the flagged files."""
    from collections import Counter

    from provenance.parsing.corpus import parse_corpus

    corpus = RESOURCES / "invariants"
    parsed = parse_corpus(corpus).articles
    files = set(parsed["file"].astype(str))
    breakdowns = []
    for listed in ("failed", "all"):
        out = tmp_path / listed
        argv = ["validate", str(corpus), "--report-dir", str(out), "--engine", "pandera", "--no-gx-docs"]
        assert main([*argv, "--results", listed]) == 1
        document = json.loads((out / "audit.json").read_text(encoding="utf-8"))
        flagged = {r["file"] for r in document["results"] if r["status"] != "passed"} & files
        assert 0 < len(flagged) < len(files)  # some articles are clean: the listing tells them apart
        expected = flagged if listed == "failed" else files
        assert sorted(a["file"] for a in document["articles"]) == sorted(expected)
        breakdown = document["breakdown"]
        assert set(breakdown) == {"outlet", "agency", "language", "month"}
        for entries in breakdown.values():
            assert sum(e["articles"] for e in entries) == len(files)
            assert [e["articles"] for e in entries] == sorted((e["articles"] for e in entries), reverse=True)
        outlets = Counter(None if pd_na(o) else o for o in parsed["outlet"])
        assert {e["value"]: e["articles"] for e in breakdown["outlet"]} == outlets
        breakdowns.append(breakdown)
    assert breakdowns[0] == breakdowns[1]


def pd_na(value: Any) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


@pytest.mark.parametrize(
    ("corpus_name", "argv", "code"),
    [
        ("seeds", [], 0),
        ("invariants", [], 1),
        ("parse-bad", [], 1),
        ("invariants", ["--fail-on", "warning"], 1),
    ],
)
def test_exit_codes(tmp_path: Path, corpus_name: str, argv: list[str], code: int) -> None:
    """0 when every error passes or is waived, 1 on findings; --fail-on warning counts warnings."""
    corpus = REPO / "seeds" if corpus_name == "seeds" else RESOURCES / corpus_name
    assert main(["validate", str(corpus), "--report-dir", str(tmp_path), "--engine", "pandera", *argv]) == code
    assert json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))["ok"] is (code == 0)


def test_fail_on_warning_makes_warnings_count(corpus: Callable[[str], Path], tmp_path: Path) -> None:
    """A corpus whose only failure is a warning passes by default and fails with --fail-on warning."""
    root = corpus("invariants")
    for path in root.glob("*.txt"):
        if path.name not in ("clean.txt", "boilerplate.txt"):
            path.unlink()
    assert main(["index", str(root)]) == 0
    assert main(["validate", str(root), "--report-dir", str(tmp_path), "--engine", "pandera"]) == 0
    assert (
        main(["validate", str(root), "--report-dir", str(tmp_path), "--engine", "pandera", "--fail-on", "warning"]) == 1
    )


def test_validate_corpus_counts_only_errors_by_default(corpus: Callable[[str], Path]) -> None:
    """The library's fail_on defaults to error: a lone warning leaves the audit ok; fail_on="warning" fails it."""
    root = corpus("invariants")
    for path in root.glob("*.txt"):
        if path.name not in ("clean.txt", "boilerplate.txt"):
            path.unlink()
    assert main(["index", str(root)]) == 0
    lenient = validate_corpus(root, engines=("pandera",), now=NOW)
    assert [(r.file, r.check, r.severity) for r in lenient.notable()] == [
        ("boilerplate.txt", "article.boilerplate", "warning")
    ]
    assert (lenient.ok, lenient.head["ok"], lenient.run["fail_on"]) == (True, True, "error")
    strict = validate_corpus(root, engines=("pandera",), now=NOW, fail_on="warning")
    assert (strict.ok, strict.head["ok"], strict.run["fail_on"]) == (False, False, "warning")


@pytest.mark.parametrize("content", [b"", "نص عربي\n".encode("utf-16"), bytes(range(256)) * 8])
def test_a_single_bad_file_still_gets_a_full_report(
    corpus: Callable[[str], Path], tmp_path: Path, content: bytes
) -> None:
    """A corpus of one empty, invalid-UTF-8 or binary file yields a complete report and exit 1."""
    root = corpus("fixity-clean")
    shutil.rmtree(root / "2022")
    (root / "a.txt").write_bytes(content)
    assert main(["index", str(root)]) == 0
    assert main(["validate", str(root), "--report-dir", str(tmp_path), "--engine", "pandera"]) == 1
    report = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    listed = {r["check"] for r in report["results"] if r["file"] == "a.txt"}
    counts = {c["id"]: c for c in report["checks"]}
    assert "article.title" in listed
    for check in ("fixity.sha256", "text.utf8", "article.title", "article.published_valid"):
        assert check in listed or counts[check]["passed"] == 1  # a.txt, the only file, passed it
    assert {key: sum(c[key] for c in report["checks"]) for key in report["summary"]} == report["summary"]


def test_stdout_is_clean_and_gx_is_quiet(tmp_path: Path) -> None:
    """With both engines, stdout carries only corpus-audit's own lines and stderr nothing (no TTY)."""
    result = subprocess.run(
        [sys.executable, "-m", "provenance", "validate", str(REPO / "seeds"), "--report-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert all(line.startswith(("  waived ", "validate ", "report: ", "open: ")) for line in lines), lines
    assert lines[-2:] == [f"report: {tmp_path / 'audit.json'}", f"open: {tmp_path / 'audit.html'}"]


def test_json_format_prints_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--format json prints audit.json's content, and only that, on stdout."""
    assert (
        main(
            ["validate", str(REPO / "seeds"), "--report-dir", str(tmp_path), "--engine", "pandera", "--format", "json"]
        )
        == 0
    )
    printed = json.loads(capsys.readouterr().out)
    written = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    assert printed == written


@pytest.mark.parametrize("listed", ["failed", "all"])
def test_streamed_report_equals_the_whole_report(tmp_path: Path, listed: Literal["failed", "all"]) -> None:
    """audit.json written row by row (clean files from one template, or counted) holds what Audit.report() builds."""
    from provenance.audit.audit_json import write_report

    audit = validate_corpus(RESOURCES / "invariants", engines=("pandera",), now=NOW)
    assert any(row is None for _, row in audit.results.file_rows()), "the corpus should have clean files"
    report = write_report(audit, directory=tmp_path, results=listed)
    path, summary = report.path, report.summary
    written = json.loads(path.read_text(encoding="utf-8"))
    whole = audit.report(results=listed)
    assert written["summary"] == whole["summary"] == summary
    assert written["results"] == whole["results"]
    assert {k: v for k, v in written.items() if k != "run"} == {k: v for k, v in whole.items() if k != "run"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.json"]
    every = [r.as_dict() for r in audit.results]
    assert written["results"] == (every if listed == "all" else [r for r in every if r["status"] != "passed"])
    assert written["files_checked"] == len({r["file"] for r in every if r["file"] is not None})


@pytest.mark.parametrize("corpus", ["parse-bad", "parse-layouts", "invariants"])
def test_article_facts_convert_column_by_column_as_value_by_value(corpus: str) -> None:
    """The report's article facts, converted a column at a time, equal the per-value conversion."""
    from provenance.audit.validate import _FACTS, _json_column, _json_value
    from provenance.parsing.corpus import parse_corpus

    articles = parse_corpus(RESOURCES / corpus).articles
    for name in _FACTS:
        assert _json_column(articles[name]) == [_json_value(v) for v in articles[name]], name


def test_a_file_changed_between_hashing_and_parsing_fails_sha256(
    corpus: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """validate parses the bytes fixity vetted: a file swapped after the walk fails fixity.sha256."""
    import provenance.audit.validate as validate_module

    root = corpus("fixity-clean")
    real = validate_module.verify_fixity

    def then_swap(*args: Any, **kwargs: Any) -> Any:
        report = real(*args, **kwargs)
        (root / "a.txt").write_text("نص آخر بعد التحقق\n", encoding="utf-8")  # changed after hashing
        return report

    monkeypatch.setattr(validate_module, "verify_fixity", then_swap)
    audit = validate_corpus(root, engines=("pandera",))
    failed = [r for r in audit.notable() if r.status == "failed" and r.check == "fixity.sha256"]
    assert [r.file for r in failed] == ["a.txt"]
    assert "changed while it was being audited" in failed[0].message
    assert not audit.ok


def test_fixity_findings_keep_their_message_and_details(corpus: Callable[[str], Path]) -> None:
    """A fixity failure in validate's results is corpus-audit's own: its message, its details, no engine verdict."""
    root = corpus("fixity-clean")
    added = "سطر أضيف بعد الفهرسة.\n".encode()
    with (root / "a.txt").open("ab") as handle:
        handle.write(added)
    size_now = 95 + len(added)
    audit = validate_corpus(root, engines=("pandera",), now=NOW)
    by_check = {r.check: r for r in audit.results if r.file == "a.txt" and r.check.startswith("fixity.")}
    size = by_check["fixity.bytes"]
    assert (size.status, size.message, size.engines) == ("failed", f"size {size_now} bytes, INDEX.md says 95", {})
    assert size.details == {"expected": 95, "found": size_now, "line": 8}  # a.txt's row of INDEX.md
    digest = by_check["fixity.sha256"]
    assert (digest.status, digest.message, digest.engines) == ("failed", "sha256 differs from INDEX.md", {})
    assert digest.details["expected"] == "bb5d66de3b94be8058733e7b158a28ce483332ffd0f06cba0395e9cefcd9b448"
    assert by_check["fixity.present"].as_dict()["engines"] == {}


@pytest.mark.parametrize("corpus_name", ["invariants", "seeds"])
def test_engines_side_by_side_give_the_report_one_at_a_time_gives(tmp_path: Path, corpus_name: str) -> None:
    """With two jobs GX runs in a forked child beside pandera (started before fixity to import GX,
    then sent the columns it reads): audit.json and every rendering are the bytes a one-job run
    writes (outside the run block), and the child's stage time is recorded."""
    from tests.golden import scrub

    corpus = REPO / "seeds" if corpus_name == "seeds" else RESOURCES / corpus_name
    written = {}
    for jobs in ("1", "2"):
        out = tmp_path / jobs
        main(["validate", str(corpus), "--report-dir", str(out), "--no-gx-docs", "--jobs", jobs])
        written[jobs] = {
            name: scrub(f"reports/{name}", (out / name).read_bytes())
            for name in ("audit.json", "audit.md", "junit.xml")
        }
        stages = json.loads((out / "audit.json").read_text(encoding="utf-8"))["run"]["stages"]
        assert list(stages) == ["fixity", "parse", "pandera", "gx", "gate"] and stages["gx"] > 0
    assert written["1"] == written["2"]


def test_an_engine_failing_in_its_child_fails_the_run_with_its_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GX raising in the forked child is raised in the parent: exit 3 with GX's message, no report."""
    from expectations.engines import gx_engine

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("GX could not evaluate article.title_present: planted")

    monkeypatch.setattr(gx_engine, "run", broken)
    argv = ["validate", str(REPO / "seeds"), "--report-dir", str(tmp_path / "r"), "--no-gx-docs", "--jobs", "2"]
    assert main(argv) == 3
    assert "GX could not evaluate article.title_present: planted" in capsys.readouterr().err
    assert not (tmp_path / "r" / "audit.json").exists()
