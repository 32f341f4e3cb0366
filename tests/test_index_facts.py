"""Facts INDEX.md declares about an article: read before the text, findings when unreadable or contradicted.

The corpus is tests/resources/real-shapes/index-facts (its INDEX.md has outlet, url and published
cells; expected.toml specifies the parsed values). Here: the checks a steward sees for each case,
from a real `validate` run with both engines.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

import provenance
from provenance.parsing.article import parse_article
from provenance.parsing.outlets import load_registry
from provenance.parsing.settings import Source

CORPUS = Path(__file__).resolve().parent / "resources" / "real-shapes" / "index-facts"
REGISTRY = load_registry()


@cache
def _failed() -> dict[tuple[str, str], str]:
    run = provenance.validate(CORPUS, now=datetime(2026, 1, 1, tzinfo=UTC))
    return {(r.check, r.file or ""): r.message for r in run.audit.results if r.status == "failed"}


@pytest.mark.parametrize(
    ("file", "check"),
    [
        ("05-outlet-cell-disagrees-with-text.txt", "article.outlet_matches_index"),
        ("07-unknown-outlet-cell-with-url.txt", "article.index_facts"),
        ("08-unknown-outlet-cell-alone.txt", "article.index_facts"),
        ("09-url-without-host.txt", "article.index_facts"),
        ("11-published-a-week-from-text.txt", "article.published_matches_index"),
        ("12-published-bad-word-text-date.txt", "article.index_facts"),
        ("13-published-impossible-no-text-date.txt", "article.index_facts"),
        ("18-outlet-cell-and-url-disagree.txt", "article.outlet_matches_index"),
    ],
)
def test_a_bad_or_contradicted_fact_is_a_finding_on_its_file(file: str, check: str) -> None:
    assert (check, file) in _failed()


@pytest.mark.parametrize(
    "file",
    [
        "01-outlet-cell-only.txt",
        "02-url-cell-only.txt",
        "04-outlet-cell-agrees-with-text.txt",
        "10-published-agrees-with-text.txt",
        "14-published-no-zone.txt",
        "15-published-date-only.txt",
        "17-published-utc-z-agrees.txt",
        "19-url-http-port.txt",
    ],
)
def test_a_readable_agreeing_fact_raises_nothing(file: str) -> None:
    facts = ("article.index_facts", "article.outlet_matches_index", "article.published_matches_index")
    assert not [check for check in facts if (check, file) in _failed()]


@pytest.mark.parametrize(
    ("source", "code"),
    [
        (Source("a.txt", outlet="okaz-daily"), "index.outlet"),
        (Source("a.txt", url="no host here"), "index.url"),
        (Source("a.txt", url="https:///path"), "index.url"),
        (Source("a.txt", published="yesterday"), "index.published"),
        (Source("a.txt", published="2022-13-45"), "index.published"),
    ],
)
def test_an_unreadable_cell_is_a_parse_problem_never_an_error(source: Source, code: str) -> None:
    text = "عنوان الخبر عن افتتاح المشروع الجديد\nالرياض - واس\nنص الخبر عن المشروع الجديد في المدينة.\n"
    article = parse_article(text.encode(), file="a.txt", registry=REGISTRY, source=source).article
    assert code in [line.split(":")[0] for line in article["parse_errors"].splitlines()]


def test_the_unknown_outlet_message_suggests_the_registry_id() -> None:
    source = Source("a.txt", outlet="okazz")
    article = parse_article(b"title\nbody text\n", file="a.txt", registry=REGISTRY, source=source).article
    assert "did you mean 'okaz'" in article["parse_errors"]


def test_index_published_is_the_publication_time() -> None:
    source = Source("a.txt", published="2022-03-13T10:20:00+03:00")
    text = "عنوان\nالأحد 20 مارس 2022 - 09:00 بتوقيت مكة\nنص الخبر.\n"
    article = parse_article(text.encode(), file="a.txt", registry=REGISTRY, source=source).article
    assert article["published_at"] == datetime(2022, 3, 13, 7, 20, tzinfo=UTC)
    assert article["published_source"] == "index"
    assert article["text_published_at"] == datetime(2022, 3, 20, 6, 0, tzinfo=UTC)
