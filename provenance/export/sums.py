"""The `sha256sum` listing: what `sha256sum -c` checks, run in the corpus folder.

It is the text the corpus pin digests (`<sha256>  <file>` lines, sorted by file): the pin under
INDEX.md's table is the sha256 of this file. Only INDEX.md's rows are listed; every one was
verified just before.
"""

from __future__ import annotations

from pathlib import Path

from provenance.export.plan import ExportPlan


def write_listing(plan: ExportPlan, target: Path) -> None:
    target.write_text("".join(f"{row.sha256}  {row.file}\n" for row in plan.rows), encoding="utf-8", newline="\n")
