"""`corpus-audit validate`: fixity, parsing, both engines, waivers, then the gate, in one report."""

from __future__ import annotations

import platform
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from expectations.catalogue import CATALOGUE, INVARIANTS, CheckSpec
from expectations.rules import rule_columns
from provenance import __version__
from provenance.corpus import parse_corpus
from provenance.fixity import verify_fixity
from provenance.outlets import load_registry
from provenance.results import Result, apply_waivers, engine_results, from_finding
from provenance.waivers import read_waivers

Engine = Literal["pandera", "gx"]
FailOn = Literal["error", "warning"]
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Audit:
    """The outcome of a validation run: the report (audit.json's content) and the gate's verdict."""

    report: dict[str, Any]
    ok: bool
    results: tuple[Result, ...]


def _json_value(value: Any) -> Any:
    import pandas as pd

    if value is None or pd.isna(value):  # NaN, NaT and pd.NA all mean "absent"
        return None
    if isinstance(value, str | bool):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value if isinstance(value, int | float) else str(value)


def _details(check: CheckSpec, frames: Mapping[str, Any], failing: set[str | None]) -> dict[str | None, dict[str, Any]]:
    """Per failing file, the values the check's rules read (what a steward needs to judge it)."""
    if check.table == "paragraphs":
        body = frames["paragraphs"]
        body = body[(body["role"] == "body") & body["file"].isin(failing)]
        repeated = body[body["duplicate_of"].notna()]
        return {
            str(file): {
                "repeated_lines": [int(n) for n in group["line"]],
                "repeats_of_index": [int(n) for n in group["duplicate_of"]],
            }
            for file, group in repeated.groupby("file")
        }
    columns = sorted({c for rule in check.rules for c in rule_columns(rule)} - {"run_at", "file"})
    articles = frames["articles"]
    articles = articles[articles["file"].isin(failing)].set_index("file")
    shown = [c for c in columns if c in articles.columns]
    return {str(f): {c: _json_value(v) for c, v in row.items()} for f, row in articles[shown].iterrows()}


def validate_corpus(
    corpus: Path,
    *,
    engines: Sequence[Engine] = ("pandera", "gx"),
    jobs: int = 1,
    fail_on: FailOn = "error",
    now: datetime | None = None,
    gx_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Audit:
    """Audit `corpus` end to end; raises ManifestError only when INDEX.md or WAIVERS.md is unusable."""
    started = now or datetime.now(UTC)
    stages: dict[str, float] = {}
    clock = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal clock
        stages[name] = round(time.perf_counter() - clock, 3)
        clock = time.perf_counter()
        if progress:
            progress(name)

    waivers = read_waivers(corpus)  # a malformed WAIVERS.md stops the run before any work
    fixity = verify_fixity(corpus, jobs=jobs)
    stage("fixity")
    registry = load_registry(corpus)
    tables = parse_corpus(corpus, jobs=jobs, registry=registry)
    stage("parse")

    from expectations.view import articles_view

    frames = {
        "articles": articles_view(
            tables.articles, outlet_started={k: o.started for k, o in registry.outlets.items()}, run_at=started
        ),
        "paragraphs": tables.paragraphs,
    }
    params = {"registry outlet ids": sorted(registry.outlets)}
    verdicts: dict[str, dict[str, dict[str | None, int]]] = {}
    notes: list[str] = []
    if "pandera" in engines:
        from expectations.engine_pandera import run_pandera

        verdicts["pandera"], notes = run_pandera(frames, INVARIANTS, params=params)
        stage("pandera")
    if "gx" in engines:
        from expectations.engine_gx import run_gx

        verdicts["gx"], _ = run_gx(frames, INVARIANTS, params=params, docs_dir=gx_dir)
        stage("gx")

    files = [str(f) for f in tables.articles["file"]]
    results = [from_finding(f) for f in fixity.results()]
    for check in INVARIANTS:
        ran = {e: verdicts[e].get(check.id, {}) for e in verdicts if e in check.engines}
        if not ran:
            continue
        failing = {f for failures in ran.values() for f in failures}
        details = _details(check, frames, failing) if failing else {}
        results += engine_results(check, files, ran, details=details, notes=notes)
    digests = {str(f): str(s) for f, s in zip(tables.articles["file"], tables.articles["sha256"], strict=True)}
    results = apply_waivers(results, waivers, digests=digests, today=started.date())
    stage("gate")
    counted = ("error", "warning") if fail_on == "warning" else ("error",)
    ok = not any(r.status == "failed" and r.severity in counted for r in results)
    report = build_report(
        corpus=corpus,
        fixity_pin=fixity.pin,
        results=results,
        ok=ok,
        started=started,
        stages=stages,
        engines=engines,
        fail_on=fail_on,
    )
    return Audit(report, ok, tuple(results))


def build_report(
    *,
    corpus: Path,
    fixity_pin: Any,
    results: Sequence[Result],
    ok: bool,
    started: datetime,
    stages: Mapping[str, float],
    engines: Sequence[str],
    fail_on: str,
) -> dict[str, Any]:
    """audit.json, schema_version 1: deterministic apart from the `run` block."""
    summary = {
        "passed": sum(r.status == "passed" for r in results),
        "failed": sum(r.status == "failed" and r.severity == "error" for r in results),
        "waived": sum(r.status == "waived" for r in results),
        "warnings": sum(r.status == "failed" and r.severity == "warning" for r in results),
    }
    used = {r.check for r in results}
    return {
        "schema_version": SCHEMA_VERSION,
        "ok": ok,
        "corpus": {
            "path": str(corpus),
            "files": fixity_pin.files,
            "bytes": fixity_pin.bytes,
            "digest": fixity_pin.digest,
        },
        "summary": summary,
        "checks": [
            {
                "id": spec.id,
                "title": spec.title,
                "description": spec.description,
                "severity": spec.severity,
                "engines": list(spec.engines),
                "unsupported": dict(spec.unsupported),
            }
            for spec in CATALOGUE.values()
            if spec.id in used
        ],
        "results": [r.as_dict() for r in results],
        "run": {
            "tool_version": __version__,
            "started": started.isoformat(timespec="seconds"),
            "seconds": round(sum(stages.values()), 3),
            "stages": dict(stages),
            "engines": list(engines),
            "fail_on": fail_on,
            "python": platform.python_version(),
            "libraries": {name: _version(name) for name in ("pandas", "pandera", "great-expectations", "pyarrow")},
        },
    }


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
