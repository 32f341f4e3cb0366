"""The Spark session corpus-audit starts: its settings, and one-line errors for what cannot start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from provenance.errors import UsageError
from provenance.spark.session import check_master, is_local, with_retries

REPO = Path(__file__).resolve().parents[2]


def test_the_session_is_local_quiet_and_utc(spark: Any) -> None:
    """The fixture's session: local[2] with task retries, UI off, 2 shuffle partitions, UTC,
    executors on this Python."""
    conf = spark.sparkContext.getConf()
    assert spark.sparkContext.master == "local[2,4]"
    assert conf.get("spark.ui.enabled") == "false"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "2"
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert conf.get("spark.pyspark.python") == sys.executable
    assert spark.range(5).count() == 5


@pytest.mark.parametrize(
    ("master", "local"),
    [
        ("local", True),
        ("local[*]", True),
        ("local[2]", True),
        ("local[2,3]", True),
        ("spark://h:7077", False),
        ("spark://a:7077,b:7077", False),
        ("yarn", False),
        ("k8s://https://h:6443", False),
    ],
)
def test_master_urls_spark_accepts_pass(master: str, local: bool) -> None:
    """Every form of master URL Spark documents is accepted; local ones are told apart."""
    check_master(master)
    assert is_local(master) is local


@pytest.mark.parametrize(
    ("master", "started"),
    [
        ("local", "local[1,4]"),
        ("local[*]", "local[*,4]"),
        ("local[2]", "local[2,4]"),
        ("local[2,1]", "local[2,1]"),  # the URL says how often: as it says
        ("local-cluster[2,1,1024]", "local-cluster[2,1,1024]"),  # executors of their own retry as a cluster's
        ("spark://h:7077", "spark://h:7077"),
        ("yarn", "yarn"),
    ],
)
def test_a_local_master_retries_a_failed_task_as_a_cluster_does(master: str, started: str) -> None:
    """Spark tries a task once on local[N]: the session asks for spark.task.maxFailures' default."""
    assert with_retries(master) == started
    check_master(started)


@pytest.mark.parametrize("master", ["", "local[0]", "local[x]", "spark://host", "mesos", "http://h:1", "yarn cluster"])
def test_a_bad_master_url_is_a_usage_error_naming_it(master: str) -> None:
    """Anything else is a UsageError naming the URL, before a JVM starts."""
    with pytest.raises(UsageError, match="not a Spark master URL") as caught:
        check_master(master)
    assert repr(master) in str(caught.value)


def test_python_dash_c_runs_once_pyspark_is_installed() -> None:
    """With the extra's grpc, `python -c` that imports GX (which imports pyspark) runs to the end
    instead of exiting 0 silently (docs/spark-notes.md, trap 1): a CI check written with -c is real."""
    code = "import great_expectations, pyspark.sql.connect.utils; print('ran to the end')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout) == (0, "ran to the end\n"), done.stderr


def test_a_local_run_with_the_spark_extra_installed_prints_no_pyspark_warning(tmp_path: Path) -> None:
    """GX and pandera import pyspark whenever it is installed, and pyspark 4 warns about pandas 3
    on import: a local validate of the seeds, both engines, writes nothing to stderr."""
    argv = [sys.executable, "-m", "provenance", "validate", str(REPO / "seeds"), "--report-dir", str(tmp_path)]
    done = subprocess.run([*argv, "--no-cache"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


@pytest.mark.parametrize("log", ["fatal", "info"])
def test_the_jvm_stderr_reaches_ours_without_its_incubator_warning(tmp_path: Path, log: str) -> None:
    """The JVM's "WARNING: Using incubator modules" (Spark asks for jdk.incubator.vector) is dropped;
    what else the JVM says still reaches stderr: Spark's log, when CORPUS_AUDIT_SPARK_LOG asks."""
    argv = [sys.executable, "-m", "provenance", "validate", str(REPO / "seeds"), "--report-dir", str(tmp_path)]
    argv += ["--no-cache", "--engine", "pandera", "--backend", "spark", "--master", "local[1]"]
    # Not this process's PYSPARK_SUBMIT_ARGS: the fixture's session put its own log4j file there,
    # and a log4j file named there wins over CORPUS_AUDIT_SPARK_LOG.
    env = {k: v for k, v in os.environ.items() if k != "PYSPARK_SUBMIT_ARGS"} | {"CORPUS_AUDIT_SPARK_LOG": log}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "incubator" not in done.stderr
    if log == "fatal":
        assert done.stderr == ""
    else:
        assert " INFO SparkContext: Running Spark version" in done.stderr


#: A job running when its SparkContext stops (as Spark does on a fatal error in the driver, an
#: OutOfMemoryError most often): the one line says so and what to do.
STOPPED_MIDWAY = """
import threading, time
from provenance.errors import ProvenanceError
from provenance.spark.session import spark_session

def stop_once_running(context):
    while not context.statusTracker().getActiveJobsIds():
        time.sleep(0.1)
    time.sleep(1)
    context._jsc.sc().stop()  # the JVM's context, as Spark stops it itself; Python's is left as it was


try:
    with spark_session(master="local[1]") as spark:
        threading.Thread(target=stop_once_running, args=(spark.sparkContext,)).start()
        spark.sparkContext.parallelize(range(2), 2).map(lambda n: time.sleep(60) or n).collect()
except ProvenanceError as exc:
    print(exc)
"""


def test_a_spark_context_stopped_midway_says_why_it_may_have_stopped() -> None:
    """A job whose context stops under it (once it runs, in a 60 s task) ends the block with one line: Spark's
    words, then the likely cause and the setting that gives the driver more memory."""
    env = {k: v for k, v in os.environ.items() if k != "PYSPARK_SUBMIT_ARGS"}
    done = subprocess.run(
        [sys.executable, "-c", STOPPED_MIDWAY],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env=env,
    )
    said = done.stdout.strip().splitlines()
    assert len(said) == 1, done
    assert said[0].startswith("Spark could not finish the work on local[1]: "), said
    assert "SparkContext was shut down" in said[0] and "--driver-memory" in said[0], said
