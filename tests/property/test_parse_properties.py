"""The parser never raises, whatever bytes or text it is given; repeats are found on the normalized key."""

from __future__ import annotations

from hashlib import sha256

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.parsing.article import parse_article
from provenance.parsing.outlets import load_registry

REGISTRY = load_registry()
ARABIC_LINES = st.lists(
    st.one_of(
        st.text(st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=40),
        st.sampled_from(["18:53 GMT 17.01.2022", "11 فبراير 2022 ، 10:50 مساءً", "© Sputnik", "Source link", "/ ", ""]),
        st.text(max_size=40),
    ),
    max_size=12,
)


@settings(max_examples=300)
@given(st.binary(max_size=2000))
def test_any_bytes(data: bytes) -> None:
    """Arbitrary bytes give one article row with the file's size and digest."""
    parsed = parse_article(data, file="x.txt", registry=REGISTRY)
    assert parsed.article["bytes"] == len(data)
    assert parsed.article["parse_error_count"] == len(parsed.article["parse_errors"].splitlines())


@settings(max_examples=300)
@given(ARABIC_LINES, st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_any_article_like_text(lines: list[str], newline: str) -> None:
    """Article-like text parses; duplicates always point back to an earlier body paragraph."""
    parsed = parse_article(newline.join(lines).encode("utf-8", "surrogatepass"), file="x.txt", registry=REGISTRY)
    by_index = {r["index"]: r for r in parsed.paragraphs}
    for row in parsed.paragraphs:
        if row["duplicate_of"] is not None:
            assert row["duplicate_of"] < row["index"]
            assert by_index[row["duplicate_of"]]["norm_hash"] == row["norm_hash"]
            assert row["role"] == by_index[row["duplicate_of"]]["role"] == "body"


# Words free of source, related and boilerplate markers, so a line of them is always body text.
_WORDS = ("الحكومة", "أعلن", "إلى", "الآن", "وزير", "المفاوضات", "نهائي", "مجلس", "الأمن", "مستشفى", "إعادة", "آخر")
_HARAKAT = tuple(chr(c) for c in range(0x064B, 0x0653))  # fathatan to sukun: none composes with a letter
_FOLDED = {"أ": "ا", "إ": "ا", "آ": "ا", "ا": "أ", "ي": "ى", "ى": "ي", "ة": "ه"}  # each pair has one key


@st.composite
def paragraph_and_variant(draw: st.DrawFn) -> tuple[str, str]:
    """A body paragraph, and the same paragraph with harakat, tatweel, other alef forms, ى, ه and spaces."""
    # Eight words of three letters or more: above the default repeat minimums (30 characters, 5 words).
    original = " ".join(draw(st.lists(st.sampled_from(_WORDS), min_size=8, max_size=12))) + "."
    variant = []
    for ch in original:
        written = _FOLDED[ch] if ch in _FOLDED and draw(st.booleans()) else ch
        variant.append(" " * draw(st.integers(1, 3)) if written == " " else written)
        if "\u0621" <= written <= "\u064a" and draw(st.booleans()):
            variant.append(draw(st.sampled_from([*_HARAKAT, "\u0640"])))
    return original, "".join(variant)


@settings(max_examples=200)
@given(paragraph_and_variant())
def test_a_repeat_differing_only_in_what_the_key_drops_is_a_duplicate(pair: tuple[str, str]) -> None:
    """Such a repeat has the first paragraph's norm_hash, which is not the hash of either raw text."""
    original, variant = pair
    text = "\n".join(["عنوان الخبر", "17.01.2022", original, "فقرة أخرى مختلفة تماما.", variant]) + "\n"
    rows = parse_article(text.encode(), file="x.txt", registry=REGISTRY).paragraphs
    first, repeat = rows[2], rows[4]
    assert (first["role"], repeat["role"]) == ("body", "body")
    assert repeat["norm_hash"] == first["norm_hash"]
    assert repeat["duplicate_of"] == first["index"]
    for row in (first, repeat):
        assert row["norm_hash"] != sha256(row["text"].encode()).hexdigest()[:16]


@settings(max_examples=100)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4), st.integers(2, 4))
def test_a_short_line_never_repeats(words: list[str], copies: int) -> None:
    """Under 5 words a body line has no norm_hash and no duplicate_of however often it recurs."""
    line = " ".join(words) + ":"
    text = "\n".join(["عنوان الخبر", "17.01.2022", *([line] * copies)]) + "\n"
    parsed = parse_article(text.encode(), file="x.txt", registry=REGISTRY)
    body = [row for row in parsed.paragraphs if row["role"] == "body"]
    assert len(body) == copies
    assert all(row["norm_hash"] is None and row["duplicate_of"] is None for row in body)
    assert parsed.article["duplicate_paragraph_count"] == 0


_CELLS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "9999-12-31T23:59:59-14:00",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31",
            "0001-01-01",
            "31/12/9999 11 PM",
            "2022-03-13T10:20:00+25:00",
            "http://[::1",
            "https://exa mple.com/x",
            "//",
            "okaz",
        ]
    ),
)


@settings(max_examples=150)
@given(published=_CELLS, url=_CELLS, outlet=_CELLS, zone=st.sampled_from([None, "Pacific/Kiritimati", "Etc/GMT+12"]))
def test_declared_facts_never_raise(published: str, url: str, outlet: str, zone: str | None) -> None:
    """Whatever INDEX.md's cells hold, the article is parsed: a cell that cannot be read is a problem."""
    from provenance.parsing.settings import ParseSettings, Source

    source = Source("x.txt", published=published or None, url=url or None, outlet=outlet or None)
    text = "عنوان\n31.12.9999 23:00\nنص الخبر.\n"
    article = parse_article(
        text.encode(), file="x.txt", registry=REGISTRY, source=source, settings=ParseSettings(default_timezone=zone)
    ).article
    assert article["published_source"] in (None, "index", "text")
