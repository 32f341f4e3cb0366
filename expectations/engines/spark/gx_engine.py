"""The GX engine on Spark: the local engine's suites, run through GX's Spark data source.

Nothing of GX's is rebuilt here: the suites (`build_suites`), the context, the validation with
`result_format` COMPLETE and `unexpected_index_column_names=["file"]`, the mapping of unexpected
rows to files and the Data Docs are expectations/engines/gx_engine.py's, handed Spark DataFrames
and a Spark data source. GX builds Data Docs from validation results, whatever the source, so
`docs_dir` works as it does locally.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from expectations.catalogue import CheckSpec
from expectations.engines import EngineRun
from expectations.engines.gx_engine import run_gx, translate
from expectations.engines.spark import narrowed

__all__ = ["run", "translate"]  # translate: the same translations as the local engine's, by construction

SOURCE = "corpus-audit-spark"


def spark_source(context: Any) -> Any:
    """The context's data source of in-memory Spark DataFrames."""
    return context.data_sources.add_or_update_spark(SOURCE)


def run(
    frames: Mapping[str, Any],
    checks: Iterable[CheckSpec],
    *,
    params: Mapping[str, Any],
    docs_dir: Path | None = None,
) -> EngineRun:
    """The engine registry's entry point on Spark: the local GX run on Spark DataFrames."""
    # GX runs several Spark jobs an expectation: each table is computed once (the view's Python
    # workers run once), with NaN read as null, as pandas' nullable dtypes hold it.
    held = {table: narrowed(frame, frame.columns).persist() for table, frame in frames.items()}
    try:
        return EngineRun(run_gx(held, checks, params=params, docs_dir=docs_dir, data_source=spark_source))
    finally:
        for frame in held.values():
            frame.unpersist()
