"""Progress on a terminal: one rewritten line on stderr, and nothing at all when it is not a TTY.

A count shows as `label: stage 1,200/6,340 files (410/s, 13 s left)` once the total is known, and
as `label: stage 1,200 files (410/s)` before; `say` shows a stage's name alone.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from provenance.words import number


class Progress:
    """Call it with a count (throttled to ten updates a second) or `say` a stage; `close` clears it."""

    def __init__(
        self, label: str, *, stream: TextIO | None = None, total: int | None = None, unit: str = "files"
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.label = label
        self.last = 0.0
        self.shown = False
        self.stage = ""
        self.unit = unit
        self.total = total
        self.started = time.monotonic()

    def start(self, stage: str, *, total: int | None = None) -> None:
        """A new stage, counted afresh (its total, if known)."""
        self.stage, self.total, self.started = stage, total, time.monotonic()
        if self.enabled:
            self._show(f"{self.label}: {stage}")

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if self.enabled and now - self.last > 0.1:
            self.last = now
            self._show(self.line(done, elapsed=now - self.started))

    def line(self, done: int, *, elapsed: float) -> str:
        """The progress line for `done` items after `elapsed` seconds."""
        stage = f"{self.stage} " if self.stage else ""
        rate = done / elapsed if elapsed > 0 else 0.0
        pace = f"{number(round(rate))}/s" if rate else ""
        if self.total:
            left = (self.total - done) / rate if rate else None
            eta = f", {_duration(left)} left" if left is not None and done < self.total else ""
            return f"{self.label}: {stage}{number(done)}/{number(self.total)} {self.unit} ({pace}{eta})"
        return f"{self.label}: {stage}{number(done)} {self.unit}" + (f" ({pace})" if pace else "")

    def say(self, text: str) -> None:
        if self.enabled:
            self._show(f"{self.label}: {text}")

    def _show(self, line: str) -> None:
        self.stream.write(f"\r{line}\033[K")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def _duration(seconds: float) -> str:
    """12 s, 3 min 05 s, 1 h 02 min."""
    whole = max(round(seconds), 0)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
