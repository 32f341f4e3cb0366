"""Engine verdicts reused across runs: the engines judge only the articles that changed.

A per-article check's verdict on a file depends on that file's rows alone (every rule is row-local,
or a uniqueness within the file), so when the file's rows are the ones the last run judged (the
parse cache's snapshot, whose rows are keyed by the file's bytes, INDEX.md facts, settings,
outlets and parser) and the check, the engines and their parameters are the same, the last run's
verdict is this run's. The engines then run those checks on the changed articles' rows only.
Everything else is judged on every row, every run: checks across files (duplicate articles, the
table's structure), checks that read the run's time (a date "not after the run"), and every check
of an engine that builds Data Docs, so the docs describe the whole corpus. A property test proves
a warm run's audit.json is a cold run's, byte for byte outside `run`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from expectations.catalogue import CheckSpec
from expectations.engines import EngineRun, Failures, runner
from expectations.rules import UniqueWithin
from expectations.view import RUN_TIME
from provenance.parsing.cache import ParseCache
from provenance.parsing.corpus import CorpusTables

_FORMAT = 1  # the saved verdicts' layout


def per_article(check: CheckSpec) -> bool:
    """The check's verdict on a file reads that file's rows only, and not the run's time."""
    local = all(not isinstance(rule, UniqueWithin) or "file" in rule.columns for rule in check.rules)
    return check.scope == "article" and local and not set(check.columns) & set(RUN_TIME)


def verdict_digest(checks: Sequence[CheckSpec], params: Mapping[str, Any]) -> str:
    """What a verdict depends on besides the rows: the checks, the parameters, the engines' code
    (every file of `expectations`) and the versions of pandera and GX."""
    digest = hashlib.sha256(json.dumps([_FORMAT, repr(list(checks)), params], sort_keys=True, default=str).encode())
    package = Path(str(resources.files("expectations")))
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for name in ("pandas", "pandera", "great-expectations"):
        digest.update(f"{name}=={_version(name)}".encode())
    return digest.hexdigest()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


@dataclass(frozen=True, slots=True)
class Reuse:
    """The last run's verdicts ({engine: failures of per-article checks}), the files whose rows
    changed since, and those whose rows did not."""

    previous: Mapping[str, Failures]
    changed: frozenset[str]
    unchanged: frozenset[str]


def prior(cache: ParseCache, corpus: Path, tables: CorpusTables, digest: str) -> Reuse | None:
    """The last run's verdicts when they were made on the snapshot this run's rows came from."""
    if tables.loaded is None:
        return None
    saved = cache.load_verdicts(corpus)
    if not saved or saved.get("token") != tables.loaded or saved.get("digest") != digest:
        return None
    previous = saved.get("failures")
    if not isinstance(previous, dict):
        return None
    files = tables.articles["file"].astype(str).tolist()
    return Reuse(previous, frozenset(file for file in files if file not in tables.reused), tables.reused)


def save(
    cache: ParseCache,
    corpus: Path,
    tables: CorpusTables,
    *,
    digest: str,
    runs: Mapping[str, EngineRun],
    checks: Sequence[CheckSpec],
) -> None:
    """Keep this run's verdicts of per-article checks beside the snapshot its tables now are; an
    engine that found the tables' structure wrong keeps none (it is judged whole next time)."""
    if tables.saved is None:
        return
    kept = [check.id for check in checks if per_article(check)]
    failures = {
        name: {check: run.failures[check] for check in kept if check in run.failures}
        for name, run in runs.items()
        if not run.notes
    }
    cache.save_verdicts(corpus, {"token": tables.saved, "digest": digest, "failures": failures})


def run_engine(
    name: str,
    frames: Mapping[str, Any],
    checks: Sequence[CheckSpec],
    *,
    params: Mapping[str, Any],
    docs_dir: Path | None,
    reuse: Reuse | None,
) -> EngineRun:
    """Engine `name`'s run: on every row, or, with `reuse`, per-article checks on the changed rows
    and the last run's verdicts for the rest."""
    run = runner(name)
    previous = reuse.previous.get(name) if reuse is not None else None
    if reuse is None or previous is None or docs_dir is not None:
        return run(frames, checks, params=params, docs_dir=docs_dir)
    kept = [check for check in checks if per_article(check)]
    again = [check for check in checks if not per_article(check)]
    failures: Failures = {}
    notes: list[str] = []
    if again:
        whole = run(frames, again, params=params, docs_dir=None)
        failures.update(whole.failures)
        notes += whole.notes
    if kept and reuse.changed:
        changed = sorted(reuse.changed)
        subset = {table: frame[frame["file"].isin(changed)] for table, frame in frames.items()}
        part = run(subset, kept, params=params, docs_dir=None)
        notes += [note for note in part.notes if note not in notes]
    else:
        part = EngineRun({})
    for check in kept:
        found = {
            file: rule for file, rule in previous.get(check.id, {}).items() if file in reuse.unchanged
        } | part.failures.get(check.id, {})
        if found:
            failures[check.id] = found
    return EngineRun(failures, tuple(notes))
