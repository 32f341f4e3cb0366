"""validate's Spark backend: fixity, parsing and the engines on a Spark session; the gate stays here.

Only what the report needs comes back to the driver: fixity's differences, every article's file and
sha256, the breakdown's counts (aggregated by Spark), and the rows of the files that fail a check,
never the whole table.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from expectations.catalogue import ENGINE_NAMES, ENGINES, CheckSpec
from expectations.engines import EngineRun, runner
from provenance.audit.results import EngineVerdict
from provenance.audit.validate import BREAKDOWN, Judged
from provenance.parsing.corpus import MAX_ARTICLE_BYTES
from provenance.parsing.outlets import load_registry
from provenance.parsing.settings import ParseSettings

#: _verdicts: each check's verdict from the engines' runs, with evidence from the frames given.
VerdictsOf = Callable[..., list[EngineVerdict]]


@contextlib.contextmanager
def judge_on_spark(
    corpus: Path | str,
    *,
    master: str | None,
    metadata: Path | None,
    checks: Sequence[CheckSpec],
    engines: Sequence[str],
    settings: ParseSettings,
    max_bytes: int,
    strict: bool,
    run_at: datetime,
    gx_docs: Path | None,
    stage: Callable[[str], None],
    verdicts_of: VerdictsOf,
    jobs: int = 1,
) -> Iterator[Judged]:
    """What the engines find on Spark, with the fixity report and what the report reads of the
    articles; the session (and the pass's cached tables) live as long as the block."""
    from expectations.view import articles_view, spark_articles_view
    from provenance.spark.corpus import read_corpus, read_from_store
    from provenance.spark.output import article_files, digests_of, rows_of, value_counts
    from provenance.spark.session import DEFAULT_MASTER, spark_session

    registry = load_registry(metadata or Path(corpus))
    with spark_session(master=master or DEFAULT_MASTER) as spark:
        tables = read_corpus(
            spark,
            corpus,
            settings=settings,
            registry=registry,
            max_bytes=max_bytes,
            lean=True,
            strict=strict,
            jobs=jobs,
        )
        try:
            stage("fixity")  # one pass on the executors reads, hashes and parses: fixity forces it
            stage("parse")
            started = {k: o.started for k, o in registry.outlets.items()}
            frames = {
                "articles": spark_articles_view(tables.articles, outlet_started=started, run_at=run_at),
                "paragraphs": tables.paragraphs,
            }
            params = {"registry outlet ids": sorted(registry.outlets)}
            runs = _run_engines(frames, checks=checks, engines=engines, params=params, gx_docs=gx_docs, stage=stage)
            failing = {file for run in runs.values() for files in run.failures.values() for file in files}
            # The failing files' rows only: every article whose body another shares fails the
            # duplicate check too, so the evidence naming those others is among them.
            local = {
                "articles": articles_view(rows_of(tables.articles, failing), outlet_started=started, run_at=run_at),
                "paragraphs": _lines_of(tables.paragraphs, failing),
            }
            verdicts = verdicts_of(runs, checks=checks, frames=local, outside=None)
            files = article_files(tables.articles)
            read = (
                None
                if isinstance(corpus, Path)
                else functools.partial(read_from_store, spark, corpus, limit=MAX_ARTICLE_BYTES)
            )
            yield Judged(
                fixity=tables.fixity,
                verdicts=verdicts,
                articles=files,
                digests=functools.partial(digests_of, tables.articles),
                breakdown=value_counts(tables.articles, BREAKDOWN),
                rows=lambda wanted: rows_of(tables.articles, wanted if wanted is not None else files),
                registry=registry,
                read=read,  # a store's files: through Hadoop, for the lines the report shows
            )
        finally:
            tables.release()


def _run_engines(
    frames: Mapping[str, Any],
    *,
    checks: Sequence[CheckSpec],
    engines: Sequence[str],
    params: Mapping[str, Any],
    gx_docs: Path | None,
    stage: Callable[[str], None],
) -> dict[str, EngineRun]:
    """Each chosen engine's Spark runner (expectations.engines.runner(name, backend="spark")), in the
    catalogue's order, on the same frames; `stage` hears each one's name as it ends."""
    runs: dict[str, EngineRun] = {}
    for name in ENGINE_NAMES:
        if name in engines:
            run = runner(name, backend="spark")
            docs = gx_docs if ENGINES[name].data_docs else None
            runs[name] = run(frames, checks, params=params, docs_dir=docs)
            stage(name)
    return runs


def _lines_of(paragraphs: Any, failing: set[str | None]) -> Any:
    from expectations.columns import VALIDATED
    from provenance.spark.output import rows_of

    return rows_of(paragraphs, failing, VALIDATED["paragraphs"])
