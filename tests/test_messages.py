"""A failed check's message is in a steward's words: what was expected and found, where, and what to do.

Engine expressions (a rule's form, a regex, a column name, Python's empty values) stay out of every
message; they are in each result's details.engines.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import provenance
from expectations.catalogue import CATALOGUE, INVARIANTS
from expectations.columns import ARTICLES, PARAGRAPHS
from expectations.messages import QUOTE_CHARS, WORDINGS, Evidence
from expectations.view import DERIVED
from provenance.audit.results import EngineVerdict
from provenance.audit.validate import EVIDENCE_NAMES
from provenance.escape import one_line

REPO = Path(__file__).parent.parent
RESOURCES = REPO / "tests" / "resources"
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
CORPORA = [
    REPO / "seeds",
    *(
        RESOURCES / name
        for name in (
            "parse-bad",
            "parse-layouts",
            "invariants",
            "report-escape",
            "duplicate-variants",
            "outlets-overlap",
        )
    ),
    *sorted(p for p in (RESOURCES / "real-shapes").iterdir() if (p / "INDEX.md").is_file()),
]
COLUMNS = sorted({c.name for c in (*ARTICLES, *PARAGRAPHS)} | set(DERIVED))

#: What the old messages showed of the engines, from the messages themselves: "expected parse_errors does
#: not match /(?:^|\n)layout\./", "boilerplate_count is between 0 and 0", "expected (body_key) is unique",
#: "(file, norm_hash) is unique among rows where role is 'body'", "(published_when=None)".
ENGINE_EXPRESSIONS = {
    "a regex": r"/\(\?:\^\||\(\?:|\\b|\\\.",
    "a rule's form": r" is between \d| is unique|among rows where| >= | equals |where both are present|"
    r"does not match|is one of |\bhas \d+ to \d+ characters|\bis present\b",
    "a column": r"\b(?:" + "|".join(re.escape(c) for c in COLUMNS if "_" in c) + r")\b",
    "a value as code": r"\b[a-z]+(?:_[a-z]+)+=|\(\w+\)\s+is unique|\bexpected \(?[a-z]+_",
    "the old form": r": failed: ",
    "an empty value": r"\bNone\b|\bnan\b|\bNaN\b|\bNaT\b|<NA>|\bnull\b",
}
MESSAGE_CHARS = 600  # the longest message: quotes are cut to QUOTE_CHARS, lists to a few items


@pytest.mark.parametrize(
    "old",
    [
        "Publication date valid: failed: expected published_when is present (published_when=None)",
        "Clean layout: failed: expected parse_errors does not match /(?:^|\\n)layout\\./ (parse_errors='x')",
        "No scraped boilerplate: failed: expected boilerplate_count is between 0 and 0 (boilerplate_count=2)",
        "No duplicate articles: failed: expected (body_key) is unique (body_key='1be7')",
        "expected (file, norm_hash) is unique among rows where role is 'body'",
        "expected title has 3 to 300 characters (title='؟؟')",
        "expected outlet is present (outlet=None)",
    ],
)
def test_the_patterns_catch_the_old_messages(old: str) -> None:
    """Each engine expression the messages used to show is caught, even without the old prefix."""
    bare = old.partition(": failed: ")[2] or old
    assert any(re.search(pattern, bare) for pattern in ENGINE_EXPRESSIONS.values()), bare


def test_every_enforced_check_has_one_wording() -> None:
    """Each check the engines enforce has a wording, and nothing else does."""
    assert set(WORDINGS) == {check.id for check in INVARIANTS}


def test_a_wording_reads_only_what_validate_collects() -> None:
    """Every name a wording reads is a column of the articles view or evidence validate finds."""
    collectable = {c.name for c in ARTICLES} | set(DERIVED) | EVIDENCE_NAMES
    for check, wording in WORDINGS.items():
        assert set(wording.reads) <= collectable, check


@pytest.fixture(scope="module", params=CORPORA, ids=lambda p: p.relative_to(REPO).as_posix())
def notable(request: pytest.FixtureRequest) -> list[provenance.Result]:
    """The failed and waived results of one test corpus (pandera: the wording is the same for GX)."""
    run = provenance.validate(request.param, engines=("pandera",), now=NOW)
    return run.audit.notable()


def _own(result: provenance.Result) -> str:
    """The message without the waiver's reason (the steward's words, not ours)."""
    waiver = result.details.get("waiver")
    return result.message.removesuffix(f" (waived: {waiver['reason']})") if waiver else result.message


def test_no_message_shows_an_engine_expression(notable: list[provenance.Result]) -> None:
    """No failed or waived message holds a regex, a rule's form, a column name or None/NaN/NaT."""
    for result in notable:
        message = _own(result)
        for what, pattern in ENGINE_EXPRESSIONS.items():
            assert not re.search(pattern, message), f"{result.file}: {result.check}: {what}: {message}"


def test_messages_are_one_short_line_and_engines_keep_the_rule(notable: list[provenance.Result]) -> None:
    """A message is one line and short; an engine check's result has its rule and verdicts in details.engines."""
    for result in notable:
        message = _own(result)
        assert one_line(message) == message and len(message) <= MESSAGE_CHARS, message
        if result.engines:
            # "notes" only for table.schema: what the engine said about the tables' structure
            assert {"rule", *result.engines} <= set(result.details["engines"]) <= {"rule", "notes", *result.engines}
            assert result.details["engines"]["rule"] not in message


def _say(check: str, rule: int | None, values: dict[str, Any]) -> str:
    spec = CATALOGUE[check]
    return WORDINGS[check].says(Evidence(spec.rules[rule] if rule is not None else None, values))


PUBLISHED = {"published_when": "2099-01-17T18:53:00+00:00", "published_raw": "18:53 GMT 17.01.2099"}


@pytest.mark.parametrize(
    ("check", "rule", "values", "message"),
    [
        (
            "text.utf8",
            0,
            {"parse_errors": "text.utf8: 2 invalid byte sequence(s) for utf-8, first at byte 27; replaced"},
            "2 invalid byte sequence(s) for utf-8, first at byte 27; replaced. Repair or fetch the file again, "
            "or waive it.",
        ),
        (
            "text.utf8",
            0,
            {
                "parse_errors": "text.utf8: 9 invalid byte sequence(s) for utf-8, first at byte 0; replaced. The bytes "
                'read as Arabic in windows-1256: declare it for the corpus with `encoding = "windows-1256"` under '
                "[corpus] in corpus-audit.toml, or for this file in its INDEX.md `encoding` cell\n"
                "date.missing: no publication date in the first lines"
            },
            "9 invalid byte sequence(s) for utf-8, first at byte 0; replaced. The bytes read as Arabic in "
            'windows-1256: declare it for the corpus with `encoding = "windows-1256"` under [corpus] in '
            "corpus-audit.toml, or for this file in its INDEX.md `encoding` cell.",
        ),
        (
            "text.nul_padding",
            0,
            {"parse_errors": "text.nul_padding: 3 NUL byte(s) pad the end of the file; parsed without them"},
            "3 NUL byte(s) pad the end of the file; parsed without them. Strip them and run `corpus-audit index`, "
            "or waive the warning.",
        ),
        (
            "text.size",
            0,
            {"parse_errors": "text.too_large: 20,000,000 bytes, over the limit of 16,777,216; not parsed"},
            "The file is too large: 20,000,000 bytes, over the limit of 16,777,216; not parsed. Split or remove it, "
            "or raise `--max-article-bytes`.",
        ),
        ("article.title", 0, {"title": None, "parse_errors": "text.empty: no text"}, "No title: the file has no text."),
        (
            "article.title",
            1,
            {"title": "؟؟", "title_chars": 2},
            "The title «؟؟» has 2 characters; a headline has 3 to 300. Put the headline on the first line, "
            "or waive it.",
        ),
        (
            "article.outlet_known",
            0,
            {"outlet": None, "agency": "spa", "source_line": "الرياض: واس", "source_kind": "dateline"},
            "No publisher named: INDEX.md has no outlet cell, and the text's markers name none (it credits the "
            "agency spa, which is not a publisher). Add an `outlet` column to INDEX.md or the outlet to outlets.toml.",
        ),
        (
            "article.outlet_known",
            0,
            {"outlet": None, "outlet_evidence": "ambiguous: dateline names one of aljazeera, al-jazirah"},
            "No publisher named: INDEX.md has no outlet cell, and the text's markers name several (dateline names "
            "one of aljazeera, al-jazirah). Add an `outlet` column to INDEX.md or the outlet to outlets.toml.",
        ),
        (
            "article.outlet_known",
            0,
            {
                "outlet": None,
                "index_outlet": "okazz",
                "parse_errors": "index.outlet: INDEX.md names outlet 'okazz', which is not in the registry",
            },
            "No publisher known: INDEX.md's outlet cell «okazz» is no registry id. Write a registry id there, or "
            "add the outlet to outlets.toml.",
        ),
        (
            "article.outlet_matches_index",
            0,
            {
                "index_outlet": "okaz",
                "text_outlet": "alweeam",
                "outlet_evidence": "dateline",
                "source_line": "الوئام - رويترز:",
                "source_kind": "dateline",
            },
            "INDEX.md says okaz; the text names alweeam (dateline «الوئام - رويترز:»). Correct INDEX.md's outlet "
            "cell, or waive it if the article is another publisher's copy.",
        ),
        (
            "article.outlet_matches_index",
            1,
            {"index_outlet": "al-jazirah", "url_outlet": "alyaum", "index_url": "https://www.alyaum.com/a/1"},
            "INDEX.md says al-jazirah; its url «https://www.alyaum.com/a/1» is alyaum's. Correct the outlet cell or "
            "the url.",
        ),
        (
            "article.index_facts",
            0,
            {
                "parse_errors": "index.url: INDEX.md url '/a/1.html' has no host name; write the full URL\n"
                "date.missing: no publication date in the first lines"
            },
            "INDEX.md url '/a/1.html' has no host name; write the full URL.",
        ),
        (
            "article.published_matches_index",
            1,
            {
                "published_when": "2022-03-20T06:00:00+00:00",
                "published_raw": "2022-03-20T09:00:00+03:00",
                "text_published_at": "2022-03-13T07:20:00+00:00",
            },
            "INDEX.md's published cell says «2022-03-20T09:00:00+03:00», but the text's date is 2022-03-13 07:20, "
            "7 days earlier; they may differ by a day at most. Correct the cell, or waive it.",
        ),
        (
            "article.published_valid",
            0,
            {"published_when": None, "parse_errors": "date.missing: no publication date in the first lines"},
            "No publication date found in the first lines. Add a `published` column to INDEX.md, or turn the check "
            "off in corpus-audit.toml with a reason.",
        ),
        (
            "article.published_valid",
            0,
            {
                "published_when": None,
                "published_raw": "18:53 GMT 30.02.2022",
                "parse_errors": "date.invalid: impossible date: 30 February 2022 in '18:53 GMT 30.02.2022'",
            },
            "Publication date «18:53 GMT 30.02.2022» is not a real date (impossible date: 30 February 2022). "
            "Correct the date, give it in a `published` column of INDEX.md, or waive it.",
        ),
        (
            "article.published_valid",
            2,
            PUBLISHED,
            "Publication date 2099-01-17 («18:53 GMT 17.01.2099») is after this run: a date in the future. "
            "Correct the date, or waive it.",
        ),
        (
            "article.published_valid",
            3,
            {**PUBLISHED, "published_source": "index", "retrieved_at": "2021-06-01T00:00:00+00:00"},
            "Publication date 2099-01-17 (INDEX.md's published cell) is after the file was retrieved (2021-06-01, "
            "INDEX.md's retrieved cell). Correct the one that is wrong, or waive it.",
        ),
        (
            "article.published_valid",
            4,
            {
                "published_when": "2012-01-17T18:53:00+00:00",
                "published_raw": "18:53 GMT 17.01.2012",
                "outlet": "sputnik",
                "outlet_started_at": "2014-11-10T00:00:00+00:00",
            },
            "Publication date 2012-01-17 («18:53 GMT 17.01.2012») is before sputnik started publishing (2014-11-10). "
            "Correct the date, or the outlet's `started` in outlets.toml.",
        ),
        (
            "article.updated_after_published",
            0,
            {
                "updated_when": "2022-01-10T09:02:00+00:00",
                "updated_raw": "09:02 GMT 10.01.2022",
                "published_when": "2022-01-17T18:53:00+00:00",
                "published_raw": "18:53 GMT 17.01.2022",
            },
            "The update time 2022-01-10 09:02 («09:02 GMT 10.01.2022») is before the publication time 2022-01-17 "
            "18:53 («18:53 GMT 17.01.2022»). Correct the date that is wrong, or waive it.",
        ),
        (
            "article.no_duplicate_paragraphs",
            0,
            {"repeated_lines": [12, 14], "repeats_of_index": [3, 5], "repeats_of_lines": [5, 7]},
            "Lines 12 and 14 repeat lines 5 and 7 (body paragraphs, compared after normalization). Remove the "
            "repeats, or waive them.",
        ),
        (
            "article.no_duplicate_paragraphs",
            0,
            {"repeated_lines": [5, 7], "repeats_of_lines": [4, 4], "duplicate_paragraph_count": 2},
            "Lines 5 and 7 repeat line 4 (body paragraphs, compared after normalization). Remove the repeats, or "
            "waive them.",
        ),
        (
            "article.source_line",
            0,
            {"source_line": None, "outlet_evidence": "title", "text_outlet": "rt"},
            "Nothing attributes the article: no source line, dateline, byline, agency credit or photo credit in its "
            "first lines; the title names rt, which does not count. Add the attribution the page had, or turn the "
            "check off in corpus-audit.toml with a reason.",
        ),
        (
            "corpus.no_duplicate_articles",
            0,
            {"body_key": "1be7", "same_body_as": ["b.txt", "c.txt"], "same_body_count": 2},
            "Same body as b.txt and c.txt (compared after normalization). Keep one copy, or waive the others.",
        ),
        (
            "paragraph.role_known",
            1,
            {"unknown_roles": [[4, "heading"]]},
            "Line 4 of the file has no known role (found: «heading»): a bug in corpus-audit's parser, not in the "
            "corpus. Please report it.",
        ),
        (
            "article.language",
            0,
            {"arabic_fraction": 0.05825242718446602, "char_count": 412},
            "Only 5% of the body's letters are Arabic script; at least 50% are expected. Check the file is the "
            "Arabic article, or waive it.",
        ),
        (
            "article.body_length",
            0,
            {"char_count": 85},
            "The body has 85 characters; at least 200 are expected (a shorter body is usually a failed scrape). "
            "Scrape the page again, or waive it.",
        ),
        (
            "article.body_length",
            0,
            {"char_count": 250_000},
            "The body has 250,000 characters; at most 200,000 are expected (several articles in one file?). "
            "Split the file, or waive it.",
        ),
        (
            "article.layout",
            0,
            {
                "parse_errors": "layout.glued_caption: line 3\nlayout.stray_slash: line 6\n"
                "layout.dateline_not_first: the dateline opens body paragraph 2, line 7"
            },
            "Layout as scraped: a photo credit glued to its caption on line 3; a stray '/' opening line 6; the "
            "dateline opens body paragraph 2, line 7, not the first. Fix the lines, or waive the warning.",
        ),
        (
            "article.boilerplate",
            0,
            {"boilerplate_count": 2, "boilerplate_lines": [35, 43]},
            "2 boilerplate or related-link lines were scraped (lines 35 and 43). Remove them from the article or "
            "waive them.",
        ),
        (
            "table.schema",
            None,
            {},
            "The parsed tables do not have their declared columns, types and empty cells (problems, listed in "
            "details.engines): a bug in corpus-audit, not in the corpus. Please report it.",
        ),
    ],
)
def test_each_check_words_its_evidence(check: str, rule: int | None, values: dict[str, Any], message: str) -> None:
    assert _say(check, rule, values) == message


def test_long_lists_and_quotes_are_cut_with_an_ellipsis() -> None:
    """Twenty repeats list eight lines and the rest as a count; a long title is quoted cut short."""
    repeats = _say(
        "article.no_duplicate_paragraphs",
        0,
        {"repeated_lines": list(range(30, 50)), "repeats_of_lines": list(range(5, 25))},
    )
    assert repeats.startswith("Lines 30, 31, 32, 33, 34, 35, 36, 37 and 12 more repeat lines 5, 6, 7, 8, 9, 10, 11, 12")
    title = _say("article.title", 1, {"title": "ع" * 500, "title_chars": 500})
    assert f"«{'ع' * (QUOTE_CHARS - 1)}…» has 500 characters" in title


def test_text_from_the_file_cannot_break_the_line() -> None:
    """A title holding line breaks and control characters gives a one-line message, escaped visibly."""
    verdict = EngineVerdict(
        CATALOGUE["article.title"], {"pandera": {"a.txt": 1}}, {"a.txt": {"title": "a\nb\u2028c\x1b", "title_chars": 7}}
    )
    result = verdict.result("a.txt")
    assert result.message.startswith("The title «a\\nb\\u2028c\\x1b» has 7 characters")
    assert result.details["engines"] == {"rule": "title has 3 to 300 characters", "pandera": "failed"}


def test_a_schema_failure_keeps_the_engine_notes_in_details() -> None:
    """table.schema has no rule: the message counts the problems, details.engines lists pandera's notes."""
    spec = CATALOGUE["table.schema"]
    result = EngineVerdict(spec, {"pandera": {None: -1}}, notes=("title: dtype('string')",)).result(None)
    assert result.message.startswith("The parsed tables do not have their declared columns, types and empty cells (1 ")
    assert result.details["engines"] == {
        "rule": spec.description,
        "pandera": "failed",
        "gx": f"unsupported: {dict(spec.unsupported)['gx']}",
        "notes": ["title: dtype('string')"],
    }
