"""The engines that enforce the catalogue's invariants, looked up by name and backend.

Each engine is one module per backend (`expectations/engines/<name>_engine.py` runs on pandas,
`expectations/engines/spark/<name>_engine.py` on Spark DataFrames), with two names: `run`, which
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
from typing import TYPE_CHECKING, Any, Literal, Protocol

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


#: Where the tables live and the checks run: pandas DataFrames in this process, or Spark DataFrames.
Backend = Literal["local", "spark"]

#: Each backend's engine modules: engine `name` on backend `b` is the module BACKENDS[b] names.
BACKENDS: dict[str, str] = {
    "local": "expectations.engines.{name}_engine",
    "spark": "expectations.engines.spark.{name}_engine",
}
BACKEND_NAMES = tuple(BACKENDS)


class Runner(Protocol):
    """An engine's `run`: `frames` are the backend's tables, {"articles": view, "paragraphs": ...}."""

    def __call__(
        self,
        frames: Mapping[str, Any],
        checks: Iterable[CheckSpec],
        *,
        params: Mapping[str, Any],
        docs_dir: Path | None,
    ) -> EngineRun: ...


class UnknownRuleError(TypeError):
    """An engine was handed a rule type it has no translation for (one added to expectations/rules.py
    without teaching every engine): the run stops rather than skip the rule and pass what it checks."""

    def __init__(self, rule: object, *, engine: str, backend: str = "local") -> None:
        where = "" if backend == "local" else f" on the {backend} backend"
        module = BACKENDS[backend].format(name=engine).replace(".", "/")
        super().__init__(
            f"the {engine} engine cannot translate {type(rule).__name__} ({rule!r}){where}: "
            f"register one for it with translate.register in {module}.py"
        )


#: The columns that name a row, where the table has them: failures are told by file (and line).
ROW_NAMES = ("file", "line")


def columns_read(frame: Any, checks: Iterable[CheckSpec], *, table: str) -> list[str]:
    """The columns of `frame` (a pandas or Spark DataFrame; in its order) that the rules of `checks`
    on `table` read, and those naming a row: the engines filter and copy whole frames column by
    column, so they get only these."""
    read = {column for check in checks if check.table == table for column in check.columns}
    return [c for c in frame.columns if c in read or c in ROW_NAMES]


def _module(name: str, backend: str) -> ModuleType:
    if name not in ENGINE_NAMES:
        raise KeyError(f"unknown engine {name!r}: expected one of {', '.join(ENGINE_NAMES)}")
    if backend not in BACKENDS:
        raise KeyError(f"unknown backend {backend!r}: expected one of {', '.join(BACKEND_NAMES)}")
    return importlib.import_module(BACKENDS[backend].format(name=name))


def runner(name: str, backend: Backend = "local") -> Runner:
    """The `run` function of engine `name` (one of ENGINE_NAMES) on `backend`: the same call on
    pandas or Spark DataFrames, the same EngineRun for the same data."""
    run: Runner = _module(name, backend).run
    return run


def rules_translated(name: str, backend: Backend = "local") -> frozenset[type]:
    """The rule types engine `name`'s `translate` on `backend` has a translation for."""
    return frozenset(t for t in _module(name, backend).translate.registry if t is not object)


def compared(frame: pd.DataFrame, rule: UniqueWithin) -> pd.Series:
    """The rows a uniqueness rule compares: no null in its columns, and its `where` holding. The
    pandera engine judges those rows; `validate --staged` compares the staged articles with the
    rest of the corpus on the same ones."""
    scope = frame[list(rule.columns)].notna().all(axis=1)
    if rule.where:
        scope &= (frame[rule.where[0]] == rule.where[1]).fillna(False).astype(bool)
    return scope
