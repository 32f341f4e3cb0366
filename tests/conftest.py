"""Shared fixtures: named corpora from tests/resources, copied into tmp_path before use."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# Speed lives in `nox -s bench`, not in tests: no per-example deadline, which a slow or busy CI
# machine would otherwise turn into a flaky failure. `print_blob` makes any failure reproducible.
settings.register_profile("corpus-audit", deadline=None, print_blob=True)
settings.load_profile("corpus-audit")
# Under mutation testing (`nox -s mutants`; mutmut sets MUTANT_UNDER_TEST) each surviving mutant runs
# the property tests again: fewer examples, and the same ones every time, so verdicts repeat.
if "MUTANT_UNDER_TEST" in os.environ:
    settings.register_profile("mutants", parent=settings.get_profile("corpus-audit"), max_examples=20, derandomize=True)
    settings.load_profile("mutants")

# The parse cache of every run the tests make (in this process and the commands it starts) is one
# folder of this session's own, never the user's cache.
os.environ["CORPUS_AUDIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="corpus-audit-test-cache-")

RESOURCES = Path(__file__).parent / "resources"
REPO = Path(__file__).parent.parent


@pytest.fixture
def corpus(tmp_path: Path) -> Callable[[str], Path]:
    """Copy the named corpus from tests/resources into tmp_path (so tests may break it)."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(RESOURCES / name, target, symlinks=True)
        return target

    return copy
