"""Run the catalogue's rules with pandera: schemas built from the rules, failures mapped to files."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from expectations.catalogue import CheckSpec, columns_read
from expectations.columns import PANDAS_DTYPES, VALIDATED
from expectations.engines import EngineRun, Failures
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


def _series_test(rule: Rule, params: Mapping[str, Any]) -> Callable[[pd.Series], pd.Series]:
    """A vectorised test for a one-column rule: True where the row passes."""
    if isinstance(rule, NotNull):
        return lambda s: s.notna()
    if isinstance(rule, InSet):
        values = list(rule.values if rule.values is not None else params[rule.parameter or ""])
        return lambda s: s.isin(values).fillna(True) | s.isna()
    if isinstance(rule, Between):
        return lambda s: s.between(rule.min_value, rule.max_value).fillna(True) | s.isna()
    if isinstance(rule, LengthBetween):
        return lambda s: s.str.len().between(rule.min_value, rule.max_value).fillna(True) | s.isna()
    if isinstance(rule, NotMatch):
        return lambda s: ~s.str.contains(rule.pattern, regex=True).fillna(False).astype(bool)
    raise TypeError(f"not a one-column rule: {rule!r}")


def _frame_test(rule: Rule) -> Callable[[pd.DataFrame], pd.Series]:
    """A vectorised test for a rule over several columns: True where the row passes."""
    if isinstance(rule, PairAtLeast | PairEqual):
        a, b = rule.column_a, rule.column_b

        def pair(df: pd.DataFrame) -> pd.Series:
            both = df[a].notna() & df[b].notna()
            holds = df[a] >= df[b] if isinstance(rule, PairAtLeast) else df[a] == df[b]
            return ~both | holds.fillna(False).astype(bool)

        return pair
    if isinstance(rule, UniqueWithin):

        def unique(df: pd.DataFrame) -> pd.Series:
            scope = df[list(rule.columns)].notna().all(axis=1)
            if rule.where:
                scope &= (df[rule.where[0]] == rule.where[1]).fillna(False).astype(bool)
            repeated = df.loc[scope, list(rule.columns)].duplicated(keep=False)
            return ~repeated.reindex(df.index, fill_value=False)

        return unique
    raise TypeError(f"not a multi-column rule: {rule!r}")


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
                if isinstance(rule, PairAtLeast | PairEqual | UniqueWithin):
                    frame_checks.append(pa.Check(_frame_test(rule), name=_name(check, number), ignore_na=False))
                else:
                    column_checks.setdefault(rule.column, []).append(
                        pa.Check(_series_test(rule, params), name=_name(check, number), ignore_na=False)
                    )
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
        narrow = sorted(columns_read(checks, table) | {"file"})
        for target, data in ((schema, frame), (row_rules, frame[[c for c in narrow if c in frame.columns]])):
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
