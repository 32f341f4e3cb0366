"""The parser on the two seeds and on hand-made layouts: exact values, roles and problems."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.parsing.article import parse_article
from provenance.parsing.outlets import load_registry

REPO = Path(__file__).parent.parent
REGISTRY = load_registry()


def _parse(path: Path) -> tuple[dict[str, object], list[dict[str, object]]]:
    parsed = parse_article(path.read_bytes(), file=path.name, registry=REGISTRY)
    return parsed.article, parsed.paragraphs


def test_seed_000_sputnik() -> None:
    """Sputnik seed: UTC dates, credit and caption lines, inline dateline, four repeated paragraphs."""
    article, rows = _parse(REPO / "seeds" / "000_351c3a7ca37fd0ed.txt")
    assert article["title"] == "وزير الدفاع البريطاني يعلن أمام البرلمان توجيه دعوة لنظيره الروسي لزيارة لندن"
    assert article["outlet"] == "sputnik"
    assert article["published_at"] == datetime(2022, 1, 17, 18, 53, tzinfo=UTC)
    assert article["updated_at"] == datetime(2022, 1, 27, 9, 2, tzinfo=UTC)
    assert (article["published_tz_known"], article["published_tz_assumed"]) == (True, False)
    assert article["published_raw"] == "18:53 GMT 17.01.2022"
    assert article["dateline"] == "لندن"
    assert (article["source_line"], article["source_kind"]) == ("لندن - سبوتنيك.", "dateline")
    assert article["duplicate_paragraph_count"] == 4
    assert article["paragraph_count"] == 10
    assert [(r["line"], r["role"]) for r in rows[:5]] == [
        (1, "title"),
        (2, "date"),
        (3, "caption"),
        (5, "credit"),
        (6, "body"),
    ]
    assert [(r["line"], r["duplicate_of"]) for r in rows if r["duplicate_of"] is not None] == [
        (12, 6),
        (13, 7),
        (14, 8),
        (15, 9),
    ]
    assert article["parse_errors"].splitlines() == [
        "layout.glued_caption: line 3",
        "layout.stray_slash: line 6",
        "layout.dateline_not_first: the dateline opens body paragraph 2, line 7",
    ]


def test_seed_001_rt_repost() -> None:
    """RT repost: Arabic month, 12-hour PM clock with no zone, tweet, related link, trailing boilerplate."""
    article, rows = _parse(REPO / "seeds" / "001_da717efd77834096.txt")
    assert article["title"] == "الناتو مهتم بعلاقة قوية مع روسيا – RT EN"
    assert (article["outlet"], article["outlet_evidence"]) == ("rt", "title")
    assert article["published_raw"] == "11 فبراير 2022 ، 10:50 مساءً"
    assert article["published_local"] == datetime(2022, 2, 11, 22, 50)
    assert (article["published_tz_known"], article["published_tz_assumed"]) == (False, True)
    assert article["published_at"] == datetime(2022, 2, 11, 19, 50, tzinfo=UTC)  # RT's default zone, Moscow
    assert article["updated_at"] is None
    assert article["dateline"] is None
    assert (article["source_line"], article["source_kind"]) == ("Source link", "source")
    assert article["duplicate_paragraph_count"] == 0
    roles = {r["line"]: r["role"] for r in rows}
    assert (roles[1], roles[3], roles[31], roles[33], roles[35], roles[41], roles[43]) == (
        "title",
        "date",
        "tweet",
        "tweet",
        "related",
        "source",
        "boilerplate",
    )
    assert article["parse_errors"] == ""


@pytest.mark.parametrize(
    ("name", "outlet", "agency", "published", "assumed", "source_kind", "problems"),
    [
        (
            "sputnik-style.txt",
            "sputnik",
            None,
            datetime(2022, 3, 3, 9, 15, tzinfo=UTC),
            False,
            "dateline",
            ["layout.stray_slash", "layout.dateline_not_first"],
        ),
        ("rt-aggregator.txt", "rt", None, datetime(2022, 2, 11, 19, 50, tzinfo=UTC), True, "source", []),
        # A wire story with no publisher's marker: the agency is credited, the publisher unknown, and
        # with no publisher (nor policy) to give a zone, a time with none stated stays local.
        ("levantine.txt", None, "reuters", None, False, "source", []),
        ("bom-crlf-hijri.txt", None, "afp", None, False, "dateline", []),
        ("maghreb.txt", None, "anadolu", datetime(2021, 8, 3, 14, 5, tzinfo=UTC), False, "dateline", []),
    ],
)
def test_layouts(
    name: str,
    outlet: str | None,
    agency: str | None,
    published: datetime | None,
    assumed: bool,
    source_kind: str,
    problems: list[str],
) -> None:
    """Each hand-made layout yields its publisher, agency, publication instant, source kind and problem codes."""
    article, _ = _parse(REPO / "tests" / "resources" / "parse-layouts" / name)
    assert (article["outlet"], article["agency"]) == (outlet, agency)
    assert article["published_at"] == published
    assert article["published_tz_assumed"] is assumed
    assert article["source_kind"] == source_kind
    assert [p.split(":")[0] for p in article["parse_errors"].splitlines()] == problems


def test_bom_and_crlf_are_recorded_not_errors() -> None:
    """A BOM and CRLF line endings are read transparently and recorded as encoding and line_endings."""
    article, rows = _parse(REPO / "tests" / "resources" / "parse-layouts" / "bom-crlf-hijri.txt")
    assert (article["encoding"], article["line_endings"]) == ("utf-8-sig", "crlf")
    assert rows[0]["text"] == "عنوان مع علامة ترتيب البايت"


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("invalid-utf8.txt", ["text.utf8"]),
        ("empty.txt", ["text.empty"]),
        ("whitespace.txt", ["text.empty"]),
        ("nul.txt", ["text.nul"]),
        ("binary.bin", ["text.utf8", "text.nul", "text.binary"]),
        ("impossible-date.txt", ["date.invalid"]),
        ("future-date.txt", []),
        ("updated-before-published.txt", []),
    ],
)
def test_bad_input_is_recorded_never_raised(name: str, codes: list[str]) -> None:
    """Bad files still give an article row; their problems are data in parse_errors."""
    path = REPO / "tests" / "resources" / "parse-bad" / name
    article, _ = _parse(path)
    assert article["file"] == name
    assert article["bytes"] == path.stat().st_size
    assert [p.split(":")[0] for p in article["parse_errors"].splitlines()] == codes
    assert article["parse_error_count"] == len(codes)


def test_future_and_backwards_dates_are_kept_as_found() -> None:
    """A future date and an update before publication are kept, not fixed (validate judges them)."""
    future, _ = _parse(REPO / "tests" / "resources" / "parse-bad" / "future-date.txt")
    assert future["published_at"] == datetime(2099, 1, 1, 12, tzinfo=UTC)
    backwards, _ = _parse(REPO / "tests" / "resources" / "parse-bad" / "updated-before-published.txt")
    assert backwards["updated_at"] < backwards["published_at"]


def test_invalid_utf8_keeps_the_row_with_replacement_characters() -> None:
    """Invalid bytes decode as U+FFFD; the row and the rest of the text are kept."""
    _, rows = _parse(REPO / "tests" / "resources" / "parse-bad" / "invalid-utf8.txt")
    assert "\ufffd" in rows[2]["text"]
    assert rows[2]["text"].endswith("صحيح جزئيا.")


def test_repeat_differing_only_by_diacritics_is_a_duplicate() -> None:
    """Two body paragraphs equal after normalization (harakat, tatweel) are duplicates."""
    lede = "وجَّه الوزيـــر دعوة رسمية إلى نظيره لزيارة العاصمة."
    text = f"عنوان\n17.01.2022\n{lede}\nفقرة.\nوجه الوزير دعوة رسمية الى نظيره لزيارة العاصمة.\n"
    parsed = parse_article(text.encode(), file="x.txt", registry=REGISTRY)
    assert parsed.article["duplicate_paragraph_count"] == 1
    assert [r["duplicate_of"] for r in parsed.paragraphs] == [None, None, None, None, 2]


def test_credit_and_boilerplate_never_count_as_duplicates() -> None:
    """Repeated credit or boilerplate lines are not body and are never duplicate paragraphs."""
    text = "عنوان\n17.01.2022\n© Sputnik . X\nنص.\n© Sputnik . X\nFacebook Comments Box\nFacebook Comments Box\n"
    parsed = parse_article(text.encode(), file="x.txt", registry=REGISTRY)
    assert parsed.article["duplicate_paragraph_count"] == 0


def test_declared_encoding_is_used() -> None:
    """A file in the encoding its INDEX.md row declares (windows-1256) is read without problems."""
    data = "عنوان\n17.01.2022\nنص عربي.\n".encode("cp1256")
    parsed = parse_article(data, file="x.txt", registry=REGISTRY, encoding="windows-1256")
    assert parsed.article["title"] == "عنوان"
    assert parsed.article["parse_errors"] == ""


def test_fifty_megabyte_single_line() -> None:
    """A 50 MB file on one line is parsed (title only) without scanning it for dates."""
    data = ("كلمة " * 10_000_000).encode()[: 50 << 20]
    parsed = parse_article(data, file="big.txt", registry=REGISTRY)
    assert parsed.article["bytes"] == 50 << 20
    assert len(parsed.paragraphs) == 1
    assert parsed.paragraphs[0]["role"] == "title"


CONTROL_HEAVY = st.text(alphabet=st.sampled_from("aنص \n\r\t\x00\x01\x0b\x0c\x1f\x7f\x80\ufffd")).map(str.encode)


@settings(max_examples=500)
@given(st.binary(max_size=64) | CONTROL_HEAVY)
def test_binary_fast_path_agrees_with_the_scan(data: bytes) -> None:
    """The byte-level check for control characters decides exactly as scanning the decoded text does."""
    from provenance.parsing.article import _CONTROL, BINARY_CONTROL_SHARE, _looks_binary, decode

    text, used, _ = decode(data, encoding=None)
    sample = text[:65536]
    scanned = bool(sample) and len(_CONTROL.findall(sample)) / len(sample) > BINARY_CONTROL_SHARE
    assert _looks_binary(text, data=data, used=used) == scanned


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(" \u00a0\t\x1c\u2009\u3000\u200fabcنص\n"), max_size=40) | st.text(max_size=40))
def test_word_count_is_the_number_of_whitespace_separated_words(line: str) -> None:
    """The fast word count agrees with str.split on any text."""
    from provenance.parsing.article import _word_count

    assert _word_count(line) == len(line.split())
