"""Corpora stored in an Arabic code page: the finding names the encoding that reads them, and how to declare it."""

from __future__ import annotations

import pytest

from provenance.parsing.article import decode, parse_article
from provenance.parsing.outlets import load_registry
from provenance.parsing.settings import ParseSettings

TEXT = (
    "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في المدينة بسعة مئتي سرير لخدمة السكان.\n"
    "وقال الوزير إن المشروع يأتي ضمن خطة لتطوير الخدمات الصحية في المنطقة الشرقية خلال العام.\n"
)
REGISTRY = load_registry()


@pytest.mark.parametrize("encoding", ["windows-1256", "iso-8859-6", "cp720", "utf-16"])
def test_the_hint_names_the_encoding_that_reads_the_bytes_as_arabic(encoding: str) -> None:
    _, used, problems = decode(TEXT.encode(encoding), encoding=None)
    assert used == "utf-8"
    utf8 = next(p for p in problems if p.startswith("text.utf8:"))
    assert f"read as Arabic in {encoding}" in utf8
    assert f'encoding = "{encoding}"' in utf8 and "corpus-audit.toml" in utf8 and "INDEX.md" in utf8


def test_utf8_arabic_with_a_few_bad_bytes_gets_no_hint() -> None:
    """Damaged UTF-8 is not another encoding: windows-1256 would read its bytes as Arabic letters too."""
    data = TEXT.encode()
    _, _, problems = decode(data[:20] + b"\xff" + data[20:], encoding=None)
    assert problems[0].startswith("text.utf8: ") and "read as Arabic" not in problems[0]


def test_latin_1_text_gets_no_arabic_hint() -> None:
    _, _, problems = decode("Café crème, naïve façade.\n".encode("latin-1"), encoding=None)
    assert problems and "read as Arabic" not in problems[0]


@pytest.mark.parametrize(
    ("data", "codes"),
    [
        (TEXT.encode() + b"\x00", ["text.nul_padding"]),
        (TEXT.encode() + b"\x00" * 7, ["text.nul_padding"]),
        (TEXT.replace("\n", "\x00\n", 1).encode(), ["text.nul"]),
        (b"\x00" + TEXT.encode() + b"\x00", ["text.nul_padding", "text.nul"]),
        (TEXT.encode(), []),
    ],
)
def test_nul_padding_is_apart_from_nuls_in_the_text(data: bytes, codes: list[str]) -> None:
    text, _, problems = decode(data, encoding=None)
    assert [p.split(":")[0] for p in problems] == codes
    assert not text.endswith("\x00")


def test_the_policy_encoding_reads_a_code_page_corpus_with_crlf_and_padding() -> None:
    data = ("عنوان الخبر\r\n" + TEXT.replace("\n", "\r\n")).encode("windows-1256") + b"\x00"
    settings = ParseSettings(encoding="windows-1256")
    article = parse_article(data, file="a.txt", registry=REGISTRY, settings=settings).article
    assert article["encoding"] == "windows-1256" and article["line_endings"] == "crlf"
    assert [p.split(":")[0] for p in article["parse_errors"].splitlines()] == ["text.nul_padding", "date.missing"]
    assert article["title"] == "عنوان الخبر"


def test_a_declared_utf16_file_keeps_its_nul_bytes_as_text() -> None:
    text, used, problems = decode(TEXT.encode("utf-16"), encoding="utf-16")
    assert (text, used, problems) == (TEXT, "utf-16", [])
