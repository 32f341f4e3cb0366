"""The parser against tests/resources/real-shapes: a specification by example written blind to it.

Each article of the six corpora is parsed with its corpus's own policy (corpus-audit.toml), and every
field expected.toml specifies is compared. `FIELD_RECALL` holds the share of files each field must
get right: the corpora's README explains every decision, and `KNOWN_DIFFERENCES` lists, with the
reason, each file where this parser reads a shape differently from the specification on purpose.
The engines must also agree on every one of these corpora with the policy applied.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from provenance.audit.policy import read_policy
from provenance.parsing.corpus import CorpusTables, parse_corpus

REPO = Path(__file__).resolve().parents[1]
SHAPES = REPO / "tests" / "resources" / "real-shapes"
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads((SHAPES / "expected.toml").read_text(encoding="utf-8"))
CORPORA = sorted({key.partition("/")[0] for key in EXPECTED})
FIELDS = (
    "outlet",
    "outlet_source",
    "agency",
    "dateline",
    "source_kind",
    "published_at",
    "published_source",
    "duplicate_paragraph_count",
)

#: Files where this parser's reading differs from expected.toml on purpose: (file, field) -> why.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {}


@cache
def _tables(corpus: str) -> CorpusTables:
    root = SHAPES / corpus
    return parse_corpus(root, settings=read_policy(root).settings)


def _row(key: str) -> dict[str, Any]:
    corpus, _, file = key.partition("/")
    articles = _tables(corpus).articles
    found = articles[articles["file"] == file]
    assert len(found) == 1, key
    return {name: _plain(value) for name, value in found.iloc[0].items()}


def _plain(value: Any) -> Any:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return False  # expected.toml writes an expected null as false
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value


def _want(field: str, value: Any) -> Any:
    if field == "published_at" and isinstance(value, str):
        return datetime.fromisoformat(value)
    if field == "dateline" and isinstance(value, str):
        return value.strip()
    return value


def _mismatches() -> list[tuple[str, str, Any, Any]]:
    found = []
    for key, spec in sorted(EXPECTED.items()):
        row = _row(key)
        for field in FIELDS:
            if field not in spec or (key, field) in KNOWN_DIFFERENCES:
                continue
            got = row[field].strip() if field == "dateline" and isinstance(row[field], str) else row[field]
            if got != _want(field, spec[field]):
                found.append((key, field, spec[field], got))
    return found


def test_every_specified_field_is_read_as_specified() -> None:
    """Every field of every file matches the specification, but the listed, explained differences."""
    wrong = _mismatches()
    lines = [f"{key}: {field}: expected {want!r}, parsed {got!r}" for key, field, want, got in wrong]
    assert not wrong, f"{len(wrong)} field(s) differ:\n" + "\n".join(lines)


def test_the_known_differences_still_differ() -> None:
    """An explained difference that the parser no longer has is removed from KNOWN_DIFFERENCES."""
    for (key, field), why in KNOWN_DIFFERENCES.items():
        spec = EXPECTED[key]
        assert field in spec, (key, field)
        assert _row(key)[field] != _want(field, spec[field]), f"{key}: {field} now matches ({why})"


@pytest.mark.parametrize("corpus", CORPORA)
def test_engines_agree_with_the_policy_applied(corpus: str) -> None:
    """pandera and GX fail the same (check, file)s on each corpus parsed under its own policy."""
    from tests.test_engines import _both, _flat, _frames

    tables = _tables(corpus)
    pandera, gx = _both(_frames(tables.articles, tables.paragraphs))
    assert _flat(pandera) == _flat(gx)
