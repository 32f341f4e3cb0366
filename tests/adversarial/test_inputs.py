"""Hostile and careless inputs: links, FIFOs, bad metadata, unlistable names, deep trees, huge files.

Each case runs the real CLI under a timeout and asserts the exit code, the first error line, that
nothing from outside the corpus is published and that no temporary file is left.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.adversarial.conftest import SECRET, Run, assert_clean, run_cli

VALIDATE = ("validate", "c", "--engine", "pandera", "--report-dir", "reports", "--jobs", "1")


def _index(root: Path) -> None:
    assert run_cli("index", root.name, cwd=root.parent).code == 0


def _outputs(root: Path) -> list[Path]:
    return [root.parent / "reports", root.parent / "tables", root]


# --- links and FIFOs in the payload: never followed, never opened for reading ----------------


def _listed_file_becomes_link(root: Path, outside: Path) -> None:
    (root / "a.txt").unlink()
    (root / "a.txt").symlink_to(outside / "secret.txt")


def _folder_becomes_link(root: Path, outside: Path) -> None:
    shutil.rmtree(root / "2022")
    (root / "2022").symlink_to(outside)
    (outside / "b.txt").write_text(f"عنوان\n{SECRET}\n", encoding="utf-8")


def _listed_file_becomes_fifo(root: Path, outside: Path) -> None:
    del outside
    (root / "a.txt").unlink()
    os.mkfifo(root / "a.txt")


def _unlisted_fifo(root: Path, outside: Path) -> None:
    del outside
    os.mkfifo(root / "2022" / "pipe.txt")


def _link_to_outside_fifo(root: Path, outside: Path) -> None:
    (root / "a.txt").unlink()
    (root / "a.txt").symlink_to(outside / "fifo")


def _folder_link_to_outside_fifo(root: Path, outside: Path) -> None:
    shutil.rmtree(root / "2022")
    (root / "2022").symlink_to(outside)
    (outside / "b.txt").unlink(missing_ok=True)
    (outside / "fifo").rename(outside / "b.txt")


def _folder_listed_as_file(root: Path, outside: Path) -> None:
    del outside
    (root / "a.txt").unlink()
    (root / "a.txt").mkdir()


PAYLOAD_CASES = [
    (_listed_file_becomes_link, "a.txt", "fixity.regular_file"),
    (_folder_becomes_link, "2022/b.txt", "fixity.present"),
    (_listed_file_becomes_fifo, "a.txt", "fixity.regular_file"),
    (_unlisted_fifo, "2022/pipe.txt", "fixity.listed"),
    (_link_to_outside_fifo, "a.txt", "fixity.regular_file"),
    (_folder_link_to_outside_fifo, "2022/b.txt", "fixity.present"),
    (_folder_listed_as_file, "a.txt", "fixity.regular_file"),
]


@pytest.mark.parametrize(("break_it", "file", "check"), PAYLOAD_CASES)
@pytest.mark.parametrize("command", ["verify", "validate", "parse"])
def test_payload_links_and_fifos_are_never_followed(
    make_corpus: Callable[[str], Path],
    outside: Path,
    break_it: Callable[[Path, Path], None],
    file: str,
    check: str,
    command: str,
) -> None:
    """A link (to a file, a folder or a FIFO) or a FIFO in the payload: reported, never read, no hang."""
    root = make_corpus("fixity-clean")
    root = root.rename(root.parent / "c")
    break_it(root, outside)
    if command == "verify":
        run = run_cli("verify", "c", "--jobs", "2", cwd=root.parent)
        assert run.code == 1 and f"{file}: {check}:" in run.out
    elif command == "validate":
        run = run_cli(*VALIDATE, cwd=root.parent)
        assert run.code == 1 and f"{file}: {check}:" in run.out
        assert f'"check": "{check}", "file": "{file}", "status": "failed"' in (
            root.parent / "reports" / "audit.json"
        ).read_text(encoding="utf-8")
    else:
        run = run_cli("parse", "c", "--out", "tables", "--format", "csv", cwd=root.parent)
        assert run.code == 0
        articles = (root.parent / "tables" / "articles.csv").read_text(encoding="utf-8")
        assert "text.unreadable" in articles or file not in articles
    assert_clean(run, folders=_outputs(root))


# --- metadata: links, FIFOs and malformed content are exit 2 naming the file -------------------


def _metadata_link(name: str, target: str) -> Callable[[Path, Path], None]:
    def apply(root: Path, outside: Path) -> None:
        source = root / name
        if source.exists():
            shutil.copy(source, outside / target)
            source.unlink()
        else:
            (outside / target).write_text(SECRET, encoding="utf-8")
        source.symlink_to(outside / target)

    return apply


def _metadata_fifo(name: str) -> Callable[[Path, Path], None]:
    def apply(root: Path, outside: Path) -> None:
        del outside
        (root / name).unlink(missing_ok=True)
        os.mkfifo(root / name)

    return apply


def _metadata_text(name: str, text: str | bytes) -> Callable[[Path, Path], None]:
    def apply(root: Path, outside: Path) -> None:
        del outside
        data = text.encode() if isinstance(text, str) else text
        (root / name).write_bytes(data)

    return apply


def _bytes_cell(value: str) -> Callable[[Path, Path], None]:
    def apply(root: Path, outside: Path) -> None:
        del outside
        index = root / "INDEX.md"
        lines = index.read_text(encoding="utf-8").splitlines()
        row = next(i for i, line in enumerate(lines) if line.startswith("| `a.txt`"))
        cells = lines[row].split("|")
        cells[3] = f" {value} "
        lines[row] = "|".join(cells)
        index.write_text("\n".join(lines) + "\n", encoding="utf-8")

    return apply


OUTLET = '[[outlet]]\nid = "x"\nkind = "publisher"\n'  # a valid entry; each case adds one bad key
WAIVER_HEADER = "| file | check | sha256 | expires | reason |\n|---|---|---|---|---|\n"
METADATA_CASES = [
    ("verify", _metadata_link("INDEX.md", "index-copy.md"), "INDEX.md: is a symbolic link"),
    ("index", _metadata_link("INDEX.md", "index-copy.md"), "INDEX.md: is a symbolic link"),
    ("validate", _metadata_link("WAIVERS.md", "w.md"), "WAIVERS.md: is a symbolic link"),
    ("validate", _metadata_link("outlets.toml", "passwd"), "outlets.toml: is a symbolic link"),
    ("verify", _metadata_fifo("INDEX.md"), "INDEX.md: is not a regular file"),
    ("index", _metadata_fifo("INDEX.md"), "INDEX.md: is not a regular file"),
    ("validate", _metadata_fifo("WAIVERS.md"), "WAIVERS.md: is not a regular file"),
    ("validate", _metadata_fifo("outlets.toml"), "outlets.toml: is not a regular file"),
    ("validate", _metadata_link("corpus-audit.toml", "policy.toml"), "corpus-audit.toml: is a symbolic link"),
    ("parse", _metadata_link("corpus-audit.toml", "policy.toml"), "corpus-audit.toml: is a symbolic link"),
    ("validate", _metadata_fifo("corpus-audit.toml"), "corpus-audit.toml: is not a regular file"),
    ("parse", _metadata_fifo("corpus-audit.toml"), "corpus-audit.toml: is not a regular file"),
    ("validate", _metadata_text("corpus-audit.toml", b"[corpus]\n# \xff\n"), "corpus-audit.toml:2: not valid UTF-8"),
    ("validate", _metadata_text("corpus-audit.toml", "[corpus]\nencoding = 5\n"), "corpus-audit.toml:2: [corpus]"),
    ("verify", _bytes_cell("9" * 5000), "bad size '99999"),
    ("verify", _bytes_cell("٣٧"), "bad size '٣٧'"),
    ("verify", _bytes_cell("1" * 19), "larger than any file can be"),
    ("validate", _metadata_text("outlets.toml", 'outlet = "abc"\n'), "'outlet' must be an array of tables"),
    ("validate", _metadata_text("outlets.toml", "outlet = 5\n"), "'outlet' must be an array of tables"),
    ("validate", _metadata_text("outlets.toml", OUTLET + "default_tz = 5\n"), ":1: [[outlet]] #1"),
    ("validate", _metadata_text("outlets.toml", OUTLET + 'default_tz = "Mars/Base"\n'), "time zone"),
    ("validate", _metadata_text("outlets.toml", OUTLET + "started = 2020-01-01T10:00:00\n"), "no time"),
    ("validate", _metadata_text("outlets.toml", b'[[outlet]]\nid = "\xff"\n'), "outlets.toml:2: not valid UTF-8"),
    ("validate", _metadata_text("outlets.toml", OUTLET + 'colour = "red"\n'), "unknown key(s) 'colour'"),
    ("validate", _metadata_text("WAIVERS.md", b"\xff\xfe" + WAIVER_HEADER.encode()), "WAIVERS.md:1: not valid UTF-8"),
    ("verify", _metadata_text("INDEX.md", "| file | sha256 | bytes |\n" + "x" * (2 << 20) + "\n"), "longer than"),
]


@pytest.mark.parametrize(("command", "break_it", "first_error"), METADATA_CASES)
def test_bad_metadata_is_exit_2_naming_the_file(
    make_corpus: Callable[[str], Path],
    outside: Path,
    command: str,
    break_it: Callable[[Path, Path], None],
    first_error: str,
) -> None:
    """Links, FIFOs and malformed metadata stop the run with exit 2 and one line naming the file."""
    root = make_corpus("fixity-clean")
    root = root.rename(root.parent / "c")
    break_it(root, outside)
    parse = ("parse", "c", "--out", "tables", "--format", "csv", "--jobs", "1")
    args = {"verify": ("verify", "c"), "index": ("index", "c"), "validate": VALIDATE, "parse": parse}[command]
    run = run_cli(*args, cwd=root.parent)
    assert run.code == 2, run.err
    assert run.first_error.startswith("corpus-audit: c/"), run.err
    assert first_error in run.first_error, run.err
    assert "root:" not in run.err  # /etc/passwd-like content behind a link is never read
    assert_clean(run, folders=_outputs(root))


# --- names: what INDEX.md cannot hold is never indexed, so verify never rejects index's output --


UNSAFE_NAMES = [
    "tab\there.txt",
    "new\nline.txt",
    "carriage\rreturn.txt",
    "esc\x1bname.txt",
    "back\\slash.txt",
    "~tilde.txt",
    "c1\x85name.txt",
    "ctl\x01\x08name.txt",
    "sep\u2028line.txt",
]


@pytest.mark.parametrize("name", [*UNSAFE_NAMES, os.fsdecode(b"latin1-caf\xe9.txt")])
def test_unlistable_names_are_findings_and_never_indexed(make_corpus: Callable[[str], Path], name: str) -> None:
    """index skips (and names) a file INDEX.md cannot hold; verify then reports fixity.unsafe_name, not exit 2."""
    root = make_corpus("fixity-clean")
    root = root.rename(root.parent / "c")
    (root / os.fsencode(name).decode("utf-8", "surrogateescape")).write_text("نص\n", encoding="utf-8")
    indexed = run_cli("index", "c", cwd=root.parent)
    assert indexed.code == 0, indexed.err
    assert "skipped:" in indexed.err and "rename it" in indexed.err
    lines = indexed.err.splitlines()  # the name is escaped: it cannot break the line it is on
    assert len(lines) == 1 and lines[0].endswith("rename it"), indexed.err
    checked = run_cli("index", "c", "--check", cwd=root.parent)
    assert checked.code == 0  # the manifest index wrote is settled
    verified = run_cli("verify", "c", cwd=root.parent)
    assert verified.code == 1, verified.err
    assert "fixity.unsafe_name" in verified.out
    validated = run_cli(*VALIDATE, cwd=root.parent)
    assert validated.code == 1 and "fixity.unsafe_name" in validated.out, validated.err
    for run in (indexed, checked, verified, validated):
        assert_clean(run, folders=_outputs(root))


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_a_manifest_naming_an_unsafe_path_is_exit_2(make_corpus: Callable[[str], Path], name: str) -> None:
    """A steward's INDEX.md row with a name no manifest may hold is exit 2 with the line."""
    root = make_corpus("fixity-clean")
    root = root.rename(root.parent / "c")
    index = root / "INDEX.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("`a.txt`", f"`{name}`"), encoding="utf-8")
    run = run_cli("verify", "c", cwd=root.parent)
    if "\n" in name or "\r" in name:  # the row is cut in two: the table is malformed
        assert run.code == 2
    else:
        assert run.code == 2 and "c/INDEX.md:" in run.first_error, run.err


# --- deep trees, CRLF manifests, huge articles, absurd worker counts ----------------------------


def test_a_very_deep_tree_is_walked_without_recursion(make_corpus: Callable[[str], Path]) -> None:
    """1,200 nested folders: index, verify and validate finish (no RecursionError, no exit 3)."""
    root = make_corpus("fixity-clean")
    root = root.rename(root.parent / "c")
    levels = [root / ("d/" * n).rstrip("/") for n in range(1, 1201)]
    for level in levels:
        level.mkdir()
    (levels[-1] / "deep.txt").write_text("نص عميق\n", encoding="utf-8")
    try:
        _index(root)
        assert "d/" * 1200 + "deep.txt" in (root / "INDEX.md").read_text(encoding="utf-8")
        verified = run_cli("verify", "c", cwd=root.parent)
        assert verified.code == 0, verified.err
        validated = run_cli(*VALIDATE, cwd=root.parent)
        assert validated.code == 1 and "Traceback" not in validated.err  # short article: findings, no crash
    finally:  # shutil.rmtree (and so pytest's clean-up) recurses: remove the tree bottom up
        (levels[-1] / "deep.txt").unlink()
        for level in reversed(levels):
            level.rmdir()


def test_a_crlf_manifest_settles(make_corpus: Callable[[str], Path]) -> None:
    """An INDEX.md with CRLF line ends: index writes it once, then it is up to date for good."""
    root = make_corpus("fixity-clean")
    root = root.rename(root.parent / "c")
    index = root / "INDEX.md"
    index.write_bytes(index.read_bytes().replace(b"\n", b"\r\n"))
    first = run_cli("index", "c", cwd=root.parent)
    assert first.code == 0
    assert run_cli("index", "c", "--check", cwd=root.parent).code == 0
    second = run_cli("index", "c", cwd=root.parent)
    assert second.out.strip().endswith("up to date")
    assert b"\r\n" in index.read_bytes()


def test_a_huge_article_is_not_parsed_and_fails_text_size(make_corpus: Callable[[str], Path]) -> None:
    """An article over --max-article-bytes is not read: text.size fails, the others are audited."""
    root = make_corpus("fixity-clean")
    root = root.rename(root.parent / "c")
    (root / "big.txt").write_bytes(("سطر طويل جدا " * 100_000).encode())
    _index(root)
    run = run_cli(*VALIDATE, "--max-article-bytes", "100000", cwd=root.parent)
    assert run.code == 1
    assert "big.txt: text.size:" in run.out
    report = (root.parent / "reports" / "audit.json").read_text(encoding="utf-8")
    assert "text.too_large" in report and len(report) < 200_000  # nothing of the article is quoted
    assert_clean(run, folders=_outputs(root))


def test_a_line_of_megabytes_is_quoted_as_a_bounded_excerpt(make_corpus: Callable[[str], Path]) -> None:
    """A flagged article with one 3 MB line: audit.json quotes a bounded excerpt, not the line."""
    root = make_corpus("fixity-clean")
    root = root.rename(root.parent / "c")
    (root / "one-line.txt").write_text("عنوان\n" + "كلمة " * 600_000 + "\n", encoding="utf-8")
    _index(root)
    run = run_cli(*VALIDATE, cwd=root.parent)
    assert run.code == 1
    report = root.parent / "reports" / "audit.json"
    assert report.stat().st_size < 1_000_000
    assert "characters in all]" in report.read_text(encoding="utf-8")


def test_absurd_worker_counts_are_capped_with_a_note(make_corpus: Callable[[str], Path]) -> None:
    """--jobs 100000 runs with the machine's cap and says so on stderr."""
    root = make_corpus("fixity-clean")
    run: Run = run_cli("verify", root.name, "--jobs", "100000", cwd=root.parent)
    assert run.code == 0
    assert run.first_error.startswith("corpus-audit: --jobs 100000 is more than this machine can use; using ")


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_report_on_a_fifo_or_folder_is_exit_2_not_a_hang(tmp_path: Path, kind: str) -> None:
    """`report` given a FIFO (or a folder) as the saved audit.json refuses it at once, exit 2."""
    target = tmp_path / "audit.json"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    run = run_cli("report", target, "--format", "md", "--out", tmp_path / "out.md", cwd=tmp_path)
    assert run.code == 2, run.err
    assert run.first_error.startswith(f"corpus-audit: {target}: is "), run.err
    assert "expected a saved audit.json" in run.first_error
    assert not (tmp_path / "out.md").exists()
