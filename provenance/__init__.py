"""corpus-audit: provenance, parsing and audit of scraped news corpora.

The library's public API, one function per command (each takes the corpus as `str` or path-like,
options keyword-only, and never prints or exits):

- `verify(corpus, ...) -> FixityReport`: every file against INDEX.md.
- `index(corpus, ...) -> Indexed`: create or update INDEX.md (`check=True` writes nothing).
- `init(corpus, ...) -> Initialized`: start a corpus: INDEX.md and a starter corpus-audit.toml.
- `parse(corpus, out=..., ...) -> Parsed`: the articles and paragraphs tables, written to disk;
  `parse_corpus(corpus, ...) -> CorpusTables` gives them as pandas DataFrames instead.
- `validate(corpus, ...) -> Validated`: the whole audit, with its report folder when asked.
- `report(audit_json, fmt=...) -> (path, ok)`: re-render a saved audit.json.

Errors a caller can act on derive from ProvenanceError (UsageError, ManifestError); data problems
are never exceptions, they are Results. Heavy modules load only when a function needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from provenance._version import __version__
from provenance.api import (
    Indexed,
    Initialized,
    Parsed,
    Validated,
    index,
    init,
    open_cache,
    open_stats,
    parse,
    report,
    suites,
    validate,
    verify,
)
from provenance.errors import ManifestError, ProvenanceError, UsageError
from provenance.findings import Result

if TYPE_CHECKING:
    from provenance.audit.publish import Published
    from provenance.audit.validate import Audit
    from provenance.fixity.inventory import IndexUpdate
    from provenance.fixity.verify import FixityReport
    from provenance.parsing.corpus import CorpusTables, parse_corpus

__all__ = [
    "Audit",
    "CorpusTables",
    "FixityReport",
    "IndexUpdate",
    "Indexed",
    "Initialized",
    "ManifestError",
    "Parsed",
    "ProvenanceError",
    "Published",
    "Result",
    "UsageError",
    "Validated",
    "__version__",
    "index",
    "init",
    "open_cache",
    "open_stats",
    "parse",
    "parse_corpus",
    "report",
    "suites",
    "validate",
    "verify",
]

# Loaded on first use, so `import provenance` (and the verify path) stays light.
_LAZY = {
    "Audit": "provenance.audit.validate",
    "CorpusTables": "provenance.parsing.corpus",
    "FixityReport": "provenance.fixity.verify",
    "IndexUpdate": "provenance.fixity.inventory",
    "Published": "provenance.audit.publish",
    "parse_corpus": "provenance.parsing.corpus",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'provenance' has no attribute {name!r}")
