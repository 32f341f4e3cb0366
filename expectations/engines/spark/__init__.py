"""The engines on the Spark backend: the same checks on Spark DataFrames, the same EngineRun.

`pandera_engine` compiles each rule to a Spark filter (per-file detail) and cross-checks it with
pandera's own pyspark backend (a table-level verdict); `gx_engine` runs the local engine's GX
suites through GX's Spark data source. pyspark is imported inside functions only, so the rule
registries can be listed (and tested) where pyspark is not installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def narrowed(frame: DataFrame, columns: Sequence[str]) -> DataFrame:
    """`columns` of `frame`, with NaN read as null in floating columns: pandas' nullable Float64
    (the local backend's dtype) holds no NaN, only NA, while Spark keeps NaN apart from null."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    types = {field.name: field.dataType for field in frame.schema.fields}
    return frame.select(
        *(
            F.when(~F.isnan(name), F.col(name)).alias(name)
            if isinstance(types[name], T.DoubleType | T.FloatType)
            else F.col(name)
            for name in columns
        )
    )
