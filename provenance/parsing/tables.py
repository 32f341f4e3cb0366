"""The corpus tables as Arrow: record batches built from parsed rows, and their files on disk.

Files are Parquet or CSV, streamed in fixed row groups, written atomically. The same input gives
byte-identical files: row order is file order, row groups depend only on the article count, and no
timestamps or library metadata beyond the writer version are stored.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from expectations.columns import ARTICLES, PARAGRAPHS, Column, Kind
from provenance.atomic import make_folder

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

Format = Literal["parquet", "csv"]
ARTICLES_PER_ROW_GROUP = 2048  # bounds memory; a multiple of the parser's batch, fixed for determinism


@dataclass(frozen=True, slots=True)
class TableBatch:
    """Consecutive articles of the corpus as Arrow record batches of both tables."""

    articles: pa.RecordBatch
    paragraphs: pa.RecordBatch
    with_problems: int  # articles whose parse_errors is not empty
    bad: tuple[tuple[str, str], ...] = ()  # cache entries that did not decode: (key, why)
    hits: int = 0  # articles whose rows came from the parse cache


@functools.cache
def arrow_schema(columns: tuple[Column, ...]) -> pa.Schema:
    """The Arrow schema of a table's columns."""
    import pyarrow as pa

    types: dict[Kind, pa.DataType] = {
        "string": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "datetime_utc": pa.timestamp("us", tz="UTC"),
        "datetime_local": pa.timestamp("us"),
    }
    return pa.schema([pa.field(c.name, types[c.kind], nullable=c.nullable) for c in columns])


def record_batch(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> pa.RecordBatch:
    """Rows (dicts keyed by column name; missing keys are null) as one Arrow record batch."""
    return column_batch({c.name: [row.get(c.name) for row in rows] for c in columns}, columns)


def column_batch(data: dict[str, list[Any]], columns: Sequence[Column]) -> pa.RecordBatch:
    """Columns (lists keyed by column name, all of one length) as one Arrow record batch."""
    import pyarrow as pa

    schema = arrow_schema(tuple(columns))
    return pa.RecordBatch.from_arrays([pa.array(data[f.name], type=f.type) for f in schema], schema=schema)


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a DataFrame with the catalogue's nullable pandas dtypes."""
    import pandas as pd
    import pyarrow as pa

    mapping = {
        pa.string(): pd.StringDtype("pyarrow"),
        pa.int64(): pd.Int64Dtype(),
        pa.float64(): pd.Float64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
    frame: pd.DataFrame = table.to_pandas(types_mapper=mapping.get, coerce_temporal_nanoseconds=False)
    return frame


def _row_groups(batches: Iterable[TableBatch]) -> Iterator[tuple[list[pa.RecordBatch], list[pa.RecordBatch]]]:
    articles: list[pa.RecordBatch] = []
    paragraphs: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        articles.append(batch.articles)
        paragraphs.append(batch.paragraphs)
        count += batch.articles.num_rows
        if count >= ARTICLES_PER_ROW_GROUP:
            yield articles, paragraphs
            articles, paragraphs, count = [], [], 0
    if articles:
        yield articles, paragraphs


class _Sink:
    """One output table written to a temporary file, renamed into place by `commit`."""

    def __init__(self, target: Path, columns: Sequence[Column], fmt: Format) -> None:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        self.target, self.columns, self.schema = target, columns, arrow_schema(tuple(columns))
        fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            os.close(fd)
            self.writer: Any = (
                pq.ParquetWriter(self.tmp, self.schema, compression="zstd", write_statistics=True, store_schema=True)
                if fmt == "parquet"
                else pacsv.CSVWriter(self.tmp, self.schema)
            )
        except BaseException:  # no writer to close: only the file to remove
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.tmp)
            raise

    def write(self, batches: list[pa.RecordBatch]) -> None:
        import pyarrow as pa

        self.writer.write_table(pa.Table.from_batches(batches, schema=self.schema))

    def commit(self) -> None:
        self.writer.close()
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.target)

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.tmp)


def write_tables(batches: Iterable[TableBatch], *, out: Path, fmt: Format = "parquet") -> dict[str, Path]:
    """Stream parsed batches into OUT/articles.<ext> and OUT/paragraphs.<ext>; both or neither."""
    make_folder(out)
    ext = "parquet" if fmt == "parquet" else "csv"
    targets = {"articles": out / f"articles.{ext}", "paragraphs": out / f"paragraphs.{ext}"}
    sinks: dict[str, _Sink] = {}
    try:  # the second sink may fail to open (a full disk): the first one's file goes too
        for name, path in targets.items():
            sinks[name] = _Sink(path, ARTICLES if name == "articles" else PARAGRAPHS, fmt)
        for articles, paragraphs in _row_groups(batches):
            sinks["articles"].write(articles)
            sinks["paragraphs"].write(paragraphs)
        for sink in sinks.values():
            sink.commit()
    except BaseException:
        for sink in sinks.values():
            sink.abort()
        raise
    return targets
