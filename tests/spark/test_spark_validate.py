"""validate --backend spark writes the local backend's reports, byte for byte outside the run block."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from provenance._cli import main
from tests.golden import scrub
from tests.spark.test_spark_corpus import CORPORA, REPO, _name

REPORTS = ("audit.json", "audit.md", "junit.xml", "audit.html")
#: GX on Spark runs several jobs per expectation (about a second each): both engines on two corpora,
#: pandera alone on every one.
BOTH_ENGINES = [REPO / "tests" / "resources" / "invariants", REPO / "tests" / "resources" / "parse-bad"]
NOW = ["--fail-on", "error", "--no-gx-docs", "--jobs", "1"]


def _validate(corpus: Path, out: Path, *, engine: str, backend: list[str]) -> int:
    return main(["validate", str(corpus), "--report-dir", str(out), "--engine", engine, "--no-cache", *NOW, *backend])


@pytest.mark.parametrize(
    ("corpus", "engine"),
    [(c, "pandera") for c in CORPORA] + [(c, "both") for c in BOTH_ENGINES],
    ids=lambda v: _name(v) if isinstance(v, Path) else v,
)
def test_spark_reports_equal_the_local_reports(spark: Any, tmp_path: Path, corpus: Path, engine: str) -> None:
    """Same exit code, and audit.json, audit.md, junit.xml and audit.html equal byte for byte once
    the run's own metadata is masked; the run block says which backend and master ran."""
    copy = tmp_path / "c"
    shutil.copytree(corpus, copy, symlinks=True)
    local = _validate(copy, tmp_path / "local", engine=engine, backend=[])
    remote = _validate(copy, tmp_path / "spark", engine=engine, backend=["--backend", "spark", "--master", "local[2]"])
    assert remote == local
    for name in REPORTS:
        want = scrub(f"reports/{name}", (tmp_path / "local" / name).read_bytes())
        got = scrub(f"reports/{name}", (tmp_path / "spark" / name).read_bytes())
        assert got == want, name
    run = json.loads((tmp_path / "spark" / "audit.json").read_text(encoding="utf-8"))["run"]
    assert (run["backend"], run["master"]) == ("spark", "local[2]")
    assert json.loads((tmp_path / "local" / "audit.json").read_text(encoding="utf-8"))["run"]["backend"] == "local"
