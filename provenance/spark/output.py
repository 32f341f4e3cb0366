"""What comes back from Spark to the driver: Parquet folders, a few rows as pandas, aggregates."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from expectations.columns import ARTICLES, Column
from provenance.atomic import make_folder
from provenance.parsing.tables import arrow_schema, to_frame


def write_parquet(tables: Mapping[str, Any], *, out: Path) -> dict[str, Path]:
    """Each Spark DataFrame of `tables` as OUT/<name>.parquet, a folder of part files written by
    the executors in the table's order; all of them or none (each is written beside, then renamed)."""
    make_folder(out)
    targets = {name: out / f"{name}.parquet" for name in tables}
    written: list[Path] = []
    try:
        for name, frame in tables.items():
            staging = out / f".{name}.parquet.tmp"
            shutil.rmtree(staging, ignore_errors=True)
            frame.write.option("compression", "zstd").parquet(str(staging.resolve()))
            written.append(staging)
        for target, staging in zip(targets.values(), written, strict=True):
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
            staging.replace(target)
    except BaseException:
        for staging in written:
            with contextlib.suppress(OSError):
                shutil.rmtree(staging)
        raise
    return targets


def to_pandas(frame: Any, columns: Sequence[Column]) -> Any:
    """A (small) Spark DataFrame as pandas with the catalogue's dtypes, as the local tables are."""
    table = frame.select([c.name for c in columns]).toArrow()
    return to_frame(table.cast(arrow_schema(tuple(columns))))


def rows_of(frame: Any, files: Collection[str | None], columns: Sequence[Column] = ARTICLES) -> Any:
    """The rows of `files` only, collected as pandas in file order: never the whole table."""
    from pyspark.sql import functions as F  # noqa: N812 - Spark's own convention

    wanted = sorted(f for f in files if f is not None)
    return to_pandas(frame.where(F.col("file").isin(wanted)), columns)


def article_files(articles: Any) -> list[str]:
    """Every article's file, in file order: what the gate needs of each article (one Arrow column
    through the JVM, not a Row per article)."""
    return [str(name) for name in articles.select("file").toArrow().column(0).to_pylist()]


def digests_of(articles: Any, files: Collection[str]) -> dict[str, str]:
    """The sha256 of the bytes parsed of each of `files` that is an article: the few the waivers name."""
    from pyspark.sql import functions as F  # noqa: N812 - Spark's own convention

    if not files:
        return {}
    rows = articles.where(F.col("file").isin(sorted(files))).select("file", "sha256").collect()
    return {str(r.file): str(r.sha256) for r in rows}


def problem_count(articles: Any) -> int:
    """How many articles have parse problems."""
    return int(articles.where("parse_error_count > 0").count())


def value_counts(articles: Any, breakdown: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
    """validate's breakdown, by Spark aggregation: every article counted by each of `breakdown`'s
    columns ({name: column}; "month" is the local publication month, else UTC's), the most
    articles first, then by value, an unknown value (null) last among equals."""
    from pyspark.sql import functions as F  # noqa: N812 - Spark's own convention

    counted: dict[str, list[dict[str, Any]]] = {}
    for name, column in breakdown.items():
        value = F.col(column).cast("string")
        if name == "month":  # as the article's own clock reads (UTC where only that is known)
            stamp = F.coalesce(F.col(column), F.col("published_at").cast("timestamp_ntz"))
            value = F.date_format(stamp, "yyyy-MM")
        rows = articles.groupBy(value.alias("value")).count().collect()
        pairs = [(None if r.value is None else str(r.value), int(r["count"])) for r in rows]
        pairs.sort(key=lambda pair: (-pair[1], pair[0] is None, pair[0] or ""))
        counted[name] = [{"value": value, "articles": n} for value, n in pairs]
    return counted
