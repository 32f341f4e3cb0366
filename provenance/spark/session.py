"""The one way corpus-audit starts Spark: a session from a master URL, quiet, UTC, or a clear error."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import tempfile
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from provenance.errors import ProvenanceError, UsageError, first_line

DEFAULT_MASTER = "local[*]"
TASK_ATTEMPTS = 4  # spark.task.maxFailures' default on a cluster
#: The master URLs Spark accepts (its SparkContext.createTaskScheduler), checked before a JVM starts.
MASTER = re.compile(
    r"local(\[(\*|[1-9]\d*)(,\s*[1-9]\d*)?\])?"
    r"|local-cluster\[\d+,\s*\d+,\s*\d+\]"
    r"|spark://[^\s/,:]+:\d+(,[^\s/,:]+:\d+)*"
    r"|yarn"
    r"|k8s://\S+"
)
INSTALL = (
    "pyspark is not installed: install corpus-audit[spark] (pip install 'corpus-audit[spark]') for --backend spark"
)
NO_JAVA = (
    "Java is not found (no `java` on PATH and no JAVA_HOME): Spark needs a Java 17 runtime "
    "(e.g. `apt-get install openjdk-17-jre-headless`)"
)
#: What the JVM prints at every start because Spark asks for jdk.incubator.vector: not for stewards.
JVM_NOISE = b"WARNING: Using incubator modules:"
#: What a job that failed for good adds to Spark's words: why it may have failed, and what to do.
RETRIED = "each task was tried up to the master's limit; CORPUS_AUDIT_SPARK_LOG=info shows Spark's log"
HINTS = {
    # Spark stops its context on a fatal error in the driver, most often an OutOfMemoryError (in
    # local mode the driver's JVM runs the executors too); the jobs then end with these words.
    "SparkContext was shut down": (
        "Spark stopped while it worked, most often because its driver ran out of memory: give it more "
        "with PYSPARK_SUBMIT_ARGS='--driver-memory 4g pyspark-shell' (spark-submit: --driver-memory 4g); "
        "CORPUS_AUDIT_SPARK_LOG=error shows why"
    ),
}
#: Spark's log4j, set before the JVM starts: a failed task otherwise prints a JVM stack trace (and a
#: JSON copy of it) for every file, and failures reach the steward as findings or one-line errors.
LOG4J = """\
rootLogger.level = {level}
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = {level}
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = {level}
rootLogger.appenderRef.stderr.ref = stderr
appender.stderr.type = Console
appender.stderr.name = stderr
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = %d{{HH:mm:ss}} %p %c{{1}}: %m%n%ex
"""


def is_local(master: str) -> bool:
    """A master whose executors run on this machine, with this Python."""
    return master == "local" or master.startswith(("local[", "local-cluster["))


def hush_pyspark_on_pandas_3() -> None:
    """Silence pyspark 4's warning that it does not fully support pandas 3, for this process and
    the ones it forks. pyspark gives it on import and at each pandas or Arrow call. GX and pandera
    import pyspark whenever it is installed, so without this every run with the spark extra, on
    either backend, would print it. The agreement tests vouch for pyspark under pandas 3."""
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)


def with_retries(master: str) -> str:
    """`master` with task retries, as a cluster has them: Spark runs a task once on a local master
    unless the URL says how often (local[N,F]), so a Python worker that dies (killed, out of
    memory) would end the audit; corpus-audit asks for TASK_ATTEMPTS unless the URL says."""
    if master == "local":
        return f"local[1,{TASK_ATTEMPTS}]"
    if (found := re.fullmatch(r"local\[(\*|[1-9]\d*)\]", master)) is not None:
        return f"local[{found.group(1)},{TASK_ATTEMPTS}]"
    return master


def check_master(master: str) -> None:
    """UsageError naming `master` unless it is a master URL Spark accepts."""
    if not MASTER.fullmatch(master):
        raise UsageError(
            f"--master {master!r}: not a Spark master URL (expected local[*], local[N], spark://HOST:PORT, yarn "
            "or k8s://URL)"
        )


def start_session(*, master: str = DEFAULT_MASTER, shuffle_partitions: int | None = None) -> Any:
    """A SparkSession on `master` (the running one if this process has one): UI off, session time
    zone UTC, log4j quiet before the JVM starts; with a local master, executors run this Python.

    Raises UsageError (exit 2) with one line when pyspark is not installed, Java is missing, the
    master URL is not one, or the session cannot start on it.
    """
    check_master(master)
    hush_pyspark_on_pandas_3()
    try:
        with warnings.catch_warnings():  # pyspark 4.3 warns about pandas 3 on import; the agreement tests vouch
            warnings.simplefilter("ignore", FutureWarning)
            from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(INSTALL) from None
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise UsageError(NO_JAVA)
    local = is_local(master)
    # The driver JVM is started by spark-submit: its Java options must be on that command line.
    options = f"--driver-java-options -Dlog4j2.configurationFile={_log4j()}"
    submit = os.environ.get("PYSPARK_SUBMIT_ARGS", "pyspark-shell")
    if "log4j2.configurationFile" not in submit:
        os.environ["PYSPARK_SUBMIT_ARGS"] = f"{options} {submit}"
    if local:  # executors are this machine's: the interpreter that has corpus-audit and pyarrow
        os.environ["PYSPARK_PYTHON"] = sys.executable
    partitions = shuffle_partitions or (_cores() * 2 if local else 200)
    settings = {
        "spark.master": with_retries(master),
        "spark.app.name": "corpus-audit",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": str(partitions),
        "spark.sql.execution.arrow.pyspark.enabled": "true",
    }
    if local:
        settings["spark.pyspark.python"] = sys.executable
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            _launch(settings)
            return SparkSession.builder.config(map=settings).getOrCreate()
    except Exception as exc:  # noqa: BLE001 - the JVM's answer (a master that refuses, a failed launch): one line
        raise UsageError(f"--master {master}: Spark could not start a session: {first_line(exc)}") from None


def _launch(settings: dict[str, str]) -> None:
    """Start the JVM and its SparkContext with `settings`, the JVM's stderr passed on through a
    filter that drops its incubator-module warning, which the JVM prints at every start because
    Spark adds jdk.incubator.vector. Nothing is started when this process has a SparkContext,
    or a gateway of spark-submit's (PYSPARK_GATEWAY_PORT): those are used as they are."""
    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway

    if SparkContext._active_spark_context is not None or "PYSPARK_GATEWAY_PORT" in os.environ:
        return
    conf = SparkConf(loadDefaults=False).setAll(list(settings.items()))
    read_end, write_end = os.pipe()
    threading.Thread(target=_pass_on, args=(read_end,), name="corpus-audit-jvm-stderr", daemon=True).start()
    try:
        gateway = launch_gateway(conf, popen_kwargs={"stderr": write_end})
    finally:
        os.close(write_end)  # the JVM and the workers it starts hold it now
    SparkContext(conf=conf, gateway=gateway)


def _pass_on(read_end: int) -> None:
    """Copy the JVM's stderr to ours, line by line, less the lines JVM_NOISE starts. It reads to
    the end whatever becomes of our stderr: a JVM writing to a pipe nobody drains would block."""
    with open(read_end, "rb") as stream:
        for line in stream:
            if not line.startswith(JVM_NOISE):
                with contextlib.suppress(OSError):  # our stderr closed (`2>&-`, a reader gone): drop it
                    _write_all(2, line)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _log4j() -> Path:
    """A log4j2 configuration at the level CORPUS_AUDIT_SPARK_LOG asks for (default: fatal only)."""
    level = os.environ.get("CORPUS_AUDIT_SPARK_LOG", "fatal")
    path = Path(tempfile.gettempdir()) / f"corpus-audit-log4j2-{level}.properties"
    text = LOG4J.format(level=level)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


@contextlib.contextmanager
def spark_session(*, master: str = DEFAULT_MASTER) -> Iterator[Any]:
    """start_session's session for a block of work, stopped after it unless this process was
    running one already (a notebook's, a spark-submit job's), which is left running.

    A Spark job that fails in the block (its tasks out of retries: workers or executors lost) is
    raised as a ProvenanceError (exit 3) saying why, in the JVM's words, not py4j's.
    """
    running = _active()
    session = start_session(master=master)  # first: without pyspark (and its py4j), a UsageError saying so
    from py4j.protocol import Py4JJavaError

    try:
        yield session
    except Py4JJavaError as exc:
        said = first_line(_java_message(exc))
        why = next((hint for words, hint in HINTS.items() if words in said), RETRIED)
        raise ProvenanceError(f"Spark could not finish the work on {master}: {said} ({why})") from exc
    finally:
        if running is None:
            session.stop()


def _java_message(exc: Any) -> Exception:
    """The Java exception's own message behind a py4j error ("An error occurred while calling ...")."""
    try:
        return Exception(str(exc.java_exception.getMessage()))
    except Exception:  # noqa: BLE001 - the JVM may be gone: py4j's text is all there is
        return Exception(str(exc))


def _active() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    return SparkSession.getActiveSession()
