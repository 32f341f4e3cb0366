"""`corpus-audit verify`: every fixity check fails on the corpus broken for it and passes elsewhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from provenance._cli import main
from provenance.api import validate
from provenance.fixity.verify import verify_fixity


def _flip_a_byte(root: Path) -> None:
    data = bytearray((root / "a.txt").read_bytes())
    data[-2] ^= 0x01  # same size, other bytes
    (root / "a.txt").write_bytes(bytes(data))


def _append(root: Path) -> None:
    with (root / "a.txt").open("ab") as handle:
        handle.write(b"more\n")


def _delete(root: Path) -> None:
    (root / "2022" / "b.txt").unlink()


def _add_unlisted(root: Path) -> None:
    (root / "2022" / "c.txt").write_text("unlisted\n", encoding="utf-8")


def _add_hidden_and_metadata(root: Path) -> None:
    (root / ".git-keep").write_text("hidden\n", encoding="utf-8")
    (root / ".cache").mkdir()
    (root / ".cache" / "x.txt").write_text("hidden folder\n", encoding="utf-8")
    (root / "WAIVERS.md").write_text("# waivers\n", encoding="utf-8")
    (root / "corpus-audit.toml").write_text("# the corpus policy\n", encoding="utf-8")


def _symlink_listed(root: Path) -> None:
    outside = root.parent / "outside.txt"
    shutil.move(root / "a.txt", outside)
    (root / "a.txt").symlink_to(outside)


def _symlink_unlisted(root: Path) -> None:
    (root / "link.txt").symlink_to("/etc/hostname")


def _symlinked_folder(root: Path) -> None:
    real = root.parent / "elsewhere"
    shutil.move(root / "2022", real)
    (root / "2022").symlink_to(real, target_is_directory=True)


def _fifo(root: Path) -> None:
    os.mkfifo(root / "pipe.txt")


def _nfd_twin(root: Path) -> None:
    name = unicodedata.normalize("NFC", "café.txt")
    (root / name).write_text("one\n", encoding="utf-8")
    (root / unicodedata.normalize("NFD", name)).write_text("two\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (None, set()),
        (_add_hidden_and_metadata, set()),
        (_flip_a_byte, {("fixity.sha256", "a.txt")}),
        (_append, {("fixity.bytes", "a.txt"), ("fixity.sha256", "a.txt")}),
        (_delete, {("fixity.present", "2022/b.txt")}),
        (_add_unlisted, {("fixity.listed", "2022/c.txt")}),
        (_symlink_listed, {("fixity.regular_file", "a.txt")}),
        (_symlink_unlisted, {("fixity.listed", "link.txt"), ("fixity.regular_file", "link.txt")}),
        (
            _symlinked_folder,
            {("fixity.present", "2022/b.txt"), ("fixity.listed", "2022"), ("fixity.regular_file", "2022")},
        ),
        (_fifo, {("fixity.listed", "pipe.txt"), ("fixity.regular_file", "pipe.txt")}),
        (
            _nfd_twin,
            {
                ("fixity.listed", unicodedata.normalize("NFC", "café.txt")),
                ("fixity.listed", unicodedata.normalize("NFD", "café.txt")),
                ("fixity.unicode_names", unicodedata.normalize("NFC", "café.txt")),
                ("fixity.unicode_names", unicodedata.normalize("NFD", "café.txt")),
            },
        ),
    ],
)
@pytest.mark.parametrize("jobs", [1, 2])
def test_verify_reports_exactly_the_breakage(
    corpus: Callable[[str], Path], breakage: Callable[[Path], None] | None, expected: set[tuple[str, str]], jobs: int
) -> None:
    """Each breakage yields exactly its failures, the same with one worker or several."""
    root = corpus("fixity-clean")
    if breakage:
        breakage(root)
    report = verify_fixity(root, jobs=jobs)
    assert {(f.check, f.file) for f in report.failures} == expected
    assert main(["verify", str(root), "--jobs", str(jobs)]) == (1 if expected else 0)


def test_text_output_names_file_check_and_values(
    corpus: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The text format prints one line per problem with expected and found values, then a summary."""
    root = corpus("fixity-clean")
    _append(root)
    assert main(["verify", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "a.txt: fixity.bytes: size 100 bytes, INDEX.md says 95 (expected 95, found 100)"
    assert out[1].startswith("a.txt: fixity.sha256: sha256 differs from INDEX.md (expected bb5d66de")
    assert out[-1].endswith(": 2 problem(s)")


def test_json_output_lists_every_result(corpus: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    """--format json prints only JSON: schema_version, ok, and one result per (check, file)."""
    root = corpus("fixity-clean")
    _flip_a_byte(root)
    assert main(["verify", str(root), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["schema_version"] == 1
    assert document["ok"] is False
    assert document["summary"] == {"passed": 12, "failed": 1}
    failed = [r for r in document["results"] if r["status"] == "failed"]
    assert failed == [
        {
            "check": "fixity.sha256",
            "file": "a.txt",
            "status": "failed",
            "message": "sha256 differs from INDEX.md",
            "details": {
                "expected": failed[0]["details"]["expected"],
                "found": failed[0]["details"]["found"],
                "line": 8,
            },
        }
    ]
    assert failed[0]["details"]["expected"] != failed[0]["details"]["found"]
    checks = {(r["check"], r["file"]) for r in document["results"]}
    assert ("fixity.present", "2022/b.txt") in checks
    assert ("manifest.pin", None) in checks


def test_fast_mode_checks_sizes_not_hashes(corpus: Callable[[str], Path]) -> None:
    """--fast catches a size change but, by design, not a same-size edit."""
    root = corpus("fixity-clean")
    _flip_a_byte(root)
    assert main(["verify", str(root), "--fast"]) == 0
    _append(root)
    assert main(["verify", str(root), "--fast"]) == 1


def test_stale_pin_is_a_finding(corpus: Callable[[str], Path]) -> None:
    """Editing a row without rewriting the pin fails manifest.pin."""
    root = corpus("fixity-clean")
    index = root / "INDEX.md"
    index.write_text(
        index.read_text(encoding="utf-8").replace("**Corpus pin:** 2 files", "**Corpus pin:** 3 files"),
        encoding="utf-8",
    )
    report = verify_fixity(root)
    assert [(f.check, f.file) for f in report.failures] == [("manifest.pin", None)]


_PIN = "**Corpus pin:** 2 files, 152 bytes, sha256 `67ecccb8eb6ba7d349a3363a172bf7b289fe96b2cadd9c55f096ac7927aaee10`"
_SHA_A = "bb5d66de3b94be8058733e7b158a28ce483332ffd0f06cba0395e9cefcd9b448"
_OTHER = "f" * 64


def _pin_of(rows: list[tuple[str, str, int]]) -> str:
    """The pin line of these (file, sha256, bytes) rows, computed as the README defines it."""
    import hashlib

    listing = "".join(f"{sha}  {name}\n" for name, sha, _ in sorted(rows))
    digest = hashlib.sha256(listing.encode()).hexdigest()
    return f"**Corpus pin:** {len(rows)} files, {sum(size for *_, size in rows)} bytes, sha256 `{digest}`"


@pytest.mark.parametrize(
    ("old", "new", "expected", "found", "line", "also_failed"),
    [
        ("2 files", "3 files", _PIN, _PIN.replace("2 files", "3 files"), 10, []),
        ("152 bytes", "151 bytes", _PIN, _PIN.replace("152 bytes", "151 bytes"), 10, []),
        ("67ecccb8eb", "67ecccb8ec", _PIN, _PIN.replace("67ecccb8eb", "67ecccb8ec"), 10, []),
        (_PIN, "", _PIN, None, None, []),  # no pin line at all
        (  # a row's digest edited without rewriting the pin
            _SHA_A,
            _OTHER,
            _pin_of(
                [
                    ("2022/b.txt", "8ca3abe33df632e0cadddd6d6e9f74c16dbf7a6e68b76129a313d8d5df11e9df", 57),
                    ("a.txt", _OTHER, 95),
                ]
            ),
            _PIN,
            10,
            [("fixity.sha256", "a.txt")],
        ),
    ],
    ids=["files", "bytes", "digest", "missing", "row-edited"],
)
def test_a_stale_pin_fails_verify_on_the_command_line(
    corpus: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    expected: str,
    found: str | None,
    line: int | None,
    also_failed: list[tuple[str, str]],
) -> None:
    """verify --format json exits 1 with manifest.pin failed, showing the pin expected, the one found and its line."""
    root = corpus("fixity-clean")
    index = root / "INDEX.md"
    text = index.read_text(encoding="utf-8")
    assert old in text
    index.write_text(text.replace(old, new), encoding="utf-8")
    assert main(["verify", str(root), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    failed = [r for r in document["results"] if r["status"] == "failed"]
    pins = [r for r in failed if r["check"] == "manifest.pin"]
    assert [(r["file"], r["details"]) for r in pins] == [(None, {"expected": expected, "found": found, "line": line})]
    assert sorted((r["check"], r["file"]) for r in failed if r["check"] != "manifest.pin") == also_failed
    assert document["ok"] is False


def test_missing_index_is_a_usage_error(corpus: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    """No INDEX.md: exit 2 with the one-line hint to run `corpus-audit index`."""
    root = corpus("fixity-clean")
    (root / "INDEX.md").unlink()
    assert main(["verify", str(root)]) == 2
    assert (
        capsys.readouterr().err
        == f"corpus-audit: {root}/INDEX.md: no INDEX.md in {root}: run `corpus-audit index {root}`\n"
    )


def test_malformed_index_names_the_line(corpus: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    """A bad hash in INDEX.md: exit 2 naming the file and line, no traceback."""
    root = corpus("fixity-clean")
    index = root / "INDEX.md"
    index.write_text(index.read_text(encoding="utf-8").replace("bb5d66de", "zz5d66de"), encoding="utf-8")
    assert main(["verify", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"corpus-audit: {index}:8: bad sha256 'zz5d66de")
    assert "Traceback" not in err


def test_unsafe_path_never_opens_outside(corpus: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    """A manifest row escaping the corpus is rejected before any file is opened."""
    root = corpus("fixity-clean")
    secret = root.parent / "secret.txt"
    secret.write_text("secret\n", encoding="utf-8")
    index = root / "INDEX.md"
    index.write_text(index.read_text(encoding="utf-8").replace("`a.txt`", "`../secret.txt`"), encoding="utf-8")
    before = secret.stat().st_atime_ns
    assert main(["verify", str(root)]) == 2
    assert "'..' component" in capsys.readouterr().err
    assert secret.stat().st_atime_ns == before


def test_unreadable_file_is_a_finding_and_the_rest_is_checked(corpus: Callable[[str], Path]) -> None:
    """A file without read permission fails fixity.readable; every other file is still verified."""
    root = corpus("fixity-clean")
    _append(root)  # a second problem elsewhere proves the rest was checked
    (root / "2022" / "b.txt").chmod(0)
    expected = {("fixity.readable", "2022/b.txt"), ("fixity.bytes", "a.txt"), ("fixity.sha256", "a.txt")}
    if os.geteuid() != 0:
        assert {(f.check, f.file) for f in verify_fixity(root).failures} == expected
        return
    # Root reads any file: verify in a forked child that has dropped to an unprivileged user,
    # on a copy in a folder that user may traverse.
    shared = Path(tempfile.mkdtemp(prefix="corpus-audit-"))
    shared.chmod(0o755)
    root = Path(shutil.copytree(root, shared / "c"))
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            found = sorted(f"{f.check} {f.file}" for f in verify_fixity(root, jobs=1).failures)
            os.write(write_end, "\n".join(found).encode())
        except BaseException as exc:  # noqa: BLE001 - the child reports any failure to the parent
            os.write(write_end, f"error {exc!r}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as reader:
        lines = reader.read().splitlines()
    os.waitpid(pid, 0)
    shutil.rmtree(shared)
    assert {tuple(line.split(" ", 1)) for line in lines} == expected


@pytest.mark.parametrize("extra", [[], ["--strict"]])
def test_verify_never_imports_pandas_or_gx(extra: list[str]) -> None:
    """The verify path (and so the verify hook) stays fast: no pandas, pandera, GX, numpy or pyarrow."""
    seeds = Path(__file__).parent.parent / "seeds"
    code = (
        "import sys; from provenance._cli import main; code = main(['verify', *sys.argv[1:]]);"
        "heavy = [m for m in ('pandas', 'great_expectations', 'pandera', 'numpy', 'pyarrow') if m in sys.modules];"
        "print(heavy); raise SystemExit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *extra, str(seeds)], capture_output=True, text=True, check=False
    )
    assert result.stdout.splitlines()[-1] == "[]"
    assert result.returncode == 0


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (None, set()),
        (_add_unlisted, {("fixity.listed", "2022/c.txt"), ("manifest.current", None)}),
        (
            lambda root: (root / "INDEX.md").write_text(
                (root / "INDEX.md")
                .read_text(encoding="utf-8")
                .replace("| file | sha256 | bytes |", "|file|sha256|bytes|"),
                encoding="utf-8",
            ),
            {("manifest.current", None)},
        ),
    ],
)
def test_strict_also_requires_the_index_to_be_current(
    corpus: Callable[[str], Path], breakage: Callable[[Path], None] | None, expected: set[tuple[str, str | None]]
) -> None:
    """--strict adds manifest.current: INDEX.md must be exactly what `corpus-audit index` writes."""
    root = corpus("fixity-clean")
    if breakage:
        breakage(root)
    report = verify_fixity(root, strict=True)
    assert {(f.check, f.file) for f in report.failures} == expected
    assert main(["verify", "--strict", str(root)]) == (1 if expected else 0)
    assert ("manifest.current", None) in {(f.check, f.file) for f in report.results()}


@pytest.mark.parametrize(
    ("extra_files", "shown", "changes"),
    [
        ([], " (layout or pin)", []),  # only the header's spacing differs
        (["c.txt"], " (added c.txt)", ["added c.txt"]),
        (  # exactly three: all shown, no ellipsis
            ["c.txt", "d.txt", "e.txt"],
            " (added c.txt, added d.txt, added e.txt)",
            ["added c.txt", "added d.txt", "added e.txt"],
        ),
        (
            ["c.txt", "d.txt", "e.txt", "f.txt"],
            " (added c.txt, added d.txt, added e.txt, …)",
            ["added c.txt", "added d.txt", "added e.txt", "added f.txt"],
        ),
    ],
)
def test_manifest_current_says_what_index_would_change(
    corpus: Callable[[str], Path], extra_files: list[str], shown: str, changes: list[str]
) -> None:
    """manifest.current's message names the first three changes `index` would make (or the layout), details all."""
    root = corpus("fixity-clean")
    index = root / "INDEX.md"
    index.write_text(
        index.read_text(encoding="utf-8").replace("| file | sha256 | bytes |", "|file|sha256|bytes|"), encoding="utf-8"
    )
    for name in extra_files:
        (root / name).write_text(f"{name}\n", encoding="utf-8")
    (stale,) = [f for f in verify_fixity(root, strict=True).failures if f.check == "manifest.current"]
    assert stale.message == f"INDEX.md is not what `corpus-audit index {root}` writes{shown}"
    assert stale.details == {"changes": changes}


def test_every_missing_file_is_named_with_its_line(corpus: Callable[[str], Path]) -> None:
    """Two listed files gone: two fixity.present results, each with the message and its INDEX.md line."""
    root = corpus("fixity-clean")
    (root / "a.txt").unlink()
    (root / "2022" / "b.txt").unlink()
    report = verify_fixity(root)
    missing = [(f.file, f.message) for f in report.failures if f.check == "fixity.present"]
    assert missing == [
        ("2022/b.txt", "listed in INDEX.md but missing"),
        ("a.txt", "listed in INDEX.md but missing"),
    ]
    lines = {f.file: f.details.get("line") for f in report.failures}
    assert lines == {"2022/b.txt": 7, "a.txt": 8}


def test_a_file_changed_after_hashing_is_a_sha256_failure_with_both_digests(corpus: Callable[[str], Path]) -> None:
    """with_changed_since: the bytes parsed later differ from those hashed: the digest found is the new one."""
    root = corpus("fixity-clean")
    report = verify_fixity(root)
    assert report.ok
    new = "f" * 64
    changed = report.with_changed_since({"a.txt": (95, new)})
    (result,) = changed.failures
    assert (result.check, result.file, result.details["found"]) == ("fixity.sha256", "a.txt", new)
    assert changed.differing["a.txt"].sha256 == new and not changed.ok
    assert report.with_changed_since({"a.txt": (95, report.manifest.by_file()["a.txt"].sha256)}) is report


@pytest.mark.parametrize("strict", [False, True])
def test_validate_strict_fails_a_stale_index_as_verify_strict_does(corpus: Callable[[str], Path], strict: bool) -> None:
    """`validate --strict` (the one-process hook) adds manifest.current; without it, layout is not judged."""
    root = corpus("fixity-clean")
    index = root / "INDEX.md"
    index.write_text(index.read_text(encoding="utf-8").replace("| file | sha256 | bytes |", "|file|sha256|bytes|"))
    audit = validate(root, engines=("pandera",), strict=strict).audit
    failed = {(r.check, r.file) for r in audit.results.notable() if r.status == "failed"}
    assert (("manifest.current", None) in failed) is strict
    argv = ["validate", "--engine", "pandera", "--no-report", "--no-cache", str(root)]
    assert main([*argv, "--strict"] if strict else argv) == (1 if strict or failed else 0)
