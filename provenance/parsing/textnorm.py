"""Text normalisation for Arabic news text: comparison keys and light cleanup for parsing."""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "KEY_VERSION",
    "arabic_letter_fraction",
    "clean_line",
    "clean_line_spans",
    "normalize_key",
    "normalize_keys",
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


# The fast path of normalize_key. News text is written in a small alphabet (ASCII, Arabic letters
# and marks, common punctuation and invisible marks). A charmap codec encodes such text at one byte
# per character, one bytes.translate folds and drops, bytes.split collapses spaces and the codec
# decodes the key: each a single C pass, where str.translate does a Python lookup per character.
# Text with any other character takes the general path; a property test holds the two equal.
_FAST_SOURCES = (
    [0x00, *range(0x09, 0x0E), *range(0x20, 0x80)],  # NUL, whitespace and printable ASCII
    [0x060C, 0x061B, 0x061C, 0x061F, *range(0x0621, 0x063B), *range(0x0640, 0x066E), 0x0670, 0x0671],
    [0x067E, 0x0686, 0x0698, 0x06A4, 0x06A9, 0x06AF, 0x06CC, *range(0x06F0, 0x06FA)],
    [*range(0x200B, 0x2010), *range(0x2010, 0x2028), *range(0x202A, 0x202F), *range(0x2066, 0x206A)],
    [0x00A9, 0x00AB, 0x00AD, 0x00B0, 0x00B7, 0x00BB, 0x00D7, 0xFEFF],
)
_UNMAPPED = "\ufffe"  # the charmap codecs' "no character here"
_SPACE_RUN = re.compile(b"  +")
_LINE_MARK = b"\x01"  # a newline between lines keyed together (decodes to "\x01"); split() keeps it


def _char_key(ch: str) -> str | None:
    """The key of one character (as _key_pass_general computes it char by char), None if unsuitable."""
    folded = ch.casefold()
    if unicodedata.normalize("NFKC", ch) != ch or len(folded) != 1:
        return None
    value = _KEY_TABLE.get(ord(folded), folded)
    return "" if value is None else value


@dataclass(frozen=True, slots=True)
class _ByteCodec:
    encode: Any  # codecs.EncodingMap: source character -> byte
    fold: bytes  # bytes.translate table: source byte -> byte of its key character
    fold_lines: bytes  # the same, but a newline becomes _LINE_MARK (several lines keyed at once)
    drop: bytes  # source bytes whose key is empty
    decode: str  # key byte -> key character
    tatweel: bytes
    dash_run: re.Pattern[bytes]
    script: bytes  # bytes.translate table: letter -> b"a" (Arabic script) or b"l" (other)
    non_letters: bytes  # source bytes that are not letters


def _build_byte_codec() -> _ByteCodec:
    source = [_UNMAPPED] * 256
    target = [chr(b) if b < 0x80 else _UNMAPPED for b in range(256)]  # ASCII keys keep their byte
    fold, drop = list(range(256)), bytearray()
    free_source = iter(b for b in range(1, 256) if b >= 0x80 or b not in _FAST_SOURCES[0])
    free_target = iter(range(0x80, 0x100))
    for cp in (cp for group in _FAST_SOURCES for cp in group):
        key = _char_key(chr(cp))
        if key is None or len(key) > 1:
            continue
        byte = cp if cp in _FAST_SOURCES[0] else next(free_source)
        source[byte] = chr(cp)
        if not key:
            drop.append(byte)
        elif key in target:
            fold[byte] = target.index(key)
        else:
            fold[byte] = next(free_target)
            target[fold[byte]] = key
    tatweel = target.index(_TATWEEL).to_bytes(1, "big")
    # Keys of this alphabet need no second NFKC pass: no key character is a mark or a jamo, so
    # none can compose with its neighbour, and each is NFKC-stable on its own.
    keys = [ch for ch in target if ch != _UNMAPPED]
    assert all(unicodedata.category(ch)[0] != "M" and not 0x1100 <= ord(ch) <= 0x11FF for ch in keys)
    assert all(unicodedata.is_normalized("NFKC", ch) for ch in keys)
    assert _LINE_MARK[0] not in fold, "the line mark must be a byte no key character uses"
    script = [_script_of(ch) for ch in source]
    return _ByteCodec(
        encode=codecs.charmap_build("".join(source)),
        fold=bytes(fold),
        fold_lines=bytes([*fold[:10], _LINE_MARK[0], *fold[11:]]),
        drop=bytes(drop),
        decode="".join(target),
        tatweel=tatweel,
        dash_run=re.compile(b"[" + re.escape(tatweel) + b"-]+"),
        script=bytes(ord(kind or " ") for kind in script),
        non_letters=bytes(byte for byte, kind in enumerate(script) if kind is None),
    )


def _script_of(ch: str) -> str | None:
    """'a' for an Arabic-script letter, 'l' for another letter, None for anything else."""
    if not ch.isalpha() or ch == _UNMAPPED:
        return None
    return "a" if any(lo <= ord(ch) <= hi for lo, hi in _ARABIC_RANGES) else "l"


def _key_dash_bytes(match: re.Match[bytes]) -> bytes:
    data, start, end = match.string, match.start(), match.end()
    between_digits = start > 0 and end < len(data) and 0x30 <= data[start - 1] <= 0x39 and 0x30 <= data[end] <= 0x39
    return b"-" if between_digits else (b" " if b"-" in match.group() else b"")


_BYTE_CODEC = _build_byte_codec()


def _resolve_run(match: re.Match[str], *, outside: str) -> str:
    """Return '-' for a tatweel/dash run between two ASCII digits, else ``outside``."""
    text, start, end = match.string, match.start(), match.end()
    between_digits = start > 0 and end < len(text) and text[start - 1] in _ASCII_DIGITS and text[end] in _ASCII_DIGITS
    return "-" if between_digits else outside


def _key_dash(match: re.Match[str]) -> str:
    return _resolve_run(match, outside=" " if "-" in match.group() else "")


def _clean_tatweel(match: re.Match[str]) -> str:
    return _resolve_run(match, outside="")


def _key_pass_general(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    out = folded.translate(_KEY_TABLE if _BEYOND_PLANE_1.search(folded) else _KEY_LIST)
    if "-" in out or _TATWEEL in out:
        out = _DASH_RUN.sub(_key_dash, out)
    return " ".join(out.split())


def _fold_bytes(nfkc: str, table: bytes) -> bytes:
    """NFKC text in the codec's alphabet as key bytes, spaces not yet collapsed.

    `table` is fold or fold_lines; raises UnicodeEncodeError for a character outside the alphabet.
    """
    out = codecs.charmap_encode(nfkc, "strict", _BYTE_CODEC.encode)[0].translate(table, _BYTE_CODEC.drop)
    tatweel, dash_run = _BYTE_CODEC.tatweel, _BYTE_CODEC.dash_run
    if b"-" in out or tatweel in out:  # only the lines that hold one: a regex over all is slower
        parts = out.split(_LINE_MARK)
        out = _LINE_MARK.join([dash_run.sub(_key_dash_bytes, p) if b"-" in p or tatweel in p else p for p in parts])
    return out


def _key_pass(text: str) -> str:
    nfkc = unicodedata.normalize("NFKC", text)
    try:
        out = _fold_bytes(nfkc, _BYTE_CODEC.fold)
    except UnicodeEncodeError:  # a character outside the common alphabet: the general path
        return _key_pass_general(nfkc)
    return codecs.charmap_decode(b" ".join(out.split()), "strict", _BYTE_CODEC.decode)[0]


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


def normalize_keys(lines: Sequence[str]) -> list[str]:
    """normalize_key of each line, computed for all the lines at once.

    A newline is a normalization boundary, so NFKC, folding and dropping over the joined lines give
    each line's own result. Joined text outside the common alphabet is keyed line by line.
    """
    nfkc = unicodedata.normalize("NFKC", "\n".join(lines))
    try:
        out = _fold_bytes(nfkc, _BYTE_CODEC.fold_lines)
    except UnicodeEncodeError:
        return [normalize_key(line) for line in lines]
    # Collapse spaces in one pass over all the lines; each line's key is then trimmed.
    out = _SPACE_RUN.sub(b" ", out)
    decoded = codecs.charmap_decode(out, "strict", _BYTE_CODEC.decode)[0]
    keys = [key.strip(" ") for key in decoded.split(_LINE_MARK.decode())]
    if len(keys) != len(lines):  # no lines at all, or a line that held a newline
        return [normalize_key(line) for line in lines]
    return keys


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


@functools.cache
def _script_table() -> list[str | None]:
    """BMP table: Arabic-script letters -> 'a', other letters -> 'l', everything else dropped."""
    return [_script_of(chr(cp)) for cp in range(0x10000)]


def _letters_general(head: str) -> bytes:
    """One C pass with a Python lookup per character: any text."""
    return head.translate(_script_table()).encode()


def _letters_fast(head: str) -> bytes:
    """Two C passes: text in the byte codec's alphabet only (UnicodeEncodeError otherwise)."""
    encoded = codecs.charmap_encode(head, "strict", _BYTE_CODEC.encode)[0]
    return encoded.translate(_BYTE_CODEC.script, _BYTE_CODEC.non_letters)


def arabic_letter_fraction(text: str, *, sample: int = 2000) -> float:
    """Share of letters (str.isalpha) that are Arabic script among the first `sample` characters.

    0.0 when there are no letters. A sample is enough to tell the script of an article body and
    keeps the cost flat whatever the article's length; letters beyond the BMP are not counted.
    """
    head = text[:sample]
    try:
        letters = _letters_fast(head)
    except UnicodeEncodeError:
        letters = _letters_general(head)
    return letters.count(b"a") / len(letters) if letters else 0.0
