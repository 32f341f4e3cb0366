"""`parse --backend spark` writes the local tables as Parquet folders; bad input is exit 2 with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from provenance._cli import main
from provenance.spark.session import INSTALL, NO_JAVA

REPO = Path(__file__).resolve().parents[2]
RESOURCES = REPO / "tests" / "resources"


@pytest.mark.parametrize("name", ["invariants", "parse-bad", "real-shapes/cp1256-crlf"])
def test_parse_on_spark_writes_the_local_tables_as_parquet_folders(spark: Any, tmp_path: Path, name: str) -> None:
    """The Parquet folders Spark writes hold exactly the rows, in order, of the local Parquet files."""
    corpus = RESOURCES / name
    assert main(["parse", str(corpus), "--out", str(tmp_path / "local"), "--jobs", "1"]) == 0
    assert main(["parse", str(corpus), "--out", str(tmp_path / "spark"), "--backend", "spark"]) == 0
    for table in ("articles", "paragraphs"):
        folder = tmp_path / "spark" / f"{table}.parquet"
        assert folder.is_dir() and list(folder.glob("part-*.parquet"))
        want = pq.read_table(tmp_path / "local" / f"{table}.parquet")
        got = pq.read_table(folder).cast(want.schema)
        assert got.equals(want), table
    assert not list((tmp_path / "spark").glob(".*"))  # no staging folder left behind


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("corpus-audit:")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--backend", "spark", "--master", "nonsense"], "--master 'nonsense': not a Spark master URL"),
        (["--backend", "spark", "--master", "spark://no-port"], "not a Spark master URL"),
        (["--master", "local[2]"], "--master is for --backend spark"),
        (["--backend", "spark", "--format", "csv"], "writes Parquet folders only"),
    ],
)
def test_bad_spark_options_are_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    """A bad master URL or a local-only option is a usage error, before any Spark work."""
    code = main(["parse", str(RESOURCES / "invariants"), "--out", str(tmp_path / "out"), *argv])
    assert code == 2
    assert says in _one_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("{tmp}/missing", "{tmp}/missing: not a directory"),
        ("file://{tmp}/missing", "file://{tmp}/missing: not a directory"),
        ("viewfs://no-such-mount/corpus", "viewfs://no-such-mount/corpus: cannot be read by Spark"),
        ("hdfs://no-such-host.invalid:9000/corpus", "hdfs://no-such-host.invalid:9000/corpus: cannot be read by Spark"),
    ],
)
def test_an_unreachable_corpus_is_exit_2_naming_it(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str, says: str
) -> None:
    """A missing folder, a missing URI or an unknown host: exit 2, one line naming it."""
    corpus = where.format(tmp=tmp_path)
    for command in (["parse", corpus, "--out", str(tmp_path / "out")], ["validate", corpus, "--no-report"]):
        assert main([*command, "--backend", "spark"]) == 2
        assert says.format(tmp=tmp_path) in _one_line(capsys.readouterr().err)


def test_validate_refuses_the_local_hooks_options_on_spark(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--staged and --changed serve the local hooks: with --backend spark they are a usage error."""
    corpus = str(RESOURCES / "invariants")
    for option in ("--staged", "--changed"):
        assert main(["validate", corpus, "--no-report", "--backend", "spark", option]) == 2
        assert "leave them out with --backend spark" in _one_line(capsys.readouterr().err)


def _run(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "provenance", "parse", str(RESOURCES / "invariants")]
    command += ["--out", str(tmp_path / "out"), "--backend", "spark"]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False, cwd=tmp_path)


def test_without_pyspark_it_says_to_install_the_extra(tmp_path: Path) -> None:
    """pyspark missing (its import made to fail): exit 2, one line naming corpus-audit[spark]."""
    shadow = tmp_path / "shadow" / "pyspark"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('No module named pyspark')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(shadow.parent)}
    done = _run(tmp_path, env)
    assert done.returncode == 2, done.stderr
    assert _one_line(done.stderr) == f"corpus-audit: {INSTALL}"
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()


def test_without_java_it_says_to_install_a_jre(tmp_path: Path) -> None:
    """No `java` on PATH and no JAVA_HOME: exit 2, one line saying which Java to install."""
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(Path(sys.executable).parent)  # this Python's folder only: no java there
    done = _run(tmp_path, env)
    assert done.returncode == 2, done.stderr
    assert _one_line(done.stderr) == f"corpus-audit: {NO_JAVA}"
    assert "Traceback" not in done.stderr


def test_the_executor_turns_any_exception_into_that_files_finding() -> None:
    """An exception on an executor (a bug, a bad descriptor) is that file's finding, not a failed job."""
    from provenance.parsing.outlets import load_registry
    from provenance.parsing.settings import DEFAULT
    from provenance.spark.corpus import _one_file

    item = {"file": "a.txt", "hash": True, "parse": True, "want_bytes": 3, "want_sha256": "0" * 64}
    item |= {f"source_{name}": None for name in ("encoding", "outlet", "url", "retrieved", "published", "language")}
    broken: Any = object()  # not a descriptor: ctypes raises ArgumentError, not an OSError
    entry, differs, article, _ = _one_file(item, broken, registry=load_registry(), settings=DEFAULT, max_bytes=100)
    assert entry.kind == "unreadable" and entry.error.startswith("ArgumentError: ") and differs
    assert article is not None and article["parse_errors"].startswith("text.unreadable: ArgumentError: ")
