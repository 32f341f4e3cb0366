"""`corpus-audit init`: INDEX.md and a commented starter corpus-audit.toml, never overwriting either."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

import provenance
from provenance._cli import main
from provenance.audit.policy import parse_policy, read_policy, starter_policy
from provenance.manifest.reader import read_manifest
from provenance.parsing.settings import DEFAULT


def test_init_on_a_new_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder that does not exist yet gets INDEX.md (no rows) and the starter policy; one line per file."""
    root = tmp_path / "new" / "corpus"
    assert main(["init", str(root)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{root / 'corpus-audit.toml'}: written",
        f"{root / 'INDEX.md'}: written",
    ]
    assert (root / "corpus-audit.toml").read_text(encoding="utf-8") == starter_policy()
    assert read_manifest(root).rows == ()
    assert main(["verify", "--strict", str(root)]) == 0


def test_init_on_a_folder_of_articles(corpus: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    """INDEX.md lists every article and not the policy, so verify passes straight after."""
    root = corpus("fixity-clean")
    (root / "INDEX.md").unlink()
    initialized = provenance.init(str(root))
    assert initialized.wrote == (root / "corpus-audit.toml", root / "INDEX.md") and initialized.kept == ()
    assert initialized.index is not None and initialized.index.added == ("2022/b.txt", "a.txt")
    assert [r.file for r in read_manifest(root).rows] == ["2022/b.txt", "a.txt"]
    assert main(["verify", "--strict", str(root)]) == 0
    assert main(["index", "--check", str(root)]) == 0
    capsys.readouterr()


def test_init_writes_only_what_is_missing(corpus: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    """An existing INDEX.md is left as it is (even out of date); only the policy is written."""
    root = corpus("fixity-clean")
    (root / "new.txt").write_text("not indexed yet\n", encoding="utf-8")
    before = (root / "INDEX.md").read_bytes()
    assert main(["init", str(root)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{root / 'corpus-audit.toml'}: written\n"
    assert captured.err == f"{root / 'INDEX.md'}: exists, left as it is\n"
    assert (root / "INDEX.md").read_bytes() == before


@pytest.mark.parametrize("link", [False, True])
def test_init_with_both_files_is_exit_2_and_changes_nothing(
    corpus: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], link: bool
) -> None:
    """When INDEX.md and corpus-audit.toml are both there (a link counts), init overwrites neither."""
    root = corpus("fixity-clean")
    if link:
        (tmp_path / "elsewhere.toml").write_text("# mine\n", encoding="utf-8")
        (root / "corpus-audit.toml").symlink_to(tmp_path / "elsewhere.toml")
    else:
        (root / "corpus-audit.toml").write_text("# mine\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in root.iterdir() if p.is_file()}
    assert main(["init", str(root)]) == 2
    assert capsys.readouterr().err == (
        f"corpus-audit: {root}: already has INDEX.md and corpus-audit.toml; init overwrites nothing "
        f"(`corpus-audit index {root}` updates INDEX.md)\n"
    )
    assert {p.name: p.read_bytes() for p in root.iterdir() if p.is_file()} == before
    if link:
        assert (root / "corpus-audit.toml").is_symlink()
        assert (tmp_path / "elsewhere.toml").read_text(encoding="utf-8") == "# mine\n"


def test_init_on_a_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that is a file is exit 2, and nothing is written beside it."""
    (tmp_path / "corpus").write_text("a file\n", encoding="utf-8")
    assert main(["init", str(tmp_path / "corpus")]) == 2
    assert "not a directory" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]


def test_the_starter_policy_loads_and_changes_nothing(tmp_path: Path) -> None:
    """The starter as written is a valid policy with every default and no override."""
    (tmp_path / "corpus-audit.toml").write_text(starter_policy(), encoding="utf-8")
    policy = read_policy(tmp_path)
    assert policy.present and policy.settings == DEFAULT and policy.overrides == ()


_EXAMPLE = re.compile(r"^# (\[checks\..*\]|[a-z_]+ = .*)$", re.MULTILINE)


def test_every_example_in_the_starter_is_valid_and_documents_the_default() -> None:
    """Uncommenting every example gives a valid policy; every key of the schema has one, explained above
    it; the examples of keys with a default show that default."""
    starter = starter_policy()
    examples = _EXAMPLE.findall(starter)
    keys = {e.split(" = ")[0] for e in examples if " = " in e}
    from provenance.audit.policy import KEYS, OVERRIDE_KEYS

    assert keys == {key for table in KEYS.values() for key in table} | set(OVERRIDE_KEYS)
    lines = starter.splitlines()
    for number, line in enumerate(lines):
        if _EXAMPLE.match(line):
            above = next(text for text in reversed(lines[:number]) if not _EXAMPLE.match(text))
            assert above.startswith("# ") and len(above) > 20, f"{line!r} has no explanation above it"
    policy = parse_policy(_EXAMPLE.sub(r"\1", starter))
    settings = policy.settings
    assert (settings.date_order, settings.min_repeat_chars, settings.min_repeat_words) == (
        DEFAULT.date_order,
        DEFAULT.min_repeat_chars,
        DEFAULT.min_repeat_words,
    )
    assert settings.columns == DEFAULT.columns
    assert [o.check for o in policy.overrides] == ["article.source_line"]


def test_init_is_in_the_public_api() -> None:
    """provenance.init and Initialized are public names."""
    assert "init" in provenance.__all__ and "Initialized" in provenance.__all__
