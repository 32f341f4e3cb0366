"""The engines that enforce the catalogue's invariants, looked up by name.

Each engine is one module, `expectations/engines/<name>_engine.py`, whose `run` takes the tables,
the checks and the run's parameters and returns an EngineRun. The names are the catalogue's
ENGINE_NAMES, so the CLI's choices, each check's `engines` and `validate` read one list. Engine
modules are imported only when run: GX alone takes seconds to import.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from expectations.catalogue import ENGINE_NAMES, CheckSpec

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


def runner(name: str) -> Runner:
    """The `run` function of engine `name` (one of ENGINE_NAMES)."""
    if name not in ENGINE_NAMES:
        raise KeyError(f"unknown engine {name!r}: expected one of {', '.join(ENGINE_NAMES)}")
    module = importlib.import_module(f"expectations.engines.{name}_engine")
    run: Runner = module.run
    return run
