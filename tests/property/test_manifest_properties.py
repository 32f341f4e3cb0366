"""Properties of INDEX.md rendering: a fixed point, lossless for every safe name and cell."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from provenance.manifest.model import Manifest, Row, Rows, compute_pin, render_manifest
from provenance.manifest.paths import SAFE_PATH, path_problem
from provenance.manifest.reader import parse_manifest
from tests.property.strategies import manifests, relative_path


@given(manifests())
def test_render_parse_render_is_stable(manifest: Manifest) -> None:
    """Rendering what was parsed from a rendering changes nothing."""
    text = render_manifest(manifest)
    assert render_manifest(parse_manifest(text)) == text


@given(manifests())
def test_rows_round_trip(manifest: Manifest) -> None:
    """Every file, digest, size and steward cell survives a render and parse."""
    parsed = parse_manifest(render_manifest(manifest))
    assert [(r.file, r.sha256, r.bytes, dict(r.extra)) for r in parsed.rows] == [
        (r.file, r.sha256, r.bytes, dict(r.extra)) for r in manifest.rows
    ]
    assert parsed.pin == manifest.expected_pin()


@given(relative_path)
def test_fast_and_slow_path_checks_agree(path: str) -> None:
    """The regex used on large manifests accepts exactly what path_problem accepts."""
    assert (SAFE_PATH.match(path) is not None) == (path_problem(path) is None)


@example("0\n")  # "$" in the regex once let a final newline through
@given(st.text(max_size=30))
def test_path_checks_agree_on_any_text(path: str) -> None:
    """On arbitrary text too, the fast regex and path_problem give the same verdict."""
    assert (SAFE_PATH.match(path) is not None) == (path_problem(path) is None)


RowFields = tuple[str, str, int, dict[str, str], int | None]


@given(
    st.lists(
        st.tuples(
            st.text(max_size=12),
            st.one_of(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64), st.text(max_size=70)),
            st.integers(0, 2**62),
            st.dictionaries(st.sampled_from(["outlet", "url"]), st.text(max_size=5), max_size=2),
            st.one_of(st.none(), st.integers(0, 10**9)),
        ),
        max_size=8,
        unique_by=lambda r: r[0],
    )
)
def test_rows_held_as_columns_give_back_every_row(
    given: list[tuple[str, str, int, dict[str, str], int | None]],
) -> None:
    """Rows (INDEX.md's rows as columns) gives back each Row as it was given: any digest text
    (lowercase hex is packed into 32 bytes, anything else kept as it is), any line or none, any
    steward columns; by index, by slice, in order, and by file through by_file()'s view."""
    rows = [Row(file, sha, size, extra, line) for file, sha, size, extra, line in given]
    held = Rows.of(rows)
    assert list(held) == rows and held == tuple(rows) and held == rows and len(held) == len(rows)
    assert [held[at] for at in range(-len(rows), len(rows))] == rows + rows
    assert held[1:3] == tuple(rows[1:3])
    assert list(held.triples()) == [(r.file, r.sha256, r.bytes) for r in rows]
    listed = Manifest(rows=rows).by_file()
    assert dict(listed) == {r.file: r for r in rows} and list(listed) == [r.file for r in rows]
    assert all(r.file in listed and listed.get(r.file) == r for r in rows)
    assert "\0absent" not in listed and listed.get("\0absent") is None
    assert Manifest(rows=rows).expected_pin() == compute_pin((r.file, r.sha256, r.bytes) for r in rows)
