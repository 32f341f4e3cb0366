"""Tests for provenance.parsing.textnorm: comparison keys, parsing cleanup and script statistics."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from provenance.parsing.textnorm import (
    KEY_VERSION,
    arabic_letter_fraction,
    clean_line,
    clean_line_spans,
    normalize_key,
    normalize_keys,
    to_ascii_digits,
)

NORMALIZE_KEY_CASES = [
    ("فَبْرَايِرُ", "فبراير"),  # harakat dropped
    ("فبـــراير", "فبراير"),  # tatweel between letters dropped
    ("٢٠٢٢", "2022"),  # Arabic-Indic digits
    ("۲۰۲۲", "2022"),  # Persian digits
    ("२०२२ ２０２２", "2022 2022"),  # Devanagari and full-width digits
    ("12ـ15", "12-15"),  # tatweel between digits is a dash
    ("١٢ـــ١٥", "12-15"),
    ("12-15", "12-15"),  # a dash between digits is kept so keys stay idempotent
    ("2022–2023", "2022-2023"),
    ("روسيا-الناتو", "روسيا الناتو"),  # other dashes are punctuation
    ("١٢ ـ ١٥", "12 15"),
    ("أحمد إبراهيم آمال ٱلقمر", "احمد ابراهيم امال القمر"),  # alef forms
    ("مستشفى المدينة", "مستشفي المدينه"),  # alef maqsura and ta marbuta
    ("«الناتو»، (روسيا)!؟ ...", "الناتو روسيا"),  # punctuation to spaces
    ("100% $5 🇬🇧 +", "100 5"),  # symbols to spaces
    ("\u200fنص\u200e \u202bآخر\u202c\u2066x\u2069\u061c", "نص اخرx"),  # bidi marks removed
    ("\ufeffa\u200bb\u2060c\u00add", "abcd"),  # BOM, zero-width, word joiner, soft hyphen
    ("NATO Straße İstanbul", "nato strasse istanbul"),  # casefold
    ("  a\u00a0\t b\r\n", "a b"),  # whitespace collapsed and stripped
    ("ﻻ ﺑﻴﺖ", "لا بيت"),  # presentation forms via NFKC
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), NORMALIZE_KEY_CASES)
def test_normalize_key_table(text: str, expected: str) -> None:
    """normalize_key maps each input to its documented key."""
    assert normalize_key(text) == expected


EQUAL_KEY_PAIRS = [
    ("وزير الدفاع", "وَزِيرُ الدِّفَاعِ"),
    ("وزير الدفاع", "وزيـــر الدفـاع"),
    ("وزير الدفاع", "\u200fوزير\u00a0 الدفاع\u200e"),
    ("أعلن وزير", "اعلن وزير"),
    ("في 11 فبراير 2022", "في ١١ فبراير ٢٠٢٢"),
]


@pytest.mark.parametrize(("left", "right"), EQUAL_KEY_PAIRS)
def test_normalize_key_ignores_cosmetic_differences(left: str, right: str) -> None:
    """Texts differing only by diacritics, tatweel, bidi marks, spacing or digit script share a key."""
    assert normalize_key(left) == normalize_key(right)


def test_key_version_is_one() -> None:
    """KEY_VERSION is exported and starts at 1."""
    assert KEY_VERSION == 1


CLEAN_LINE_CASES = [
    ("\ufeff١١ فبـــراير ٢٠٢٢\r\n", "11 فبراير 2022"),  # BOM, tatweel, digits, CRLF
    ("12ـ15", "12-15"),
    ("١٢ـــ١٥ ـ", "12-15"),
    ("أحمد، إلى مستشفى!", "أحمد، إلى مستشفى!"),  # letters and punctuation kept
    ("a\u00a0b\u2009c\u3000d", "a b c d"),  # Unicode spaces to plain spaces
    ("\u200fنص\u200e \u202bآخر\u202c \u2067x\u2069\u061c", "نص آخر x"),
    ("مَسَاءً", "مساء"),  # harakat removed
    ("۱۰:۵۰ ص", "10:50 ص"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), CLEAN_LINE_CASES)
def test_clean_line_table(text: str, expected: str) -> None:
    """clean_line drops invisibles/harakat/tatweel, converts digits and spaces, keeps the rest."""
    assert clean_line(text) == expected


@pytest.mark.parametrize(("text", "_expected"), CLEAN_LINE_CASES)
def test_clean_line_spans_point_back_to_original(text: str, _expected: str) -> None:
    """clean_line_spans gives the clean_line text and an index of each char in the original."""
    cleaned, index = clean_line_spans(text)
    assert cleaned.strip() == clean_line(text)
    assert len(index) == len(cleaned)
    assert index == sorted(set(index))
    assert all(0 <= i < len(text) for i in index)


TO_ASCII_CASES = [
    ("١٢٣ ۴۵۶ ७८९", "123 456 789"),
    ("٠٩", "09"),
    ("abc ²", "abc ²"),  # superscripts are not decimal digits
]


@pytest.mark.parametrize(("text", "expected"), TO_ASCII_CASES)
def test_to_ascii_digits_table(text: str, expected: str) -> None:
    """to_ascii_digits converts decimal digits of any script and nothing else."""
    assert to_ascii_digits(text) == expected


FRACTION_CASES = [
    ("", 0.0),
    ("123 !! ؟", 0.0),
    ("abc", 0.0),
    ("نص", 1.0),
    ("نص ab", 0.5),
    ("نَصّ", 1.0),  # harakat are not letters
    ("ﻻ a", 0.5),  # presentation forms count as Arabic
]


@pytest.mark.parametrize(("text", "expected"), FRACTION_CASES)
def test_arabic_letter_fraction_table(text: str, expected: float) -> None:
    """arabic_letter_fraction is the Arabic share of letters, 0.0 when there are none."""
    assert arabic_letter_fraction(text) == pytest.approx(expected)


@settings(max_examples=400)
@given(st.text())
def test_functions_never_raise_and_key_is_idempotent(text: str) -> None:
    """Every function accepts arbitrary text; normalize_key(normalize_key(x)) == normalize_key(x)."""
    key = normalize_key(text)
    assert normalize_key(key) == key
    assert key == key.strip()
    assert "  " not in key
    cleaned, index = clean_line_spans(text)
    assert cleaned.strip() == clean_line(text)
    assert len(index) == len(cleaned)
    assert to_ascii_digits(text) == to_ascii_digits(to_ascii_digits(text))
    assert 0.0 <= arabic_letter_fraction(text) <= 1.0


# The alphabet of the byte-codec fast path, plus a few characters that force the general path.
_FAST_ALPHABET = "".join(
    [chr(c) for c in (0, 9, 10, 13, *range(0x20, 0x7F))]
    + [chr(c) for c in range(0x060C, 0x0672)]
    + list("پچژڤکگی۰۱۹\u200b\u200e\u200f\u202b\u202c\u2066\u2069–—‘’“”•«»©·×\ufeff\u00ad")
)


@settings(max_examples=1500)
@given(
    st.text(alphabet=_FAST_ALPHABET, max_size=120)
    | st.text(alphabet=st.sampled_from(_FAST_ALPHABET) | st.sampled_from("ß\u00a0ﻻİ\x01…٫😀ﺑ"), max_size=60)
)
def test_fast_key_path_equals_general_path(text: str) -> None:
    """The byte-codec fast path of normalize_key gives exactly the general translate path's key."""
    from provenance.parsing import textnorm

    assert textnorm._key_pass(text) == textnorm._key_pass_general(text)


def test_fast_key_path_covers_news_text() -> None:
    """The seeds' lines take the fast path (no character outside its alphabet)."""
    import codecs
    from pathlib import Path

    from provenance.parsing import textnorm

    seeds = Path(__file__).parent.parent / "seeds"
    lines = [line for p in sorted(seeds.glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines()]
    outside = set()
    for line in lines:
        nfkc = unicodedata.normalize("NFKC", line)
        try:
            codecs.charmap_encode(nfkc, "strict", textnorm._BYTE_CODEC.encode)
        except UnicodeEncodeError as exc:
            outside.add(nfkc[exc.start])
    assert outside <= {"🇬", "🇧"}, outside


@settings(max_examples=500)
@given(st.text(alphabet=_FAST_ALPHABET, max_size=200))
def test_fast_script_count_equals_general(text: str) -> None:
    """arabic_letter_fraction's byte-codec pass counts the same letters as the general table."""
    from provenance.parsing import textnorm

    try:
        fast = textnorm._letters_fast(text)
    except UnicodeEncodeError:  # a character outside the codec's alphabet: the general path's job
        assume(False)
    assert fast == textnorm._letters_general(text)


@settings(max_examples=800)
@given(
    st.lists(
        st.text(alphabet=_FAST_ALPHABET.replace("\n", ""), max_size=40)
        | st.text(alphabet=st.sampled_from(_FAST_ALPHABET) | st.sampled_from("ß\u00a0ﻻ\u0301😀"), max_size=20),
        max_size=8,
    )
)
def test_normalize_keys_equals_key_per_line(lines: list[str]) -> None:
    """Keying an article's lines together gives each line's own normalize_key."""
    assert normalize_keys(lines) == [normalize_key(line) for line in lines]
