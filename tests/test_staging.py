"""A set of outputs moves into place together: staging, the commit, and Ctrl-C held back over it."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from provenance.atomic import staging
from provenance.errors import UsageError
from provenance.interrupts import sigint_deferred


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def _read(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file()}


def test_commit_replaces_the_set_and_keeps_other_files(tmp_path: Path) -> None:
    """Files and a folder of the set are replaced; a user's file stays; staging is gone afterwards."""
    _write(tmp_path, {"a.json": "old", "b.md": "old", "gx/index.html": "old", "gx/old-only.html": "x", "mine.txt": "m"})
    with staging(tmp_path) as stage:
        _write(stage.create(), {"a.json": "new", "b.md": "new", "gx/index.html": "new"})
        stage.commit(["gx", "b.md", "a.json", "not-written.xml"])
    assert _read(tmp_path) == {"a.json": "new", "b.md": "new", "gx/index.html": "new", "mine.txt": "m"}


def test_an_error_before_the_commit_leaves_everything_as_it_was(tmp_path: Path) -> None:
    """An exception (or Ctrl-C) while staging: the old files as they were, no staging folder left."""
    _write(tmp_path, {"a.json": "old"})
    with pytest.raises(KeyboardInterrupt), staging(tmp_path) as stage:
        _write(stage.create(), {"a.json": "new"})
        raise KeyboardInterrupt
    assert _read(tmp_path) == {"a.json": "old"}
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_a_folder_in_the_way_of_a_file_stops_the_commit_before_it_starts(tmp_path: Path) -> None:
    """A folder where a report file goes is a usage error naming it, raised before anything moves."""
    _write(tmp_path, {"a.json": "old", "b.md/keep.txt": "k"})
    with pytest.raises(UsageError, match=r"b\.md: is a directory"), staging(tmp_path) as stage:
        _write(stage.create(), {"a.json": "new", "b.md": "new"})
        stage.commit(["a.json", "b.md"])
    assert _read(tmp_path) == {"a.json": "old", "b.md/keep.txt": "k"}


def test_staging_creates_nothing_until_asked(tmp_path: Path) -> None:
    """A run that fails before writing its reports creates neither the report folder nor staging."""
    folder = tmp_path / "reports"
    with pytest.raises(RuntimeError), staging(folder):
        raise RuntimeError("INDEX.md is malformed")
    assert not folder.exists()


@pytest.fixture
def python_ctrl_c() -> Iterator[None]:
    """Python's own Ctrl-C handler, as in a terminal: a run started in the background (nohup, &)
    inherits SIGINT ignored, and no Ctrl-C could reach it at all."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("python_ctrl_c")
def test_ctrl_c_waits_for_the_block_and_then_arrives() -> None:
    """SIGINT inside the block is held back, re-delivered after it, and the old handler restored."""
    before = signal.getsignal(signal.SIGINT)
    done = []
    with pytest.raises(KeyboardInterrupt), sigint_deferred():
        signal.raise_signal(signal.SIGINT)
        done.append("the rest of the block ran")
    assert done == ["the rest of the block ran"]
    assert signal.getsignal(signal.SIGINT) is before


def test_ctrl_c_deferral_outside_the_main_thread_just_runs_the_block() -> None:
    """Only the main thread may set handlers: elsewhere the block runs and nothing is changed."""
    outcome: list[object] = []

    def work() -> None:
        with sigint_deferred():
            outcome.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome == [signal.getsignal(signal.SIGINT)]
