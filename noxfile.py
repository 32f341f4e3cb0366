"""Developer tasks: `nox -s validate` audits seeds/, `nox -s tests` runs the test suite."""

from __future__ import annotations

import nox

nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "typecheck", "tests", "validate"]

PYPROJECT = nox.project.load_toml("pyproject.toml")


def _install(session: nox.Session, *groups: str) -> None:
    # Compiled bytecode in the venv, and permission to cache our own: without it every run
    # re-compiles pandas, pyarrow and GX from source (PYTHONDONTWRITEBYTECODE may be set).
    session.env["UV_COMPILE_BYTECODE"] = "1"
    session.env["PYTHONDONTWRITEBYTECODE"] = ""
    deps = [dep for group in groups for dep in nox.project.dependency_groups(PYPROJECT, group)]
    session.install("-e", ".", *deps)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pass pytest options after --)."""
    _install(session, "test")
    session.run("pytest", *session.posargs)


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
    session.run("python", "-m", "tests.golden")  # review the diff: it is every command's output


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks against named peers (slow; not part of the default run)."""
    _install(session)
    session.run("python", "-m", "benchmarks", *session.posargs)
