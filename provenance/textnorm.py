"""Text normalisation for Arabic news text: comparison keys and light cleanup for parsing."""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "KEY_VERSION",
    "arabic_letter_fraction",
    "clean_line",
    "clean_line_spans",
    "normalize_key",
    "to_ascii_digits",
]

# Bump whenever normalize_key output changes, so stored keys can be recomputed.
KEY_VERSION = 1

_TATWEEL = "\u0640"

# Bidi controls, zero-width and other invisible format characters.
_INVISIBLE = frozenset(
    [*range(0x200B, 0x2010), 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF, 0x2060, 0x00AD]
)
# Arabic harakat, Quranic annotation marks and the superscript alef.
_HARAKAT = frozenset([*range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE)])
_ALEF_FOLDS = {0x0623: "ا", 0x0625: "ا", 0x0622: "ا", 0x0671: "ا", 0x0649: "ي", 0x0629: "ه"}

# Planes that hold marks, digits, punctuation, symbols or format characters.
# Planes 2-13 hold only ideographs or nothing, 15-16 are private use: scanning
# them would triple import time for no entries.
_SCAN_RANGES = (range(0x20000), range(0xE0000, 0xF0000))


def _build_tables() -> tuple[dict[int, str | None], dict[int, str | None], dict[int, str]]:
    """Build the key, clean-line and digit translate tables in one scan."""
    key: dict[int, str | None] = {}
    clean: dict[int, str | None] = {}
    digits: dict[int, str] = {}
    for ranges in _SCAN_RANGES:
        for cp in ranges:
            ch = chr(cp)
            cat = unicodedata.category(ch)
            if cat == "Nd":
                ascii_digit = str(unicodedata.decimal(ch))
                if ascii_digit != ch:
                    digits[cp] = key[cp] = clean[cp] = ascii_digit
            elif cat[0] == "M" or cat == "Cf":
                key[cp] = None
            elif cat == "Pd":
                key[cp] = "-"  # dashes are resolved by _DASH_RUN (kept only between digits)
            elif cat[0] in "PS" or cat == "Cc":
                key[cp] = " "
            elif cat == "Zs":
                clean[cp] = " "
    for cp in _INVISIBLE | _HARAKAT:
        key[cp] = clean[cp] = None
    key.update(_ALEF_FOLDS)
    key.pop(ord(_TATWEEL), None)  # tatweel is resolved by _DASH_RUN / _TATWEEL_RUN
    clean.pop(ord(_TATWEEL), None)
    return key, clean, digits


_KEY_TABLE, _CLEAN_TABLE, _DIGIT_TABLE = _build_tables()
# str.translate indexes a list faster than it looks up a dict. The list covers planes 0 and 1
# (identity where nothing changes); text beyond plane 1 falls back to the dict.
_KEY_LIST: list[int | str | None] = list(range(0x20000))
for _cp, _value in _KEY_TABLE.items():
    if _cp < 0x20000:
        _KEY_LIST[_cp] = _value
_BEYOND_PLANE_1 = re.compile("[\U00020000-\U0010ffff]")
_DASH_RUN = re.compile("[\u0640-]+")
_TATWEEL_RUN = re.compile("\u0640+")
_ASCII_DIGITS = frozenset("0123456789")
_ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


def _resolve_run(match: re.Match[str], *, outside: str) -> str:
    """Return '-' for a tatweel/dash run between two ASCII digits, else ``outside``."""
    text, start, end = match.string, match.start(), match.end()
    between_digits = start > 0 and end < len(text) and text[start - 1] in _ASCII_DIGITS and text[end] in _ASCII_DIGITS
    return "-" if between_digits else outside


def _key_dash(match: re.Match[str]) -> str:
    return _resolve_run(match, outside=" " if "-" in match.group() else "")


def _clean_tatweel(match: re.Match[str]) -> str:
    return _resolve_run(match, outside="")


def _key_pass(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    out = folded.translate(_KEY_TABLE if _BEYOND_PLANE_1.search(folded) else _KEY_LIST)
    if "-" in out or _TATWEEL in out:
        out = _DASH_RUN.sub(_key_dash, out)
    return " ".join(out.split())


def normalize_key(text: str) -> str:
    """Return a comparison key: folded, digit-normalised, punctuation-free, single-spaced."""
    out = _key_pass(text)
    # Dropping a format char can bring two Hangul jamo together, which NFKC
    # would then compose; a couple of extra passes keep the key idempotent.
    for _ in range(3):
        if unicodedata.is_normalized("NFKC", out):
            break
        out = _key_pass(out)
    return out


def to_ascii_digits(text: str) -> str:
    """Replace decimal digits of any script (Arabic-Indic, Persian, ...) with ASCII digits."""
    return text.translate(_DIGIT_TABLE)


def clean_line(text: str) -> str:
    """Light cleanup for parsing: drop invisibles, harakat and tatweel, ASCII digits, plain spaces."""
    out = text.translate(_CLEAN_TABLE)
    if _TATWEEL in out:
        out = _TATWEEL_RUN.sub(_clean_tatweel, out)
    return out.strip()


def clean_line_spans(text: str) -> tuple[str, list[int]]:
    """Like clean_line (unstripped), plus for each output char its index in ``text``."""
    out = text.translate(_CLEAN_TABLE)
    if len(out) == len(text) and _TATWEEL not in out:
        return out, list(range(len(text)))  # only 1:1 replacements happened
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        repl = _CLEAN_TABLE.get(ord(ch), ch)
        if repl is not None:
            chars.append(repl)
            index.append(i)
    kept_chars: list[str] = []
    kept_index: list[int] = []
    for j, ch in enumerate(chars):
        if ch != _TATWEEL:
            kept_chars.append(ch)
            kept_index.append(index[j])
        elif j > 0 and chars[j - 1] in _ASCII_DIGITS:
            # Start of a tatweel run after a digit: becomes '-' if a digit follows the run.
            k = j
            while k < len(chars) and chars[k] == _TATWEEL:
                k += 1
            if k < len(chars) and chars[k] in _ASCII_DIGITS:
                kept_chars.append("-")
                kept_index.append(index[j])
    return "".join(kept_chars), kept_index


def _script_table() -> list[str | None]:
    """BMP table: Arabic-script letters -> 'a', other letters -> 'l', everything else dropped."""
    table: list[str | None] = [None] * 0x10000
    for cp in range(0x10000):
        if chr(cp).isalpha():
            table[cp] = "a" if any(lo <= cp <= hi for lo, hi in _ARABIC_RANGES) else "l"
    return table


_SCRIPT_TABLE = _script_table()


def arabic_letter_fraction(text: str, *, sample: int = 2000) -> float:
    """Share of letters (str.isalpha) that are Arabic script among the first `sample` characters.

    0.0 when there are no letters. A sample is enough to tell the script of an article body and
    keeps the cost flat whatever the article's length; letters beyond the BMP are not counted.
    """
    letters = text[:sample].translate(_SCRIPT_TABLE)  # one pass in C, not a Python loop per character
    return letters.count("a") / len(letters) if letters else 0.0
