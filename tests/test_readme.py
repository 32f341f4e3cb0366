"""The README documents what users rely on: the two commands and every check id."""

from __future__ import annotations

from pathlib import Path

from expectations.catalogue import CATALOGUE

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_two_set_up_commands() -> None:
    """A newcomer finds the main job and the test command."""
    assert "nox -s validate" in README
    assert "nox -s tests" in README


def test_every_check_id_is_documented() -> None:
    """Each catalogue check id appears in the README's check table with its severity."""
    for spec in CATALOGUE.values():
        assert f"| `{spec.id}` | {spec.severity} |" in README, spec.id
