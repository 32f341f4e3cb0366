"""The summary counts the no-report path prints (`ResultSet.summary`, which never makes the passed
results) are the counts of every result, as the report's head gives them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from provenance.audit.validate import summarize, validate_corpus

RESOURCES = Path(__file__).parent / "resources"


@pytest.mark.parametrize("name", ["fixity-clean", "invariants", "parse-bad", "duplicate-variants", "outlets-overlap"])
def test_the_summary_counts_every_result(name: str) -> None:
    audit = validate_corpus(RESOURCES / name, engines=("pandera",), now=datetime(2026, 12, 1, tzinfo=UTC))
    every = summarize(audit.results)
    assert audit.results.summary() == every
    assert sum(every.values()) == len(list(audit.results)) > 0
