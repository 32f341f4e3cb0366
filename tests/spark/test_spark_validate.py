"""validate --backend spark writes the local backend's reports, byte for byte outside the run block."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from provenance._cli import main
from tests.golden import scrub
from tests.spark.test_spark_corpus import CORPORA, REPO, _hidden_and_empty, _name, store_uri

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
    stages = list(run["stages"])  # Spark's start is a stage of its own, first
    assert stages[:3] == ["session", "fixity", "parse"] and stages[-1] == "gate", stages
    assert run["seconds"] >= sum(run["stages"].values()) - 0.01
    assert json.loads((tmp_path / "local" / "audit.json").read_text(encoding="utf-8"))["run"]["backend"] == "local"


def test_spark_judges_stale_and_unused_waivers_as_the_local_backend(spark: Any, tmp_path: Path) -> None:
    """The waivers read the digests of the files they name (only those come back from Spark): a
    waiver for other bytes, or naming a file that is no article, is stale; one for a check the
    file passes is unused; as locally."""
    copy = tmp_path / "c"
    shutil.copytree(REPO / "seeds", copy)
    waivers = (copy / "WAIVERS.md").read_text(encoding="utf-8")
    stale = waivers.replace("23d0a303badedb3964ffc29899a7c82227eaba79c817ea2fc80e2638f26fbe64", "0" * 64, 1)
    rows = (
        f"| `no-such-file.txt` | article.layout | {'1' * 64} | 2027-11-30 | Names a file that is not there. |\n"
        "| `001_da717efd77834096.txt` | article.published_valid | "
        "807ac301b462bdbb74416c0c151382b9549ce7187ae68fdb9684c7a652641542 | 2027-11-30 | A check the file passes. |\n"
    )
    (copy / "WAIVERS.md").write_text(stale + rows, encoding="utf-8")
    local = _validate(copy, tmp_path / "local", engine="pandera", backend=[])
    remote = _validate(
        copy, tmp_path / "spark", engine="pandera", backend=["--backend", "spark", "--master", "local[2]"]
    )
    assert remote == local == 1
    report = json.loads((tmp_path / "spark" / "audit.json").read_text(encoding="utf-8"))
    checks = {(r["file"], r["check"]) for r in report["results"] if r["status"] == "failed"}
    assert ("000_351c3a7ca37fd0ed.txt", "waiver.stale") in checks, checks
    assert ("no-such-file.txt", "waiver.stale") in checks, checks
    assert ("001_da717efd77834096.txt", "waiver.unused") in checks, checks
    for name in REPORTS:
        want = scrub(f"reports/{name}", (tmp_path / "local" / name).read_bytes())
        assert scrub(f"reports/{name}", (tmp_path / "spark" / name).read_bytes()) == want, name


def test_a_corpus_on_a_store_gets_the_local_reports_with_hidden_and_empty_files(spark: Any, tmp_path: Path) -> None:
    """validate on a store's URI (Hadoop's listing, binaryFile's reads), with names Spark hides and
    empty files: the local backend's reports, the corpus named by its URI."""
    copy = tmp_path / "c"
    shutil.copytree(REPO / "tests" / "resources" / "fixity-clean", copy)
    _hidden_and_empty(copy)
    uri = store_uri(spark, copy)
    local = _validate(copy, tmp_path / "local", engine="pandera", backend=[])
    spark_run = ["--backend", "spark", "--master", "local[2]"]
    remote = main(
        [
            "validate",
            uri,
            "--report-dir",
            str(tmp_path / "spark"),
            "--engine",
            "pandera",
            "--no-cache",
            *NOW,
            *spark_run,
        ]
    )
    assert remote == local == 1
    report = json.loads((tmp_path / "spark" / "audit.json").read_text(encoding="utf-8"))
    assert report["corpus"]["path"] == uri
    failed = {(r["file"], r["check"]) for r in report["results"] if r["status"] == "failed"}
    assert ("_unlisted.txt", "fixity.listed") in failed and ("_gone.txt", "fixity.present") in failed, failed
    for name in REPORTS:  # the lines the reports show are read through Hadoop, as binaryFile read them
        want = scrub(f"reports/{name}", (tmp_path / "local" / name).read_bytes())
        got = scrub(f"reports/{name}", (tmp_path / "spark" / name).read_bytes().replace(uri.encode(), bytes(copy)))
        assert got == want, name


#: A Spark Python worker module (the daemon takes one whose name starts with "pyspark") that dies
#: with the first task any worker is given, once per run: a lost executor, as a kill or the
#: kernel's OOM killer leaves it.
CRASH_ONCE = """
import os

from pyspark.worker import main as worker_main


def main(infile, outfile):
    try:
        os.close(os.open(os.environ["CORPUS_AUDIT_TEST_CRASHED"], os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return worker_main(infile, outfile)
    os._exit(1)
"""


@pytest.mark.parametrize("master", ["local[2]", "local[2,1]"])
def test_a_python_worker_that_dies_is_retried_and_the_audit_completes(tmp_path: Path, master: str) -> None:
    """A worker killed mid-run costs a retry, not the audit: the report is the local one. With
    retries turned off in the URL (local[2,1]) the same death ends the run, so it did happen."""
    import os
    import subprocess
    import sys

    corpus = tmp_path / "c"
    shutil.copytree(REPO / "tests" / "resources" / "invariants", corpus, symlinks=True)
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "pyspark_crash_once.py").write_text(CRASH_ONCE, encoding="utf-8")
    marker = tmp_path / "crashed"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(modules), str(REPO)]),
        "PYSPARK_SUBMIT_ARGS": "--conf spark.python.worker.module=pyspark_crash_once pyspark-shell",
        "CORPUS_AUDIT_TEST_CRASHED": str(marker),
    }
    argv = ["validate", str(corpus), "--engine", "pandera", "--no-cache", *NOW]
    spark = [*argv, "--report-dir", str(tmp_path / "spark"), "--backend", "spark", "--master", master]
    done = subprocess.run(
        [sys.executable, "-m", "provenance", *spark], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert marker.exists(), "no worker died: the test proves nothing"
    if master == "local[2,1]":  # exit 3, one line with Spark's reason, not py4j's preamble nor a stack trace
        assert done.returncode == 3, done.stderr[-2000:]
        said = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(said) == 1, said
        assert said[0].startswith("corpus-audit: Spark could not finish the work on local[2,1]: "), said
        assert "Python worker exited unexpectedly" in said[0], said
        return
    local = main([*argv, "--report-dir", str(tmp_path / "local")])
    assert done.returncode == local, done.stderr[-2000:]
    for name in REPORTS:
        want = scrub(f"reports/{name}", (tmp_path / "local" / name).read_bytes())
        assert scrub(f"reports/{name}", (tmp_path / "spark" / name).read_bytes()) == want, name
