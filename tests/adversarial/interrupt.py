"""The real CLI with Ctrl-C delivered at a chosen point: `python -m tests.adversarial.interrupt POINT ARGS...`.

POINT is `stage:NAME` (as validate reports the stage NAME done), `rename:N` (right after the N-th
rename of the process) or `commit:N` (right after the N-th rename into or out of the folder named
by $INTERRUPT_FOLDER). SIGINT is raised in the process itself, as a terminal's Ctrl-C would, and
$INTERRUPT_FIRED names a file created when it is, so a test knows the point was reached.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from provenance import _cli
from provenance.progress import Progress


def _fire() -> None:
    Path(os.environ["INTERRUPT_FIRED"]).touch()
    signal.raise_signal(signal.SIGINT)


# A terminal's Ctrl-C reaches a process with Python's handler; one started in the background
# (nohup, &) inherits SIGINT ignored, which no user would then be able to send.
signal.signal(signal.SIGINT, signal.default_int_handler)


def _count_renames(target: int, *, folder: Path | None) -> None:
    count = 0

    def counted(real: Any) -> Any:
        def rename(source: Any, destination: Any, *args: Any, **kwargs: Any) -> Any:
            nonlocal count
            result = real(source, destination, *args, **kwargs)
            parents = {Path(source).absolute().parent, Path(destination).absolute().parent}
            if folder is None or folder in parents:
                count += 1
                if count == target:
                    _fire()
            return result

        return rename

    os.replace, os.rename = counted(os.replace), counted(os.rename)


def _at_stage(name: str) -> None:
    say = Progress.say

    def said(self: Progress, text: str) -> None:
        say(self, text)
        if text == f"{name} done":
            _fire()

    Progress.say = said  # type: ignore[method-assign]


def main() -> int:
    point, args = sys.argv[1], sys.argv[2:]
    kind, _, where = point.partition(":")
    if kind == "stage":
        _at_stage(where)
    else:
        folder = Path(os.environ["INTERRUPT_FOLDER"]).absolute() if kind == "commit" else None
        _count_renames(int(where), folder=folder)
    return _cli.main(args)


if __name__ == "__main__":
    raise SystemExit(main())
