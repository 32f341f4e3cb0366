"""Progress on a terminal: one rewritten line on stderr, and nothing at all when it is not a TTY."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Call it with a count (throttled to ten updates a second) or `say` a stage; `close` clears it."""

    def __init__(self, label: str, *, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.label = label
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if self.enabled and now - self.last > 0.1:
            self.last = now
            self._show(f"{self.label}: {done}")

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
