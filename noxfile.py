"""Developer tasks: `nox -s validate` audits seeds/, `nox -s tests` runs the test suite."""

from __future__ import annotations

import fnmatch
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "typecheck", "tests", "validate"]

PYPROJECT = nox.project.load_toml("pyproject.toml")


def _install(session: nox.Session, *groups: str, extra: str = "") -> None:
    # Compiled bytecode in the venv, and permission to cache our own: without it every run
    # re-compiles pandas, pyarrow and GX from source (PYTHONDONTWRITEBYTECODE may be set).
    session.env["UV_COMPILE_BYTECODE"] = "1"
    session.env["PYTHONDONTWRITEBYTECODE"] = ""
    deps = [dep for group in groups for dep in nox.project.dependency_groups(PYPROJECT, group)]
    session.install("-e", f".[{extra}]" if extra else ".", *deps)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pass pytest options after --)."""
    _install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session(default=False)
def spark(session: nox.Session) -> None:
    """The Spark backend's tests (`-m spark`) on a local[2] session: needs Java 17 (a missing
    pyspark or Java fails them, never skips them)."""
    _install(session, "test", extra="spark")
    session.run("java", "-version", external=True)  # no Java: the session fails here, saying so
    # Executors run this venv's Python (pyarrow, corpus-audit), not whatever python3 is on PATH.
    session.env["PYSPARK_PYTHON"] = str(Path(session.virtualenv.bin) / "python")
    session.run("pytest", "-m", "spark", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and formatting) and import-linter (the layers)."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")  # the layers in pyproject's [tool.importlinter]


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on both packages."""
    _install(session, "typing")
    session.run("mypy")


@nox.session
def validate(session: nox.Session) -> None:
    """The main job: audit seeds/ (manifest up to date, fixity, parse, pandera + GX, waivers)."""
    _install(session)
    corpus = session.posargs[0] if session.posargs else "seeds"
    session.run("corpus-audit", "index", "--check", corpus)
    session.run("corpus-audit", "validate", corpus, "--report-dir", "reports")


@nox.session(default=False)
def fixtures(session: nox.Session) -> None:
    """Regenerate checked-in generated files (GX suites JSON, invariant test corpora, golden outputs)."""
    _install(session)
    session.run("corpus-audit", "suites", "--out", "expectations/suites")
    session.run("python", "tests/resources/make_invariants.py")
    session.run("python", "tests/resources/real-shapes/make.py")
    session.run("python", "-m", "tests.golden")  # review the diff: it is every command's output


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks against named peers (slow; not part of the default run). `-- --only spark` also
    installs the spark extra (pyspark; needs Java 17)."""
    spark = "spark" in session.posargs
    _install(session, "bench", extra="spark" if spark else "")
    if spark:  # executors run this venv's Python, not whatever python3 is on PATH
        session.env["PYSPARK_PYTHON"] = str(Path(session.virtualenv.bin) / "python")
    session.run("python", "-m", "benchmarks", *session.posargs)


# The mutants `nox -s mutants` tests by default: every mutant of the gate (waivers, results) and of
# the duplicate keys (textnorm's key functions, and of article.py only _Walker.walk, which builds
# norm_hash and duplicate_of), and one in five of fixity, the manifest reader, dates and the engines
# (those whose number ends in 0 or 5: a sample spread over every function). All of them would take
# about ten hours on 2 cores; `nox -s mutants -- "provenance.parsing.dates.*"` runs one module whole.
# Functions that run only while their module is imported are left out (textnorm's tables and byte
# codec, the dates regexes' builders): mutmut switches mutants at call time, after the import.
SAMPLE = "__mutmut_*[05]"
MUTANTS = (
    "provenance.audit.waivers.*",
    "provenance.audit.results.*",
    "provenance.parsing.textnorm.x_normalize_key*",
    "provenance.parsing.textnorm.x__key_*",
    "provenance.parsing.textnorm.x__fold_bytes*",
    "provenance.parsing.textnorm.x__resolve_run*",
    "provenance.parsing.article.*_Walker*walk__mutmut_*",
    "provenance.fixity.verify.*" + SAMPLE,
    "provenance.manifest.reader.*" + SAMPLE,
    "provenance.parsing.dates.x_[!_]*" + SAMPLE,
    "provenance.parsing.dates.x__[!fa]*" + SAMPLE,  # not _flex, _alternation
    "provenance.parsing.dates.x__find_hijri" + SAMPLE,
    "expectations.engines.*" + SAMPLE,
)
KILLED = ("killed", "timeout", "segfault", "caught by type check")
UNTESTED = ("no tests", "skipped", "not checked")


@nox.session(default=False)
def mutants(session: nox.Session) -> None:
    """Mutation testing with mutmut (slow, not in CI): prints the score and every surviving mutant.

    With no arguments it starts afresh and runs the mutants MUTANTS names (see there for how long).
    `nox -s mutants -- NAME...` re-tests only the mutants matching mutmut's globs (such as
    "provenance.audit.waivers.*") and keeps the other results of the last run, for the loop of
    killing survivors (mutmut drops them all when [tool.mutmut] changes); the score printed is
    always over the mutants MUTANTS names.
    """
    _install(session, "mutants")
    if not session.posargs:
        shutil.rmtree("mutants", ignore_errors=True)
    # pytest's temporary folders of its own: a shared /tmp/pytest-of-USER may hold another run's
    # leftovers, whose clean-up inside a mutant's test run is no verdict on the mutant.
    temp = Path(session.virtualenv.location) / "tmp"
    temp.mkdir(exist_ok=True)
    session.env["PYTEST_DEBUG_TEMPROOT"] = str(temp)
    session.run("mutmut", "run", "--max-children", "2", *(session.posargs or MUTANTS))
    status = _mutant_status(session)
    # In a long run mutmut 3.8 has reported mutants as surviving that a test kills when they are
    # run again on their own (docs/mutants.md): every survivor is tested once more, by name.
    survivors = sorted(name for name, found in status.items() if found == "survived")
    if survivors:
        session.log(f"re-testing the {len(survivors)} survivors on their own")
        session.run("mutmut", "run", "--max-children", "2", *survivors)
        status = _mutant_status(session)
    tested = {name: s for name, s in status.items() if s not in UNTESTED}
    killed = sum(s in KILLED for s in tested.values())
    survivors = sorted(name for name, s in tested.items() if s not in KILLED)
    untested = len(status) - len(tested)
    score = 100 * killed / len(tested) if tested else 0.0
    session.log(f"mutation score: {score:.1f}% ({killed} of {len(tested)} mutants killed, {untested} not tested)")
    session.log(f"{len(survivors)} survivors (`mutmut show NAME` prints one's diff):")
    for name in survivors:
        print(f"  {name}: {tested[name]}")


def _mutant_status(session: nox.Session) -> dict[str, str]:
    """Each mutant MUTANTS names, with its status as `mutmut results` prints it."""
    listing = session.run("mutmut", "results", "--all", "true", silent=True) or ""
    status = {}
    for line in str(listing).splitlines():
        name, _, found = line.strip().rpartition(": ")
        if name and any(fnmatch.fnmatchcase(name, pattern) for pattern in MUTANTS):
            status[name] = found
    return status
