"""Properties of the escapes: whatever the text, it prints as one line and renders in Markdown as itself."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from provenance.escape import markdown_code, markdown_text, one_line
from tests.test_escape import _MARKDOWN, RAW_CONTROL, _Cells

# Letters, Arabic, every ASCII punctuation mark (Markdown's syntax), spaces and control characters.
_TEXT = st.text(
    st.one_of(
        st.sampled_from("abc XYZ 019 عنوان"),
        st.sampled_from("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
        st.characters(min_codepoint=0, max_codepoint=0x9F).filter(lambda c: c < " " or c >= "\x7f"),
        st.sampled_from("\u2028\u2029"),
    ),
    max_size=30,
)


@given(_TEXT)
def test_one_line_has_no_control_character(text: str) -> None:
    """one_line leaves no control character, and text without one as it is."""
    escaped = one_line(text)
    assert not RAW_CONTROL.search(escaped)
    assert one_line(escaped) == escaped


@given(_TEXT)
def test_markdown_cell_renders_as_the_text(text: str) -> None:
    """In a table cell, markdown_text and markdown_code render as exactly the text, and make no tag."""
    table = f"| a | b |\n|---|---|\n| {markdown_text(text)} | {markdown_code(text)} |\n"
    cells = _Cells()
    cells.feed(str(_MARKDOWN(table)))
    assert [c.strip() for c in cells.cells] == [one_line(text).strip()] * 2
    assert cells.tags <= {"table", "thead", "tbody", "tr", "th", "td", "code"}
