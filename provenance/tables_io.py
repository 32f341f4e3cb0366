"""Write the corpus tables to disk: Parquet or CSV, streamed in fixed batches, atomically.

The same input gives byte-identical files: row order is file order, batch boundaries depend only
on the article count, and no timestamps or library metadata beyond the writer version are stored.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from expectations.columns import ARTICLES, PARAGRAPHS, Column, Kind
from provenance.article import ParsedArticle

if TYPE_CHECKING:
    import pyarrow as pa

Format = Literal["parquet", "csv"]
ARTICLES_PER_BATCH = 2000  # articles per row group: bounds memory, fixed for determinism


def arrow_schema(columns: Sequence[Column]) -> pa.Schema:
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


def _batches(parsed: Iterable[ParsedArticle]) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    articles: list[dict[str, Any]] = []
    paragraphs: list[dict[str, Any]] = []
    for item in parsed:
        articles.append(item.article)
        paragraphs.extend(item.paragraphs)
        if len(articles) == ARTICLES_PER_BATCH:
            yield articles, paragraphs
            articles, paragraphs = [], []
    if articles:
        yield articles, paragraphs


class _Sink:
    """One output table written to a temporary file, renamed into place by `commit`."""

    def __init__(self, target: Path, columns: Sequence[Column], fmt: Format) -> None:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        self.target, self.columns, self.schema = target, columns, arrow_schema(columns)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        self.writer: Any = (
            pq.ParquetWriter(self.tmp, self.schema, compression="zstd", write_statistics=True, store_schema=True)
            if fmt == "parquet"
            else pacsv.CSVWriter(self.tmp, self.schema)
        )

    def write(self, rows: list[dict[str, Any]]) -> None:
        import pyarrow as pa

        data = {c.name: [row.get(c.name) for row in rows] for c in self.columns}
        self.writer.write_table(pa.Table.from_pydict(data, schema=self.schema))

    def commit(self) -> None:
        self.writer.close()
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.target)

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.tmp)


def write_tables(parsed: Iterable[ParsedArticle], *, out: Path, fmt: Format = "parquet") -> dict[str, Path]:
    """Stream parsed articles into OUT/articles.<ext> and OUT/paragraphs.<ext>; both or neither."""
    out.mkdir(parents=True, exist_ok=True)
    ext = "parquet" if fmt == "parquet" else "csv"
    targets = {"articles": out / f"articles.{ext}", "paragraphs": out / f"paragraphs.{ext}"}
    sinks = {name: _Sink(path, ARTICLES if name == "articles" else PARAGRAPHS, fmt) for name, path in targets.items()}
    try:
        for articles, paragraphs in _batches(parsed):
            sinks["articles"].write(articles)
            sinks["paragraphs"].write(paragraphs)
        for sink in sinks.values():
            sink.commit()
    except BaseException:
        for sink in sinks.values():
            sink.abort()
        raise
    return targets
