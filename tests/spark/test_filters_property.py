"""On generated tables (nulls, boundary values, empty and non-ASCII strings, repeats, the `where`
column), the Spark filters give the local pandera engine's failures and notes, row for row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expectations.catalogue import INVARIANTS
from expectations.columns import ARTICLES, PANDAS_DTYPES, PARAGRAPHS, ROLES, VALIDATED
from expectations.engines.pandera_engine import run_pandera
from expectations.engines.spark import narrowed
from expectations.engines.spark.pandera_engine import judge, needed, structure
from expectations.view import DERIVED, UTC_DTYPE, spark_schema
from provenance.parsing.outlets import load_registry

pytestmark = pytest.mark.spark

REGISTRY = load_registry()
PARAMS = {"registry outlet ids": sorted(REGISTRY.outlets)}
CHECKS = [c for c in INVARIANTS if c.table]
T0 = datetime(2022, 1, 17, 18, 53, tzinfo=UTC)
TU = timedelta(microseconds=1)
WHEN = st.sampled_from(
    [None, T0, T0 + TU, T0 - TU, T0 + timedelta(days=1), T0 - timedelta(days=1), T0 + timedelta(days=400)]
)
WORDS = st.sampled_from(
    ["", " ", "ab", "abc", "abcde", "عنوان", "é", "x" * 300, "x" * 301, "ا" * 300, "🙂🙂🙂", "a\nb"]
)
TEXT = st.one_of(st.none(), WORDS, st.text(st.characters(blacklist_categories=("Cs",)), max_size=8))
OUTLET = st.sampled_from([None, "", "rt", "sputnik", "RT", "nobody", "رويترز", *PARAMS["registry outlet ids"][:3]])
ERROR_LINES = st.sampled_from(
    [
        "text.utf8: invalid byte",
        "text.nul_padding: 3 NUL bytes",
        "text.too_large: 17 MiB",
        "text.encoding: cp1256",
        "index.outlet: unknown",
        "date.invalid: 30 فبراير",
        "layout.glued_caption: x",
        "text.utf8x: not this code",
        "xtext.utf8: nor this",
        "note: text.utf8 mid-line",
        "date.invalidity: longer code",
        "",
    ]
)
ERRORS = st.one_of(
    st.lists(st.one_of(ERROR_LINES, st.text(max_size=6)), max_size=3).map("\n".join),
    st.lists(ERROR_LINES, max_size=3).map("\r\n".join),  # Java's and Python's line ends differ on \r
)


def _column(values: list[Any], kind: str) -> Any:
    return pd.array(values, dtype=PANDAS_DTYPES[kind] if kind != "datetime_utc" else UTC_DTYPE)  # type: ignore[call-overload]


@st.composite
def tables(draw: st.DrawFn) -> dict[str, pd.DataFrame]:
    """An articles view and a paragraphs table: every column the rules read drawn, the rest fixed."""
    n = draw(st.integers(1, 12))
    articles: dict[str, list[Any]] = {c.name: [] for c in ARTICLES}
    for name in DERIVED:
        articles[name] = []
    filler = {"string": "x", "int": 1, "float": 1.0, "bool": False, "datetime_utc": None, "datetime_local": None}
    for i in range(n):
        drawn = {
            "file": f"{i:02d}.txt",
            "title": draw(TEXT),
            "outlet": draw(OUTLET),
            "text_outlet": draw(OUTLET),
            "url_outlet": draw(OUTLET),
            "index_outlet": draw(OUTLET),
            "source_line": draw(TEXT),
            "source_kind": draw(
                st.sampled_from([None, "", "source", "dateline", "byline", "agency", "credit", "other"])
            ),
            "parse_errors": draw(ERRORS),
            "body_key": draw(st.sampled_from([None, "k1", "k2", "k3", "K1"])),
            "arabic_fraction": draw(st.sampled_from([None, float("nan"), 0.0, 0.4999999, 0.5, 1.0, 1.0000001])),
            "char_count": draw(st.sampled_from([0, 199, 200, 200_000, 200_001, -1])),
            "boilerplate_count": draw(st.sampled_from([0, 1, -1])),
            "retrieved_at": draw(WHEN),
            **{name: draw(WHEN) for name in DERIVED},
        }
        for column in ARTICLES:
            articles[column.name].append(drawn.get(column.name, filler[column.kind]))
        for name in DERIVED:
            articles[name].append(drawn[name])
    if draw(st.booleans()) and n > 1:  # now and then a null where the schema allows none
        articles[draw(st.sampled_from(["sha256", "char_count", "arabic_fraction", "parse_errors"]))][0] = None
    kinds = {c.name: c.kind for c in ARTICLES} | dict.fromkeys(DERIVED, "datetime_utc")
    view = pd.DataFrame({name: _column(values, kinds[name]) for name, values in articles.items()})
    m = draw(st.integers(0, 12))
    lines = {
        "file": [draw(st.sampled_from(["00.txt", "01.txt", "02.txt"])) for _ in range(m)],
        "index": list(range(m)),
        "line": list(range(1, m + 1)),
        "role": [draw(st.sampled_from([*ROLES[:5], "advert", "", None])) for _ in range(m)],
        "norm_hash": [draw(st.sampled_from([None, "h1", "h2", "H1"])) for _ in range(m)],
        "duplicate_of": [None] * m,
        "char_count": [5] * m,
    }
    kinds = {c.name: c.kind for c in PARAGRAPHS}
    paragraphs = pd.DataFrame({name: _column(values, kinds[name]) for name, values in lines.items()})
    return {"articles": view, "paragraphs": paragraphs}


def _spark(session: Any, frame: pd.DataFrame, table: str) -> Any:
    """`frame` on Spark, every column nullable (Spark trusts a schema's non-null and folds null tests away)."""
    from pyspark.sql import types as T

    columns = [c for c in (*VALIDATED[table],) if c.name in frame.columns]
    derived = [name for name in frame.columns if name in DERIVED]
    schema = T.StructType(
        [T.StructField(f.name, f.dataType, True) for f in spark_schema(columns, derived=derived).fields]
    )
    return session.createDataFrame(pa.Table.from_pandas(frame, preserve_index=False), schema=schema)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_spark_filters_are_the_local_pandera_engine(spark: Any, frames: dict[str, pd.DataFrame]) -> None:
    """Failures (file, first failing rule) and notes of the Spark filters equal the local engine's."""
    local, notes = run_pandera(frames, CHECKS, params=PARAMS)
    remote: dict[str, dict[str | None, int]] = {}
    remote_notes: list[str] = []
    for table in VALIDATED:
        frame = _spark(spark, frames[table], table)
        data = narrowed(frame, needed(frame, CHECKS, table))
        remote_notes += structure(frame, table, data=data)
        remote.update(judge(data, CHECKS, table, params=PARAMS).failures)
    if remote_notes:
        remote["table.schema"] = {None: -1}
    assert remote == local
    assert remote_notes == notes


def test_nan_is_read_as_null(spark: Any) -> None:
    """A NaN (which Arrow and Spark keep, but pandas' Float64 holds as NA) is judged as the local
    engine judges NA: no Between failure, and a null where table.schema allows none."""
    frame = spark.createDataFrame(
        [("a.txt", float("nan")), ("b.txt", 0.2), ("c.txt", 0.7)], "file string, arabic_fraction double"
    )
    checks = [c for c in CHECKS if c.id == "article.language"]
    data = narrowed(frame, ["file", "arabic_fraction"])
    assert judge(data, checks, "articles", params=PARAMS).failures == {"article.language": {"b.txt": 0}}
    notes = structure(frame, "articles", data=data)
    assert "arabic_fraction: not_nullable" in notes


def test_a_file_fails_with_its_first_rule_across_its_lines(spark: Any) -> None:
    """A file whose lines fail different rules of one check (a null role, rule 0; an unknown role,
    rule 1) fails it with the first, on Spark as locally: the rule number is per file, not per row."""
    lines = pd.DataFrame(
        {
            "file": _column(["a.txt", "a.txt", "b.txt"], "string"),
            "index": _column([0, 1, 0], "int"),
            "line": _column([1, 2, 1], "int"),
            "role": _column(["advert", None, "advert"], "string"),
            "norm_hash": _column([None, None, None], "string"),
            "duplicate_of": _column([None, None, None], "int"),
            "char_count": _column([5, 5, 5], "int"),
        }
    )
    checks = [c for c in CHECKS if c.id == "paragraph.role_known"]
    articles = pd.DataFrame({c.name: pd.Series([], dtype=PANDAS_DTYPES[c.kind]) for c in ARTICLES})
    local, _ = run_pandera({"articles": articles, "paragraphs": lines}, checks, params=PARAMS)
    local.pop("table.schema")  # the null role, and an articles table of no view: not what is compared here
    frame = _spark(spark, lines, "paragraphs")
    remote = judge(narrowed(frame, list(lines.columns)), checks, "paragraphs", params=PARAMS).failures
    assert remote == local == {"paragraph.role_known": {"a.txt": 0, "b.txt": 1}}
