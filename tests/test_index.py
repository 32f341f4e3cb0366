"""`corpus-audit index`: creates and updates INDEX.md, keeps steward content, --check for CI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from provenance._cli import main
from provenance.manifest.reader import read_manifest


def test_index_creates_a_manifest_that_verifies(corpus: Callable[[str], Path]) -> None:
    """With no INDEX.md, index writes one listing every payload file; verify then passes."""
    root = corpus("fixity-clean")
    (root / "INDEX.md").unlink()
    assert main(["index", str(root)]) == 0
    assert [r.file for r in read_manifest(root).rows] == ["2022/b.txt", "a.txt"]
    assert main(["verify", str(root)]) == 0
    assert main(["index", "--check", str(root)]) == 0


def test_corpus_policy_is_metadata_only_at_the_top(corpus: Callable[[str], Path]) -> None:
    """corpus-audit.toml beside INDEX.md is never listed; one in a sub-folder is payload like any file."""
    root = corpus("fixity-clean")
    (root / "corpus-audit.toml").write_text("# the corpus policy\n", encoding="utf-8")
    (root / "2022" / "corpus-audit.toml").write_text("# an article folder's file\n", encoding="utf-8")
    assert main(["index", str(root)]) == 0
    assert [r.file for r in read_manifest(root).rows] == ["2022/b.txt", "2022/corpus-audit.toml", "a.txt"]
    assert main(["verify", "--strict", str(root)]) == 0


def test_index_updates_and_keeps_steward_columns_and_prose(
    corpus: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Changed files get new hashes, gone files lose their rows, new files are added; notes stay."""
    root = corpus("fixity-clean")
    index = root / "INDEX.md"
    text = index.read_text(encoding="utf-8")
    text = text.replace(
        "| file | sha256 | bytes |\n|---|---|---|", "| file | sha256 | bytes | notes |\n|---|---|---|---|"
    )
    text = text.replace(" | 95 |", " | 95 | keep me |").replace(" | 57 |", " | 57 | gone soon |")
    index.write_text(text + "\nTrailing prose.\n", encoding="utf-8")
    (root / "a.txt").write_text("edited\n", encoding="utf-8")
    (root / "2022" / "b.txt").unlink()
    (root / "new.txt").write_text("new\n", encoding="utf-8")
    assert main(["index", "--check", str(root)]) == 1
    assert "(1 added, 1 changed, 1 removed)" in capsys.readouterr().out
    assert main(["index", "--verbose", str(root)]) == 0
    out = capsys.readouterr().out
    assert "added new.txt" in out and "changed a.txt" in out and "removed 2022/b.txt" in out
    assert out.endswith("updated, 2 files listed (1 added, 1 changed, 1 removed)\n")
    manifest = read_manifest(root)
    assert [(r.file, r.bytes, r.extra.get("notes")) for r in manifest.rows] == [
        ("a.txt", 7, "keep me"),
        ("new.txt", 4, ""),
    ]
    assert manifest.before[0] == "# Corpus manifest"
    assert manifest.after[-1] == "Trailing prose."
    assert main(["verify", str(root)]) == 0
    assert main(["index", "--check", str(root)]) == 0


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda text: text, 0),
        (lambda text: text.replace("**Corpus pin:** 2 files", "**Corpus pin:** 9 files"), 1),
        (
            lambda text: (
                text.replace("| `2022/b.txt`", "| `zz.txt`")
                .replace("| `a.txt`", "| `2022/b.txt`")
                .replace("| `zz.txt`", "| `a.txt`")
            ),
            1,
        ),
        (lambda text: text.replace("| file | sha256 | bytes |", "|file|sha256|bytes|"), 1),
    ],
)
def test_check_exits_1_when_not_what_index_writes(
    corpus: Callable[[str], Path], edit: Callable[[str], str], expected: int
) -> None:
    """--check fails on a stale pin, swapped rows or a reformatted table, and changes nothing."""
    root = corpus("fixity-clean")
    index = root / "INDEX.md"
    edited = edit(index.read_text(encoding="utf-8"))
    index.write_text(edited, encoding="utf-8")
    assert main(["index", "--check", str(root)]) == expected
    assert index.read_text(encoding="utf-8") == edited


def test_index_skips_links_and_names_them(corpus: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    """A symbolic link is never indexed (nor followed); index says so on stderr."""
    root = corpus("fixity-clean")
    (root / "link.txt").symlink_to(root / "a.txt")
    assert main(["index", str(root)]) == 0
    assert "link.txt: skipped: symbolic link, not followed" in capsys.readouterr().err
    assert "link.txt" not in (root / "INDEX.md").read_text(encoding="utf-8")


def test_index_write_is_atomic_and_keeps_mode(corpus: Callable[[str], Path]) -> None:
    """The manifest is replaced by rename: no temporary file is left, the file mode is kept."""
    root = corpus("fixity-clean")
    (root / "INDEX.md").chmod(0o640)
    (root / "new.txt").write_text("new\n", encoding="utf-8")
    assert main(["index", str(root)]) == 0
    assert sorted(p.name for p in root.iterdir()) == ["2022", "INDEX.md", "a.txt", "new.txt"]
    assert (root / "INDEX.md").stat().st_mode & 0o777 == 0o640


def test_index_refuses_a_malformed_manifest(corpus: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    """index never overwrites a manifest it cannot read: exit 2 naming the line."""
    root = corpus("fixity-clean")
    index = root / "INDEX.md"
    broken = index.read_text(encoding="utf-8").replace("| 95 |", "| -95 |")
    index.write_text(broken, encoding="utf-8")
    assert main(["index", str(root)]) == 2
    assert ":8: bad size '-95'" in capsys.readouterr().err
    assert index.read_text(encoding="utf-8") == broken


def test_index_never_writes_parser_guesses_into_steward_columns(corpus: Callable[[str], Path]) -> None:
    """An empty outlet cell stays empty (the steward's to declare) and a filled one is kept verbatim."""
    root = corpus("parse-layouts")
    index = root / "INDEX.md"
    text = index.read_text(encoding="utf-8").replace(
        "| file | sha256 | bytes |\n|---|---|---|", "| file | sha256 | bytes | outlet |\n|---|---|---|---|"
    )
    lines = [
        line + (" steward-set |" if "`levantine.txt`" in line else "  |") if line.startswith("| `") else line
        for line in text.splitlines()
    ]
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["index", str(root)]) == 0
    outlets = {r.file: r.extra["outlet"] for r in read_manifest(root).rows}
    assert outlets == {
        "bom-crlf-hijri.txt": "",
        "levantine.txt": "steward-set",
        "maghreb.txt": "",
        "rt-aggregator.txt": "",
        "sputnik-style.txt": "",
    }
    assert main(["index", str(root), "--check"]) == 0  # and it stays settled
