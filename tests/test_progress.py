"""Progress appears on a terminal only; pipes and files get nothing."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from provenance.progress import Progress

REPO = Path(__file__).parent.parent


def _drain(controller: int) -> bytes:
    """Everything the terminal side wrote: a pty hands it over in pieces, and ends with EIO once closed."""
    chunks = []
    try:
        while chunk := os.read(controller, 4096):
            chunks.append(chunk)
    except OSError:  # EIO: the terminal side is closed and all it wrote has been read
        pass
    finally:
        os.close(controller)
    return b"".join(chunks)


def test_progress_on_a_real_terminal() -> None:
    """On a pseudo-terminal the count and the stage appear on one rewritten line, then are cleared."""
    controller, terminal = pty.openpty()
    with os.fdopen(terminal, "w", encoding="utf-8") as stream:
        progress = Progress("verify", stream=stream)
        progress(10)
        progress.say("parse done")
        progress.close()
    written = _drain(controller).decode()
    assert "\rverify: 10" in written and "\rverify: parse done" in written
    assert written.endswith("\r\x1b[K")


def test_no_progress_when_not_a_terminal() -> None:
    """Into a pipe or file nothing is written at all."""
    stream = io.StringIO()
    progress = Progress("verify", stream=stream)
    progress(10)
    progress.say("parse done")
    progress.close()
    assert stream.getvalue() == ""


def test_cli_stderr_is_silent_in_a_pipe() -> None:
    """verify run in a pipe writes its result to stdout and nothing (no progress) to stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "provenance", "verify", str(REPO / "seeds")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout.startswith("verify ")


def test_a_count_shows_total_rate_and_time_left() -> None:
    progress = Progress("verify", stream=io.StringIO(), total=6340)
    progress.stage = "fixity"
    assert progress.line(1200, elapsed=3.0) == "verify: fixity 1,200/6,340 files (400/s, 13 s left)"
    assert progress.line(6340, elapsed=10.0) == "verify: fixity 6,340/6,340 files (634/s)"
    progress.total = None
    assert progress.line(1200, elapsed=3.0) == "verify: fixity 1,200 files (400/s)"
    assert progress.line(0, elapsed=0.0) == "verify: fixity 0 files"


def test_time_left_reads_in_minutes_and_hours() -> None:
    progress = Progress("parse", stream=io.StringIO(), total=100_000)
    assert progress.line(1000, elapsed=10.0).endswith("(100/s, 16 min 30 s left)")
    assert progress.line(100, elapsed=10.0).endswith("(10/s, 2 h 46 min left)")


def test_validate_on_a_terminal_shows_each_stage_against_the_files_listed() -> None:
    """Through a real pseudo-terminal: the fixity stage counts against INDEX.md's rows."""
    controller, terminal = pty.openpty()
    result = subprocess.run(
        [sys.executable, "-m", "provenance", "validate", str(REPO / "seeds"), "--no-report", "--engine", "pandera"],
        stdout=subprocess.PIPE,
        stderr=terminal,
        check=False,
    )
    os.close(terminal)
    written = _drain(controller).decode()
    assert result.returncode == 0
    assert "\rvalidate: fixity" in written and "\rvalidate: parse" in written
    assert written.endswith("\r\x1b[K")
