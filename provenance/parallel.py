"""Ordered parallel map over worker processes with a bounded number of tasks in flight."""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, TypeVar

WORKERS_PER_CORE = 4  # beyond this, more processes only add start-up and memory


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def max_workers() -> int:
    """The most worker processes worth starting on this machine."""
    return WORKERS_PER_CORE * cores()


def _worker_start(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    """In each worker: Ctrl-C is the parent's to handle (it stops the pool), then the caller's setup."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


T = TypeVar("T")
R = TypeVar("R")


def ordered_map(
    function: Callable[[T], R],
    items: Iterable[T],
    *,
    jobs: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    window: int = 4,
) -> Iterator[R]:
    """`map(function, items)` over `jobs` processes, results in input order.

    At most `jobs * window` tasks are in flight, so results waiting to be consumed stay bounded
    whatever the input size. With jobs <= 1 everything runs in this process.
    """
    jobs = min(jobs, max_workers())
    if jobs <= 1:
        if initializer:
            initializer(*initargs)
        yield from map(function, items)
        return
    pending: deque[Future[R]] = deque()
    limit = jobs * window
    context = get_context("fork")
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_worker_start, initargs=(initializer, initargs)
    ) as pool:
        try:
            for item in items:
                pending.append(pool.submit(function, item))
                if len(pending) >= limit:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


class Forked:
    """A function running in a forked child process, its result to be collected once.

    The child starts as a copy of this process (fork), so the function and everything it reads
    (DataFrames of a million rows) are shared, not pickled; only its result comes back, pickled
    through a pipe. Ctrl-C is the parent's to handle: it stops the child (`stop`).

    Started with `prepare` and no function, the child runs `prepare` at once (an import that
    takes seconds) and then waits for the function, which `submit` sends it pickled: the slow
    start overlaps the parent's work until then. The child ends when this object is dropped.
    """

    def __init__(self, function: Callable[[], Any] | None = None, *, prepare: Callable[[], Any] | None = None) -> None:
        context = get_context("fork")
        self._connection, theirs = context.Pipe()
        self._process = context.Process(target=_child, args=(function, prepare, theirs, self._connection), daemon=True)
        self._process.start()
        theirs.close()  # the child's end: our copy closed, EOF comes when the child's is

    def submit(self, function: Callable[[], Any]) -> None:
        """Send the function a child started with `prepare` alone is waiting for."""
        self._connection.send(function)

    def result(self) -> Any:
        """The function's return value; its exception raised here again if it raised one."""
        try:
            kind, value = self._connection.recv()
        except EOFError:  # the child died without a word (killed, out of memory)
            self._process.join()
            raise RuntimeError(f"worker process ended with exit code {self._process.exitcode}") from None
        finally:
            self._connection.close()
        self._process.join()
        if kind == "raised":
            raise value
        return value

    def stop(self) -> None:
        """End the child now (an interrupted or failed run); its result is dropped."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._connection.close()


def _child(
    function: Callable[[], Any] | None, prepare: Callable[[], Any] | None, connection: Any, parents: Any
) -> None:
    """In the forked child: `prepare`, then run `function` (or the one sent) and send back
    ("returned", value) or ("raised", exception)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parents.close()  # the parent's end, copied by the fork: only then does its closing reach us as EOF
    unprepared: BaseException | None = None
    if prepare is not None:
        try:
            prepare()
        except BaseException as exc:  # noqa: BLE001 (raised in the parent when it asks for the result)
            unprepared = exc
    if function is None:
        try:
            function = connection.recv()
        except EOFError:  # the parent dropped us: nothing to do
            return
    try:
        if unprepared is not None:
            raise unprepared
        outcome: tuple[str, Any] = ("returned", function())
    except BaseException as exc:  # noqa: BLE001 (sent to the parent, which raises it there)
        outcome = ("raised", exc)
    try:
        connection.send(outcome)
    except Exception:  # noqa: BLE001 (a value or exception that cannot be pickled: its words go)
        kind, value = outcome
        words = f"{type(value).__name__}: {value}" if kind == "raised" else f"unpicklable result {type(value).__name__}"
        connection.send(("raised", RuntimeError(words)))
    finally:
        connection.close()
