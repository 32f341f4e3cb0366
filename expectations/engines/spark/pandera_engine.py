"""The pandera engine on Spark: the catalogue's rules as Spark filters, cross-checked by pandera-pyspark.

pandera's pyspark backend gives one verdict per check for the whole table, never the failing rows
(docs/spark-notes.md). So the per-file detail comes from a third translation of the rules:
`translate` turns each rule into a Spark Column that is true where a row fails it, with the null
handling of the local pandera engine (pandera_engine.py), rule by rule:

| rule | fails where (local: the pandas test)                                   |
| ---- | ---------------------------------------------------------------------- |
| NotNull | the value is null (`notna`)                                          |
| InSet | present and not in the set (`isin(...).fillna(True) \\| isna`)          |
| Between | present and outside [min, max] (`between(...).fillna(True) \\| isna`) |
| LengthBetween | present and its length in characters outside [min, max]         |
| NotMatch | present and the pattern is found (`~contains(...).fillna(False)`)   |
| PairAtLeast / PairEqual | both present and a < b / a != b                        |
| UniqueWithin | in `compared`'s scope (no null, `where` holding) and another row |
|              | in it has the same values (a count over a window)                |

NaN is read as null (`narrowed`). A file fails a check with the number of its first failing rule,
as the local engine gives it. table.schema is checked as the local engine checks it: every declared
column present, of its kind's Spark type, and without nulls where none are allowed; the notes say
what is wrong in the local engine's words.

pandera's pyspark backend then judges every table with the rules it can express (`expressed`):
NotNull (`nullable=False`), InSet (`isin`), Between (`in_range`), LengthBetween (`str_length`),
NotMatch (`str_contains` of "nowhere does the pattern match", a negative lookahead) and UniqueWithin
(the schema's `unique` on the rows the rule compares: pandera's own counts nulls as equal). It cannot
express PairAtLeast and PairEqual (its checks read one column; a DataFrame-level check would only
run our filter again): those are judged by the filters alone. Where pandera's table verdict and the
filters' disagree, the run stops with EngineDisagreementError naming the check: one of the two is wrong.
"""

from __future__ import annotations

import functools
import sys
import types
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations.catalogue import CheckSpec
from expectations.columns import PANDAS_DTYPES, VALIDATED
from expectations.engines import EngineRun, Failures, UnknownRuleError, columns_read
from expectations.engines.spark import narrowed
from expectations.ids import Check
from expectations.rules import (
    Between,
    InSet,
    LengthBetween,
    NotMatch,
    NotNull,
    PairAtLeast,
    PairEqual,
    Rule,
    UniqueWithin,
)
from expectations.view import DERIVED, UTC_DTYPE, spark_type

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

SCHEMA_CHECK = Check.TABLE_SCHEMA


class EngineDisagreementError(RuntimeError):
    """pandera's pyspark backend and the Spark filters gave a table different verdicts on a rule."""


@functools.singledispatch
def translate(rule: Rule, params: Mapping[str, Any]) -> Column:
    """A Spark Column, true (never null) where a row fails `rule`; UnknownRuleError for a rule type
    registered below for none."""
    raise UnknownRuleError(rule, engine="pandera", backend="spark")


def _col(name: str) -> Column:
    from pyspark.sql import functions as F

    return F.col(name)


# Registered by type, not by annotation: singledispatch would evaluate the return annotation, and
# pyspark's Column is imported for type checking only.
@translate.register(NotNull)
def _not_null(rule: NotNull, params: Mapping[str, Any]) -> Column:
    return _col(rule.column).isNull()


def _values(rule: InSet, params: Mapping[str, Any]) -> list[Any]:
    return list(rule.values if rule.values is not None else params[rule.parameter or ""])


@translate.register(InSet)
def _in_set(rule: InSet, params: Mapping[str, Any]) -> Column:
    column = _col(rule.column)
    return column.isNotNull() & ~column.isin(_values(rule, params))


@translate.register(Between)
def _between(rule: Between, params: Mapping[str, Any]) -> Column:
    column = _col(rule.column)
    return column.isNotNull() & ~column.between(rule.min_value, rule.max_value)


@translate.register(LengthBetween)
def _length_between(rule: LengthBetween, params: Mapping[str, Any]) -> Column:
    from pyspark.sql import functions as F

    column = _col(rule.column)
    # length() counts characters (code points), as Python's len does.
    return column.isNotNull() & ~F.length(column).between(rule.min_value, rule.max_value)


@translate.register(NotMatch)
def _not_match(rule: NotMatch, params: Mapping[str, Any]) -> Column:
    column = _col(rule.column)
    # rlike finds the pattern anywhere, as re.search does; the catalogue's patterns (literal codes,
    # \b, ^ and \n: expectations.ids.codes_pattern) mean the same in Java's regex dialect.
    return column.isNotNull() & column.rlike(rule.pattern)


def _both(a: str, b: str) -> Column:
    return _col(a).isNotNull() & _col(b).isNotNull()


@translate.register(PairAtLeast)
def _pair_at_least(rule: PairAtLeast, params: Mapping[str, Any]) -> Column:
    return _both(rule.column_a, rule.column_b) & ~(_col(rule.column_a) >= _col(rule.column_b))


@translate.register(PairEqual)
def _pair_equal(rule: PairEqual, params: Mapping[str, Any]) -> Column:
    return _both(rule.column_a, rule.column_b) & ~(_col(rule.column_a) == _col(rule.column_b))


def compared(rule: UniqueWithin) -> Column:
    """The rows a uniqueness rule compares (expectations.engines.compared, on Spark): no null in
    its columns, and its `where` holding."""
    from pyspark.sql import functions as F

    scope = F.lit(True)
    for name in rule.columns:
        scope &= _col(name).isNotNull()
    if rule.where:
        scope &= F.coalesce(_col(rule.where[0]) == F.lit(rule.where[1]), F.lit(False))
    return scope


@translate.register(UniqueWithin)
def _unique_within(rule: UniqueWithin, params: Mapping[str, Any]) -> Column:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    scope = compared(rule)
    # Rows outside the scope are counted in windows of their own, never with those inside it.
    repeats = F.count(F.lit(1)).over(Window.partitionBy(scope, *(_col(c) for c in rule.columns)))
    return scope & (repeats > 1)


# -- table.schema: the local engine's structural checks, in its words --------------------------


def _declared(table: str) -> dict[str, tuple[Any, Any, bool]]:
    """{column: (Spark type, pandas dtype, nullable)} of what `table` must hold."""
    declared = {c.name: (spark_type(c.kind), PANDAS_DTYPES[c.kind], c.nullable) for c in VALIDATED[table]}
    if table == "articles":
        declared.update({name: (spark_type("datetime_utc"), UTC_DTYPE, True) for name in DERIVED})
    return declared


def _pandera_dtype(dtype: Any) -> str:
    """How the local pandera engine names a wrong dtype: its check `dtype('<pandera's name>')`."""
    from pandera.engines.pandas_engine import Engine

    return f"dtype('{Engine.dtype(dtype)}')"


def structure(frame: DataFrame, table: str, *, data: DataFrame | None = None) -> list[str]:
    """What is structurally wrong with `table` (`frame`; `data`, its `needed` columns narrowed, if
    already made), as the local pandera engine's notes say it: one note per kind of failure (sorted
    as it sorts them), each the sorted `column: check` pairs."""
    from pyspark.sql import functions as F

    declared = _declared(table)
    present = {field.name: field.dataType for field in frame.schema.fields}
    groups: dict[str, set[str]] = {}
    for name, (spark, pandas, _) in declared.items():
        if name not in present:
            groups.setdefault("column_in_dataframe", set()).add(f"{table}: column_in_dataframe")
        elif present[name] != spark:
            check = _pandera_dtype(pandas)
            groups.setdefault(check, set()).add(f"{name}: {check}")
    required = [name for name, (_, _, nullable) in declared.items() if not nullable and name in present]
    if required:
        source = data if data is not None else narrowed(frame, required)
        counts = source.agg(*(F.count_if(F.col(n).isNull()).alias(n) for n in required)).first()
        for name in required:
            if counts is not None and counts[name]:
                groups.setdefault("not_nullable", set()).add(f"{name}: not_nullable")
    return ["; ".join(sorted(groups[check])) for check in sorted(groups)]


# -- the filters: failures per file ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Judged:
    """The filters' findings on one table: failures per file, and the rules that failed anywhere."""

    failures: Failures
    failed: frozenset[tuple[str, int]]  # (check id, rule number)


def _family(spark: Any) -> str:
    """What a Spark type compares as: numbers with numbers, instants with instants, and so on."""
    from pyspark.sql import types as T

    if isinstance(spark, T.NumericType):
        return "number"
    return type(spark).__name__


def _rules(frame: DataFrame, checks: Sequence[CheckSpec], table: str) -> list[tuple[CheckSpec, int, Rule]]:
    """The rules of `checks` on `table` this engine runs. As the local engine, none that reads a
    column the table lacks, or one of a type its test cannot compare (a number held as text, a
    wall time where an instant belongs: pandas raises and the rule judges no row); table.schema
    reports both. A number of the other numeric type is judged, as pandas judges it."""
    declared = _declared(table)
    present = {field.name: field.dataType for field in frame.schema.fields}

    def usable(column: str) -> bool:
        if column not in present:
            return False
        return column not in declared or _family(present[column]) == _family(declared[column][0])

    return [
        (check, number, rule)
        for check in checks
        if check.table == table
        for number, rule in enumerate(check.rules)
        if all(usable(column) for column in rule.reads)
    ]


def needed(frame: DataFrame, checks: Sequence[CheckSpec], table: str) -> list[str]:
    """The columns of `frame` the engine reads: those the rules read, those naming a row, and those
    table.schema requires to hold no null."""
    required = {name for name, (_, _, nullable) in _declared(table).items() if not nullable}
    read = set(columns_read(frame, checks, table=table))
    return [c for c in frame.columns if c in read or c in required]


def judge(data: DataFrame, checks: Sequence[CheckSpec], table: str, *, params: Mapping[str, Any]) -> Judged:
    """Run every rule of `checks` on `table` as a Spark filter, in one pass: each failing file with
    the number of its first failing rule per check, as the local engine maps failing rows. `data`
    is the table `narrowed` to (at least) the columns the rules read."""
    from pyspark.sql import functions as F

    rules = _rules(data, checks, table)
    if not rules:
        return Judged({}, frozenset())
    flags = [f"_r{i}" for i in range(len(rules))]
    marked = data.select(
        F.col("file"),
        *(
            F.coalesce(translate(rule, params), F.lit(False)).alias(flag)
            for flag, (_, _, rule) in zip(flags, rules, strict=True)
        ),
    )
    failing = marked.where(F.greatest(*(F.col(f) for f in flags)) if len(flags) > 1 else F.col(flags[0]))
    by_check: dict[str, list[tuple[str, int]]] = {}
    for flag, (check, number, _) in zip(flags, rules, strict=True):
        by_check.setdefault(check.id, []).append((flag, number))
    firsts = [
        F.min(_least([F.when(F.col(flag), F.lit(number)) for flag, number in numbered])).alias(f"_c{i}")
        for i, numbered in enumerate(by_check.values())
    ]
    rows = failing.groupBy("file").agg(*firsts, *(F.max(F.col(f)).alias(f) for f in flags)).orderBy("file").collect()
    failures: Failures = {}
    for i, check_id in enumerate(by_check):
        found: dict[str | None, int] = {
            str(row["file"]): int(row[f"_c{i}"]) for row in rows if row[f"_c{i}"] is not None
        }
        if found:
            failures[check_id] = found
    failed = frozenset(
        (check.id, number)
        for flag, (check, number, _) in zip(flags, rules, strict=True)
        if any(row[flag] for row in rows)
    )
    return Judged(failures, failed)


def _least(columns: list[Column]) -> Column:
    from pyspark.sql import functions as F

    return columns[0] if len(columns) == 1 else F.least(*columns)


# -- pandera's own pyspark backend: the table-level verdict --------------------------------------


def _stand_in() -> None:
    """Install a stand-in `pyspark.pandas` (and its `extensions`) in sys.modules.

    pandera.api.pyspark imports pyspark.pandas for type aliases only, and its check registry imports
    pyspark.pandas.extensions to register accessors; under pandas 3 the real pyspark.pandas fails to
    import (pandas internals it uses are gone), so nothing of pandera's pyspark API would load.
    tests/spark/test_pandera_pyspark.py pins that this is still needed and still enough.
    """

    class StandIn:
        """Never instantiated: a pyspark.pandas object pandera could be handed does not exist here."""

    module = types.ModuleType("pyspark.pandas", "corpus-audit's stand-in: the real one needs pandas < 3")
    module.__path__ = []
    extensions = types.ModuleType("pyspark.pandas.extensions")
    for name in ("DataFrame", "Series", "Index", "MultiIndex"):
        setattr(module, name, StandIn)

    def register(name: str) -> Any:
        return lambda cls: cls

    extensions.register_dataframe_accessor = register  # type: ignore[attr-defined]  # a module built here
    extensions.register_series_accessor = register  # type: ignore[attr-defined]  # a module built here
    module.extensions = extensions  # type: ignore[attr-defined]  # a module built here
    sys.modules["pyspark.pandas"] = module
    sys.modules["pyspark.pandas.extensions"] = extensions


def pyspark_pandas_imports() -> bool:
    """Whether the real `pyspark.pandas` imports here (pyspark warns on import under pandas 3)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        try:
            import pyspark.pandas  # noqa: F401  # imported to learn whether it can be
        except ImportError:
            for name in [n for n in sys.modules if n == "pyspark.pandas" or n.startswith("pyspark.pandas.")]:
                del sys.modules[name]  # the half-imported package: never to be reused
            return False
    return True


@functools.cache
def pandera_pyspark() -> Any:
    """pandera's pyspark API (`pandera.pyspark`), with the stand-in pyspark.pandas installed only
    when the real one does not import."""
    if not pyspark_pandas_imports():
        _stand_in()
    import pandera.pyspark

    return pandera.pyspark


@dataclass(frozen=True, slots=True)
class Expressed:
    """A rule as pandera's pyspark backend judges it: its Column's `nullable`, a Check on the column,
    or `unique` columns (on the rows `scope` keeps)."""

    column: str | None = None
    not_null: bool = False
    check: Any = None
    unique: tuple[str, ...] = ()
    scope: Any = None


@functools.singledispatch
def expressed(rule: Rule, params: Mapping[str, Any], *, name: str) -> Expressed | None:
    """The rule in pandera-pyspark's terms, its checks' error text set to `name`; None for a rule it
    cannot express (the pair rules), which the filters alone judge."""
    return None


# Registered by type, not by annotation: singledispatch would evaluate the return annotation, and
# pyspark's Column is imported for type checking only.
@expressed.register(NotNull)
def _(rule: NotNull, params: Mapping[str, Any], *, name: str) -> Expressed | None:
    return Expressed(rule.column, not_null=True)


@expressed.register(InSet)
def _(rule: InSet, params: Mapping[str, Any], *, name: str) -> Expressed | None:
    return Expressed(rule.column, check=pandera_pyspark().Check.isin(_values(rule, params), error=name))


@expressed.register(Between)
def _(rule: Between, params: Mapping[str, Any], *, name: str) -> Expressed | None:
    return Expressed(rule.column, check=pandera_pyspark().Check.in_range(rule.min_value, rule.max_value, error=name))


@expressed.register(LengthBetween)
def _(rule: LengthBetween, params: Mapping[str, Any], *, name: str) -> Expressed | None:
    return Expressed(rule.column, check=pandera_pyspark().Check.str_length(rule.min_value, rule.max_value, error=name))


@expressed.register(NotMatch)
def _(rule: NotMatch, params: Mapping[str, Any], *, name: str) -> Expressed | None:
    # "contains a match of: a start of text from which the pattern is found nowhere"; (?s) lets the
    # lookahead's .* cross lines, as the pattern's own \n alternative does.
    nowhere = rf"(?s)\A(?!.*?(?:{rule.pattern}))"
    return Expressed(rule.column, check=pandera_pyspark().Check.str_contains(nowhere, error=name))


@expressed.register(UniqueWithin)
def _(rule: UniqueWithin, params: Mapping[str, Any], *, name: str) -> Expressed | None:
    return Expressed(unique=rule.columns, scope=compared(rule))


def _failed_checks(validated: DataFrame) -> set[tuple[str | None, str]]:
    """{(column, check)} of every error pandera's pyspark backend recorded on `validated`."""
    errors = validated.pandera.errors or {}
    return {
        (entry.get("column"), str(entry.get("check")))
        for kinds in errors.values()
        for entries in kinds.values()
        for entry in entries
    }


def pandera_verdicts(
    data: DataFrame, checks: Sequence[CheckSpec], table: str, *, params: Mapping[str, Any]
) -> dict[tuple[str, int], bool]:
    """{(check id, rule number): failed} for every rule of `checks` on `table` pandera's pyspark
    backend can express, judged by it on the whole table (`narrowed`, as `judge` reads it)."""
    pap = pandera_pyspark()
    from pandera.config import ValidationDepth, config_context

    types_of = {field.name: field.dataType for field in data.schema.fields}
    columns: dict[str, dict[str, Any]] = {}
    keys: dict[tuple[str | None, str], list[tuple[str, int]]] = {}
    verdicts: dict[tuple[str, int], bool] = {}
    with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        for check, number, rule in _rules(data, checks, table):
            name = f"{check.id}#{number}"
            way = expressed(rule, params, name=name)
            if way is None:
                continue
            if way.unique:  # a validation of its own, on the rows the rule compares
                schema = pap.DataFrameSchema(name=name, unique=list(way.unique))
                verdicts[(check.id, number)] = bool(_failed_checks(schema.validate(data.where(way.scope))))
                continue
            column = columns.setdefault(way.column or "", {"nullable": True, "checks": []})
            if way.not_null:
                column["nullable"] = False
                keys.setdefault((way.column, "not_nullable"), []).append((check.id, number))
            else:
                column["checks"].append(way.check)
                keys.setdefault((way.column, name), []).append((check.id, number))
        if columns:
            schema = pap.DataFrameSchema(
                {name: pap.Column(types_of[name], **spec) for name, spec in columns.items()}, name=table
            )
            failed = _failed_checks(schema.validate(data))
            verdicts.update({key: where in failed for where, rules in keys.items() for key in rules})
    return verdicts


def cross_check(judged: Judged, verdicts: Mapping[tuple[str, int], bool], checks: Sequence[CheckSpec]) -> None:
    """Raise EngineDisagreementError where pandera's table verdict on a rule is not the filters'."""
    by_id = {c.id: c for c in checks}
    for (check_id, number), failed in sorted(verdicts.items()):
        if failed != ((check_id, number) in judged.failed):
            rule = by_id[check_id].rules[number]
            raise EngineDisagreementError(
                f"{check_id}: pandera's pyspark backend says rule {number} ({rule.describe()}) "
                f"{'fails' if failed else 'passes'} on the table, the Spark filters that it "
                f"{'passes' if failed else 'fails'}: a bug in expectations/engines/spark/pandera_engine.py"
            )


def run_pandera(
    frames: Mapping[str, DataFrame], checks: Iterable[CheckSpec], *, params: Mapping[str, Any]
) -> tuple[Failures, list[str]]:
    """The local run_pandera's result for the same tables as Spark DataFrames: failures and notes."""
    checks = [c for c in checks if c.table and "pandera" in c.engines]
    failures: Failures = {}
    notes: list[str] = []
    for table in VALIDATED:
        frame = frames[table]
        # Read once (the view is computed in Python workers), then by every query below.
        data = narrowed(frame, needed(frame, checks, table)).persist()
        try:
            notes += structure(frame, table, data=data)
            judged = judge(data, checks, table, params=params)
            cross_check(judged, pandera_verdicts(data, checks, table, params=params), checks)
        finally:
            data.unpersist()
        failures.update(judged.failures)
    if notes:
        failures[SCHEMA_CHECK] = {None: -1}
    return failures, notes


def run(
    frames: Mapping[str, Any],
    checks: Iterable[CheckSpec],
    *,
    params: Mapping[str, Any],
    docs_dir: Path | None = None,
) -> EngineRun:
    """The engine registry's entry point on Spark (pandera builds no Data Docs: `docs_dir` is unused)."""
    del docs_dir
    failures, structure_notes = run_pandera(frames, checks, params=params)
    return EngineRun(failures, tuple(structure_notes))
