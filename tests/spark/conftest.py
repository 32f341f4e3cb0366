"""The one Spark session of the test run: local[2], UI off, 2 shuffle partitions, UTC.

Every test in tests/spark is marked `spark`: the default run deselects them (no pyspark there);
`nox -s spark` runs them, and there a missing pyspark or Java fails the session, never skips it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.spark)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local[2] SparkSession for the whole run, stopped at the end."""
    from provenance.errors import UsageError
    from provenance.spark.session import start_session

    try:
        session = start_session(master="local[2]", shuffle_partitions=2)
    except UsageError as exc:  # no pyspark or no Java: in the spark session that is a failure
        pytest.fail(f"the Spark tests cannot run: {exc}")
    assert session.conf.get("spark.sql.ansi.enabled") == "true"  # as Spark 4 ships it: the engines must hold under it
    yield session
    session.stop()
