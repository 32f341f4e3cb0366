"""Parse a whole corpus into the `articles` and `paragraphs` tables, in parallel, file by file."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations.columns import ARTICLES, PARAGRAPHS, VALIDATED, Column
from expectations.ids import Code
from provenance import gcpause
from provenance.fixity.walk import walk_corpus
from provenance.manifest.model import INDEX_NAME, Row
from provenance.manifest.reader import stream_rows
from provenance.parallel import ordered_map
from provenance.parsing.article import ParsedArticle, parse_article
from provenance.parsing.cache import Marks, ParseCache, context_digest, decode, encode, entry_key, mark
from provenance.parsing.outlets import Registry, load_registry
from provenance.parsing.settings import DEFAULT, ParseSettings, Source
from provenance.parsing.tables import TableBatch, arrow_schema, column_batch, record_batch, to_frame
from provenance.readahead import close_all, open_ahead
from provenance.safeopen import TooLargeError, open_dir, read_fd

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

BATCH = 64  # files per worker task
#: Articles larger than this are not read: they get text.too_large, so memory stays bounded.
MAX_ARTICLE_BYTES = 16 << 20


@dataclass(frozen=True, slots=True)
class CorpusTables:
    """The parsed corpus: one row per article, one row per non-blank line."""

    articles: pd.DataFrame
    paragraphs: pd.DataFrame
    #: With a parse cache: the files whose rows came from the last run's snapshot (unchanged), the
    #: token of that snapshot, and the token of the snapshot these tables now are (None: not saved).
    reused: frozenset[str] = frozenset()
    loaded: str | None = None
    saved: str | None = None


def corpus_sources(corpus: Path, *, settings: ParseSettings = DEFAULT) -> Iterator[Source]:
    """The files to parse, in file order: INDEX.md's rows, streamed, when it exists; else every
    payload file on disk (a listing that is held in memory)."""
    if (corpus / INDEX_NAME).exists():
        return (source_of(row, settings=settings) for row in stream_rows(corpus))
    found = [Source(e.path) for e in walk_corpus(corpus, hash_files=False) if e.kind == "file"]
    return iter(sorted(found, key=lambda source: source.file))


def source_of(row: Row, *, settings: ParseSettings = DEFAULT) -> Source:
    """A file to parse, from its INDEX.md row (steward cells stripped; empty ones are None).

    Each fact is read from the column the policy names for it (`ParseSettings.columns`); a file
    whose row declares no encoding has the policy's.
    """
    if not row.extra:
        return Source(row.file, encoding=settings.encoding)
    extra = {k.lower(): v.strip() or None for k, v in row.extra.items()}
    facts = {fact: extra.get(column) for fact, column in settings.columns.items()}
    facts["encoding"] = facts["encoding"] or settings.encoding
    return Source(row.file, **facts)


_worker: tuple[int, Registry, tuple[Column, ...], int, ParseSettings] | None = None


def _init(
    corpus: Path, registry: Registry, paragraph_columns: tuple[Column, ...], max_bytes: int, settings: ParseSettings
) -> None:
    """Per-process state, set once by the pool initializer: the corpus folder stays open in it."""
    global _worker  # noqa: PLW0603
    if _worker is not None:
        os.close(_worker[0])
    _worker = (open_dir(corpus), registry, paragraph_columns, max_bytes, settings)


#: One file to parse: its source, and with the parse cache the sha256 fixity found for it, its
#: key and the entry found (or None).
Item = tuple[Source, str | None, str | None, bytes | None]


def _parse_batch(batch: Sequence[Item]) -> TableBatch:
    """Parse a batch of files into Arrow record batches, in the worker: only columns cross processes.

    A file whose cache entry came along is decoded, not read; the others are parsed (their rows
    are kept by the parse cache's snapshot, not as entries: see _spilled).
    """
    assert _worker is not None
    root_fd, registry, paragraph_columns, max_bytes, settings = _worker
    names = [c.name for c in paragraph_columns if c.name != "file"]
    rows: list[tuple[dict[str, Any], dict[str, list[Any]]]] = []
    bad: list[tuple[str, str]] = []
    with gcpause.paused():  # parsing makes no reference cycles
        cached: dict[int, tuple[dict[str, Any], dict[str, list[Any]]]] = {}
        for number, (source, digest, key, entry) in enumerate(batch):
            if key is not None and entry is not None and digest is not None:
                try:
                    cached[number] = decode(entry, file=source.file, sha256=digest)
                except ValueError as exc:
                    bad.append((key, str(exc)))
        todo = [number for number in range(len(batch)) if number not in cached]
        # Opened beneath the corpus, no link followed; the batch's reads overlap on a cold cache.
        opened = open_ahead([batch[n][0].file for n in todo], root_fd=root_fd, length=max_bytes + 1)
        try:
            parsed = {
                n: _parse_one(batch[n][0], fd, registry, max_bytes, settings)
                for n, fd in zip(todo, opened, strict=True)
            }
        finally:
            close_all(opened)
        for number in range(len(batch)):
            if number in cached:
                rows.append(cached[number])
                continue
            item = parsed[number]
            rows.append((item.article, {name: list(getattr(item.lines, name)) for name in names}))
        articles = [article for article, _ in rows]
        return TableBatch(
            articles=record_batch(articles, ARTICLES),
            paragraphs=column_batch(_line_columns(rows, names), paragraph_columns),
            with_problems=sum(article["parse_error_count"] > 0 for article in articles),
            bad=tuple(bad),
            hits=len(cached),
        )


def _line_columns(
    rows: Sequence[tuple[dict[str, Any], dict[str, list[Any]]]], names: Sequence[str]
) -> dict[str, list[Any]]:
    """The paragraphs table's columns for a batch of articles: their lines, concatenated."""
    columns: dict[str, list[Any]] = {"file": [], **{name: [] for name in names}}
    for article, lines in rows:
        count = len(lines[names[0]]) if names else 0
        columns["file"].extend([article["file"]] * count)
        for name in names:
            columns[name].extend(lines[name])
    return columns


def _parse_one(
    source: Source, opened: int | OSError, registry: Registry, max_bytes: int, settings: ParseSettings
) -> ParsedArticle:
    """Parse one file from its open descriptor (or the error opening it gave); never raises."""
    try:
        if isinstance(opened, OSError):
            raise opened
        data: bytes | OSError = read_fd(opened, limit=max_bytes)
    except OSError as exc:
        data = exc
    return parse_read(source, data, registry=registry, settings=settings)


def parse_read(source: Source, data: bytes | OSError, *, registry: Registry, settings: ParseSettings) -> ParsedArticle:
    """Parse one file from its bytes, or the error reading them gave (TooLargeError: text.too_large;
    any other: text.unreadable), with its INDEX.md facts; never raises. Every backend parses here."""
    if isinstance(data, TooLargeError):
        parsed = _unparsed(source, registry, Code.TEXT_TOO_LARGE, f"{data.strerror}; not parsed", size=data.size)
    elif isinstance(data, OSError):
        parsed = _unparsed(source, registry, Code.TEXT_UNREADABLE, data.strerror or str(data), size=0)
    else:
        parsed = parse_article(data, file=source.file, registry=registry, source=source, settings=settings)
    parsed.article.update(index_outlet=source.outlet, index_url=source.url, retrieved_at=_when(source.retrieved))
    return parsed


def _unparsed(source: Source, registry: Registry, code: Code, detail: str, *, size: int) -> ParsedArticle:
    """The row of a file that was not read: its problem, and no text."""
    parsed = parse_article(b"", file=source.file, registry=registry)
    parsed.article.update(parse_errors=f"{code}: {detail}", parse_error_count=1, sha256="", bytes=size)
    return parsed


def _when(text: str | None) -> datetime | None:
    """INDEX.md's retrieved cell (ISO date or date-time) as a UTC instant; None if absent or bad."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iter_batches(
    corpus: Path,
    *,
    registry: Registry | None = None,
    jobs: int = 1,
    lean: bool = False,
    progress: Callable[[int], None] | None = None,
    rows: Iterable[Row] | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    settings: ParseSettings = DEFAULT,
    cache: ParseCache | None = None,
    digests: Mapping[str, str] | None = None,
    sources: Iterable[Source] | None = None,
) -> Iterator[TableBatch]:
    """The parsed corpus as Arrow record batches in file order, BATCH articles each.

    Memory stays flat whatever the corpus size: INDEX.md is streamed, and at most a few batches
    of file texts are in memory at once. `lean` leaves the paragraph text out (validation needs
    only its normalized hash): it is dropped in the worker, so it never crosses to this process.
    `rows` are INDEX.md's rows when the caller has already read them; `sources`, the files to
    parse when only some are (in file order).

    With a `cache` and `digests` ({file: the sha256 its bytes have now, as fixity found them}),
    a file's rows come from the cache's entries when its key matches one.
    """
    import pyarrow  # noqa: F401 - imported before the workers fork, so they inherit it

    registry = registry or load_registry(corpus)
    columns = _paragraph_columns(lean=lean)
    if sources is None:
        sources = _sources(corpus, rows=rows, settings=settings)
    sources = iter(sources)
    batches: Iterator[list[Item]] = (
        [(source, None, None, None) for source in chunk] for chunk in _chunks(sources, BATCH)
    )
    if cache is not None and cache.usable and digests is not None:
        context = context_digest(settings=settings, registry=registry, max_bytes=max_bytes, lean=lean)
        batches = (_looked_up(chunk, cache, context, digests) for chunk in _chunks(sources, BATCH))
    else:
        cache = None
    done = 0
    state = (corpus, registry, columns, max_bytes, settings)
    for batch in ordered_map(_parse_batch, batches, jobs=jobs, initializer=_init, initargs=state, window=16):
        if cache is not None:
            for key, why in batch.bad:
                cache.bad(key, why)
            cache.hits += batch.hits
            cache.misses += batch.articles.num_rows - batch.hits
        yield batch
        done += batch.articles.num_rows
        if progress:
            progress(done)
    if cache is not None:
        cache.put(())  # the entries' last use


def _sources(corpus: Path, *, rows: Iterable[Row] | None, settings: ParseSettings) -> Iterator[Source]:
    """The files to parse in file order: `rows` (INDEX.md's, already read), else as corpus_sources."""
    if rows is None:
        return corpus_sources(corpus, settings=settings)
    return (source_of(row, settings=settings) for row in sorted(rows, key=lambda row: row.file))


def _looked_up(chunk: Sequence[Source], cache: ParseCache, context: str, digests: Mapping[str, str]) -> list[Item]:
    """A chunk's items with their keys, and the entries the cache holds for them."""
    keyed = [(source, digests.get(source.file)) for source in chunk]
    keys = [entry_key(context, source, digest) if digest else None for source, digest in keyed]
    found = cache.get([key for key in keys if key is not None])
    return [
        (source, digest, key, found.get(key) if key else None)
        for (source, digest), key in zip(keyed, keys, strict=True)
    ]


def _chunks(sources: Iterator[Source], size: int) -> Iterator[list[Source]]:
    while chunk := list(itertools.islice(sources, size)):
        yield chunk


def frame(rows: list[dict[str, Any]], columns: Sequence[Column]) -> pd.DataFrame:
    """A DataFrame with exactly `columns`, in order, with their nullable dtypes."""
    import pyarrow as pa

    return to_frame(pa.Table.from_batches([record_batch(rows, columns)]))


def parse_corpus(
    corpus: str | os.PathLike[str],
    *,
    jobs: int = 1,
    registry: Registry | None = None,
    lean: bool = False,
    progress: Callable[[int], None] | None = None,
    rows: Iterable[Row] | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    settings: ParseSettings = DEFAULT,
    cache: ParseCache | None = None,
    digests: Mapping[str, str] | None = None,
) -> CorpusTables:
    """Parse every article of `corpus` into DataFrames, without touching disk beyond reading.

    `lean` leaves the paragraph text out (validation needs only its normalized hash), which keeps
    a large corpus's tables a fraction of the size.
    """
    import pyarrow as pa

    corpus = Path(corpus)
    if cache is not None and cache.usable and digests is not None:
        registry = registry or load_registry(corpus)
        options = _Options(registry, jobs, lean, progress, max_bytes, settings, cache, digests)
        return _parse_incrementally(corpus, list(_sources(corpus, rows=rows, settings=settings)), options)
    articles: list[pa.RecordBatch] = []
    paragraphs: list[pa.RecordBatch] = []
    batches = iter_batches(
        corpus,
        registry=registry,
        jobs=jobs,
        lean=lean,
        progress=progress,
        rows=rows,
        max_bytes=max_bytes,
        settings=settings,
    )
    for batch in batches:
        articles.append(batch.articles)
        paragraphs.append(batch.paragraphs)
    return _tables(
        pa.Table.from_batches(articles, schema=arrow_schema(ARTICLES)),
        pa.Table.from_batches(paragraphs, schema=arrow_schema(_paragraph_columns(lean=lean))),
    )


def known_articles(
    corpus: Path,
    *,
    rows: Sequence[Row],
    cache: ParseCache,
    registry: Registry,
    settings: ParseSettings = DEFAULT,
    max_bytes: int = MAX_ARTICLE_BYTES,
    lean: bool = True,
    columns: Sequence[str] | None = None,
) -> pa.Table | None:
    """The article rows (their `columns`, default all) the parse cache's snapshot holds for `rows`,
    in their order, each found under the key a parse would give it now (the bytes INDEX.md records,
    its facts, the settings, outlets and parser); None unless every one of `rows` has one. For
    `validate --staged`, which compares the staged articles with the rest of the corpus without
    parsing the rest."""
    import pyarrow as pa

    found = cache.load_articles(corpus, articles=arrow_schema(ARTICLES)) if cache.usable else None
    if found is None:
        return None
    table, stored = found
    context = context_digest(settings=settings, registry=registry, max_bytes=max_bytes, lean=lean)
    encoding = settings.encoding
    marks = [
        mark(context, source_of(row, settings=settings), row.sha256, encoding=encoding)
        if row.extra
        else (None, row.sha256)  # source_of(row) is Source(row.file, encoding): mark's plain case
        for row in rows
    ]
    at = stored.positions([row.file for row in rows], marks, context)
    if None in at:
        return None
    return (table if columns is None else table.select(list(columns))).take(pa.array(at, type=pa.int64()))


def _tables(articles: pa.Table, paragraphs: pa.Table) -> CorpusTables:
    # One contiguous array per column: a column of a thousand chunks makes every filter and take
    # the engines and reports do (pyarrow's take) several times slower.
    return CorpusTables(to_frame(articles.combine_chunks()), to_frame(paragraphs.combine_chunks()))


@dataclass(frozen=True, slots=True)
class _Options:
    registry: Registry
    jobs: int
    lean: bool
    progress: Callable[[int], None] | None
    max_bytes: int
    settings: ParseSettings
    cache: ParseCache
    digests: Mapping[str, str]


def _parse_incrementally(corpus: Path, sources: list[Source], options: _Options) -> CorpusTables:
    """The tables of `sources` (in file order) from the cache's snapshot of this corpus's last
    tables, for the articles whose key is the same, and from entries or parsing for the rest;
    the snapshot is then replaced. The tables are those a parse of every file gives, row for row."""
    import pyarrow as pa

    cache, lean = options.cache, options.lean
    context = context_digest(
        settings=options.settings, registry=options.registry, max_bytes=options.max_bytes, lean=lean
    )
    encoding = options.settings.encoding
    marks = [
        mark(context, source, digest, encoding=encoding)
        if (digest := options.digests.get(source.file))
        else (None, None)
        for source in sources
    ]
    lines_schema = arrow_schema(_paragraph_columns(lean=lean))
    snapshot = cache.load_tables(corpus, articles=arrow_schema(ARTICLES), paragraphs=lines_schema)
    if snapshot is None:
        old_articles, old_lines, loaded = arrow_schema(ARTICLES).empty_table(), lines_schema.empty_table(), None
        kept: list[int | None] = [None] * len(sources)
        stored = 0
    else:
        old_articles, old_lines, old_marks, loaded = snapshot
        kept = old_marks.positions([source.file for source in sources], marks, context)
        stored = len(old_marks.files)
    old_runs = _runs(old_lines)
    if snapshot is not None:
        old = (old_articles, old_lines, old_runs)
        _spill(cache, old, snapshot[2], kept=kept, context=context, encoding=encoding, lean=lean)
    todo = [source for source, at in zip(sources, kept, strict=True) if at is None]
    done = len(sources) - len(todo)
    if options.progress and done:
        options.progress(done)
    counted = None if options.progress is None else (lambda n: options.progress(done + n))  # type: ignore[misc]
    articles: list[pa.RecordBatch] = []
    paragraphs: list[pa.RecordBatch] = []
    batches = iter_batches(
        corpus,
        registry=options.registry,
        jobs=options.jobs,
        lean=lean,
        progress=counted,
        max_bytes=options.max_bytes,
        settings=options.settings,
        cache=cache,
        digests=options.digests,
        sources=todo,
    )
    for batch in batches:
        articles.append(batch.articles)
        paragraphs.append(batch.paragraphs)
    new_articles = pa.Table.from_batches(articles, schema=arrow_schema(ARTICLES))
    new_lines = pa.Table.from_batches(paragraphs, schema=lines_schema)
    # Each article's rows, from the snapshot or the new rows, in file order: consecutive rows of one
    # source go as one zero-copy slice, so a warm run copies each column once, not row by row.
    new_runs = _runs(new_lines)
    article_rows: list[tuple[int, int, int]] = []  # (source: 0 old, 1 new, first row, rows)
    line_rows: list[tuple[int, int, int]] = []
    parsed = 0
    for source, at in zip(sources, kept, strict=True):
        if at is None:
            article_rows.append((1, parsed, 1))
            parsed += 1
            line_rows.append((1, *new_runs.get(source.file, (0, 0))))
        else:
            article_rows.append((0, at, 1))
            line_rows.append((0, *old_runs.get(source.file, (0, 0))))
    # Combined before saving: the next run reads one chunk per column and need not copy it again.
    table = _gathered((old_articles, new_articles), article_rows).combine_chunks()
    lines = _gathered((old_lines, new_lines), line_rows).combine_chunks()
    saved = loaded
    if todo or stored != len(sources):
        saved = cache.save_tables(corpus, table, lines, marks, context=context)
    unchanged = frozenset(source.file for source, at in zip(sources, kept, strict=True) if at is not None)
    return replace(_tables(table, lines), reused=unchanged, loaded=loaded, saved=saved)


def _spill(
    cache: ParseCache,
    snapshot: tuple[pa.Table, pa.Table, dict[str, tuple[int, int]]],
    marks: Marks,
    *,
    kept: Sequence[int | None],
    context: str,
    encoding: str | None,
    lean: bool,
) -> None:
    """Store as entries the rows of the last snapshot that the new one drops (the last version of
    a changed, renamed or removed file), so a file changed back is not parsed again.

    A run saves every row it parses in its snapshot, not as entries: writing 100,000 entries made
    filling the cache a quarter slower than a run without it. So entries hold what snapshots no
    longer do. Rows made in another context (parser, settings, outlets) serve none here and go.
    """
    if marks.context != context:
        return
    wanted = set(kept)
    gone = [
        number
        for number, (key, digest) in enumerate(zip(marks.keys, marks.plain, strict=True))
        if number not in wanted and (key is not None or digest is not None)
    ]
    if not gone:
        return
    import pyarrow as pa

    articles, lines, runs = snapshot
    names = [c.name for c in _paragraph_columns(lean=lean) if c.name != "file"]
    entries = []
    for number, article in zip(gone, articles.take(pa.array(gone, type=pa.int64())).to_pylist(), strict=True):
        part = lines.slice(*runs.get(article["file"], (0, 0)))
        digest = str(marks.plain[number])  # a plain mark where no key is stored: its key is made here
        key = marks.keys[number] or entry_key(context, Source(marks.files[number], encoding=encoding), digest)
        entries.append((key, encode(article, {name: part.column(name).to_pylist() for name in names})))
    cache.put(entries)
    cache.evict()


def _gathered(tables: tuple[pa.Table, pa.Table], rows: Sequence[tuple[int, int, int]]) -> pa.Table:
    """The rows (table, first, count) of `tables`, in that order, as slices merged where contiguous."""
    import pyarrow as pa

    slices: list[list[int]] = []
    for which, first, count in rows:
        if not count:
            continue
        last = slices[-1] if slices else None
        if last is not None and last[0] == which and last[1] + last[2] == first:
            last[2] += count
        else:
            slices.append([which, first, count])
    parts = [tables[which].slice(first, count) for which, first, count in slices]
    return pa.concat_tables(parts) if parts else tables[0].slice(0, 0)


def _runs(lines: pa.Table) -> dict[str, tuple[int, int]]:
    """{file: (first row, rows)} of a lines table whose rows are grouped by file."""
    import pyarrow.compute as pc

    if lines.num_rows == 0:
        return {}
    encoded = pc.run_end_encode(lines.column("file").combine_chunks())
    ends = encoded.run_ends.to_pylist()
    files = encoded.values.to_pylist()
    starts = [0, *ends[:-1]]
    return {file: (start, end - start) for file, start, end in zip(files, starts, ends, strict=True)}


def _paragraph_columns(*, lean: bool) -> tuple[Column, ...]:
    """The paragraphs table's columns; `lean` leaves out the text."""
    return VALIDATED["paragraphs"] if lean else PARAGRAPHS
