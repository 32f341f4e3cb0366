"""Parse a whole corpus into the `articles` and `paragraphs` tables, in parallel, file by file."""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations.columns import ARTICLES, PANDAS_DTYPES, PARAGRAPHS, VALIDATED, Column
from provenance.article import ParsedArticle, parse_article
from provenance.manifest import INDEX_NAME, Row, read_manifest
from provenance.outlets import Registry, load_registry
from provenance.parallel import ordered_map
from provenance.walk import walk_corpus

if TYPE_CHECKING:
    import pandas as pd

BATCH = 64  # files per worker task
READ_LIMIT = 256 << 20  # a file larger than this is recorded as a problem, not read whole


@dataclass(frozen=True, slots=True)
class Source:
    """One file to parse, with what INDEX.md says about it."""

    file: str
    encoding: str | None = None
    outlet: str | None = None
    url: str | None = None
    retrieved: str | None = None


@dataclass(frozen=True, slots=True)
class CorpusTables:
    """The parsed corpus: one row per article, one row per non-blank line."""

    articles: pd.DataFrame
    paragraphs: pd.DataFrame


def corpus_sources(corpus: Path) -> list[Source]:
    """The files to parse: INDEX.md's rows when it exists, else every payload file on disk."""
    if (corpus / INDEX_NAME).exists():
        return [_source(row) for row in read_manifest(corpus).rows]
    return [Source(e.path) for e in walk_corpus(corpus, hash_files=False) if e.kind == "file"]


def _source(row: Row) -> Source:
    extra = {k.lower(): v.strip() or None for k, v in row.extra.items()}
    return Source(row.file, extra.get("encoding"), extra.get("outlet"), extra.get("url"), extra.get("retrieved"))


_worker: tuple[Path, Registry, bool] | None = None


def _init(corpus: Path, registry: Registry, lean: bool) -> None:
    global _worker  # noqa: PLW0603 - per-process state set once by the pool initializer
    _worker = (corpus, registry, lean)


@contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic records.

    Parsing makes no reference cycles; with the collector on, its full passes over an ever larger
    heap of rows cost more than the parsing itself.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_batch(batch: Sequence[Source]) -> list[ParsedArticle]:
    assert _worker is not None
    corpus, registry, lean = _worker
    with _bulk():
        parsed = [_parse_one(corpus, source, registry) for source in batch]
        if lean:  # dropped in the worker: the text never crosses to the parent process
            for item in parsed:
                for row in item.paragraphs:
                    del row["text"]
        return parsed


def _parse_one(corpus: Path, source: Source, registry: Registry) -> ParsedArticle:
    path = corpus / source.file
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            if not _is_regular(handle.fileno()):
                raise OSError("not a regular file")
            data = handle.read(READ_LIMIT + 1)
        problem = None
        if len(data) > READ_LIMIT:
            data, problem = data[:READ_LIMIT], f"text.too_large: only the first {READ_LIMIT} bytes were parsed"
        parsed = parse_article(data, file=source.file, registry=registry, encoding=source.encoding)
        if problem:
            parsed.article["parse_errors"] = "\n".join(filter(None, [parsed.article["parse_errors"], problem]))
            parsed.article["parse_error_count"] += 1
    except OSError as exc:
        parsed = parse_article(b"", file=source.file, registry=registry)
        parsed.article.update(
            parse_errors=f"text.unreadable: {exc.strerror or exc}", parse_error_count=1, sha256="", bytes=0
        )
        parsed.paragraphs.clear()
    parsed.article.update(index_outlet=source.outlet, index_url=source.url, retrieved_at=_when(source.retrieved))
    return parsed


def _is_regular(fd: int) -> bool:
    return stat.S_ISREG(os.fstat(fd).st_mode)


def _when(text: str | None) -> datetime | None:
    """INDEX.md's retrieved cell (ISO date or date-time) as a UTC instant; None if absent or bad."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iter_parsed(
    corpus: Path,
    *,
    sources: Sequence[Source] | None = None,
    registry: Registry | None = None,
    jobs: int = 1,
    lean: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Iterator[ParsedArticle]:
    """Parsed articles in file order; at most a few batches of file texts are in memory at once."""
    sources = corpus_sources(corpus) if sources is None else sources
    registry = registry or load_registry(corpus)
    ordered = sorted(sources, key=lambda s: s.file)
    batches = [ordered[i : i + BATCH] for i in range(0, len(ordered), BATCH)]
    done = 0
    for parsed in ordered_map(_parse_batch, batches, jobs=jobs, initializer=_init, initargs=(corpus, registry, lean)):
        yield from parsed
        done += len(parsed)
        if progress:
            progress(done)


def frame(rows: list[dict[str, Any]], columns: Sequence[Column]) -> pd.DataFrame:
    """A DataFrame with exactly `columns`, in order, with their nullable dtypes."""
    import pandas as pd

    dtypes: dict[str, Any] = {c.name: PANDAS_DTYPES[c.kind] for c in columns}
    data = {name: pd.array([row.get(name) for row in rows], dtype=dtype) for name, dtype in dtypes.items()}
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


def parse_corpus(
    corpus: Path,
    *,
    jobs: int = 1,
    registry: Registry | None = None,
    lean: bool = False,
    progress: Callable[[int], None] | None = None,
) -> CorpusTables:
    """Parse every article of `corpus` into DataFrames, without touching disk beyond reading.

    `lean` leaves the paragraph text out (validation needs only its normalized hash), which keeps
    a large corpus's tables a fraction of the size.
    """
    articles: list[dict[str, Any]] = []
    paragraphs: list[dict[str, Any]] = []
    with _bulk():
        for parsed in iter_parsed(corpus, registry=registry, jobs=jobs, lean=lean, progress=progress):
            articles.append(parsed.article)
            paragraphs.extend(parsed.paragraphs)
        columns = VALIDATED["paragraphs"] if lean else PARAGRAPHS
        return CorpusTables(frame(articles, ARTICLES), frame(paragraphs, columns))
