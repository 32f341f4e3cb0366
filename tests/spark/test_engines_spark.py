"""The Spark backend's engines give the local engines' failures and notes, on every named corpus."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from expectations.catalogue import ENGINE_NAMES, INVARIANTS, CheckSpec
from expectations.columns import ARTICLES, PARAGRAPHS
from expectations.engines import EngineRun, UnknownRuleError, runner
from expectations.view import DERIVED, articles_view, spark_articles_view, spark_schema
from provenance.audit.policy import read_policy
from provenance.parsing.corpus import parse_corpus
from provenance.parsing.outlets import Registry, load_registry
from provenance.parsing.tables import arrow_schema

pytestmark = pytest.mark.spark

REPO = Path(__file__).parent.parent.parent
RESOURCES = REPO / "tests" / "resources"
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
#: Every corpus the repository holds: seeds and each folder of tests/resources with an INDEX.md
#: (audit-v1 and golden hold reports of these corpora, not corpora).
CORPORA = ["seeds", *sorted(str(p.parent.relative_to(RESOURCES)) for p in RESOURCES.rglob("INDEX.md"))]
#: GX on Spark costs about a second an expectation: these corpora between them fail every rule type.
GX_CORPORA = ["invariants", "duplicate-variants", "parse-bad"]


@dataclass(frozen=True)
class Tables:
    """A corpus's tables as validate_corpus builds them (pandas), and its registry's parameters."""

    articles: pd.DataFrame  # parsed, before the view
    paragraphs: pd.DataFrame
    registry: Registry

    @property
    def params(self) -> dict[str, Any]:
        return {"registry outlet ids": sorted(self.registry.outlets)}

    @property
    def started(self) -> dict[str, Any]:
        return {k: o.started for k, o in self.registry.outlets.items()}

    def local(self) -> dict[str, pd.DataFrame]:
        view = articles_view(self.articles, outlet_started=self.started, run_at=NOW)
        return {"articles": view, "paragraphs": self.paragraphs}

    def spark(self, session: Any) -> dict[str, Any]:
        """The raw parsed tables as Spark DataFrames (from Arrow), the view made on Spark."""
        articles = spark_frame(session, self.articles, ARTICLES)
        view = spark_articles_view(articles, outlet_started=self.started, run_at=NOW)
        return {"articles": view, "paragraphs": spark_frame(session, self.paragraphs, PARAGRAPHS)}


def spark_frame(session: Any, frame: pd.DataFrame, columns: tuple[Any, ...]) -> Any:
    """`frame` as a Spark DataFrame of its columns' declared types (a lean paragraphs table has no text)."""
    present = tuple(c for c in columns if c.name in frame.columns)
    table = pa.Table.from_pandas(frame[[c.name for c in present]], schema=arrow_schema(present), preserve_index=False)
    return session.createDataFrame(table, schema=spark_schema(present))


def tables_of(name: str) -> Tables:
    corpus = REPO / name if name == "seeds" else RESOURCES / name
    registry = load_registry(corpus)
    parsed = parse_corpus(corpus, registry=registry, lean=True, settings=read_policy(corpus).settings)
    return Tables(parsed.articles, parsed.paragraphs, registry)


def both(engine: str, tables: Tables, session: Any) -> tuple[EngineRun, EngineRun]:
    local = runner(engine)(tables.local(), INVARIANTS, params=tables.params, docs_dir=None)
    spark = runner(engine, backend="spark")(tables.spark(session), INVARIANTS, params=tables.params, docs_dir=None)
    return local, spark


def test_every_corpus_is_found() -> None:
    """The corpus list is the repository's, not a hand-kept subset."""
    assert {"seeds", "invariants", "parse-bad", "real-shapes/dates", "outlets-overlap"} <= set(CORPORA)
    assert len(CORPORA) >= 14


@pytest.mark.parametrize("name", CORPORA)
def test_spark_view_is_the_local_view(spark: Any, name: str) -> None:
    """spark_articles_view gives the local articles_view's rows, every column, value for value."""
    tables = tables_of(name)
    local = tables.local()["articles"]
    remote = (
        tables.spark(spark)["articles"]
        .toArrow()
        .to_pandas(
            types_mapper={
                pa.string(): pd.StringDtype("pyarrow"),
                pa.large_string(): pd.StringDtype("pyarrow"),
                pa.int64(): pd.Int64Dtype(),
                pa.float64(): pd.Float64Dtype(),
                pa.bool_(): pd.BooleanDtype(),
            }.get,
            coerce_temporal_nanoseconds=False,
        )
    )
    remote = remote.sort_values("file", ignore_index=True)
    local = local.sort_values("file", ignore_index=True)
    pd.testing.assert_frame_equal(remote, local, check_dtype=False)
    assert list(remote.dtypes.astype(str)) == list(local.dtypes.astype(str))


@pytest.mark.parametrize("name", CORPORA)
def test_pandera_on_spark_is_pandera_locally(spark: Any, name: str) -> None:
    """On every corpus, the Spark pandera engine's failures (file and first failing rule) and notes
    are the local pandera engine's."""
    local, remote = both("pandera", tables_of(name), spark)
    assert remote.failures == local.failures
    assert remote.notes == local.notes
    if name == "invariants":  # the corpus that breaks every check: the comparison is not of two empties
        assert len(local.failures) >= 13


@pytest.mark.slow
@pytest.mark.parametrize("name", GX_CORPORA)
def test_gx_on_spark_is_gx_locally(spark: Any, name: str, tmp_path: Path) -> None:
    """GX through its Spark data source fails the files GX fails locally, with the same first rule,
    and writes its Data Docs (offline) as the local run does."""
    tables = tables_of(name)
    local = runner("gx")(tables.local(), INVARIANTS, params=tables.params, docs_dir=None)
    docs = tmp_path / "gx"
    remote = runner("gx", backend="spark")(tables.spark(spark), INVARIANTS, params=tables.params, docs_dir=docs)
    assert remote.failures == local.failures
    assert local.failures
    pages = "".join(page.read_text(encoding="utf-8") for page in docs.rglob("*.html"))
    assert (docs / "index.html").is_file()
    assert all(file in pages for files in local.failures.values() for file in files if file)
    assert "bootstrapcdn" not in pages and "cdnjs" not in pages  # made offline, as locally


@dataclasses.dataclass(frozen=True)
class Untaught:
    """A rule type no engine was taught."""

    column: str = "title"

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return "untaught"


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_an_unknown_rule_stops_every_spark_engine(spark: Any, engine: str) -> None:
    """A rule a Spark engine cannot translate raises UnknownRuleError naming it, rather than being skipped."""
    tables = tables_of("fixity-clean")
    check = CheckSpec("test.untaught", "Untaught", "", "error", "article", "articles", (Untaught(),))  # type: ignore[arg-type]  # not a Rule, on purpose
    with pytest.raises(UnknownRuleError, match=f"the {engine} engine cannot translate Untaught"):
        runner(engine, backend="spark")(tables.spark(spark), [check], params=tables.params, docs_dir=None)


def test_table_schema_on_spark_is_the_local_one(spark: Any) -> None:
    """Columns of the wrong type (each kind), a missing column and a paragraphs column of the wrong
    type fail table.schema on Spark with the local engine's notes, word for word."""
    from pyspark.sql import types as T

    tables = tables_of("seeds")
    view = tables.local()["articles"]
    view = view.drop(columns=["dateline"]).assign(
        bytes=view["bytes"].astype("Float64"),
        arabic_fraction=view["arabic_fraction"].astype("string"),
        published_tz_known=view["published_tz_known"].astype("string"),
        published_local=view["published_local"].dt.tz_localize("UTC"),
        run_at=view["run_at"].dt.tz_localize(None),
    )
    lines = tables.paragraphs.astype({"line": "Float64"})
    local = runner("pandera")({"articles": view, "paragraphs": lines}, INVARIANTS, params=tables.params, docs_dir=None)
    wrong = {
        "bytes": T.DoubleType(),
        "line": T.DoubleType(),
        "arabic_fraction": T.StringType(),
        "published_tz_known": T.StringType(),
        "published_local": T.TimestampType(),
        "run_at": T.TimestampNTZType(),
    }

    def on_spark(frame: pd.DataFrame) -> Any:
        """`frame` with the declared Spark types but the `wrong` ones."""
        declared = {f.name: f for f in spark_schema((*ARTICLES, *PARAGRAPHS), derived=DERIVED).fields}
        fields = [T.StructField(n, wrong[n], True) if n in wrong else declared[n] for n in frame.columns]
        return spark.createDataFrame(pa.Table.from_pandas(frame, preserve_index=False), schema=T.StructType(fields))

    frames = {"articles": on_spark(view), "paragraphs": on_spark(lines)}
    remote = runner("pandera", backend="spark")(frames, INVARIANTS, params=tables.params, docs_dir=None)
    assert remote.notes == local.notes
    assert remote.failures == local.failures
    assert len(local.notes) == 7  # column_in_dataframe and one per wrong type
