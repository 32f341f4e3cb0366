"""`corpus-audit suites`: the GX expectation suites built from the catalogue, exported for review."""

from __future__ import annotations

from pathlib import Path

from provenance.atomic import write_atomic
from provenance.parsing.outlets import load_registry


def export_suites(*, out: Path, corpus: Path | None = None, check: bool = False) -> list[Path]:
    """Write each suite's JSON under `out` (with `check`, write nothing); the files that were stale.

    `corpus` adds that corpus's outlets.toml to the outlet value set.
    """
    from expectations.engines.gx_engine import suites_as_json

    registry = load_registry(corpus)
    stale = []
    for name, text in suites_as_json(params={"registry outlet ids": sorted(registry.outlets)}).items():
        path = out / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not check:
            write_atomic(path, text)
    return stale
