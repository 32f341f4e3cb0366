"""Ctrl-C during `validate` leaves the previous complete report set or the new one, never a mix.

A first run writes the old set for one state of the corpus; the corpus then changes (new digest,
new results) and a reference run gives the new set. Each case interrupts a real validate at one
point (tests/adversarial/interrupt.py raises SIGINT in the process, as Ctrl-C would) and checks
the report folder: byte for byte the old set, or the new set (run metadata masked, as the golden
files do); exit 130; the user's own file kept; no staging folder or temporary file left.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.adversarial.conftest import Run, assert_clean, run_cli
from tests.conftest import REPO
from tests.golden import scrub

REPORTS = ("audit.json", "audit.md", "junit.xml", "audit.html")
PANDERA = ("--engine", "pandera", "--jobs", "2")
BOTH = ("--engine", "both", "--jobs", "2")


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass(frozen=True)
class Sets:
    """The folder a case runs in, the corpus `c` in its new state, the old set and the new one."""

    work: Path
    old: dict[str, bytes]  # every file of the report folder after the old run, the user's note too
    new: dict[str, bytes]  # the new run's reports, scrubbed of run metadata
    engines: tuple[str, ...]

    def interrupted(self, point: str, tmp_path: Path) -> tuple[Run, Path, bool]:
        """Restore the old set in a fresh report folder and run validate interrupted at `point`."""
        reports = tmp_path / "reports"
        shutil.rmtree(reports, ignore_errors=True)
        for name, data in self.old.items():
            (reports / name).parent.mkdir(parents=True, exist_ok=True)
            (reports / name).write_bytes(data)
        fired = tmp_path / "fired"
        fired.unlink(missing_ok=True)
        env = {"INTERRUPT_FIRED": str(fired), "INTERRUPT_FOLDER": str(reports)}
        run = run_cli(
            point,
            "validate",
            "c",
            "--report-dir",
            reports,
            *self.engines,
            cwd=self.work,
            env=env,
            module="tests.adversarial.interrupt",
        )
        return run, reports, fired.exists()

    def assert_one_set(self, reports: Path) -> str:
        """The folder holds the old set exactly or the new one; which."""
        now = _snapshot(reports)
        if now == self.old:
            return "old"
        assert now["notes.txt"] == self.old["notes.txt"], "the user's own file changed"
        assert {name: scrub(name, now[name]) for name in REPORTS} == self.new, "a mix of two runs"
        gx_old = {k: v for k, v in self.old.items() if k.startswith("gx/")}
        gx_now = {k: v for k, v in now.items() if k.startswith("gx/")}
        if "gx" in self.engines[1]:
            assert gx_now != gx_old and "gx/index.html" in gx_now, "new reports beside the old Data Docs"
        return "new"


def _sets(tmp_path_factory: pytest.TempPathFactory, engines: tuple[str, ...]) -> Sets:
    work = tmp_path_factory.mktemp("interrupted")
    shutil.copytree(REPO / "tests" / "resources" / "fixity-clean", work / "c")
    old = work / "old"
    old.mkdir()
    (old / "notes.txt").write_text("the steward's own notes\n", encoding="utf-8")
    assert run_cli("validate", "c", "--report-dir", old, *engines, cwd=work).code == 1
    with (work / "c" / "a.txt").open("a", encoding="utf-8") as handle:
        handle.write("فقرة أخرى.\n")  # a new digest and new results
    assert run_cli("index", "c", cwd=work).code == 0
    assert run_cli("validate", "c", "--report-dir", work / "new", *engines, cwd=work).code == 1
    new = {name: scrub(name, (work / "new" / name).read_bytes()) for name in REPORTS}
    assert new["audit.json"] != scrub("audit.json", (old / "audit.json").read_bytes())
    return Sets(work, _snapshot(old), new, engines)


@pytest.fixture(scope="module")
def pandera_sets(tmp_path_factory: pytest.TempPathFactory) -> Sets:
    return _sets(tmp_path_factory, PANDERA)


@pytest.fixture(scope="module")
def gx_sets(tmp_path_factory: pytest.TempPathFactory) -> Sets:
    return _sets(tmp_path_factory, BOTH)


def _check(sets: Sets, run: Run, reports: Path) -> str:
    assert (run.code, run.first_error) == (130, "corpus-audit: interrupted"), run.err
    assert_clean(run, folders=[sets.work])
    return sets.assert_one_set(reports)


def test_ctrl_c_before_the_reports_leaves_the_old_set(pandera_sets: Sets, tmp_path: Path) -> None:
    """Ctrl-C once the audit is done, before any report is written: the old set, untouched."""
    run, reports, fired = pandera_sets.interrupted("stage:gate", tmp_path)
    assert fired
    assert _check(pandera_sets, run, reports) == "old"


def test_ctrl_c_at_every_rename_leaves_one_set(pandera_sets: Sets, tmp_path: Path) -> None:
    """Ctrl-C right after each rename the run makes (writing into staging, then committing): one set.
    (A run interrupted ~6 s into a 5,000-file validate used to leave audit.json new, audit.html old.)

    Once the reports start moving into place the commit finishes first, so from then on the new set.
    """
    outcomes = []
    for number in range(1, 40):
        run, reports, fired = pandera_sets.interrupted(f"rename:{number}", tmp_path)
        if not fired:  # past the last rename: the run finished, with the new set
            assert (run.code, run.first_error) == (1, ""), run.err
            assert_clean(run, folders=[pandera_sets.work])
            assert pandera_sets.assert_one_set(reports) == "new"
            break
        outcomes.append(_check(pandera_sets, run, reports))
    else:
        pytest.fail("validate made more renames than expected")
    assert "old" in outcomes and outcomes[-1] == "new"
    assert outcomes == sorted(outcomes, key=["old", "new"].index), outcomes  # never back to old


@pytest.mark.slow
@pytest.mark.parametrize("point", ["stage:gx", "commit:1", "commit:2"])
def test_ctrl_c_with_data_docs_leaves_one_set(gx_sets: Sets, tmp_path: Path, point: str) -> None:
    """With GX's Data Docs (gx/) in the set: Ctrl-C once GX has built them, or as the first things
    move into place (the old gx/ out, the new one in)."""
    run, reports, fired = gx_sets.interrupted(point, tmp_path)
    assert fired
    assert _check(gx_sets, run, reports) == ("old" if point.startswith("stage") else "new")
