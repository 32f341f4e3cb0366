"""The parser never raises, whatever bytes or text it is given."""

from __future__ import annotations

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
