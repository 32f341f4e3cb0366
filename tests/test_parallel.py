"""ordered_map and Forked: results in input order, capped workers, failures raised in the parent,
and Ctrl-C left to the parent process."""

from __future__ import annotations

import re
import signal
from collections.abc import Callable

import pytest

from provenance.parallel import max_workers, ordered_map


def _square(number: int) -> int:
    return number * number


def _sigint_handler(_: int) -> object:
    return signal.getsignal(signal.SIGINT)


def test_results_come_back_in_input_order() -> None:
    """Whatever finishes first, results are yielded in the order of the inputs."""
    assert list(ordered_map(_square, range(50), jobs=2, window=2)) == [n * n for n in range(50)]


def test_workers_ignore_ctrl_c() -> None:
    """A terminal's Ctrl-C reaches every process of the group: workers ignore it, the parent stops the run."""
    before = signal.getsignal(signal.SIGINT)  # SIG_IGN already when started in the background (nohup, &)
    handlers = list(ordered_map(_sigint_handler, range(4), jobs=2))
    assert handlers == [signal.SIG_IGN] * 4
    assert signal.getsignal(signal.SIGINT) is before  # the parent's own handler is untouched


def test_an_absurd_worker_count_is_capped() -> None:
    """jobs far above the machine's cores runs with max_workers() processes, and finishes."""
    assert list(ordered_map(_square, range(5), jobs=100_000)) == [0, 1, 4, 9, 16]
    assert max_workers() >= 4


class _UnpicklableError(Exception):
    def __reduce__(self) -> object:
        raise TypeError("cannot pickle this")


def threading_lock() -> object:
    import threading

    return threading.Lock()


def os_exit(code: int) -> None:
    import os

    os._exit(code)


def _raise_unpicklable() -> None:
    raise _UnpicklableError("the words survive")


def test_forked_returns_what_the_function_returns_from_memory_shared_by_the_fork() -> None:
    """The child sees this process's objects as they were at the fork (nothing pickled going in)."""
    import os

    from provenance.parallel import Forked

    table = {"rows": list(range(100_000))}
    child = Forked(lambda: (os.getpid(), sum(table["rows"]), signal.getsignal(signal.SIGINT)))
    pid, total, handler = child.result()
    assert pid != os.getpid()
    assert total == sum(range(100_000))
    assert handler == signal.SIG_IGN  # Ctrl-C is the parent's to handle


@pytest.mark.parametrize(
    ("function", "error", "words"),
    [
        (lambda: 1 / 0, ZeroDivisionError, "division by zero"),
        (_raise_unpicklable, RuntimeError, "_UnpicklableError: the words survive"),
        (threading_lock, RuntimeError, "unpicklable result"),
        (lambda: os_exit(9), RuntimeError, "worker process ended with exit code 9"),
    ],
)
def test_forked_raises_the_childs_failure_here(function: Callable[[], object], error: type, words: str) -> None:
    """An exception in the child is raised in the parent; one that cannot be pickled, or a child that
    dies without a word, is a RuntimeError that says what happened."""
    from provenance.parallel import Forked

    with pytest.raises(error, match=re.escape(words)):
        Forked(function).result()


def test_a_stopped_child_is_gone() -> None:
    """stop() ends a child that would run for long, at once."""
    import time

    from provenance.parallel import Forked

    child = Forked(lambda: time.sleep(60))
    started = time.monotonic()
    child.stop()
    assert time.monotonic() - started < 10
    assert not child._process.is_alive()
    assert child._process.exitcode == -signal.SIGKILL


def _imported_in_child() -> tuple[bool, int]:
    import os
    import sys

    return "colorsys" in sys.modules, os.getpid()


def _fail_to_prepare() -> None:
    raise ImportError("no module named 'a_missing_engine'")


def test_a_standby_child_prepares_first_then_runs_the_function_it_is_sent() -> None:
    """`prepare` runs in the child as soon as it starts (this process never imports what it imports);
    the function sent later, pickled, runs there after it and its result comes back."""
    import importlib
    import os
    import sys

    from provenance.parallel import Forked

    sys.modules.pop("colorsys", None)
    child = Forked(prepare=lambda: importlib.import_module("colorsys"))
    child.submit(_imported_in_child)
    imported, pid = child.result()
    assert imported and pid != os.getpid()
    assert "colorsys" not in sys.modules  # the import was the child's alone


def test_a_standby_child_that_failed_to_prepare_raises_that_failure_when_asked() -> None:
    """A failed `prepare` (an engine that cannot be imported) is raised here, at result(), as it was."""
    from provenance.parallel import Forked

    child = Forked(prepare=_fail_to_prepare)
    child.submit(_imported_in_child)
    with pytest.raises(ImportError, match="a_missing_engine"):
        child.result()


def test_a_standby_child_never_sent_a_function_ends_when_dropped() -> None:
    """A run that fails before the engines drops its standby child: the child sees the pipe close
    and ends by itself (no process is left waiting)."""
    import time

    from provenance.parallel import Forked

    child = Forked(prepare=lambda: None)
    process = child._process
    del child
    deadline = time.monotonic() + 10
    while process.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process.is_alive()
    assert process.exitcode == 0
