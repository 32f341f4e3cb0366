"""Properties of INDEX.md rendering: a fixed point, lossless for every safe name and cell."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from provenance.manifest.model import Manifest, render_manifest
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
