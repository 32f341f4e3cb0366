"""validate --staged (the pre-commit hook): what a commit changes, judged as a whole-corpus run judges it.

Each case commits a corpus, fills the parse cache with a run on it, makes one kind of change,
stages it, and compares `validate --staged` with a full run without any cache: the results on the
staged scope (and INDEX.md's own) must be the same, result for result; a change that can alter
every verdict (waivers, outlets, INDEX.md's header) must make the staged run a full one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance import api
from provenance._cli import main
from provenance.audit.staged import staged_change
from provenance.findings import Result
from provenance.parsing.cache import ParseCache

RESOURCES = Path(__file__).parent / "resources"
SEEDS = Path(__file__).parent.parent / "seeds"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
GIT_ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@t",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@t",
}


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=GIT_ENV)
    return done.stdout


def _append(name: str) -> Callable[[Path], None]:
    def edit(corpus: Path) -> None:
        with (corpus / name).open("ab") as handle:
            handle.write("\nسطر جديد أضيف إلى المقال.\n".encode())

    return edit


def _indexed(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(corpus: Path) -> None:
        for step in edits:
            step(corpus)
        api.index(corpus)

    return edit


def _copy(source: str, target: str) -> Callable[[Path], None]:
    return lambda corpus: shutil.copyfile(corpus / source, corpus / target)


def _remove(name: str) -> Callable[[Path], None]:
    return lambda corpus: (corpus / name).unlink()


def _rename(source: str, target: str) -> Callable[[Path], None]:
    return lambda corpus: (corpus / source).rename(corpus / target)


def _index_text(old: str, new: str) -> Callable[[Path], None]:
    def edit(corpus: Path) -> None:
        index = corpus / "INDEX.md"
        text = index.read_text(encoding="utf-8")
        assert old in text
        index.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _chain(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(corpus: Path) -> None:
        for step in edits:
            step(corpus)

    return edit


def _sha_of(corpus: str, name: str) -> str:
    line = next(
        line for line in (RESOURCES / corpus / "INDEX.md").read_text(encoding="utf-8").splitlines() if name in line
    )
    return line.split("|")[2].strip()


def _drop_waiver(corpus: Path) -> None:
    waivers = corpus / "WAIVERS.md"
    lines = waivers.read_text(encoding="utf-8").splitlines()
    waivers.write_text("\n".join(line for line in lines if "no_duplicate" not in line) + "\n", encoding="utf-8")


# (base corpus, the change, the scope it must give: the paths judged, or None for the whole corpus)
CASES: dict[str, tuple[str, Callable[[Path], None], set[str] | None]] = {
    "an article edited and indexed": ("invariants", _indexed(_append("clean.txt")), {"clean.txt"}),
    "a copy of an article, indexed": ("invariants", _indexed(_copy("clean.txt", "copy.txt")), {"copy.txt"}),
    "an article edited, not indexed": ("invariants", _append("short-title.txt"), {"short-title.txt"}),
    "an article removed, not indexed": ("invariants", _remove("clean.txt"), {"clean.txt"}),
    "an article removed and indexed": ("invariants", _indexed(_remove("clean.txt")), {"clean.txt"}),
    "an article renamed and indexed": (
        "invariants",
        _indexed(_rename("clean.txt", "renamed.txt")),
        {"clean.txt", "renamed.txt"},
    ),
    "an unlisted file": ("invariants", _copy("clean.txt", "new.txt"), {"new.txt"}),
    "a row of INDEX.md edited by hand": (
        "invariants",
        _index_text(_sha_of("invariants", "latin-body.txt"), "0" * 64),
        {"latin-body.txt"},
    ),
    "a row edited by hand in an INDEX.md git would call binary": (
        "invariants",
        _chain(_index_text("# ", "#\x00 "), _index_text(_sha_of("invariants", "latin-body.txt"), "0" * 64)),
        {"latin-body.txt"},
    ),
    "INDEX.md's header respaced": ("invariants", _index_text("| file |", "|  file |"), None),
    "outlets.toml added": (
        "invariants",
        lambda corpus: (corpus / "outlets.toml").write_text("# no outlets of its own\n", encoding="utf-8"),
        None,
    ),
    "a waiver removed": ("seeds", _drop_waiver, None),
    "a waived article edited and indexed": (
        "seeds",
        _indexed(_append("000_351c3a7ca37fd0ed.txt")),
        {"000_351c3a7ca37fd0ed.txt"},
    ),
    "nothing staged under the corpus (pre-commit run --all-files)": ("seeds", lambda corpus: None, None),
}


def _committed(tmp_path: Path, base: str) -> Path:
    repo = tmp_path / "repo"
    corpus = repo / "corpus"
    shutil.copytree(SEEDS if base == "seeds" else RESOURCES / base, corpus)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "corpus")
    return corpus


def _key(result: Result) -> tuple[str, str | None, str, str, str]:
    return result.check, result.file, result.status, result.message, repr(sorted(result.details.items()))


@pytest.mark.parametrize("case", list(CASES))
def test_a_staged_run_judges_the_change_as_a_full_run_does(tmp_path: Path, case: str) -> None:
    base, change, scope = CASES[case]
    corpus = _committed(tmp_path, base)
    cache = ParseCache.open(tmp_path / "cache")
    api.validate(corpus, engines=("pandera",), strict=True, now=NOW, cache=cache)  # what the hook ran last
    change(corpus)
    _git(corpus.parent, "add", "-A")
    assert staged_change(corpus).decide(corpus)[0] == (None if scope is None else frozenset(scope))
    staged = api.validate(corpus, engines=("pandera",), strict=True, now=NOW, cache=cache, staged=True).audit
    full = api.validate(corpus, engines=("pandera",), strict=True, now=NOW).audit
    cache.close()
    shown = {_key(r) for r in full.results.notable() if scope is None or r.file is None or r.file in scope}
    assert {_key(r) for r in staged.results.notable()} == shown
    assert staged.run["scope"] == (None if scope is None else len(staged.results.articles))
    assert ("whole" in staged.run) is (scope is None)  # and the run says why
    if scope is not None:
        assert staged.ok == (not any(r.status == "failed" and r.severity == "error" for r in staged.results.notable()))


def test_without_a_snapshot_of_the_rest_the_staged_run_is_a_full_one(tmp_path: Path) -> None:
    """Duplicates cannot be judged against articles nobody parsed: no cache, no scope."""
    corpus = _committed(tmp_path, "invariants")
    _indexed(_copy("clean.txt", "copy.txt"))(corpus)
    _git(corpus.parent, "add", "-A")
    staged = api.validate(corpus, engines=("pandera",), now=NOW, staged=True).audit
    full = api.validate(corpus, engines=("pandera",), now=NOW).audit
    assert staged.run["scope"] is None
    assert staged.run["whole"] == "the parse cache holds no snapshot of the rest of the corpus (a first run)"
    assert {_key(r) for r in staged.results.notable()} == {_key(r) for r in full.results.notable()}


@pytest.mark.parametrize(
    ("change", "printed"),
    [
        (
            _indexed(_copy("clean.txt", "copy.txt")),
            "  staged   1 article of the commit judged, with INDEX.md; the rest as committed",
        ),
        (
            lambda corpus: (corpus / "outlets.toml").write_text("# none\n", encoding="utf-8"),
            "  staged   the whole corpus audited: outlets.toml staged: every verdict may change",
        ),
        (
            lambda corpus: None,
            "  staged   the whole corpus audited: nothing under it is staged (pre-commit run --all-files, "
            "or a run by hand)",
        ),
    ],
)
def test_the_hook_says_what_it_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Callable[[Path], None], printed: str
) -> None:
    corpus = _committed(tmp_path, "invariants")
    argv = [
        "validate",
        "--engine",
        "pandera",
        "--no-report",
        "--staged",
        "--cache-dir",
        str(tmp_path / "c"),
        str(corpus),
    ]
    main(argv)  # the first run fills the cache
    change(corpus)
    _git(corpus.parent, "add", "-A")
    capsys.readouterr()
    main(argv)
    assert printed in capsys.readouterr().out.splitlines()


def test_outside_a_git_work_tree_staged_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    ceiling = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    old = {k: os.environ.get(k) for k in ceiling}
    os.environ.update(ceiling)
    try:
        assert main(["validate", "--engine", "pandera", "--no-report", "--staged", str(corpus)]) == 2
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "--staged needs" in error[0] and "git work tree" in error[0]


ARTICLES = ["clean.txt", "short-title.txt", "latin-body.txt", "duplicate-a.txt", "no-source.txt"]
EDITS: dict[str, Callable[[Path, str], None]] = {
    "append": lambda corpus, name: _append(name)(corpus) if (corpus / name).exists() else None,
    "copy": lambda corpus, name: _copy(name, f"copy-of-{name}")(corpus) if (corpus / name).exists() else None,
    "remove": lambda corpus, name: _remove(name)(corpus) if (corpus / name).exists() else None,
    "rename": lambda corpus, name: _rename(name, f"renamed-{name}")(corpus) if (corpus / name).exists() else None,
    "duplicate": lambda corpus, name: (
        shutil.copyfile(corpus / "clean.txt", corpus / f"dup-{name}") if (corpus / "clean.txt").exists() else None
    ),
}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.sampled_from(ARTICLES)), min_size=1, max_size=4),
    indexed=st.booleans(),
)
def test_any_commit_of_several_changes_is_judged_as_a_full_run_judges_it(
    tmp_path: Path, edits: list[tuple[str, str]], indexed: bool
) -> None:
    """Several edits in one commit, indexed or not: the staged run's results are the full run's on its scope."""
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        corpus = _committed(Path(folder), "invariants")
        cache = ParseCache.open(Path(folder) / "cache")
        api.validate(corpus, engines=("pandera",), strict=True, now=NOW, cache=cache)
        for kind, name in edits:
            EDITS[kind](corpus, name)
        if indexed:
            api.index(corpus)
        _git(corpus.parent, "add", "-A")
        scope = staged_change(corpus).decide(corpus)[0]
        staged = api.validate(corpus, engines=("pandera",), strict=True, now=NOW, cache=cache, staged=True).audit
        full = api.validate(corpus, engines=("pandera",), strict=True, now=NOW).audit
        cache.close()
    shown = {_key(r) for r in full.results.notable() if scope is None or r.file is None or r.file in scope}
    assert {_key(r) for r in staged.results.notable()} == shown


def _symlink(corpus: Path) -> None:
    (corpus / "link.txt").symlink_to("/etc/passwd")


def _odd_name(raw: bytes) -> Callable[[Path], None]:
    def make(corpus: Path) -> None:
        with open(os.fsencode(corpus) + b"/" + raw, "wb") as handle:  # a bytes path: Path has no bytes names
            handle.write(b"text\n")

    return make


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_symlink, {("fixity.listed", "link.txt"), ("fixity.regular_file", "link.txt")}),
        (_odd_name(b"bad\xffname.txt"), {("fixity.unsafe_name", "bad\\xffname.txt")}),
        (_odd_name(b"new\nline.txt"), {("fixity.unsafe_name", "new\\nline.txt")}),
    ],
)
def test_hostile_staged_paths_are_findings_not_followed_or_crashed_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], None], expected: set[tuple[str, str]]
) -> None:
    """A staged link is never followed, a name that is not UTF-8 or holds a line break is named
    escaped: findings (exit 1), one line each, as a full run gives them."""
    corpus = _committed(tmp_path, "seeds")
    cache = ParseCache.open(tmp_path / "cache")
    api.validate(corpus, engines=("pandera",), now=NOW, cache=cache)
    make(corpus)
    _git(corpus.parent, "add", "-A")
    staged = api.validate(corpus, engines=("pandera",), now=NOW, cache=cache, staged=True).audit
    cache.close()
    assert staged.run["scope"] == 0  # judged as the commit, with no article to parse
    assert {(r.check, r.file) for r in staged.results.notable() if r.status == "failed"} == expected
    full = api.validate(corpus, engines=("pandera",), now=NOW).audit
    assert {(r.check, r.file) for r in full.results.notable() if r.status == "failed"} == expected
    code = main(["validate", "--engine", "pandera", "--no-report", "--staged", "--no-cache", str(corpus)])
    assert code == 1
    assert all("\n" not in line for line in capsys.readouterr().out.splitlines())


def test_a_staged_submodule_makes_the_hook_audit_the_whole_corpus(tmp_path: Path) -> None:
    """A gitlink is a folder on disk: its files are judged by the walk of the whole corpus."""
    corpus = _committed(tmp_path, "seeds")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "a.txt").write_text("text\n", encoding="utf-8")
    head = _git(corpus.parent, "rev-parse", "HEAD").strip()
    _git(corpus.parent, "update-index", "--add", "--cacheinfo", f"160000,{head},corpus/sub")
    change = staged_change(corpus)
    assert change.payload == {"sub"}
    scope, why = change.decide(corpus)
    assert scope is None
    assert "a staged path is a folder" in (why or "")
    staged = api.validate(corpus, engines=("pandera",), now=NOW, staged=True).audit
    assert ("fixity.listed", "sub/a.txt") in {(r.check, r.file) for r in staged.results.notable()}
