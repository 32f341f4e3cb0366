"""The pre-commit hooks, with the real pre-commit in temporary git repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).parent.parent
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
SKIP = {".git", ".nox", "reports", "__pycache__", ".mypy_cache", ".ruff_cache", ".hypothesis", ".pytest_cache"}


# Without VIRTUAL_ENV: under nox it names the test environment, and pre-commit-uv's installs of the
# hook would then replace this checkout's editable corpus-audit there with the hook repo's copy.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **CLEAN_ENV,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False, env=env)


def test_hook_manifest_is_valid() -> None:
    """.pre-commit-hooks.yaml passes `pre-commit validate-manifest`; the repo's config passes too."""
    for command, name in (
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ):
        result = subprocess.run([*PRE_COMMIT, command, name], cwd=REPO, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def test_every_hook_id_is_in_the_readme() -> None:
    """Each hook id appears in the README, in the pre-commit section."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"corpus-audit-verify", "corpus-audit-validate"}
    for hook in hooks:
        assert f"id: {hook['id']}" in readme, hook["id"]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This working tree as a committed git repository, so the hooks under test are these files."""
    snapshot = tmp_path_factory.mktemp("hook-repo")
    shutil.copytree(REPO, snapshot, dirs_exist_ok=True, ignore=lambda _, names: [n for n in names if n in SKIP])
    _git(snapshot, "init", "-q")
    _git(snapshot, "add", "-A")
    assert _git(snapshot, "commit", "-q", "-m", "snapshot").returncode == 0
    return snapshot, _git(snapshot, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One hook environment for the whole module: installing corpus-audit into it is the slow part."""
    yield tmp_path_factory.mktemp("pre-commit-home")


def _consumer(tmp_path: Path, hook_repo: tuple[Path, str], hook_id: str) -> Path:
    repo, rev = hook_repo
    project = tmp_path / "project"
    shutil.copytree(REPO / "seeds", project / "corpus")
    config = {
        "repos": [{"repo": str(repo), "rev": rev, "hooks": [{"id": hook_id, "args": ["corpus"], "files": "^corpus/"}]}]
    }
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(project, "init", "-q")
    return project


def _commit(project: Path, home: Path, message: str) -> subprocess.CompletedProcess[str]:
    env = {
        **CLEAN_ENV,
        "PRE_COMMIT_HOME": str(home),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    subprocess.run([*PRE_COMMIT, "install"], cwd=project, capture_output=True, text=True, check=True, env=env)
    _git(project, "add", "-A")
    # Through `git commit`, as a committer meets it: the installed hook runs pre-commit.
    hook = project / ".git" / "hooks" / "pre-commit"
    text = hook.read_text(encoding="utf-8")
    if "INSTALL_PYTHON=" in text:  # make the hook run pre-commit with this interpreter
        hook.write_text(text.replace("INSTALL_PYTHON=", f"INSTALL_PYTHON={sys.executable} #"), encoding="utf-8")
    return subprocess.run(
        ["git", "commit", "-q", "-m", message], cwd=project, capture_output=True, text=True, check=False, env=env
    )


@pytest.mark.slow
def test_verify_hook_passes_a_clean_commit_and_blocks_a_tampered_seed(
    tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """A clean commit passes; a commit that changes a seed's bytes is blocked with the file named."""
    project = _consumer(tmp_path, hook_repo, "corpus-audit-verify")
    clean = _commit(project, pre_commit_home, "add corpus")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    seed = project / "corpus" / "001_da717efd77834096.txt"
    seed.write_bytes(seed.read_bytes().replace("الناتو".encode(), "الناتـو".encode(), 1))
    blocked = _commit(project, pre_commit_home, "tamper")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0
    assert "001_da717efd77834096.txt: fixity.bytes" in output
    assert "001_da717efd77834096.txt: fixity.sha256" in output
    assert "corpus-audit verify" in output and "Failed" in output


@pytest.mark.slow
def test_validate_hook_blocks_an_unwaived_failure(
    tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """The validate hook passes the seeds with their waivers and blocks once a waiver is removed."""
    project = _consumer(tmp_path, hook_repo, "corpus-audit-validate")
    assert _commit(project, pre_commit_home, "add corpus").returncode == 0
    waivers = project / "corpus" / "WAIVERS.md"
    waivers.write_text(
        "\n".join(line for line in waivers.read_text(encoding="utf-8").splitlines() if "no_duplicate" not in line)
        + "\n",
        encoding="utf-8",
    )
    blocked = _commit(project, pre_commit_home, "drop a waiver")
    assert blocked.returncode != 0
    assert "000_351c3a7ca37fd0ed.txt: article.no_duplicate_paragraphs" in blocked.stdout + blocked.stderr


def _readme_examples() -> list[str]:
    """The README's pre-commit YAML blocks, in order: the local hooks, then the frozen remote."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### pre-commit") : readme.index("### CI")]
    blocks = [part.split("```", 1)[0] for part in section.split("```yaml\n")[1:]]
    assert len(blocks) == 2
    return blocks


@pytest.mark.slow
def test_the_readme_local_example_works_as_written(tmp_path: Path, pre_commit_home: Path) -> None:
    """The README's first example, verbatim, passes the seeds and blocks a tampered one."""
    project = tmp_path / "project"
    shutil.copytree(REPO / "seeds", project / "seeds")
    (project / ".pre-commit-config.yaml").write_text(_readme_examples()[0], encoding="utf-8")
    _git(project, "init", "-q")
    # corpus-audit on PATH, as in the environment the README describes.
    env_path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**CLEAN_ENV, "PRE_COMMIT_HOME": str(pre_commit_home), "PATH": env_path}
    _git(project, "add", "-A")
    run = [*PRE_COMMIT, "run", "--all-files"]
    clean = subprocess.run(run, cwd=project, capture_output=True, text=True, check=False, env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.count("Passed") == 1
    seed = project / "seeds" / "001_da717efd77834096.txt"
    seed.write_bytes(seed.read_bytes() + b"\n")
    _git(project, "add", "-A")
    blocked = subprocess.run(run, cwd=project, capture_output=True, text=True, check=False, env=env)
    assert blocked.returncode != 0
    assert "001_da717efd77834096.txt: fixity.sha256" in blocked.stdout


@pytest.mark.slow
def test_the_readme_remote_example_works_pinned_to_a_frozen_sha(
    tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """The second example with its URL and SHA replaced by a real repository and commit: it runs."""
    repo, rev = hook_repo
    example = _readme_examples()[1]
    assert "https://git.example.org/data/corpus-audit" in example and "0123456789abcdef" in example
    config = example.replace("https://git.example.org/data/corpus-audit", str(repo))
    config = config.replace("0123456789abcdef0123456789abcdef01234567", rev)
    project = tmp_path / "project"
    shutil.copytree(REPO / "seeds", project / "seeds")
    (project / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    env = {**CLEAN_ENV, "PRE_COMMIT_HOME": str(pre_commit_home)}
    result = subprocess.run(
        [*PRE_COMMIT, "run", "--all-files"], cwd=project, capture_output=True, text=True, check=False, env=env
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_benchmark_times_the_validate_hooks_own_command() -> None:
    """`nox -s bench` measures the hook path with exactly the arguments the hook passes."""
    from benchmarks.__main__ import HOOK

    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert hooks["corpus-audit-validate"]["entry"] == " ".join(("corpus-audit", "validate", *HOOK))
