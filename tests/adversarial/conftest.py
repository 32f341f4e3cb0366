"""Hostile inputs: each case runs the real CLI in a subprocess under a timeout, so a hang fails.

`outside` is a folder beside the corpus holding a secret that must never appear in any output;
`assert_clean` checks that, and that no temporary file was left behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, RESOURCES

TIMEOUT = 180  # seconds: far above any case's run time, even on a loaded machine; reaching it is a hang
SECRET = "TOP-SECRET-OUTSIDE-THE-CORPUS-4f1c"


@dataclass(frozen=True, slots=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def first_error(self) -> str:
        return self.err.splitlines()[0] if self.err else ""


def run_cli(
    *args: str | Path,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: int = TIMEOUT,
    module: str = "provenance",
) -> Run:
    """corpus-audit ARGS in a subprocess; a run past `timeout` fails the test as a hang.

    `module` runs another entry point around the same CLI (tests.adversarial.interrupt).
    """
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CORPUS_AUDIT_"))}
    environment.update(env or {})
    environment["PYTHONPATH"] = str(REPO)
    try:
        done = subprocess.run(
            [sys.executable, "-m", module, *map(str, args)],
            cwd=cwd,
            env=environment,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"corpus-audit {' '.join(map(str, args))} hung (no exit within {timeout} s)")
    return Run(
        done.returncode,
        done.stdout.decode("utf-8", errors="replace"),
        done.stderr.decode("utf-8", errors="replace"),
    )


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the corpus with a secret file and a FIFO (opening the FIFO would hang)."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(f"عنوان\n{SECRET}\n", encoding="utf-8")
    os.mkfifo(folder / "fifo")
    return folder


@pytest.fixture
def make_corpus(tmp_path: Path) -> Callable[[str], Path]:
    """A fresh copy of a named corpus from tests/resources (or seeds) under tmp_path/work."""

    def copy(name: str = "fixity-clean") -> Path:
        source = REPO / "seeds" if name == "seeds" else RESOURCES / name
        target = tmp_path / "work" / name
        shutil.copytree(source, target, symlinks=True)
        return target

    return copy


def leftovers(folders: Iterable[Path]) -> list[Path]:
    """Temporary files corpus-audit writes while working (`.*.tmp`, staging and scratch folders) still there."""
    found = []
    for folder in folders:
        if folder.exists():
            found += [
                p
                for p in folder.rglob("*")
                if p.name.endswith(".tmp") or ".staging" in p.name or p.name.startswith(".junit.")
            ]
    return found


def assert_clean(run: Run, *, folders: Iterable[Path] = ()) -> None:
    """No secret from outside the corpus in any output or written file, and no temporary file left."""
    assert SECRET not in run.out and SECRET not in run.err
    folders = list(folders)
    for folder in folders:
        for path in folder.rglob("*") if folder.exists() else ():
            if path.is_file() and not path.is_symlink():
                assert SECRET.encode() not in path.read_bytes(), f"{path} holds text from outside the corpus"
    assert not leftovers(folders), leftovers(folders)
    assert "Traceback" not in run.err
