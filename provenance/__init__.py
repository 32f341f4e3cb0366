"""corpus-audit: provenance, parsing and audit of scraped news corpora."""

from __future__ import annotations

from provenance._version import __version__

__all__ = ["__version__"]
