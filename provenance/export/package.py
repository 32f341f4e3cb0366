"""A Frictionless Data Package (v2): every article file as a file resource with its sha256 and size,
and the parsed tables as tabular resources whose schemas come from expectations/columns.py.

`data/` is a copy of the corpus's article files (copied from verified bytes, like a bag's
payload); `tables/articles.csv` and `tables/paragraphs.csv` are what `corpus-audit parse --format
csv` writes. `frictionless validate OUT/datapackage.json` checks every hash, size and cell.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from expectations.columns import ARTICLES, PARAGRAPHS, Column, Kind
from provenance._version import __version__
from provenance.export.plan import ExportPlan

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
#: Table Schema field type (and format) for each column kind, as `parse --format csv` writes it.
FIELD_TYPES: dict[Kind, dict[str, str]] = {
    "string": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "datetime_utc": {"type": "datetime", "format": "%Y-%m-%d %H:%M:%S.%fZ"},
    "datetime_local": {"type": "datetime", "format": "%Y-%m-%d %H:%M:%S.%f"},
}


def write_package(plan: ExportPlan, target: Path) -> None:
    # The parser is imported here, not with the registry: the CLI lists the formats on every start.
    from provenance.parsing.corpus import iter_batches, source_of
    from provenance.parsing.tables import write_tables

    target.mkdir()
    resources: list[dict[str, Any]] = []
    for number, row in enumerate(plan.rows, start=1):
        size, digest = plan.copy(row, target / "data" / row.file)
        encoding = source_of(row, settings=plan.settings).encoding
        resource = {
            "name": f"article-{number:06d}",
            "title": row.file,
            "path": f"data/{row.file}",
            "type": "file",
            "format": "txt",
            "mediatype": "text/plain",
            "bytes": size,
            "hash": f"sha256:{digest}",
        }
        resources.append(resource | ({"encoding": encoding} if encoding else {}))
    batches = iter_batches(plan.corpus, rows=plan.rows, settings=plan.settings, jobs=plan.jobs)
    write_tables(batches, out=target / "tables", fmt="csv")
    resources += [
        _table("articles", ARTICLES, "One row per article file, as corpus-audit parsed it.", key=["file"]),
        _table("paragraphs", PARAGRAPHS, "One row per non-blank line of every article.", key=["file", "index"]),
    ]
    pin = plan.pin
    descriptor = {
        "$schema": PROFILE,
        "name": "corpus",
        "title": f"News-article corpus {plan.corpus.name}",
        "description": (
            f"Exported by corpus-audit {__version__} after a fixity check. Corpus pin: {pin.files} files, "
            f"{pin.bytes} bytes, sha256 {pin.digest}."
        ),
        "created": f"{plan.today.isoformat()}T00:00:00Z",
        "resources": resources,
    }
    (target / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n"
    )


def _table(name: str, columns: tuple[Column, ...], description: str, *, key: list[str]) -> dict[str, Any]:
    # "required" where a value is always present; not on strings, whose empty value ("" in
    # parse_errors) CSV cannot tell from a missing one.
    fields = [
        {"name": c.name, **FIELD_TYPES[c.kind], "description": c.description}
        | ({} if c.nullable or c.kind == "string" else {"constraints": {"required": True}})
        for c in columns
    ]
    return {
        "name": name,
        "path": f"tables/{name}.csv",
        "type": "table",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": description,
        "schema": {"fields": fields, "primaryKey": key},
    }
