"""Exports: the corpus in the formats archives and tools expect, written only from verified bytes.

Each format is one module with a `write(plan, target)` function, looked up in FORMATS by name, so
the CLI's choices and `api.export` read one table. Every export first proves fixity (the corpus is
exactly what INDEX.md records), copies or lists only what it verified, and appears at OUT all at
once: a refused or failed export leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from provenance.export.bag import write_bag
from provenance.export.croissant import write_croissant
from provenance.export.package import write_package
from provenance.export.plan import ExportPlan
from provenance.export.sums import write_listing

#: {format name: writer}; a writer fills `target` (a path that does not exist yet) from the plan.
FORMATS: Final[dict[str, Callable[..., None]]] = {
    "sha256sum": write_listing,
    "bagit": write_bag,
    "datapackage": write_package,
    "croissant": write_croissant,
}

__all__ = ["FORMATS", "ExportPlan"]
