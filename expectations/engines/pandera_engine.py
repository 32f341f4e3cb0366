"""Run the catalogue's rules with pandera: schemas built from the rules, failures mapped to files."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from expectations.catalogue import CheckSpec
from expectations.columns import PANDAS_DTYPES, VALIDATED
from expectations.engines import EngineRun, Failures, UnknownRuleError, columns_read, compared
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
from expectations.view import DERIVED, UTC_DTYPE

SCHEMA_CHECK = Check.TABLE_SCHEMA


SeriesTest = Callable[[pd.Series], pd.Series]
FrameTest = Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True, slots=True)
class RowTest:
    """A rule as pandera runs it: a vectorised test, True where the row passes, on `column` (a
    Column check) or, with `column` None, on the frame (a DataFrameSchema check)."""

    column: str | None
    test: SeriesTest | FrameTest


@functools.singledispatch
def translate(rule: Rule, params: Mapping[str, Any]) -> RowTest:
    """The pandera test of `rule`; UnknownRuleError for a rule type registered below for none."""
    raise UnknownRuleError(rule, engine="pandera")


@translate.register
def _not_null(rule: NotNull, params: Mapping[str, Any]) -> RowTest:
    return RowTest(rule.column, lambda s: s.notna())


@translate.register
def _in_set(rule: InSet, params: Mapping[str, Any]) -> RowTest:
    values = list(rule.values if rule.values is not None else params[rule.parameter or ""])
    return RowTest(rule.column, lambda s: s.isin(values).fillna(True) | s.isna())


@translate.register
def _between(rule: Between, params: Mapping[str, Any]) -> RowTest:
    return RowTest(rule.column, lambda s: s.between(rule.min_value, rule.max_value).fillna(True) | s.isna())


@translate.register
def _length_between(rule: LengthBetween, params: Mapping[str, Any]) -> RowTest:
    return RowTest(rule.column, lambda s: s.str.len().between(rule.min_value, rule.max_value).fillna(True) | s.isna())


@translate.register
def _not_match(rule: NotMatch, params: Mapping[str, Any]) -> RowTest:
    return RowTest(rule.column, lambda s: ~s.str.contains(rule.pattern, regex=True).fillna(False).astype(bool))


def _pair(a: str, b: str, holds: Callable[[pd.Series, pd.Series], pd.Series]) -> FrameTest:
    def pair(df: pd.DataFrame) -> pd.Series:
        both = df[a].notna() & df[b].notna()
        return ~both | holds(df[a], df[b]).fillna(False).astype(bool)

    return pair


@translate.register
def _pair_at_least(rule: PairAtLeast, params: Mapping[str, Any]) -> RowTest:
    return RowTest(None, _pair(rule.column_a, rule.column_b, lambda a, b: a >= b))


@translate.register
def _pair_equal(rule: PairEqual, params: Mapping[str, Any]) -> RowTest:
    return RowTest(None, _pair(rule.column_a, rule.column_b, lambda a, b: a == b))


@translate.register
def _unique_within(rule: UniqueWithin, params: Mapping[str, Any]) -> RowTest:
    def unique(df: pd.DataFrame) -> pd.Series:
        repeated = df.loc[compared(df, rule), list(rule.columns)].duplicated(keep=False)
        return ~repeated.reindex(df.index, fill_value=False)

    return RowTest(None, unique)


def _name(check: CheckSpec, number: int) -> str:
    return f"{check.id}#{number}"


def build_schemas(
    checks: Iterable[CheckSpec], *, params: Mapping[str, Any]
) -> dict[str, tuple[pa.DataFrameSchema, pa.DataFrameSchema]]:
    """Per table: (the column schema with one-column rules, the schema of multi-column rules)."""
    by_table: dict[str, tuple[pa.DataFrameSchema, pa.DataFrameSchema]] = {}
    checks = [c for c in checks if c.table and "pandera" in c.engines]
    for table, columns in VALIDATED.items():
        column_checks: dict[str, list[pa.Check]] = {c.name: [] for c in columns}
        frame_checks: list[pa.Check] = []
        for check in (c for c in checks if c.table == table):
            for number, rule in enumerate(check.rules):
                test = translate(rule, params)
                made = pa.Check(test.test, name=_name(check, number), ignore_na=False)
                if test.column is None:
                    frame_checks.append(made)
                else:
                    column_checks.setdefault(test.column, []).append(made)
        declared = {c.name: (PANDAS_DTYPES[c.kind], c.nullable) for c in columns}
        if table == "articles":
            declared.update({name: (UTC_DTYPE, True) for name in DERIVED})
        schema = pa.DataFrameSchema(
            {
                name: pa.Column(dtype, nullable=nullable, checks=column_checks.get(name, []))
                for name, (dtype, nullable) in declared.items()
            },
            name=table,
            strict=False,  # extra columns (the paragraph text) may be present; declared ones must be
            ordered=False,
        )
        by_table[table] = (schema, pa.DataFrameSchema(checks=frame_checks, name=f"{table} (row rules)"))
    return by_table


def run_pandera(
    frames: Mapping[str, pd.DataFrame], checks: Iterable[CheckSpec], *, params: Mapping[str, Any]
) -> tuple[Failures, list[str]]:
    """Validate every table lazily (every failure collected) and map failing rows to files.

    Returns the failures and, for table.schema (rule number -1), what is structurally wrong.
    """
    checks = list(checks)
    rules = {_name(c, n): (c, n) for c in checks for n, _ in enumerate(c.rules)}
    failures: Failures = {}
    structure: list[str] = []
    for table, (schema, row_rules) in build_schemas(checks, params=params).items():
        frame = frames[table]
        for target, data in ((schema, frame), (row_rules, frame[columns_read(frame, checks, table=table)])):
            try:
                target.validate(data, lazy=True)
            except SchemaErrors as exc:
                _collect(exc.failure_cases, frame, rules, failures, structure)
    return failures, structure


def _collect(
    cases: pd.DataFrame,
    frame: pd.DataFrame,
    rules: Mapping[str, tuple[CheckSpec, int]],
    failures: Failures,
    structure: list[str],
) -> None:
    files = frame["file"]
    for name, group in cases.groupby(cases["check"].astype(str), sort=True):
        if name in rules:
            check, number = rules[name]
            indexes = pd.unique(group["index"].dropna())
            for file in files.loc[list(indexes)].astype(str):
                found = failures.setdefault(check.id, {})
                found[file] = min(found.get(file, number), number)  # the first failing rule, in any engine order
        else:  # a structural failure: missing column, wrong dtype, null where none is allowed
            detail = "; ".join(
                sorted(
                    {f"{c}: {k}" for c, k in zip(group["column"].astype(str), group["check"].astype(str), strict=True)}
                )
            )
            failures.setdefault(SCHEMA_CHECK, {})[None] = -1
            structure.append(detail)


def run(
    frames: Mapping[str, pd.DataFrame],
    checks: Iterable[CheckSpec],
    *,
    params: Mapping[str, Any],
    docs_dir: Path | None = None,
) -> EngineRun:
    """The engine registry's entry point (pandera builds no Data Docs: `docs_dir` is unused)."""
    del docs_dir
    failures, structure = run_pandera(frames, checks, params=params)
    return EngineRun(failures, tuple(structure))
