"""`corpus-audit validate`: fixity, parsing, both engines, the policy and waivers, then the gate, in one report."""

from __future__ import annotations

import functools
import platform
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from expectations.catalogue import CATALOGUE, ENGINE_NAMES, ENGINES, INVARIANTS, CheckSpec
from expectations.engines import EngineRun, Failures, columns_read, compared, runner
from expectations.messages import WORDINGS
from expectations.rules import UniqueWithin
from provenance import gcpause
from provenance._version import __version__
from provenance.audit.policy import NO_POLICY, Override, Policy
from provenance.audit.results import EngineVerdict, ResultSet, no_counts, tally
from provenance.audit.reuse import Reuse, prior, run_engine, verdict_digest
from provenance.audit.reuse import save as save_verdicts
from provenance.audit.waivers import read_waivers
from provenance.findings import Result
from provenance.fixity.statcache import StatCache
from provenance.fixity.verify import FixityReport, verify_fixity
from provenance.manifest.model import Row
from provenance.parallel import Forked
from provenance.parsing.cache import ParseCache
from provenance.parsing.corpus import MAX_ARTICLE_BYTES, known_articles, parse_corpus, source_of
from provenance.parsing.outlets import Registry, load_registry
from provenance.parsing.settings import DEFAULT, ParseSettings, Source
from provenance.parsing.tables import to_frame
from provenance.render.view import policy_notes, worst_first
from provenance.safeopen import read_beneath
from provenance.words import counted, number

FailOn = Literal["error", "warning"]
#: Where the tables live and the checks run: this process (and its workers), or a Spark session.
Backend = Literal["local", "spark"]
#: Which results audit.json lists one by one: "failed" (failed, waived and failed warnings; passed
#: ones only as counts per check) or "all" (every result, as schema_version 1 did).
ResultsListed = Literal["failed", "all"]
MAX_LINES = 40  # result lines `validate` prints; the rest is in audit.json
SCHEMA_VERSION = 2


@dataclass(frozen=True, slots=True)
class Audit:
    """A validation run: every result (streamed), the gate's verdict and the report's parts."""

    results: ResultSet
    ok: bool
    head: dict[str, Any]  # schema_version, ok, corpus, policy
    checks: list[dict[str, Any]]
    run: dict[str, Any]
    articles: list[dict[str, Any]]

    def notable(self) -> list[Result]:
        """Failed and waived results and waiver findings: what a steward reads first."""
        return self.results.notable()

    def text_lines(
        self,
        *,
        summary: Mapping[str, int],
        report: Path | None,
        html: Path | None = None,
        limit: int = MAX_LINES,
    ) -> list[str]:
        """What `validate` prints: failures, then warnings, then waived results, one line each (up to
        `limit`), the policy's overrides, the verdict, and where the reports are (audit.html last)."""

        def rank(result: Result) -> tuple[int, str, str]:
            kind = 2 if result.status == "waived" else (0 if result.severity == "error" else 1)
            return kind, result.file or "", result.check

        shown = sorted(self.notable(), key=rank)
        lines = []
        for result in shown[:limit]:
            if result.status == "waived":
                lines.append(f"  waived   {result.file or '-'}: {result.check}: {result.details['waiver']['reason']}")
            else:
                label = "FAILED " if result.severity == "error" else "warning"
                lines.append(f"  {label}  {result.file or '-'}: {result.check}: {result.message}")
        if len(shown) > limit:
            lines.append(f"  ... and {number(len(shown) - limit)} more (all in {report or 'the report'})")
        lines += [f"  policy   {note.text}" for note in policy_notes(self.head.get("policy"))]
        info = self.head["corpus"]
        if (scope := self.run.get("scope")) is not None:
            lines.append(
                f"  staged   {counted(scope, 'article')} of the commit judged, with INDEX.md; the rest as committed"
            )
        elif whole := self.run.get("whole"):
            lines.append(f"  staged   the whole corpus audited: {whole}")
        lines.append(
            f"validate {info['path']}: {counted(info['files'], 'file')}, corpus sha256 {info['digest'][:16]}: "
            f"{number(summary['passed'])} passed, {number(summary['failed'])} failed, "
            f"{number(summary['waived'])} waived, {counted(summary['warnings'], 'warning')}: "
            f"{'ok' if self.ok else 'FAILED'}"
        )
        if report is not None:
            lines.append(f"report: {report}")
        if html is not None:
            lines.append(f"open: {html}")
        return lines

    def report(self, *, results: ResultsListed = "failed") -> dict[str, Any]:
        """The whole report as one dict (small corpora, tests); audit_json.write_report streams it."""
        every = list(self.results)
        by_check: dict[str, dict[str, int]] = {}
        for result in every:
            tally(by_check.setdefault(result.check, no_counts()), status=result.status, severity=result.severity)
        listed = every if results == "all" else [r for r in every if r.status != "passed"]
        files = len({r.file for r in every if r.file is not None})
        head = self.report_head(summary=summarize(every), by_check=by_check, files=files, results=results)
        return {**head, "results": [r.as_dict() for r in listed], "articles": self.articles, "run": self.run}

    def report_head(
        self, *, summary: dict[str, int], by_check: Mapping[str, dict[str, int]], files: int, results: ResultsListed
    ) -> dict[str, Any]:
        """audit.json's keys before its results: the summary, what is listed, each check with its counts.

        `files` is the number of files with results (INDEX.md's, those on disk, those a waiver
        names); the results not listed are passed ones, counted in their check's entry.
        """
        checks = [{**entry, **by_check.get(entry["id"], no_counts())} for entry in self.checks]
        return {**self.head, "summary": summary, "results_listed": results, "files_checked": files, "checks": checks}


def summarize(results: Iterable[Result]) -> dict[str, int]:
    """passed, failed (errors), waived, warnings (failed warnings)."""
    counts = no_counts()
    for result in results:
        tally(counts, status=result.status, severity=result.severity)
    return counts


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


def _details(
    check: CheckSpec, frames: Mapping[str, Any], failing: set[str | None], *, reads: Sequence[str] = ()
) -> dict[str | None, dict[str, Any]]:
    """Per failing file, the evidence its message reads: the article columns the check's rules read
    (for a check on articles) and those its wording `reads`, then the other evidence it reads."""
    articles = frames["articles"]
    articles = articles[articles["file"].isin(failing)]
    own = set(check.columns) if check.table == "articles" else set()
    shown = sorted((own | {r for r in reads if r in articles.columns}) - {"run_at", "file"})
    files = [str(f) for f in articles["file"]]
    rows = zip(*[_json_column(articles[c]) for c in shown], strict=True) if shown else [()] * len(files)
    details: dict[str | None, dict[str, Any]] = {
        f: {c: excerpt(v) if isinstance(v, str) else v for c, v in zip(shown, row, strict=True)}
        for f, row in zip(files, rows, strict=True)
    }
    for names, facts in _EVIDENCE:
        wanted = [n for n in names if n in reads]
        if wanted:
            for file, found in facts(frames, failing).items():
                details.setdefault(file, {}).update({n: found[n] for n in wanted if n in found})
    return details


DETAILS_LISTED = 100  # line numbers or file names one result's details list
#: Finds facts for the failing files: {file: {name: value}}.
FindEvidence = Callable[[Mapping[str, Any], set[str | None]], dict[str | None, dict[str, Any]]]


def _repeats(frames: Mapping[str, Any], failing: set[str | None]) -> dict[str | None, dict[str, Any]]:
    """The repeated body paragraphs: their lines, and the index and line of the paragraph each repeats."""
    lines = frames["paragraphs"]
    lines = lines[lines["file"].isin(failing)]
    where = zip(lines["file"].astype(str), lines["index"].astype(int), strict=True)
    line_of = dict(zip(where, lines["line"].astype(int), strict=True))
    repeated = lines[(lines["role"] == "body") & lines["duplicate_of"].notna()]
    found: dict[str | None, dict[str, Any]] = {}
    for file, group in repeated.groupby("file"):
        of = [int(n) for n in group["duplicate_of"]][:DETAILS_LISTED]
        found[str(file)] = {
            "repeated_lines": [int(n) for n in group["line"]][:DETAILS_LISTED],
            "repeats_of_index": of,
            "repeats_of_lines": [line_of[str(file), n] for n in of],
        }
    return found


def _boilerplate_lines(frames: Mapping[str, Any], failing: set[str | None]) -> dict[str | None, dict[str, Any]]:
    """The lines scraped from the page around the article (boilerplate and related links)."""
    lines = frames["paragraphs"]
    lines = lines[lines["file"].isin(failing) & lines["role"].isin(("boilerplate", "related"))]
    return {
        str(file): {"boilerplate_lines": [int(n) for n in group["line"]][:DETAILS_LISTED]}
        for file, group in lines.groupby("file")
    }


def _unknown_roles(frames: Mapping[str, Any], failing: set[str | None]) -> dict[str | None, dict[str, Any]]:
    """The lines whose role is none of the documented ones: [line, role] (role None when empty)."""
    from expectations.columns import ROLES

    lines = frames["paragraphs"]
    lines = lines[lines["file"].isin(failing) & ~lines["role"].isin(ROLES).fillna(False)]
    return {
        str(file): {
            "unknown_roles": [
                [int(n), excerpt(r, 80) if isinstance(r, str) else None]
                for n, r in zip(group["line"], _json_column(group["role"]), strict=True)
            ][:DETAILS_LISTED]
        }
        for file, group in lines.groupby("file")
    }


def _same_body(frames: Mapping[str, Any], failing: set[str | None]) -> dict[str | None, dict[str, Any]]:
    """The other files with the same normalized body: the first ones by name, and how many in all
    (with `validate --staged`, among the staged articles and the rest of the corpus)."""
    import pandas as pd

    articles = frames["articles"]
    keys = articles.loc[articles["file"].isin(failing), "body_key"].dropna().unique()
    if "outside" in frames:
        articles = pd.concat([articles[["file", "body_key"]], frames["outside"][["file", "body_key"]]])
    same = articles[articles["body_key"].isin(keys)]
    by_key: dict[str, list[str]] = {}
    for file, key in zip(same["file"].astype(str), same["body_key"].astype(str), strict=True):
        by_key.setdefault(key, []).append(file)
    found: dict[str | None, dict[str, Any]] = {}
    for files in by_key.values():
        files.sort()
        for file in files:
            if file in failing:
                others = [other for other in files[: DETAILS_LISTED + 1] if other != file][:DETAILS_LISTED]
                found[file] = {"same_body_as": [excerpt(o, 200) for o in others], "same_body_count": len(files) - 1}
    return found


def _title_chars(frames: Mapping[str, Any], failing: set[str | None]) -> dict[str | None, dict[str, Any]]:
    """The title's length in characters (the title itself is quoted cut short)."""
    articles = frames["articles"]
    articles = articles[articles["file"].isin(failing) & articles["title"].notna()]
    return {str(f): {"title_chars": int(n)} for f, n in zip(articles["file"], articles["title"].str.len(), strict=True)}


#: Evidence a check's wording may read (expectations/messages.py) beyond the articles table's columns,
#: found in the paragraphs table or across the corpus: the names each gives, and how it finds them.
_EVIDENCE: tuple[tuple[tuple[str, ...], FindEvidence], ...] = (
    (("repeated_lines", "repeats_of_index", "repeats_of_lines"), _repeats),
    (("boilerplate_lines",), _boilerplate_lines),
    (("unknown_roles",), _unknown_roles),
    (("same_body_as", "same_body_count"), _same_body),
    (("title_chars",), _title_chars),
)
#: Every name of that evidence, for the test that each name a wording reads is collected.
EVIDENCE_NAMES = frozenset(name for names, _ in _EVIDENCE for name in names)


class _Stages:
    """The stages' times, in the order they end; `progress` hears each one's name as it does."""

    def __init__(self, progress: Callable[[str], None] | None) -> None:
        self.seconds: dict[str, float] = {}
        self._progress = progress
        self._clock = time.perf_counter()

    def __call__(self, name: str, seconds: float | None = None) -> None:
        """Stage `name` is done: it took `seconds` (its own, run aside) or the time since the last."""
        now = time.perf_counter()
        self.seconds[name] = round(now - self._clock if seconds is None else seconds, 3)
        self._clock = now
        if self._progress:
            self._progress(name)


def validate_corpus(
    corpus: Path,
    *,
    engines: Sequence[str] = ENGINE_NAMES,
    jobs: int = 1,
    fail_on: FailOn = "error",
    now: datetime | None = None,
    gx_docs: Path | None = None,
    progress: Callable[[str], None] | None = None,
    max_bytes: int | None = None,
    settings: ParseSettings = DEFAULT,
    policy: Policy = NO_POLICY,
    count: Callable[[int], None] | None = None,
    articles_listed: ResultsListed = "failed",
    cache: ParseCache | None = None,
    stats: StatCache | None = None,
    facts: bool = True,
    strict: bool = False,
    scope: Collection[str] | None = None,
    backend: Backend = "local",
    master: str | None = None,
    metadata: Path | None = None,
    session_seconds: float | None = None,
) -> Audit:
    """Audit `corpus` end to end; raises ManifestError only when INDEX.md or WAIVERS.md is unusable.

    `settings` tell the parser how to read the articles (usually `policy.settings`); `policy`'s
    severity overrides are applied by the gate, and the checks it switches off are not run.
    `progress` hears each stage's name when it is done; `count`, the files done within the
    fixity and parse stages. The report's articles are those with findings ("failed") or every
    parsed one ("all"), and none without `facts` (a run that writes no report, like the hooks',
    reads no article twice for them); its head's `breakdown` counts every article by outlet, agency, language and
    month either way. With a parse `cache`, an article whose bytes (as fixity hashed them this
    run), INDEX.md facts, settings, outlets.toml and parser are those of a cached parse is not
    parsed again: the verdict is the one a cold run gives. `strict` also fails the audit when
    INDEX.md is not what `corpus-audit index` writes (manifest.current), as `verify --strict` does.

    With a `scope` (`validate --staged`: the paths a commit touches; staged.py), only those files
    are checked, parsed and judged, with INDEX.md's own checks, and the articles are compared for
    duplicates with the rest of the corpus as the parse cache's snapshot holds it. Without such a
    snapshot of every other listed file, the whole corpus is audited instead.

    With `backend` "spark", files are hashed and parsed and the engines run on a Spark session on
    `master` (provenance.spark; no cache, no scope); the report is the local backend's, less its
    `run` block. `corpus` may then be a URI Spark reads, whose metadata files were copied to the
    local folder `metadata`; `session_seconds`, the time the caller took to start the session and
    copy them, is the first stage, "session".
    """
    started = now or datetime.now(UTC)
    checks = tuple(c for c in INVARIANTS if c.id not in policy.switched_off(started.date()))
    stage = _Stages(progress)
    if session_seconds is not None:
        stage("session", session_seconds)

    waivers = read_waivers(metadata or corpus)  # a malformed WAIVERS.md stops the run before any work
    run = {"engines": list(engines), "fail_on": fail_on, "jobs": jobs, "backend": backend}
    gate = functools.partial(
        _audit,
        corpus,
        policy=policy,
        started=started,
        fail_on=fail_on,
        facts=facts,
        articles_listed=articles_listed,
        settings=settings,
        stage=stage,
    )
    if backend == "spark":
        from provenance.audit.on_spark import judge_on_spark

        with judge_on_spark(
            corpus,
            master=master,
            metadata=metadata,
            checks=checks,
            engines=engines,
            settings=settings,
            max_bytes=max_bytes or MAX_ARTICLE_BYTES,
            strict=strict,
            run_at=started,
            gx_docs=gx_docs,
            stage=stage,
            verdicts_of=_verdicts,
            jobs=jobs,
        ) as judged:
            return gate(judged, waivers=waivers, run=run | {"master": master})
    ready = standby(engines, jobs=jobs)  # GX importing in a child while fixity hashes and the parser parses
    fixity = verify_fixity(corpus, jobs=jobs, progress=count, stats=stats, strict=strict, scope=scope)
    registry = load_registry(corpus)
    outside = None
    if scope is not None:
        fixity, outside, cache = _outside_scope(
            corpus,
            fixity,
            cache=cache,
            registry=registry,
            settings=settings,
            max_bytes=max_bytes,
            jobs=jobs,
            progress=count,
            stats=stats,
            strict=strict,
        )
    stage("fixity")
    tables = parse_corpus(
        corpus,
        jobs=jobs,
        registry=registry,
        lean=True,
        rows=fixity.manifest.rows,
        max_bytes=max_bytes or MAX_ARTICLE_BYTES,
        settings=settings,
        progress=count,
        cache=cache,
        digests={file: sha for file, sha, _ in fixity.manifest.rows.triples() if file not in fixity.differing},
    )
    # The bytes parsed were read again, beneath the corpus: a file changed since the walk hashed it fails.
    rows = tables.articles
    parsed = zip(
        rows["file"].astype(str).tolist(), rows["bytes"].tolist(), rows["sha256"].astype(str).tolist(), strict=True
    )
    fixity = fixity.with_changed_since({file: (int(size), digest) for file, size, digest in parsed})
    stage("parse")
    from expectations.view import articles_view

    started_by_outlet = {k: o.started for k, o in registry.outlets.items()}
    frames = {
        "articles": articles_view(tables.articles, outlet_started=started_by_outlet, run_at=started),
        "paragraphs": tables.paragraphs,
    }
    params = {"registry outlet ids": sorted(registry.outlets)}
    digest = verdict_digest(checks, params) if cache is not None else ""
    reuse = prior(cache, corpus, tables, digest) if cache is not None else None
    with gcpause.frozen():  # the engines make many short-lived objects: leave the heap so far unscanned
        runs = _run_engines(
            frames,
            checks=checks,
            engines=engines,
            params=params,
            gx_docs=gx_docs,
            stage=stage,
            jobs=jobs,
            reuse=reuse,
            ready=ready,
        )
    if cache is not None:
        save_verdicts(cache, corpus, tables, digest=digest, runs=runs, checks=checks)
    verdicts = _verdicts(runs, checks=checks, frames=frames, outside=outside)
    articles = tables.articles["file"].astype(str).tolist()
    judged = Judged(
        fixity=fixity,
        verdicts=verdicts,
        articles=articles,
        digests=functools.partial(_digests_of, tables.articles),
        breakdown=breakdown(tables.articles),
        rows=lambda _files: tables.articles,
        registry=registry,
        scope=None if outside is None else len(tables.articles),  # validate --staged: articles judged
    )
    scoped = waivers if outside is None else [w for w in waivers if w.file in (scope or ())]  # the scope's
    return gate(judged, waivers=scoped, run=run)


def _sources_of(rows: Iterable[Row], files: Collection[str], *, settings: ParseSettings) -> dict[str, Source]:
    """The INDEX.md facts of `files` only (those whose lines the report shows), not one per row."""
    wanted = set(files)
    return {row.file: source_of(row, settings=settings) for row in rows if row.file in wanted}


def _digests_of(articles: Any, files: Collection[str]) -> dict[str, str]:
    """The sha256 of the bytes parsed of each of `files` that is a row of `articles` (pandas)."""
    wanted = articles[articles["file"].isin(list(files))]
    return dict(zip(wanted["file"].astype(str).tolist(), wanted["sha256"].astype(str).tolist(), strict=True))


@dataclass(frozen=True, slots=True)
class Judged:
    """What a backend found: fixity, each check's verdict and what the report needs of the articles."""

    fixity: FixityReport
    verdicts: list[EngineVerdict]
    articles: list[str]  # every parsed article's file, in file order
    #: {file: sha256 of the bytes parsed} of the articles among the files given (the waivers' files).
    digests: Callable[[Collection[str]], Mapping[str, str]]
    breakdown: dict[str, list[dict[str, Any]]]
    #: The articles table's rows of these files (None: every one), as pandas: may give more rows.
    rows: Callable[[Sequence[str] | None], Any]
    registry: Registry
    scope: int | None = None
    #: The bytes of a corpus file, for the lines the report shows (OSError when it cannot be read);
    #: None: read beneath the local folder. Spark gives its reader for a corpus on a store.
    read: Callable[[str], bytes] | None = None


def _audit(
    corpus: Path,
    judged: Judged,
    *,
    waivers: Sequence[Any],
    policy: Policy,
    started: datetime,
    fail_on: FailOn,
    facts: bool,
    articles_listed: ResultsListed,
    settings: ParseSettings,
    stage: _Stages,
    run: dict[str, Any],
) -> Audit:
    """The gate over a backend's findings, the policy and the waivers, as the report's parts."""
    fixity, verdicts = judged.fixity, judged.verdicts
    digests = judged.digests({w.file for w in waivers})
    in_force = policy.in_force(started.date())
    results = ResultSet(
        fixity=fixity,
        verdicts=verdicts,
        articles=judged.articles,
        waivers=list(waivers),
        digests=digests,
        today=started.date(),
        overrides=policy.overrides,
    )
    counted = ("error", "warning") if fail_on == "warning" else ("error",)
    notable = results.notable()
    ok = not any(r.status == "failed" and r.severity in counted for r in notable)
    stage("gate")
    used = {r.check for r in notable} | {v.check.id for v in verdicts} | {f.check for f in fixity.results_for(None)}
    used |= set(fixity.checks_for_matching_file())  # every listed file ran these, whatever it gave
    used |= set(in_force)  # a check that is off is listed as off, with the reason
    pin = fixity.pin
    # The articles whose lines the report carries: the most serious first, as audit.html lists them.
    findings = ({"file": r.file, "status": r.status, "severity": r.severity} for r in notable)
    flagged = [file for file in worst_first(findings) if file in results.articles]
    listed = None if articles_listed == "all" else set(flagged)
    article_facts = (
        _article_facts(
            judged.read or functools.partial(read_beneath, corpus, limit=MAX_ARTICLE_BYTES),
            judged.rows(None if listed is None else sorted(listed)),
            flagged[:DETAIL_LIMIT],
            listed=listed,
            registry=judged.registry,
            sources=_sources_of(fixity.manifest.rows, flagged[:DETAIL_LIMIT], settings=settings),
            settings=settings,
        )
        if facts
        else []
    )
    return Audit(
        results=results,
        ok=ok,
        head={
            "schema_version": SCHEMA_VERSION,
            "ok": ok,
            "corpus": {"path": str(corpus), "files": pin.files, "bytes": pin.bytes, "digest": pin.digest},
            "policy": policy.block(started.date()),
            "breakdown": judged.breakdown,
        },
        checks=[_check_entry(spec, in_force.get(spec.id)) for spec in CATALOGUE.values() if spec.id in used],
        run={
            "tool_version": __version__,
            "started": started.isoformat(timespec="seconds"),
            "scope": judged.scope,
            "stages": stage.seconds,
            **run,
            "python": platform.python_version(),
            "libraries": {name: _version(name) for name in ("pandas", "pandera", "great-expectations", "pyarrow")},
        },
        articles=article_facts,
    )


def _aside(engines: Sequence[str], jobs: int) -> str | None:
    """The engine that runs in a forked child beside the others: the slowest (GX: seconds to
    import, then its validation graph), with two or more jobs and more than one engine."""
    chosen = [name for name in ENGINE_NAMES if name in engines]
    heavy = [name for name in chosen if ENGINES[name].heavy]
    return heavy[0] if jobs > 1 and len(chosen) > 1 and heavy else None


def standby(engines: Sequence[str], *, jobs: int) -> Forked | None:
    """A child that imports the engine `_run_engines` will run aside, started before fixity so the
    import overlaps hashing and parsing; None when none runs aside. Dropped unused, it ends."""
    aside = _aside(engines, jobs)
    return Forked(prepare=functools.partial(runner, aside)) if aside else None


def _timed(
    name: str,
    *,
    frames: Mapping[str, Any],
    checks: Sequence[CheckSpec],
    params: Mapping[str, Any],
    docs: Path | None,
    reuse: Reuse | None,
) -> tuple[EngineRun, float]:
    """Engine `name`'s run and its seconds (module level: sent pickled to a standby child)."""
    clock = time.perf_counter()
    run = run_engine(name, frames, checks, params=params, docs_dir=docs, reuse=reuse)
    return run, time.perf_counter() - clock


def _run_engines(
    frames: Mapping[str, Any],
    *,
    checks: Sequence[CheckSpec],
    engines: Sequence[str],
    params: Mapping[str, Any],
    gx_docs: Path | None,
    stage: _Stages,
    jobs: int = 1,
    reuse: Reuse | None = None,
    ready: Forked | None = None,
) -> dict[str, EngineRun]:
    """Each engine's run: its failures ({check id: {file: rule}}) and structure notes, in the
    catalogue's order. With `reuse`, per-article checks judge only the changed articles (reuse.py).

    With two or more jobs and more than one engine, GX (the slowest: seconds to import, then its
    validation graph) runs in a forked child while the others run here. Given `ready` (`standby`:
    a child that has been importing it since the run began), the columns it reads are sent there;
    otherwise a child is forked now and shares the tables. Only the failures come back. Each
    engine's stage time is its own. GX is imported in a child, never by a thread here: a thread
    importing while the parser's workers were forked left them waiting forever on the import lock.
    """
    chosen = [name for name in ENGINE_NAMES if name in engines]  # the catalogue's order
    aside = _aside(engines, jobs)

    def engine(name: str, tables: Mapping[str, Any] = frames) -> functools.partial[tuple[EngineRun, float]]:
        docs = gx_docs if ENGINES[name].data_docs else None  # the others still reuse verdicts
        return functools.partial(_timed, name, frames=tables, checks=checks, params=params, docs=docs, reuse=reuse)

    child = None
    if aside is not None and ready is not None:
        read = {table: frame[columns_read(frame, checks, table=table)] for table, frame in frames.items()}
        ready.submit(engine(aside, read))
        child = ready
    elif aside is not None:
        child = Forked(engine(aside))
    runs: dict[str, EngineRun] = {}
    try:
        for name in chosen:
            if name != aside:
                runs[name] = engine(name)()[0]
                stage(name)
        if child is not None and aside is not None:
            runs[aside], seconds = child.result()
            child = None
            stage(aside, seconds)
    finally:
        if child is not None:  # interrupted, or an engine here failed: the child's work is moot
            child.stop()
    return {name: runs[name] for name in chosen}


#: The columns of the uniqueness rules across the articles table (duplicate articles): what
#: `validate --staged` reads of the articles outside its scope.
_ACROSS = tuple(
    dict.fromkeys(
        column
        for check in INVARIANTS
        if check.table == "articles"
        for rule in check.rules
        if isinstance(rule, UniqueWithin) and "file" not in rule.columns
        for column in rule.reads
    )
)


def _verdicts(
    runs: Mapping[str, EngineRun], *, checks: Sequence[CheckSpec], frames: dict[str, Any], outside: Any
) -> list[EngineVerdict]:
    """Each check's verdict from the engines' runs, with the evidence of every failing file; with
    `outside` (validate --staged), scoped articles that repeat one outside the scope fail too."""
    failures = {name: dict(run.failures) for name, run in runs.items()}
    if outside is not None:
        _duplicates_outside(failures, checks=checks, articles=frames["articles"], outside=outside)
        frames = {**frames, "outside": outside}  # the details name the other files
    notes = tuple(note for run in runs.values() for note in run.notes)
    verdicts = []
    for check in checks:
        ran = {e: failures[e].get(check.id, {}) for e in failures if e in check.engines}
        if ran:
            failing = {f for files in ran.values() for f in files}
            wording = WORDINGS.get(check.id)
            reads = wording.reads if wording else ()
            details = _details(check, frames, failing, reads=reads) if failing else {}
            verdicts.append(EngineVerdict(check, ran, details, notes))
    return verdicts


def _outside_scope(
    corpus: Path,
    fixity: FixityReport,
    *,
    cache: ParseCache | None,
    registry: Registry,
    settings: ParseSettings,
    max_bytes: int | None,
    jobs: int,
    progress: Callable[[int], None] | None,
    stats: StatCache | None,
    strict: bool,
) -> tuple[FixityReport, Any, ParseCache | None]:
    """For a scoped fixity report: the articles outside the scope as the parse cache's snapshot
    holds them (the columns duplicates are judged on), and no cache for the rest of the run, whose
    tables are a part of the corpus. Without such a snapshot of every other listed file, the
    report of the whole corpus instead, no outside articles, and the cache."""
    found = None
    if cache is not None:
        limit = max_bytes or MAX_ARTICLE_BYTES
        found = known_articles(
            corpus,
            rows=fixity.outside,
            cache=cache,
            registry=registry,
            settings=settings,
            max_bytes=limit,
            columns=["file", *_ACROSS],
        )
    if found is None:  # the rest of the corpus is not known: audit it all
        return verify_fixity(corpus, jobs=jobs, progress=progress, stats=stats, strict=strict), None, cache
    return fixity, to_frame(found), None


def _duplicates_outside(
    failures: dict[str, Failures], *, checks: Sequence[CheckSpec], articles: Any, outside: Any
) -> None:
    """Add to each engine's failures the scoped articles that repeat, under a uniqueness rule across
    the articles table, an article outside the scope: what a run on the whole corpus finds for them."""
    for check in checks:
        for rank, rule in enumerate(check.rules):  # numbered as the engines number them, from 0
            if check.table != "articles" or not isinstance(rule, UniqueWithin) or "file" in rule.columns:
                continue
            theirs = {
                tuple(key) for key in zip(*(_keyed(outside, rule)[c].tolist() for c in rule.columns), strict=True)
            }
            mine = _keyed(articles, rule)
            keyed = zip(mine["file"].astype(str).tolist(), *(mine[c].tolist() for c in rule.columns), strict=True)
            hits = [file for file, *key in keyed if tuple(key) in theirs]
            for engine, found in failures.items():
                if engine in check.engines and hits:
                    judged = dict(found.get(check.id, {}))
                    for file in hits:
                        judged[file] = min(judged.get(file, rank), rank)
                    found[check.id] = judged


def _keyed(frame: Any, rule: UniqueWithin) -> Any:
    """The rows a uniqueness rule compares (engines.compared): file, then key."""
    return frame.loc[compared(frame, rule), ["file", *rule.columns]]


DETAIL_LIMIT = 500  # articles whose lines the report carries (the most serious first: render.view.worst_first)
LINES_SHOWN = 400  # lines of one article the report carries
EXCERPT_CHARS = 2000  # characters of one line or fact the report quotes
_FACTS = (
    "file",
    "sha256",
    "bytes",
    "outlet",
    "outlet_source",
    "agency",
    "title",
    "published_at",
    "published_source",
    "published_raw",
    "published_tz_assumed",
    "updated_at",
    "dateline",
    "byline",
    "source_line",
    "language",
    "paragraph_count",
    "duplicate_paragraph_count",
)


def _article_facts(
    read: Callable[[str], bytes],
    articles: Any,
    detailed: Sequence[str],
    *,
    listed: set[str] | None,
    registry: Any,
    sources: Mapping[str, Source],
    settings: ParseSettings,
) -> list[dict[str, Any]]:
    """The facts a steward reads of each article in `listed` (None: every one), and the lines of
    those in `detailed` (the most serious flagged ones, up to a limit).

    The lines are read again by `read` (locally beneath the corpus, safeopen: no link followed, no
    FIFO opened) and shown only when the bytes are the ones parsed (same sha256); every text is a
    bounded excerpt.
    """
    from hashlib import sha256

    from provenance.parsing.article import parse_article

    digests = dict(zip(articles["file"].astype(str), articles["sha256"].astype(str), strict=True))
    lines: dict[str, list[dict[str, Any]]] = {}
    for file in detailed:
        try:
            data = read(file)
        except OSError:
            continue
        if sha256(data).hexdigest() != digests.get(file):
            continue  # changed since it was parsed: show nothing rather than other bytes
        parsed = parse_article(data, file=file, registry=registry, source=sources.get(file), settings=settings)
        lines[file] = [
            {"line": r["line"], "role": r["role"], "text": excerpt(r["text"]), "duplicate_of": r["duplicate_of"]}
            for r in parsed.paragraphs[:LINES_SHOWN]
        ]
    if listed is not None:
        articles = articles[articles["file"].astype(str).isin(listed)]
    columns = [_json_column(articles[name]) for name in _FACTS]
    facts = []
    for row in zip(*columns, strict=True):
        item = {
            name: excerpt(value) if isinstance(value, str) else value for name, value in zip(_FACTS, row, strict=True)
        }
        if item["file"] in lines:
            item["lines"] = lines[item["file"]]
        facts.append(item)
    return facts


#: What the head's breakdown counts articles by: {name: column}; a month is the local publication time's.
BREAKDOWN = {"outlet": "outlet", "agency": "agency", "language": "language", "month": "published_local"}


def breakdown(articles: Any) -> dict[str, list[dict[str, Any]]]:
    """Every parsed article counted by outlet, agency, language and month of publication.

    Each is a list of {"value", "articles"}, the most articles first, then by value; a value
    the parser could not tell is null (listed last among equals). The charts of audit.html are
    drawn from it, so they cover the whole corpus while the report lists only flagged articles.
    """
    import pandas as pd

    counted: dict[str, list[dict[str, Any]]] = {}
    for name, column in BREAKDOWN.items():
        series = articles[column]
        if name == "month":  # as the article's own clock reads (UTC where only that is known)
            stamps = series.fillna(articles["published_at"].dt.tz_localize(None))
            series = stamps.dt.strftime("%Y-%m").where(stamps.notna(), None)
        values = series.astype(object).where(series.notna(), None)
        tally = values.value_counts(dropna=False)
        pairs = [(None if pd.isna(value) else str(value), int(n)) for value, n in tally.items()]
        pairs.sort(key=lambda pair: (-pair[1], pair[0] is None, pair[0] or ""))
        counted[name] = [{"value": value, "articles": n} for value, n in pairs]
    return counted


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most `limit` characters of `text`, with an ellipsis and the full length when cut."""
    return text if len(text) <= limit else f"{text[:limit]}… [{len(text):,} characters in all]"


def _json_column(series: Any) -> list[Any]:
    """A column's values as JSON values, as _json_value gives them, converted column by column."""
    import pandas as pd

    values = series.astype(object).where(series.notna(), None).tolist()
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series.dtype):
        return [None if v is None else v.isoformat() for v in values]
    return [_json_value(v) if v is not None and not isinstance(v, str | bool | int | float) else v for v in values]


def _check_entry(spec: CheckSpec, override: Override | None) -> dict[str, Any]:
    """A check as the report lists it: `severity` is the one in force, the policy's where it overrides."""
    entry: dict[str, Any] = {
        "id": spec.id,
        "title": spec.title,
        "description": spec.description,
        "severity": override.severity if override else spec.severity,
        "scope": spec.scope,
        "engines": list(spec.engines),
        "unsupported": dict(spec.unsupported),
    }
    if override is not None:
        entry["override"] = {
            "catalogue_severity": spec.severity,
            "reason": override.reason,
            "expires": override.expires.isoformat() if override.expires else None,
        }
    return entry


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
