"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from provenance.manifest.model import Manifest, Row
from provenance.manifest.paths import path_problem

_NAME_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="/\\|`\x00~")

# One path component: never '.', '..', hidden names aside (they are legal in a manifest).
component = st.text(_NAME_CHARS, min_size=1, max_size=12).filter(lambda s: s not in (".", "..") and s.strip() == s)
relative_path = st.lists(component, min_size=1, max_size=3).map("/".join).filter(lambda p: path_problem(p) is None)
sha256 = st.text("0123456789abcdef", min_size=64, max_size=64)
steward_cell = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=20).map(str.strip)


@st.composite
def manifests(draw: st.DrawFn) -> Manifest:
    """A manifest with unique safe paths, optional steward columns and prose."""
    extra_columns = draw(st.lists(st.sampled_from(["outlet", "notes", "url", "language"]), unique=True, max_size=3))
    names = draw(st.lists(relative_path, unique=True, max_size=8))
    rows = [
        Row(name, draw(sha256), draw(st.integers(0, 10**12)), {c: draw(steward_cell) for c in extra_columns})
        for name in names
    ]
    before = draw(st.lists(st.sampled_from(["# Title", "", "Some prose."]), max_size=4))
    after = draw(st.lists(st.sampled_from(["", "Closing words.", "- a list item"]), max_size=3))
    header = ("file", "sha256", "bytes", *extra_columns)
    return Manifest(header=header, before=(*before, ""), after=tuple(after)).with_rows(rows)
