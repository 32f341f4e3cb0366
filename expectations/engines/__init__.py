"""The engines that enforce the catalogue's invariants, looked up by name.

Each engine is one module, `expectations/engines/<name>_engine.py`, with two names: `run`, which
takes the tables, the checks and the run's parameters and returns an EngineRun, and `translate`, a
functools.singledispatch over the rule types that turns a rule into the engine's own construct and
raises UnknownRuleError for a rule it was not taught. The names are the catalogue's ENGINES, so the
CLI's choices, each check's `engines` and `validate` read one registry. Engine modules are
imported only when run: GX alone takes seconds to import.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from expectations.catalogue import ENGINE_NAMES, CheckSpec
from expectations.rules import UniqueWithin

if TYPE_CHECKING:
    import pandas as pd

#: {check id: {file (None: the table as a whole): number of the first failing rule}}
Failures = dict[str, dict[str | None, int]]


@dataclass(frozen=True, slots=True)
class EngineRun:
    """What one engine found: failing files per check, and notes on the tables' structure."""

    failures: Failures
    notes: tuple[str, ...] = ()


class Runner(Protocol):
    def __call__(
        self,
        frames: Mapping[str, pd.DataFrame],
        checks: Iterable[CheckSpec],
        *,
        params: Mapping[str, Any],
        docs_dir: Path | None,
    ) -> EngineRun: ...


class UnknownRuleError(TypeError):
    """An engine was handed a rule type it has no translation for (one added to expectations/rules.py
    without teaching every engine): the run stops rather than skip the rule and pass what it checks."""

    def __init__(self, rule: object, *, engine: str) -> None:
        super().__init__(
            f"the {engine} engine cannot translate {type(rule).__name__} ({rule!r}): "
            f"register one for it with translate.register in expectations/engines/{engine}_engine.py"
        )


#: The columns that name a row, where the table has them: failures are told by file (and line).
ROW_NAMES = ("file", "line")


def columns_read(frame: pd.DataFrame, checks: Iterable[CheckSpec], *, table: str) -> list[str]:
    """The columns of `frame` (in its order) that the rules of `checks` on `table` read, and those
    naming a row: the engines filter and copy whole frames column by column, so they get only these."""
    read = {column for check in checks if check.table == table for column in check.columns}
    return [c for c in frame.columns if c in read or c in ROW_NAMES]


def _module(name: str) -> ModuleType:
    if name not in ENGINE_NAMES:
        raise KeyError(f"unknown engine {name!r}: expected one of {', '.join(ENGINE_NAMES)}")
    return importlib.import_module(f"expectations.engines.{name}_engine")


def runner(name: str) -> Runner:
    """The `run` function of engine `name` (one of ENGINE_NAMES)."""
    run: Runner = _module(name).run
    return run


def rules_translated(name: str) -> frozenset[type]:
    """The rule types engine `name`'s `translate` has a translation for."""
    return frozenset(t for t in _module(name).translate.registry if t is not object)


def compared(frame: pd.DataFrame, rule: UniqueWithin) -> pd.Series:
    """The rows a uniqueness rule compares: no null in its columns, and its `where` holding. The
    pandera engine judges those rows; `validate --staged` compares the staged articles with the
    rest of the corpus on the same ones."""
    scope = frame[list(rule.columns)].notna().all(axis=1)
    if rule.where:
        scope &= (frame[rule.where[0]] == rule.where[1]).fillna(False).astype(bool)
    return scope
