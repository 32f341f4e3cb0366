"""Golden outputs: every command's stdout, stderr, exit code and report files on every test corpus.

`python -m tests.golden` (run by `nox -s fixtures`) writes them to tests/resources/golden/;
tests/test_golden.py runs the same commands and compares byte for byte, so a change that moves
code without meaning to change behaviour proves it did not.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).parent.parent
RESOURCES = REPO / "tests" / "resources"
GOLDEN = RESOURCES / "golden"
CORPORA = ("fixity-clean", "parse-layouts", "parse-bad", "invariants", "report-escape", "seeds")

#: The commands, each run from a folder holding a fresh copy of the corpus as `c`.
COMMANDS: dict[str, list[str]] = {
    "verify": ["verify", "c", "--jobs", "1"],
    "verify-json": ["verify", "c", "--format", "json", "--jobs", "1"],
    "verify-strict": ["verify", "c", "--strict", "--jobs", "1"],
    "index-check": ["index", "c", "--check", "--jobs", "1"],
    "parse-csv": ["parse", "c", "--out", "tables", "--format", "csv", "--jobs", "1"],
    "validate": ["validate", "c", "--report-dir", "reports", "--no-gx-docs", "--jobs", "1"],
    "validate-pandera": ["validate", "c", "--engine", "pandera", "--no-report", "--jobs", "1"],
}
#: Files a command leaves behind that are compared too.
OUTPUTS = {
    "parse-csv": ("tables/articles.csv", "tables/paragraphs.csv"),
    "validate": ("reports/audit.json", "reports/audit.md", "reports/junit.xml", "reports/audit.html"),
}
# What differs between runs and is not the audit: the run block of audit.json, and the run's
# start time, tool version and timings where the renderings show them.
_RUN_BLOCK = re.compile(r',\n  "run": \{.*\}\n\}\n\Z', re.DOTALL)
_STARTED = re.compile(r"run \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+\-]\d\d:\d\d")
_TIMES = re.compile(r'(time|timestamp)="[^"]*"')


def corpus_source(name: str) -> Path:
    return REPO / "seeds" if name == "seeds" else RESOURCES / name


def scrub(name: str, data: bytes) -> bytes:
    """The part of an output that must not change: the run's own metadata masked."""
    text = data.decode("utf-8", errors="surrogateescape")
    if name.endswith("audit.json"):
        text = _RUN_BLOCK.sub("\n}\n", text)
    text = _STARTED.sub("run STARTED", text)
    text = _TIMES.sub(r'\1="T"', text)
    return text.encode("utf-8", errors="surrogateescape")


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def run(corpus: str, command: str) -> dict[str, bytes]:
    """Run one command on a fresh copy of `corpus`: its stdout, stderr, exit code and outputs."""
    from provenance._cli import main

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(corpus_source(corpus), work / "c", symlinks=True)
        out, err = io.StringIO(), io.StringIO()
        env = {k: os.environ.pop(k) for k in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY") if k in os.environ}
        try:
            with _inside(work), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(COMMANDS[command])
        finally:
            os.environ.update(env)
        got = {
            "stdout": out.getvalue().encode(),
            "stderr": err.getvalue().encode(),
            "exit": f"{code}\n".encode(),
        }
        for name in OUTPUTS.get(command, ()):
            path = work / name
            got[name] = path.read_bytes() if path.exists() else b"<absent>\n"
    return {name: scrub(name, data) for name, data in got.items()}


def golden_path(corpus: str, command: str, name: str) -> Path:
    return GOLDEN / corpus / command / name.replace("/", "__")


def main() -> int:
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for corpus in CORPORA:
        for command in COMMANDS:
            for name, data in run(corpus, command).items():
                path = golden_path(corpus, command, name)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
    print(f"wrote {GOLDEN.relative_to(REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
