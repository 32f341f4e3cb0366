"""Ctrl-C held back over a few steps that must not be split, such as renaming a set of reports into place."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType


@contextlib.contextmanager
def sigint_deferred() -> Iterator[None]:
    """Run the block with SIGINT (Ctrl-C) held back, then restore the old handler and re-deliver it.

    Only the main thread can set signal handlers (and only it receives SIGINT in Python); anywhere
    else the block simply runs. A Ctrl-C pressed during the block arrives once the block is done,
    through whatever handler was there before (KeyboardInterrupt by default).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
        if caught:
            signal.raise_signal(signal.SIGINT)
