"""An MLCommons Croissant 1.1 dataset: metadata.json describing the article files and the parsed tables.

`data/` is a copy of the corpus folder (articles from verified bytes, INDEX.md and the corpus's other
metadata files beside them, so `corpus-audit verify OUT/data` works on it, as on a bag's payload);
`tables/` holds what `corpus-audit parse --format csv` writes. metadata.json (the name mlcroissant's
examples use) describes INDEX.md and each table as a FileObject with its sha256, the articles as one
FileSet, and three record sets: `files` (the FileSet's paths), `articles` and `paragraphs` (a field
per column of expectations/columns.py, read from the CSVs). `mlcroissant validate --jsonld
OUT/metadata.json` checks it; loading a record set checks the sha256 of each file it reads.

A FileSet, not a FileObject per article, by measurement: mlcroissant 1.1.1 validated 10,000
FileObjects in 11 s (347 MiB) and 100,000 in 178 s (2.2 GiB), while this file stays the same size
whatever the corpus and validates in about a second. Each article's sha256 is in INDEX.md (whose
own sha256 is here) and in the articles record set's sha256 field. mlcroissant never hashes the
files of a FileSet: a changed article is caught by `corpus-audit verify OUT/data`, not by it.

No licence is invented: corpus-audit knows none, so `license` says none is stated. The Responsible
AI (RAI) vocabulary is out of scope: corpus-audit knows how the files were checked, not how or why
they were gathered.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from expectations.columns import ARTICLES, PARAGRAPHS, Column, Kind
from provenance._version import __version__
from provenance.export.plan import ExportPlan, sha256_of
from provenance.fixity.walk import METADATA_FILES
from provenance.manifest.model import INDEX_NAME

SPEC = "http://mlcommons.org/croissant/1.1"
METADATA = "metadata.json"
MANIFEST = ": the manifest, a row (file, sha256, bytes) per article file and the corpus pin under the table."
#: corpus-audit knows no licence for a corpus (its policy has no such setting) and grants none.
LICENSE = {
    "@type": "sc:CreativeWork",
    "name": "No licence stated",
    "description": (
        "corpus-audit records no licence for these articles, so this export grants none: the articles are their "
        "publishers' work (see the articles record set's outlet field)."
    ),
}
#: Croissant dataType for each column kind, as `parse --format csv` writes it.
DATA_TYPES: dict[Kind, str] = {
    "string": "sc:Text",
    "int": "sc:Integer",
    "float": "sc:Float",
    "bool": "sc:Boolean",
    "datetime_utc": "sc:DateTime",
    "datetime_local": "sc:DateTime",
}
#: The JSON-LD context mlcroissant 1.1 writes (mlcroissant warns about any other).
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
#: Media types of the corpus's metadata files, by suffix (INDEX.md and WAIVERS.md are Markdown).
MEDIA_TYPES = {".md": "text/markdown", ".toml": "application/toml"}
TABLES = (
    ("articles", ARTICLES, "One row per article file, as corpus-audit parsed it.", ("file",)),
    ("paragraphs", PARAGRAPHS, "One row per non-blank line of every article.", ("file", "index")),
)


def write_croissant(plan: ExportPlan, target: Path) -> None:
    # The parser is imported here, not with the registry: the CLI lists the formats on every start.
    from provenance.parsing.corpus import iter_batches
    from provenance.parsing.tables import write_tables

    target.mkdir()
    for row in plan.rows:
        plan.copy(row, target / "data" / row.file)
    distribution = [
        _file_object(name, f"data/{name}", size, digest, MEDIA_TYPES.get(Path(name).suffix, "text/plain"))
        | {"description": f"The corpus's {name}" + (MANIFEST if name == INDEX_NAME else ".")}
        for name, size, digest in plan.copy_metadata(target / "data")
    ]
    distribution.append(
        {
            "@type": "cr:FileSet",
            "@id": "article-files",
            "name": "article-files",
            "description": (
                f"The {len(plan.rows)} article files, copied from bytes verified against INDEX.md; "
                "their sha256 digests are INDEX.md's rows and the articles record set's sha256 field."
            ),
            "encodingFormat": "text/plain",
            "includes": _includes(row.file for row in plan.rows),
        }
    )
    batches = iter_batches(plan.corpus, rows=plan.rows, settings=plan.settings, jobs=plan.jobs)
    tables = write_tables(batches, out=target / "tables", fmt="csv")
    for name, _, description, _ in TABLES:
        path = tables[name]
        table = _file_object(f"{name}.csv", f"tables/{path.name}", path.stat().st_size, sha256_of(path), "text/csv")
        distribution.append(table | {"description": description})
    pin = plan.pin
    summary = f"{pin.files} files, {pin.bytes} bytes, sha256 {pin.digest}"
    metadata = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": SPEC,
        "name": f"corpus-{plan.corpus.name}",
        "description": (
            f"A news-article corpus exported by corpus-audit {__version__} after a fixity check. Corpus pin: {summary}."
        ),
        "citeAs": _citation(plan, summary),
        "license": LICENSE,
        "url": "./",  # the folder this file is in: where it will be published is not known here
        "creator": {"@type": "sc:Organization", "name": "corpus-audit", "description": f"corpus-audit {__version__}"},
        "datePublished": plan.today.isoformat(),
        # Semantic versioning as mlcroissant asks: no release number of our own, the pin as build metadata.
        "version": f"0.0.0+sha256.{pin.digest[:16]}",
        "distribution": distribution,
        "recordSet": [_files_record_set(), *(_record_set(*table) for table in TABLES)],
    }
    (target / METADATA).write_text(
        json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n"
    )


def _includes(files: Iterable[str]) -> list[str]:
    """Glob patterns (mlcroissant matches them with fnmatch, `*` crossing folders) that take every
    article under data/ and none of the corpus's metadata files beside them: a folder's whole
    contents, a root file by its suffix, or by its name when its suffix would take a metadata file."""
    patterns = set()
    for name in files:
        folder, slash, _ = name.partition("/")
        suffix = PurePosixPath(name).suffix
        if slash:
            patterns.add(f"data/{glob.escape(folder)}/*")
        elif suffix and not any(meta.endswith(suffix) for meta in METADATA_FILES):
            patterns.add(f"data/*{glob.escape(suffix)}")
        else:
            patterns.add(f"data/{glob.escape(name)}")
    return sorted(patterns)


def _file_object(ident: str, path: str, size: int, digest: str, media: str) -> dict[str, Any]:
    return {
        "@type": "cr:FileObject",
        "@id": ident,
        "name": ident,
        "contentUrl": path,
        "contentSize": f"{size} B",
        "encodingFormat": media,
        "sha256": digest,
    }


def _files_record_set() -> dict[str, Any]:
    """One record per article file, as mlcroissant finds it through the FileSet."""
    return {
        "@type": "cr:RecordSet",
        "@id": "files",
        "name": "files",
        "description": "The article files the article-files FileSet takes, by their path in this folder.",
        "key": {"@id": "files/path"},
        "field": [
            {
                "@type": "cr:Field",
                "@id": "files/path",
                "name": "path",
                "description": "path of the file, data/ and then its path inside the corpus",
                "dataType": "sc:Text",
                "source": {"fileSet": {"@id": "article-files"}, "extract": {"fileProperty": "fullpath"}},
            }
        ],
    }


def _record_set(name: str, columns: tuple[Column, ...], description: str, key: tuple[str, ...]) -> dict[str, Any]:
    """A parsed table's record set: a field per column of expectations/columns.py, read from its CSV."""
    fields = [
        {
            "@type": "cr:Field",
            "@id": f"{name}/{c.name}",
            "name": c.name,
            "description": c.description,
            "dataType": DATA_TYPES[c.kind],
            "source": {"fileObject": {"@id": f"{name}.csv"}, "extract": {"column": c.name}},
        }
        for c in columns
    ]
    return {
        "@type": "cr:RecordSet",
        "@id": name,
        "name": name,
        "description": description,
        "key": [{"@id": f"{name}/{k}"} for k in key],
        "field": fields,
    }


def _citation(plan: ExportPlan, summary: str) -> str:
    """A BibTeX entry for this export (no author: corpus-audit does not know who gathered the corpus)."""
    title = plan.corpus.name.replace("{", "").replace("}", "")
    return (
        f"@misc{{corpus-{plan.pin.digest[:12]},\n"
        f"  title = {{News-article corpus {title}}},\n"
        f"  year = {{{plan.today.year}}},\n"
        f"  note = {{Corpus pin: {summary}; exported by corpus-audit {__version__}}}\n"
        "}"
    )
