"""Outlet markers: the longest marker wins when two outlets' markers overlap, in a Registry and end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provenance._cli import main
from provenance.errors import ManifestError
from provenance.parsing.corpus import parse_corpus
from provenance.parsing.outlets import Outlet, Registry, load_registry
from provenance.parsing.textnorm import normalize_key

RESOURCES = Path(__file__).parent / "resources"
CORPUS = RESOURCES / "outlets-overlap"


def _outlet(outlet_id: str, marker: str) -> Outlet:
    """An outlet whose every kind of marker is `marker` (normalized, as the registry stores it)."""
    key = (normalize_key(marker),)
    return Outlet(
        id=outlet_id,
        kind="publisher",
        name_ar="",
        name_latin="",
        names=(),
        country=None,
        domains=(),
        credits=key,
        datelines=key,
        title_suffixes=key,
        sources=key,
        default_tz=None,
        started=None,
    )


def _registry(*outlets: tuple[str, str]) -> Registry:
    return Registry({outlet_id: _outlet(outlet_id, marker) for outlet_id, marker in outlets})


SHORT_FIRST = _registry(("short", "اليوم"), ("long", "اليوم السابع"))
LONG_FIRST = _registry(("long", "اليوم السابع"), ("short", "اليوم"))
SUFFIX_SHORT_FIRST = _registry(("short", "اليوم"), ("long", "المصري اليوم"))
SUFFIX_LONG_FIRST = _registry(("long", "المصري اليوم"), ("short", "اليوم"))


@pytest.mark.parametrize("registry", [SHORT_FIRST, LONG_FIRST], ids=["short-first", "long-first"])
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("اليوم", "short"),
        ("اليوم . تصوير محمد", "short"),
        ("اليوم السابع", "long"),
        ("اليوم السابع . تصوير محمد", "long"),
        ("اليومي", None),  # a marker matches whole words only
        ("صحيفة اليوم", None),  # and only at the start of the line
    ],
)
def test_credit_and_source_take_the_longest_matching_marker(
    registry: Registry, line: str, expected: str | None
) -> None:
    """by_credit and by_source pick the outlet of the longest marker the line starts with, whatever the order."""
    key = normalize_key(line)
    assert registry.by_credit(key) == expected
    assert registry.by_source(key) == expected


@pytest.mark.parametrize("registry", [SUFFIX_SHORT_FIRST, SUFFIX_LONG_FIRST], ids=["short-first", "long-first"])
@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("ارتفاع الأسعار – اليوم", "short"),
        ("ارتفاع الأسعار – المصري اليوم", "long"),
        ("ارتفاع الأسعار اليوم", "short"),  # a suffix is a suffix, dash or not
        ("المصري اليوم", "short"),  # the whole title is no suffix: only the shorter marker ends it
        ("ارتفاع الأسعار", None),
    ],
)
def test_title_takes_the_longest_matching_suffix(registry: Registry, title: str, expected: str | None) -> None:
    """by_title picks the outlet of the longest marker that ends the title, whatever the order."""
    assert registry.by_title(normalize_key(title)) == expected


@pytest.mark.parametrize(
    ("agency", "expected"),
    [("اليوم", "short"), ("اليوم السابع", "long"), ("السابع", None)],
)
def test_dateline_agency_must_match_a_marker_exactly(agency: str, expected: str | None) -> None:
    """A dateline's agency names the outlet whose dateline marker it equals, never one it merely starts with."""
    for registry in (SHORT_FIRST, LONG_FIRST):
        assert registry.by_dateline(normalize_key(agency)) == expected


def test_a_corpus_registry_adds_its_outlets_before_the_shipped_ones() -> None:
    """outlets.toml of a corpus adds its outlets ahead of the shipped ones (a tie goes to the steward's);
    its markers are stored normalized."""
    shipped, extended = load_registry(), load_registry(CORPUS)
    added = ["alyawm", "alyawm-alsabi", "almasry-alyawm", "rt-documentary"]
    assert list(extended.outlets) == [*added, *shipped.outlets]
    assert extended.outlets["alyawm-alsabi"].sources == ("المصدر اليوم السابع",)
    assert str(extended.outlets["rt-documentary"].started) == "2011-01-01"
    # The shipped rt's credit "RT" starts "RT Documentary": the longest marker decides, whatever the order.
    assert extended.by_credit(normalize_key("RT Documentary")) == "rt-documentary"
    assert extended.by_credit(normalize_key("RT . صورة")) == "rt"


def test_a_corpus_outlet_overrides_a_shipped_one_by_id(tmp_path: Path) -> None:
    """An outlet of outlets.toml with a shipped id replaces the shipped entry."""
    (tmp_path / "outlets.toml").write_text(
        '[[outlet]]\nid = "rt"\nkind = "publisher"\ncredits = ["روسيا اليوم عربي"]\nstarted = 2007-05-04\n',
        encoding="utf-8",
    )
    registry = load_registry(tmp_path)
    assert registry.outlets["rt"].credits == ("روسيا اليوم عربي",)
    assert registry.by_credit(normalize_key("RT")) is None


def test_a_malformed_outlets_toml_names_the_file(tmp_path: Path) -> None:
    """A corpus outlets.toml that is not valid TOML stops with ManifestError naming it."""
    (tmp_path / "outlets.toml").write_text("[[outlet]\n", encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load_registry(tmp_path)
    assert "outlets.toml" in str(caught.value)


# The outlet each article of tests/resources/outlets-overlap must be attributed to, and by what.
ATTRIBUTED = {
    "credit-alyawm.txt": ("alyawm", "credit"),
    "credit-alyawm-alsabi.txt": ("alyawm-alsabi", "credit"),
    "credit-rt-documentary.txt": ("rt-documentary", "credit"),
    "dateline-alyawm-alsabi.txt": ("alyawm-alsabi", "dateline"),
    "source-alyawm-alsabi.txt": ("alyawm-alsabi", "source"),
    "title-almasry-alyawm.txt": ("almasry-alyawm", "title"),
}


def test_parse_attributes_each_article_by_the_longest_marker() -> None:
    """Parsing the corpus with its own outlets.toml gives each article its outlet and the evidence for it."""
    articles = parse_corpus(CORPUS).articles
    found = {row.file: (row.outlet, row.outlet_evidence) for row in articles.itertuples()}
    assert found == ATTRIBUTED


def test_validate_passes_only_with_the_right_outlets(tmp_path: Path) -> None:
    """validate with both engines: INDEX.md's outlet column agrees with every parsed outlet, nothing fails."""
    assert main(["validate", str(CORPUS), "--report-dir", str(tmp_path), "--no-gx-docs", "--results", "all"]) == 0
    report = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    assert {a["file"]: a["outlet"] for a in report["articles"]} == {f: o for f, (o, _) in ATTRIBUTED.items()}
    matches = {r["file"]: r for r in report["results"] if r["check"] == "article.outlet_matches_index"}
    assert set(matches) == set(ATTRIBUTED)
    assert all(
        r["status"] == "passed" and r["engines"] == {"pandera": "passed", "gx": "passed"} for r in matches.values()
    )
    assert report["summary"]["failed"] == report["summary"]["warnings"] == 0
