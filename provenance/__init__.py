"""corpus-audit: provenance, parsing and audit of scraped news corpora."""

from __future__ import annotations

__version__ = "0.1.0"
