"""The command line's contract: the exit-code table, one-line errors, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from provenance import _cli
from provenance._cli import main

REPO = Path(__file__).parent.parent


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        ([], 2),
        (["frobnicate"], 2),
        (["verify"], 2),
        (["init"], 2),
        (["verify", "no/such/dir"], 2),
        (["verify", "seeds", "--jobs", "0"], 2),
        (["verify", "seeds", "--format", "xml"], 2),
        (["--version"], 0),
        (["--help"], 0),
        (["verify", str(REPO / "seeds")], 0),
        (["index", "--check", str(REPO / "seeds")], 0),
    ],
)
def test_exit_codes(argv: list[str], code: int) -> None:
    """Usage errors exit 2, --help/--version 0, a clean corpus 0."""
    assert main(argv) == code


def _raise(exc: BaseException) -> Callable[..., object]:
    def run(*args: object, **kwargs: object) -> object:
        raise exc

    return run


@pytest.mark.parametrize(
    ("exc", "code", "message"),
    [
        (KeyboardInterrupt(), 130, "corpus-audit: interrupted\n"),
        (
            RuntimeError("boom"),
            3,
            "corpus-audit: internal error: RuntimeError: boom (set CORPUS_AUDIT_DEBUG=1 for a traceback)\n",
        ),
        (  # a Spark job's failure: its reason, then a JVM stack trace
            RuntimeError("\nJob aborted: Python worker exited unexpectedly (crashed)\n\tat org.apache.Task.run\n"),
            3,
            "corpus-audit: internal error: RuntimeError: Job aborted: Python worker exited unexpectedly (crashed) ..."
            " (set CORPUS_AUDIT_DEBUG=1 for a traceback)\n",
        ),
        (
            ValueError("x" * 400),
            3,
            f"corpus-audit: internal error: ValueError: {'x' * 300} ... (set CORPUS_AUDIT_DEBUG=1 for a traceback)\n",
        ),
    ],
)
def test_interrupt_and_internal_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], exc: BaseException, code: int, message: str
) -> None:
    """Ctrl-C exits 130 and a bug exits 3, each with one line on stderr and no traceback."""
    import provenance.fixity.verify

    monkeypatch.setattr(provenance.fixity.verify, "verify_fixity", _raise(exc))
    assert main(["verify", str(REPO / "seeds")]) == code
    assert capsys.readouterr().err == message


def test_python_dash_m_runs_the_same_cli() -> None:
    """`python -m provenance` is the corpus-audit command."""
    result = subprocess.run(
        [sys.executable, "-m", "provenance", "verify", str(REPO / "seeds")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.endswith(": ok\n")
    assert result.stderr == ""


def test_exit_code_table_is_the_documented_one() -> None:
    """The constants in _cli are the README's table."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for code, name in [
        (0, "EXIT_OK"),
        (1, "EXIT_FINDINGS"),
        (2, "EXIT_USAGE"),
        (3, "EXIT_INTERNAL"),
        (130, "EXIT_INTERRUPTED"),
    ]:
        assert getattr(_cli, name) == code
        assert f"| {code} |" in readme
