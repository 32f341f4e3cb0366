"""One local[2] Spark session for every Spark test (starting one takes seconds), and the tables
of the named corpora on both backends."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local[2] session: UI and progress bars off, 2 shuffle partitions, UTC, ANSI mode as Spark
    4 ships it (on). A missing pyspark or Java fails these tests: they are never skipped."""
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the executors' Python: this venv's, with the package
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # pyspark on pandas 3: see pyproject's filterwarnings
        from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("corpus-audit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    assert session.conf.get("spark.sql.ansi.enabled") == "true"
    yield session
    session.stop()
