"""The stat cache (`verify --changed`, the hooks): unchanged files are not read again, and every
change a commit can make is still seen; plain verify never trusts it.

Runs are in-process (`main`, one job) so a file read can be counted.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from provenance._cli import main
from provenance.fixity import statcache, walk
from provenance.fixity.statcache import StatCache

SOURCE = Path(__file__).parent / "resources" / "invariants"
QUICK_RACY_NS = 30_000_000  # 30 ms instead of 2 s, so the tests need not wait


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of a small corpus, a cache folder of its own, and a 30 ms racy window."""
    monkeypatch.setattr(statcache, "RACY_NS", QUICK_RACY_NS)
    monkeypatch.setenv("CORPUS_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    target = tmp_path / "corpus"
    shutil.copytree(SOURCE, target)
    return target


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths verify opens to hash, in this process (--jobs 1)."""
    seen: list[str] = []
    real = walk._read_entry

    def counted(fd: int, name: str, rel: str, *args: object, **kwargs: object) -> walk.Entry | None:
        seen.append(rel)
        return real(fd, name, rel, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(walk, "_read_entry", counted)
    return seen


def _verify(corpus: Path, *flags: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    code = main(["verify", str(corpus), "--format", "json", "--jobs", "1", *flags])
    return code, json.loads(capsys.readouterr().out)


def _recorded(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A --changed run records every file (written a moment ago, so first left to age past the racy
    window: a record of a file written just before its run is never trusted)."""
    time.sleep(QUICK_RACY_NS * 3 / 1e9)
    assert _verify(corpus, "--changed", capsys=capsys)[0] == 0


def _texts(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("*.txt"))


def test_an_unchanged_corpus_is_not_read_again_but_plain_verify_reads_it_all(
    corpus: Path, reads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _recorded(corpus, capsys)
    reads.clear()
    assert _verify(corpus, "--changed", capsys=capsys)[0] == 0
    assert reads == []
    assert _verify(corpus, capsys=capsys)[0] == 0
    assert sorted(reads) == sorted(p.name for p in _texts(corpus))


def _same_size_same_mtime(path: Path) -> None:
    """One byte changed, size kept, mtime put back: only ctime (and the digest) tell."""
    info = path.stat()
    data = bytearray(path.read_bytes())
    data[-2] ^= 1
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def _replaced_by_rename(path: Path) -> None:
    """Another file of the same size and times moved over it: a new inode."""
    info = path.stat()
    other = path.with_suffix(".new")
    data = bytearray(path.read_bytes())
    data[0] ^= 1
    other.write_bytes(bytes(data))
    os.utime(other, ns=(info.st_atime_ns, info.st_mtime_ns))
    other.replace(path)


def _grown(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"\n")


def _truncated(path: Path) -> None:
    path.write_bytes(b"")


def _symlink(path: Path) -> None:
    path.unlink()
    path.symlink_to(SOURCE / path.name)


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _removed(path: Path) -> None:
    path.unlink()


CHANGES: dict[str, Callable[[Path], None]] = {
    "same size, mtime put back": _same_size_same_mtime,
    "replaced by rename": _replaced_by_rename,
    "grown": _grown,
    "truncated": _truncated,
    "swapped for a symlink": _symlink,
    "swapped for a folder": _folder,
    "removed": _removed,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_verify_changed_sees_every_change_plain_verify_sees(
    corpus: Path, change: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _recorded(corpus, capsys)
    CHANGES[change](_texts(corpus)[1])
    changed = _verify(corpus, "--changed", capsys=capsys)
    assert changed == _verify(corpus, capsys=capsys)
    assert changed[0] == 1


def test_a_change_within_the_racy_window_is_hashed_again(
    corpus: Path, reads: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file written right after the run that recorded it (its times not safely older than that
    run's start) is read next time even though its stat is as recorded."""
    # A window of an hour: on a loaded machine two seconds can pass between the write and the run.
    monkeypatch.setattr(statcache, "RACY_NS", 3600 * 10**9)
    target = _texts(corpus)[0]
    target.write_bytes(target.read_bytes())  # fresh times: within the window of the next run
    assert _verify(corpus, "--changed", capsys=capsys)[0] == 0
    reads.clear()
    assert _verify(corpus, "--changed", capsys=capsys)[0] == 0  # at once: still within the window
    assert target.name in reads


def test_the_racy_rule_trusts_only_records_older_than_their_run(tmp_path: Path) -> None:
    stamp = 10_000_000_000_000
    window = statcache.RACY_NS
    cache = StatCache.open(tmp_path / "cache", corpus=tmp_path)
    cases = {
        "old": (stamp - window - 1, stamp - window - 1, True),
        "mtime in the window": (stamp - window + 1, stamp - window - 1, False),
        "ctime in the window": (stamp - window - 1, stamp - window + 1, False),
        "after the run began": (stamp + 5, stamp + 5, False),
    }
    cache.record(
        [(name, (1, mtime, ctime, 7, 8), "0" * 64) for name, (mtime, ctime, _) in cases.items()],
        stamp=stamp,
        listed=cases,
    )
    trusted = cache.trusted()
    assert {name for name, (_, _, ok) in cases.items() if ok} == set(trusted)
    cache.close()


def test_records_of_files_no_longer_listed_are_forgotten(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _recorded(corpus, capsys)
    gone = _texts(corpus)[0]
    gone.unlink()
    assert main(["index", str(corpus), "--jobs", "1"]) == 0
    assert _verify(corpus, "--changed", capsys=capsys)[0] == 0
    cache = StatCache.open(Path(os.environ["CORPUS_AUDIT_CACHE_DIR"]), corpus=corpus)
    cache.trusted()
    assert gone.name not in cache._paths and len(cache._paths) == len(_texts(corpus))
    cache.close()


def test_an_unusable_stat_cache_hashes_everything_and_says_so_once(
    corpus: Path, tmp_path: Path, reads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    expected = _verify(corpus, capsys=capsys)
    reads.clear()
    capsys.readouterr()
    code = main(["verify", str(corpus), "--format", "json", "--jobs", "1", "--changed", "--cache-dir", str(blocker)])
    out, err = capsys.readouterr()
    assert (code, json.loads(out)) == expected
    assert err.count("stat cache") == 1 and "hashing every file" in err
    assert sorted(reads) == sorted(p.name for p in _texts(corpus))


def test_validate_changed_gives_the_full_runs_verdict(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = ["--engine", "pandera", "--no-report", "--jobs", "1"]
    assert main(["validate", str(corpus), *run, "--changed"]) in (0, 1)
    time.sleep(QUICK_RACY_NS * 3 / 1e9)
    _same_size_same_mtime(_texts(corpus)[0])
    capsys.readouterr()
    changed = main(["validate", str(corpus), *run, "--changed"]), capsys.readouterr().out
    full = main(["validate", str(corpus), *run]), capsys.readouterr().out
    assert changed == full and "fixity.sha256" in full[1]


def test_cache_info_and_clear_count_the_stat_records(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _recorded(corpus, capsys)
    files = len(_texts(corpus))
    assert main(["cache", "info"]) == 0
    assert f"{files} stat records" in capsys.readouterr().out
    assert main(["cache", "clear"]) == 0
    assert f"and {files} stat records" in capsys.readouterr().out
    assert main(["cache", "info"]) == 0
    assert "0 stat records" in capsys.readouterr().out
