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


def test_the_policy_example_is_a_valid_policy() -> None:
    """The README's corpus-audit.toml example reads as a policy, and its table names every key."""
    from provenance.audit.policy import KEYS, OVERRIDE_KEYS, parse_policy

    section = README[README.index("### The corpus policy: `corpus-audit.toml`") :]
    example = section[section.index("```toml\n") + 8 : section.index("```\n", section.index("```toml"))]
    policy = parse_policy(example)
    assert [o.check for o in policy.overrides] == ["article.published_valid", "article.source_line"]
    table = section[: section.index("\n\n", section.index("| table | key |"))]
    for key in {key for keys in KEYS.values() for key in keys} | set(OVERRIDE_KEYS):
        assert f"`{key}`" in table, key
