"""The validation view: the articles table plus the derived columns the rules compare.

Derived columns (documented in the README):
- published_when / updated_when: the UTC instant, or, when the text states no zone and the outlet
  has no default, the local wall time read as UTC (date checks are days apart, not hours);
- outlet_started_at: when the article's outlet started publishing (registry), as UTC midnight;
- run_at: the time of the run, the same on every row;
- text_published_from / text_published_to: the text's date less and plus a day, the window INDEX.md's
  published cell must fall in.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from expectations.columns import ARTICLES, PANDAS_DTYPES, Column, Kind

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame as SparkFrame
    from pyspark.sql.types import DataType, StructType

#: Derived columns that depend on when the run is, not on the article: a verdict reading them is
#: judged again every run (never reused from an earlier run's).
RUN_TIME = ("run_at",)
DERIVED = ("published_when", "updated_when", "outlet_started_at", "run_at", "text_published_from", "text_published_to")
#: How far the text's date may be from INDEX.md's published cell.
DATE_TOLERANCE = pd.Timedelta(days=1)
UTC_DTYPE: Any = "datetime64[us, UTC]"  # Any: pandas-stubs lists no string alias for it


def articles_view(
    articles: pd.DataFrame, *, outlet_started: Mapping[str, date | None], run_at: datetime
) -> pd.DataFrame:
    """A copy of `articles` with the derived columns appended (original columns untouched)."""
    view = articles.copy()
    for prefix in ("published", "updated"):
        local = view[f"{prefix}_local"].dt.tz_localize("UTC")
        view[f"{prefix}_when"] = view[f"{prefix}_at"].fillna(local).astype(UTC_DTYPE)
    started = {k: pd.Timestamp(v, tz="UTC") for k, v in outlet_started.items() if v is not None}
    view["outlet_started_at"] = pd.array(
        [started.get(o) if isinstance(o, str) else None for o in view["outlet"].tolist()], dtype=UTC_DTYPE
    )
    text = view["text_published_at"].astype(UTC_DTYPE)
    view["text_published_from"] = text - DATE_TOLERANCE
    view["text_published_to"] = text + DATE_TOLERANCE
    view["run_at"] = (
        pd.DatetimeIndex([pd.Timestamp(run_at)]).tz_convert("UTC").astype(UTC_DTYPE).repeat(len(view)).array
    )
    return view


def spark_type(kind: Kind) -> DataType:
    """The Spark SQL type of a column kind (pyspark imported here, only when asked)."""
    from pyspark.sql import types as T

    types: dict[Kind, DataType] = {
        "string": T.StringType(),
        "int": T.LongType(),
        "float": T.DoubleType(),
        "bool": T.BooleanType(),
        "datetime_utc": T.TimestampType(),  # an instant, shown in the session's zone (UTC)
        "datetime_local": T.TimestampNTZType(),  # a wall time with no zone
    }
    return types[kind]


def spark_schema(columns: Iterable[Column], *, derived: Iterable[str] = ()) -> StructType:
    """The Spark schema of a table's columns, then of `derived` view columns (UTC instants)."""
    from pyspark.sql import types as T

    fields = [T.StructField(c.name, spark_type(c.kind), nullable=c.nullable) for c in columns]
    fields += [T.StructField(name, spark_type("datetime_utc"), nullable=True) for name in derived]
    return T.StructType(fields)


def _pandas(batch: pa.RecordBatch) -> pd.DataFrame:
    """An Arrow batch as a pandas frame of the catalogue's nullable dtypes, as the local backend
    reads its tables (provenance.parsing.tables.to_frame): `articles_view` sees the same values."""
    import pyarrow as pa

    mapping = {
        pa.string(): pd.StringDtype("pyarrow"),
        pa.large_string(): pd.StringDtype("pyarrow"),
        pa.int64(): pd.Int64Dtype(),
        pa.float64(): pd.Float64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
    frame: pd.DataFrame = pa.Table.from_batches([batch]).to_pandas(
        types_mapper=mapping.get, coerce_temporal_nanoseconds=False
    )
    return frame


def _view_batches(
    batches: Iterable[pa.RecordBatch],
    *,
    outlet_started: Mapping[str, date | None],
    run_at: datetime,
    schema: StructType,
) -> Iterator[pa.RecordBatch]:
    """`articles_view` on each Arrow batch of a partition (runs in Spark's Python workers)."""
    import pyarrow as pa
    from pyspark.sql.pandas.types import to_arrow_schema

    target = to_arrow_schema(schema, timezone="UTC")
    for batch in batches:
        view = articles_view(_pandas(batch), outlet_started=outlet_started, run_at=run_at)
        yield pa.RecordBatch.from_pandas(view[target.names], schema=target, preserve_index=False)


def _appended() -> list[str]:
    """The derived columns in the order articles_view appends them (its result's column order)."""
    empty = pd.DataFrame({c.name: pd.Series([], dtype=PANDAS_DTYPES[c.kind]) for c in ARTICLES})
    return [c for c in articles_view(empty, outlet_started={}, run_at=datetime.now(UTC)).columns if c not in empty]


def spark_articles_view(df: SparkFrame, *, outlet_started: Mapping[str, date | None], run_at: datetime) -> SparkFrame:
    """The articles view of `df`, the articles table as a Spark DataFrame of `spark_schema(ARTICLES)`'s
    columns and types: `articles_view` itself, applied to each partition's Arrow batches
    (mapInArrow), so every derived value is the local backend's by construction. The result's
    schema is declared, not inferred: the ARTICLES columns, then the derived ones in the order
    articles_view appends them (UTC timestamps)."""
    schema = spark_schema(ARTICLES, derived=_appended())
    started = dict(outlet_started)  # a plain dict travels to the workers
    make = functools.partial(_view_batches, outlet_started=started, run_at=run_at, schema=schema)
    return df.select(*(c.name for c in ARTICLES)).mapInArrow(make, schema)
