"""The public API in `provenance/__init__.py`: every name resolves, functions take str paths, stay light."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import provenance
from tests.conftest import REPO


def test_every_public_name_resolves() -> None:
    """Each name in __all__ is an attribute of the package (lazy ones load on first use)."""
    for name in provenance.__all__:
        assert getattr(provenance, name) is not None, name


def test_unknown_attribute_is_an_attribute_error() -> None:
    """A name that is not public raises AttributeError, as a module should."""
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = provenance.no_such_name  # type: ignore[attr-defined]


def test_commands_as_library_calls_with_str_paths(corpus: Callable[[str], Path], tmp_path: Path) -> None:
    """verify, index, parse, validate and report work on str paths and return their result types."""
    root = str(corpus("parse-layouts"))
    fixity = provenance.verify(root)
    assert isinstance(fixity, provenance.FixityReport) and fixity.ok and fixity.pin.files == 5
    indexed = provenance.index(root, check=True)
    assert isinstance(indexed, provenance.Indexed) and indexed.update.up_to_date and not indexed.wrote
    parsed = provenance.parse(root, out=str(tmp_path / "tables"), fmt="csv")
    assert sorted(p.name for p in parsed.tables.values()) == ["articles.csv", "paragraphs.csv"]
    tables = provenance.parse_corpus(root)
    assert len(tables.articles) == 5 and set(tables.paragraphs["file"]) == set(tables.articles["file"])
    validated = provenance.validate(root, report_dir=str(tmp_path / "r"), engines=["pandera"])
    assert isinstance(validated.audit, provenance.Audit) and validated.published is not None
    assert validated.published.report == tmp_path / "r" / "audit.json"
    assert validated.summary["passed"] > 0
    path, ok = provenance.report(str(validated.published.report), fmt="md", out=str(tmp_path / "again.md"))
    assert path.read_text(encoding="utf-8") == (tmp_path / "r" / "audit.md").read_text(encoding="utf-8")
    assert ok == validated.audit.ok


def test_validate_lists_every_result_on_request(tmp_path: Path) -> None:
    """validate(results="all") lists the passed results in audit.json too; the summary is the same."""
    import json

    compact = provenance.validate(str(REPO / "seeds"), report_dir=str(tmp_path / "f"), engines=["pandera"])
    every = provenance.validate(str(REPO / "seeds"), report_dir=str(tmp_path / "a"), engines=["pandera"], results="all")
    assert compact.published is not None and every.published is not None
    documents = [json.loads(v.published.report.read_text(encoding="utf-8")) for v in (compact, every)]
    assert [d["results_listed"] for d in documents] == ["failed", "all"]
    assert [len(d["results"]) for d in documents] == [3, 3 + every.summary["passed"]]
    assert compact.summary == every.summary == documents[0]["summary"] == documents[1]["summary"]
    with pytest.raises(provenance.UsageError, match="results must be 'failed' or 'all'"):
        provenance.validate(str(REPO / "seeds"), results="passed")  # type: ignore[arg-type]


@pytest.mark.parametrize("engines", [["pandas"], ["pandera", "GX"], ["great_expectations"]])
def test_an_unknown_engine_is_a_usage_error_not_a_run_of_nothing(engines: list[str], tmp_path: Path) -> None:
    """A misspelt engine was dropped, so a run could check nothing and pass; it is refused, named."""
    with pytest.raises(provenance.UsageError, match=f"unknown engine {next(e for e in engines if e != 'pandera')!r}"):
        provenance.validate(str(REPO / "seeds"), report_dir=str(tmp_path / "r"), engines=engines)
    assert not (tmp_path / "r").exists()


def test_not_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    """A corpus path that is not a folder raises UsageError (exit 2 at the CLI), naming it."""
    with pytest.raises(provenance.UsageError, match="not a directory"):
        provenance.verify(str(tmp_path / "nope"))


def test_import_provenance_loads_no_heavy_library() -> None:
    """`import provenance` and `provenance.verify` import no pandas, pyarrow, pandera or GX."""
    code = (
        "import sys, provenance; provenance.verify('seeds');"
        "print(sorted(m for m in ('pandas', 'pyarrow', 'pandera', 'great_expectations') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
