"""tests/resources/real-shapes stays well-formed: the data, not the parser.

expected.toml is a specification by example (tests/resources/real-shapes/README.md). These checks keep
it honest: every key names an article file that exists, every article file has a table, every value
has its documented type, registry ids exist with the right kind, and each corpus's INDEX.md pins
exactly its article files. Measuring the parser against expected.toml is another test's job.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).parent.parent
SHAPES = REPO / "tests" / "resources" / "real-shapes"
REGISTRY = REPO / "provenance" / "parsing" / "data" / "outlets.toml"
METADATA = frozenset({"INDEX.md", "WAIVERS.md", "outlets.toml", "corpus-audit.toml"})  # never payload
CORPORA = sorted(p.name for p in SHAPES.iterdir() if p.is_dir())
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads((SHAPES / "expected.toml").read_text(encoding="utf-8"))
KINDS = {o["id"]: o["kind"] for o in tomllib.loads(REGISTRY.read_text(encoding="utf-8"))["outlet"]}

CHOICES = {
    "outlet_source": {"index", "url", "text"},
    "source_kind": {"source", "dateline", "byline", "agency", "credit"},
    "published_source": {"index", "text"},
}
FIELDS = {"form", "outlet", "agency", "dateline", "published_at", "duplicate_paragraph_count", *CHOICES}
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00\Z")
ROW = re.compile(r"^\| `(?P<file>[^`]+)` \| (?P<sha256>[0-9a-f]{64}) \| (?P<bytes>[0-9]+) \|")


def _payload(corpus: str) -> set[str]:
    root = SHAPES / corpus
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".") and not (p.parent == root and p.name in METADATA)
    }


def test_there_are_six_corpora_with_expectations() -> None:
    assert CORPORA == ["cp1256-crlf", "dates", "duplicates", "index-facts", "saudi-bylines", "wire-datelines"]
    assert len(EXPECTED) >= 100


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_every_key_names_an_article_file(key: str) -> None:
    corpus, _, name = key.partition("/")
    assert corpus in CORPORA, f"{key}: no corpus {corpus!r}"
    assert name in _payload(corpus), f"{key}: no such article file"


@pytest.mark.parametrize("corpus", CORPORA)
def test_every_article_file_has_a_table(corpus: str) -> None:
    specified = {key.partition("/")[2] for key in EXPECTED if key.partition("/")[0] == corpus}
    assert specified == _payload(corpus)


def _id_or_false(value: Any, kind: str) -> None:
    assert value is False or (isinstance(value, str) and KINDS.get(value) == kind), f"not a {kind} id: {value!r}"


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_values_have_their_documented_types(key: str) -> None:
    table = EXPECTED[key]
    assert set(table) <= FIELDS, f"unknown fields {set(table) - FIELDS}"
    assert isinstance(table.get("form"), str) and table["form"].strip(), "form is required"
    assert all(value is not True for value in table.values()), "true means nothing here: false is the null"
    if "outlet" in table:
        _id_or_false(table["outlet"], "publisher")
    if "agency" in table:
        _id_or_false(table["agency"], "agency")
    for name, allowed in CHOICES.items():
        if name in table:
            assert table[name] is False or table[name] in allowed, f"{name} = {table[name]!r}"
    if "dateline" in table:
        city = table["dateline"]
        assert city is False or (isinstance(city, str) and city == city.strip() and city), f"dateline = {city!r}"
    if "published_at" in table:
        at = table["published_at"]
        assert at is False or (isinstance(at, str) and INSTANT.match(at)), f"published_at = {at!r}"
        if at:
            assert datetime.fromisoformat(at).utcoffset() == timedelta(0)
    if "duplicate_paragraph_count" in table:
        count = table["duplicate_paragraph_count"]
        assert type(count) is int and count >= 0, f"duplicate_paragraph_count = {count!r}"
    # A value and where it came from are null together.
    for value, source in (("outlet", "outlet_source"), ("published_at", "published_source")):
        if value in table and source in table:
            assert (table[value] is False) == (table[source] is False), f"{value} and {source} disagree on null"


@pytest.mark.parametrize("corpus", CORPORA)
def test_index_md_pins_exactly_the_article_files(corpus: str) -> None:
    root = SHAPES / corpus
    rows = {}
    for line in (root / "INDEX.md").read_text(encoding="utf-8").splitlines():
        if match := ROW.match(line):
            rows[match["file"]] = (match["sha256"], int(match["bytes"]))
    assert set(rows) == _payload(corpus), "INDEX.md must list every article file and nothing else"
    for name, (sha256, size) in rows.items():
        data = (root / name).read_bytes()
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (sha256, size), name


@pytest.mark.parametrize("corpus", CORPORA)
def test_every_corpus_has_a_policy(corpus: str) -> None:
    policy = tomllib.loads((SHAPES / corpus / "corpus-audit.toml").read_text(encoding="utf-8"))
    assert set(policy) <= {"corpus", "checks", "duplicates"}
    assert policy["corpus"]["encoding"] in {"utf-8", "windows-1256"}
    assert policy["corpus"].get("date_order", "dmy") in {"dmy", "mdy", "ymd"}
    assert policy["duplicates"] == {"min_chars": 30, "min_words": 5}
