"""What a new user meets first: help pages, the index summary, typing marker, licence."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from provenance._cli import _PAGES, build_parser, main

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", sorted(_PAGES))
def test_every_command_says_what_it_reads_and_writes_with_an_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"]) == 0
    page = capsys.readouterr().out
    description = _PAGES[command][0]
    assert description.split()[0] in page
    for label in ("reads:", "writes:", "example: corpus-audit " + command):
        assert label in page, (command, label)


def test_every_subcommand_has_a_page() -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert set(sub.choices) == set(_PAGES)  # type: ignore[arg-type]


def test_typed_packages_and_the_licence_match_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    assert (REPO / "provenance" / "py.typed").is_file() and (REPO / "expectations" / "py.typed").is_file()


def test_spark_is_an_extra_whose_tests_ci_runs_and_the_default_run_deselects() -> None:
    """`corpus-audit[spark]` brings pyspark (with grpc: no silent `python -c`); the `spark` marker is
    deselected by default; `nox -s spark` runs `-m spark` with PYSPARK_PYTHON set and CI runs it."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["optional-dependencies"]["spark"] == ["pyspark[connect]>=4.0"]
    assert not any("pyspark" in dep for dep in pyproject["project"]["dependencies"])
    pytest_options = pyproject["tool"]["pytest"]["ini_options"]
    assert pytest_options["addopts"][-2:] == ["-m", "not spark"]
    assert any(marker.startswith("spark:") for marker in pytest_options["markers"])
    noxfile = (REPO / "noxfile.py").read_text(encoding="utf-8")
    session = noxfile[noxfile.index("def spark(") :].split("\n\n\n")[0]
    for needed in ('extra="spark"', '"PYSPARK_PYTHON"', '"pytest", "-m", "spark"', '"java", "-version"'):
        assert needed in session, needed
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert "nox -s spark" in ci and "command -v java" in "\n".join(ci)


def test_index_prints_one_summary_line_and_each_file_only_when_verbose(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(3):
        (tmp_path / f"{n}.txt").write_text(f"نص {n}\n", encoding="utf-8")
    assert main(["index", str(tmp_path), "--jobs", "1"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{tmp_path / 'INDEX.md'}: created, 3 files listed (3 added, 0 changed, 0 removed)"
    ]
    (tmp_path / "3.txt").write_text("نص\n", encoding="utf-8")
    assert main(["index", str(tmp_path), "--check", "--jobs", "1"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{tmp_path / 'INDEX.md'}: not up to date (1 added, 0 changed, 0 removed): run `corpus-audit index {tmp_path}`"
    ]
    assert main(["index", str(tmp_path), "--verbose", "--jobs", "1"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{tmp_path / 'INDEX.md'}: added 3.txt",
        f"{tmp_path / 'INDEX.md'}: updated, 4 files listed (1 added, 0 changed, 0 removed)",
    ]


def test_suites_check_names_a_missing_file_as_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suites", "--out", str(tmp_path), "--check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.endswith("missing: run `corpus-audit suites` to write it") for line in lines)
