"""ordered_map: results in input order, capped workers, and Ctrl-C left to the parent process."""

from __future__ import annotations

import signal

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
