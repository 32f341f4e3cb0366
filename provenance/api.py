"""The library's public functions, one per command: typed, keyword-only, never printing or exiting.

Each accepts the corpus as a `str` or any path-like. Heavy modules (pandas, pyarrow, pandera, GX)
are imported only by the functions that need them, so `verify` and `index` stay fast.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from provenance.atomic import check_folder, staging
from provenance.errors import ExportRefusedError, UsageError

if TYPE_CHECKING:
    from provenance.audit.publish import Published
    from provenance.audit.validate import Audit, FailOn, ResultsListed
    from provenance.fixity.inventory import IndexUpdate
    from provenance.fixity.statcache import StatCache
    from provenance.fixity.verify import Depth, FixityReport
    from provenance.parsing.cache import ParseCache
    from provenance.parsing.tables import Format, TableBatch

StrPath = str | os.PathLike[str]
ReportFormat = Literal["html", "md", "junit"]
#: Where the tables live and the checks run (validate.Backend): this process, or a Spark session.
Backend = Literal["local", "spark"]


def _corpus_dir(corpus: StrPath) -> Path:
    path = Path(corpus)
    if not path.is_dir():
        raise UsageError(f"{corpus}: not a directory")
    return path


def _output_dir(path: StrPath) -> Path:
    """A folder to write into, checked before any work: it must be one or be creatable."""
    return check_folder(Path(path))


def verify(
    corpus: StrPath,
    *,
    depth: Depth = "sha256",
    strict: bool = False,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    stats: StatCache | None = None,
) -> FixityReport:
    """Check every file of `corpus` against its INDEX.md (`depth` "size" skips hashing).

    `strict` also fails when INDEX.md is not exactly what `index` writes. With `stats` (from
    `open_stats`: the hook path, never CI), a file whose size, times and inode are as when it was
    last hashed is not read again. Raises ManifestError when INDEX.md itself is missing or malformed.
    """
    from provenance.fixity.verify import verify_fixity

    root = _corpus_dir(corpus)
    return verify_fixity(root, jobs=jobs, depth=depth, strict=strict, progress=progress, stats=stats)


@dataclass(frozen=True, slots=True)
class Indexed:
    """What `index` planned, and whether it wrote INDEX.md."""

    update: IndexUpdate
    wrote: bool


def index(
    corpus: StrPath, *, check: bool = False, jobs: int = 1, progress: Callable[[int], None] | None = None
) -> Indexed:
    """Create or update `corpus`/INDEX.md from the files on disk (with `check`, write nothing)."""
    from provenance.fixity.inventory import plan_index, write_index

    update = plan_index(_corpus_dir(corpus), jobs=jobs, progress=progress)
    return Indexed(update, wrote=False if check else write_index(update))


@dataclass(frozen=True, slots=True)
class Initialized:
    """What `init` wrote (and kept: files that were there already), and the INDEX.md it planned."""

    wrote: tuple[Path, ...]
    kept: tuple[Path, ...]
    index: IndexUpdate | None  # None when INDEX.md was there already


def init(corpus: StrPath, *, jobs: int = 1, progress: Callable[[int], None] | None = None) -> Initialized:
    """Start a corpus in `corpus`, creating the folder if need be: INDEX.md as `index` writes it and a
    commented starter corpus-audit.toml, each only if it is not there. Nothing is overwritten: with
    both there already, raises UsageError and changes nothing.
    """
    from provenance.atomic import make_folder, write_atomic
    from provenance.audit.policy import POLICY_NAME, starter_policy
    from provenance.fixity.inventory import plan_index, write_index
    from provenance.manifest.model import INDEX_NAME

    root = Path(corpus)
    index_file, policy_file = root / INDEX_NAME, root / POLICY_NAME
    kept = tuple(path for path in (index_file, policy_file) if os.path.lexists(path))  # a link counts: never replaced
    if len(kept) == 2:
        raise UsageError(
            f"{root}: already has {INDEX_NAME} and {POLICY_NAME}; init overwrites nothing "
            f"(`corpus-audit index {root}` updates INDEX.md)"
        )
    make_folder(root)
    wrote: list[Path] = []
    if policy_file not in kept:  # first, so the policy is there before anything reads the folder
        write_atomic(policy_file, starter_policy())
        wrote.append(policy_file)
    update = None
    if index_file not in kept:
        update = plan_index(root, jobs=jobs, progress=progress)
        write_index(update)
        wrote.append(index_file)
    return Initialized(tuple(wrote), kept, update)


@dataclass(frozen=True, slots=True)
class Parsed:
    """The tables `parse` wrote, and how many articles had parse problems."""

    tables: dict[str, Path]
    with_problems: int


def parse(
    corpus: StrPath,
    *,
    out: StrPath,
    fmt: Format = "parquet",
    jobs: int = 1,
    max_bytes: int | None = None,
    progress: Callable[[int], None] | None = None,
    backend: Backend = "local",
    master: str | None = None,
) -> Parsed:
    """Parse every article of `corpus` into OUT/articles and OUT/paragraphs (both or neither).

    The articles are read as the corpus's corpus-audit.toml says (encoding, zone, date order,
    INDEX.md columns); a malformed one raises ManifestError before anything is parsed.
    `provenance.parsing.corpus.parse_corpus` gives the same tables as DataFrames, writing nothing.

    With `backend` "spark", the files are read, hashed and parsed on a Spark session on `master`
    (default local[*]), `corpus` may be any URI Spark reads (hdfs://, s3a://), and each table is
    written by the executors as a Parquet folder (OUT/articles.parquet/part-*.parquet).
    """
    from provenance.audit.policy import read_policy
    from provenance.parsing.corpus import MAX_ARTICLE_BYTES, iter_batches
    from provenance.parsing.tables import write_tables

    limit = max_bytes or MAX_ARTICLE_BYTES
    if backend == "spark":
        return _parse_on_spark(corpus, out=out, fmt=fmt, max_bytes=limit, master=master, jobs=jobs)
    _local_only(backend, master)
    root, folder = _corpus_dir(corpus), _output_dir(out)
    settings = read_policy(root).settings
    problems = 0

    def counted() -> Iterator[TableBatch]:
        nonlocal problems
        for batch in iter_batches(root, jobs=jobs, progress=progress, max_bytes=limit, settings=settings):
            problems += batch.with_problems
            yield batch

    written = write_tables(counted(), out=folder, fmt=fmt)
    return Parsed(written, problems)


def _local_only(backend: str, master: str | None) -> None:
    if backend not in ("local", "spark"):
        raise UsageError(f"unknown backend {backend!r}: expected local or spark")
    if master is not None:
        raise UsageError("--master is for --backend spark")


@contextlib.contextmanager
def _spark_corpus(corpus: StrPath, *, master: str | None) -> Iterator[tuple[Any, str | Path, Path]]:
    """A Spark session for `corpus`, the corpus as Spark is given it (a folder or a URI), and a local
    folder holding its metadata files (the folder itself, or a copy of a URI's): checked, in that
    order, before any file is read."""
    from provenance.spark.corpus import fetch_metadata, is_uri, local_folder
    from provenance.spark.session import DEFAULT_MASTER, check_master, spark_session

    chosen = master or DEFAULT_MASTER
    check_master(chosen)
    text = os.fspath(corpus)
    if not is_uri(text):
        _corpus_dir(corpus)  # before a JVM starts
    with spark_session(master=chosen) as spark:
        if (folder := local_folder(spark, text)) is not None:  # a path, or a file: URI
            if not folder.is_dir():
                raise UsageError(f"{text}: not a directory")
            yield spark, folder, folder
            return
        with tempfile.TemporaryDirectory(prefix="corpus-audit-metadata-") as meta:
            yield spark, text, fetch_metadata(spark, text, into=Path(meta))


def _parse_on_spark(
    corpus: StrPath, *, out: StrPath, fmt: Format, max_bytes: int, master: str | None, jobs: int
) -> Parsed:
    """parse on Spark (see parse)."""
    from provenance.audit.policy import read_policy
    from provenance.spark.corpus import read_corpus
    from provenance.spark.output import problem_count, write_parquet

    if fmt != "parquet":
        raise UsageError("--backend spark writes Parquet folders only: use --format parquet")
    folder = _output_dir(out)
    with _spark_corpus(corpus, master=master) as (spark, where, meta):
        settings = read_policy(meta).settings  # a malformed policy stops the run before any file is read
        tables = read_corpus(spark, where, settings=settings, max_bytes=max_bytes, require_index=False, jobs=jobs)
        try:
            written = write_parquet({"articles": tables.articles, "paragraphs": tables.paragraphs}, out=folder)
            return Parsed(written, problem_count(tables.articles))
        finally:
            tables.release()


@dataclass(frozen=True, slots=True)
class Validated:
    """A validation run, and the report folder it wrote (None with no `report_dir`)."""

    audit: Audit
    published: Published | None
    summary: dict[str, int]


def validate(
    corpus: StrPath,
    *,
    report_dir: StrPath | None = None,
    engines: Sequence[str] | None = None,
    fail_on: FailOn = "error",
    gx_docs: bool = True,
    jobs: int = 1,
    now: datetime | None = None,
    max_bytes: int | None = None,
    step_summary: StrPath | None = None,
    progress: Callable[[str], None] | None = None,
    count: Callable[[int], None] | None = None,
    results: ResultsListed = "failed",
    cache: ParseCache | None = None,
    stats: StatCache | None = None,
    strict: bool = False,
    staged: bool = False,
    backend: Backend = "local",
    master: str | None = None,
) -> Validated:
    """Audit `corpus` end to end: fixity, parsing, the engines' invariants, the policy, waivers, the gate.

    The corpus's corpus-audit.toml says how to read its articles and which checks it overrides.
    With `report_dir`, writes audit.json and its renderings there (and GX Data Docs in
    `report_dir`/gx when GX runs and `gx_docs`), all at once: an interrupted or failed run
    leaves the previous set as it was. audit.json lists failed, waived and failed-warning results
    one by one and counts passed ones per check; with `results` "all" it lists every result.
    Without `report_dir`, the audit's `articles` (the report's facts about each article) is empty.
    Raises ManifestError when INDEX.md, WAIVERS.md or corpus-audit.toml is unusable (the policy
    is read first, before any work); every data problem is a result instead. `stats` (the hook
    path only) lets fixity skip files whose stat is as when they were last hashed; `strict` also
    fails when INDEX.md is not what `index` writes, as `verify --strict` does, so one hook does both.
    `staged` (the pre-commit hook) audits only what the commit git has staged changes and what it
    can affect (audit/staged.py), with the whole corpus's INDEX.md checks; UsageError outside a
    git work tree.

    With `backend` "spark" (`master` default local[*]), fixity, parsing and the engines run on a
    Spark session: the same results and reports (audit.json equal outside its `run` block, which
    records the backend and master); `corpus` may be any URI Spark reads. Neither cache is used, and
    `staged` and `stats` are refused (UsageError): they serve the local hooks.
    """
    import time

    from expectations.catalogue import ENGINE_NAMES, ENGINES
    from provenance.audit.policy import read_policy
    from provenance.audit.publish import GX_DOCS, publish_reports
    from provenance.audit.validate import validate_corpus

    clock = time.perf_counter()
    if results not in ("failed", "all"):
        raise UsageError(f"results must be 'failed' or 'all', not {results!r}")
    if unknown := [name for name in engines or () if name not in ENGINES]:
        raise UsageError(f"unknown engine {unknown[0]!r}: expected one of {', '.join(ENGINE_NAMES)}")
    chosen = tuple(engines or ENGINE_NAMES)
    if backend == "spark":
        if staged or stats is not None:
            raise UsageError("--staged and --changed serve the local hooks: leave them out with --backend spark")
        with _spark_corpus(corpus, master=master) as (_, where, meta):
            options = {"engines": chosen, "jobs": jobs, "fail_on": fail_on, "now": now, "max_bytes": max_bytes}
            options["session_seconds"] = time.perf_counter() - clock  # Spark's start, and a URI's metadata copied
            return _validate_into(
                where,
                report_dir=report_dir,
                gx_docs=gx_docs,
                step_summary=step_summary,
                progress=progress,
                count=count,
                results=results,
                strict=strict,
                clock=clock,
                options={**options, "backend": "spark", "master": master or _default_master(), "metadata": meta},
            )
    _local_only(backend, master)
    root = _corpus_dir(corpus)
    policy = read_policy(root)  # a malformed policy stops the run before anything is read or written
    scope, whole = None, None
    if staged:
        from provenance.audit.staged import staged_change

        scope, whole = staged_change(root).decide(root)
    if report_dir is None:
        audit = validate_corpus(
            root,
            engines=chosen,
            jobs=jobs,
            fail_on=fail_on,
            now=now,
            progress=progress,
            count=count,
            max_bytes=max_bytes,
            settings=policy.settings,
            policy=policy,
            articles_listed=results,
            cache=cache,
            stats=stats,
            strict=strict,
            scope=scope,
            facts=False,  # no report carries them
        )
        _note_scope(audit, staged=staged, whole=whole)
        return Validated(audit, None, audit.results.summary())
    # Every report, GX's Data Docs included, is written into staging and moved into place as a set.
    with staging(_output_dir(report_dir)) as stage:
        docs = stage.path / GX_DOCS if gx_docs and any(ENGINES[e].data_docs for e in chosen) else None
        audit = validate_corpus(
            root,
            engines=chosen,
            jobs=jobs,
            fail_on=fail_on,
            now=now,
            gx_docs=docs,
            progress=progress,
            count=count,
            max_bytes=max_bytes,
            settings=policy.settings,
            policy=policy,
            articles_listed=results,
            cache=cache,
            stats=stats,
            strict=strict,
            scope=scope,
        )
        _note_scope(audit, staged=staged, whole=whole)
        summary_file = Path(step_summary) if step_summary else None
        published = publish_reports(audit, stage=stage, started=clock, step_summary=summary_file, results=results)
    return Validated(audit, published, published.summary)


def _default_master() -> str:
    from provenance.spark.session import DEFAULT_MASTER

    return DEFAULT_MASTER


def _validate_into(
    corpus: str | Path,
    *,
    report_dir: StrPath | None,
    gx_docs: bool,
    step_summary: StrPath | None,
    progress: Callable[[str], None] | None,
    count: Callable[[int], None] | None,
    results: ResultsListed,
    strict: bool,
    clock: float,
    options: dict[str, Any],
) -> Validated:
    """validate on Spark, into the reports as the local backend writes them (see validate)."""
    from expectations.catalogue import ENGINES
    from provenance.audit.policy import read_policy
    from provenance.audit.publish import GX_DOCS, publish_reports
    from provenance.audit.validate import validate_corpus

    policy = read_policy(options["metadata"])  # a malformed policy stops the run before anything is read
    common = {
        **options,
        "progress": progress,
        "count": count,
        "settings": policy.settings,
        "policy": policy,
        "articles_listed": results,
        "strict": strict,
    }
    where = Path(corpus) if isinstance(corpus, Path) else corpus
    if report_dir is None:
        audit = validate_corpus(where, facts=False, **common)  # type: ignore[arg-type]
        return Validated(audit, None, audit.results.summary())
    with staging(_output_dir(report_dir)) as stage:
        docs = stage.path / GX_DOCS if gx_docs and any(ENGINES[e].data_docs for e in options["engines"]) else None
        audit = validate_corpus(where, gx_docs=docs, **common)  # type: ignore[arg-type]
        summary_file = Path(step_summary) if step_summary else None
        published = publish_reports(audit, stage=stage, started=clock, step_summary=summary_file, results=results)
    return Validated(audit, published, published.summary)


def _note_scope(audit: Audit, *, staged: bool, whole: str | None) -> None:
    """With --staged, why the whole corpus was audited, when it was (the run block says it)."""
    if staged and audit.run.get("scope") is None:
        audit.run["whole"] = whole or "the parse cache holds no snapshot of the rest of the corpus (a first run)"


def open_cache(cache_dir: StrPath | None = None) -> ParseCache:
    """The parse cache in `cache_dir` (default: $CORPUS_AUDIT_CACHE_DIR, else the user's cache
    folder), to hand to `validate`. One that cannot be used (unwritable, a file, a network
    filesystem) holds nothing and says why in `.notes`; results never depend on it."""
    from provenance.parsing.cache import ParseCache
    from provenance.store import default_dir

    return ParseCache.open(Path(cache_dir) if cache_dir is not None else default_dir())


def open_stats(corpus: StrPath, *, cache_dir: StrPath | None = None) -> StatCache:
    """The stat cache of `corpus` in `cache_dir` (default as `open_cache`), to hand to `verify` or
    `validate` on the hook path. Unusable, it trusts nothing (every file is hashed) and says why in
    `.notes`."""
    from provenance.fixity.statcache import StatCache
    from provenance.store import default_dir

    return StatCache.open(Path(cache_dir) if cache_dir is not None else default_dir(), corpus=Path(corpus))


@dataclass(frozen=True, slots=True)
class Exported:
    """What `export` wrote: where, in which format, and the corpus it holds."""

    path: Path
    fmt: str
    files: int
    bytes: int


def export(
    corpus: StrPath,
    *,
    fmt: str,
    out: StrPath,
    link: bool = False,
    jobs: int = 1,
    today: date | None = None,
) -> Exported:
    """Write `corpus` to `out` in format `fmt` (one of provenance.export.FORMATS), after proving fixity.

    `out` must not exist, or be an empty folder, and must not be inside the corpus (UsageError).
    A corpus that fails fixity, or a file that changes while it is exported, is ExportRefusedError
    (exit 1): nothing is left at `out`. `link` hard-links payload files (not a listing's) where it can.
    """
    from provenance.audit.policy import read_policy
    from provenance.export import FORMATS, ExportPlan
    from provenance.fixity.verify import verify_fixity

    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")
    root = _corpus_dir(corpus)
    target = Path(out)
    _check_out(target, corpus=root)
    settings = read_policy(root).settings  # a malformed policy stops the export before any work
    report = verify_fixity(root, jobs=jobs)
    if not report.ok:
        first = report.failures[0]
        where = f"{first.file}: " if first.file else ""
        raise ExportRefusedError(
            f"export refused: {root} fails fixity ({len(report.failures)} problem(s); first: {where}{first.message}):"
            " run `corpus-audit verify` and fix them first"
        )
    plan = ExportPlan(root, report.manifest, report.pin, today or date.today(), link=link, settings=settings, jobs=jobs)
    with staging(target.parent.resolve()) as stage:
        stage.create()
        FORMATS[fmt](plan, stage.path / target.name)
        stage.commit([target.name])
    return Exported(target, fmt, report.pin.files, report.pin.bytes)


def _check_out(target: Path, *, corpus: Path) -> None:
    """OUT must be new (or an empty folder) and outside the corpus."""
    resolved, root = target.resolve(), corpus.resolve()
    if resolved == root or root in resolved.parents:
        raise UsageError(f"{target}: is inside the corpus {corpus}; export somewhere else")
    if target.is_symlink() or (target.exists() and not (target.is_dir() and not any(target.iterdir()))):
        raise UsageError(f"{target}: exists and is not an empty folder; choose a new path or remove it")


@dataclass(frozen=True, slots=True)
class Attested:
    """What `attest` wrote: where, the verdict attested, and whether it is signed."""

    path: Path
    result: str
    signed: bool


def attest(
    corpus: StrPath,
    *,
    report_dir: StrPath,
    key: StrPath | None = None,
    out: StrPath | None = None,
    predicate_only: bool = False,
) -> Attested:
    """An in-toto test-result statement of REPORT_DIR/audit.json for `corpus` (which must still be the
    corpus that report audited), signed in a DSSE envelope with `key` when given; written atomically
    to `out` (default REPORT_DIR/attestation.intoto.json). `predicate_only` writes the predicate
    alone, for a signer that makes the statement itself (GitHub's actions/attest)."""
    import json

    from provenance.atomic import write_atomic
    from provenance.attest import sign, statement

    root = _corpus_dir(corpus)
    report_path = Path(report_dir) / "audit.json"
    try:
        report = json.loads(report_path.read_bytes())
    except OSError as exc:
        raise UsageError(
            f"{report_path}: cannot be read ({exc.strerror or exc}): run `corpus-audit validate`"
        ) from None
    except ValueError:
        raise UsageError(f"{report_path}: not JSON: run `corpus-audit validate` again") from None
    if not isinstance(report, dict) or "checks" not in report:
        raise UsageError(f"{report_path}: not an audit.json written by corpus-audit validate")
    document = statement(root, report)
    if predicate_only and key is not None:
        raise UsageError("--predicate-only writes the bare predicate for another signer: give no --key")
    signed = document["predicate"] if predicate_only else sign(document, Path(key)) if key is not None else document
    target = Path(out) if out is not None else Path(report_dir) / "attestation.intoto.json"
    write_atomic(target, json.dumps(signed, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return Attested(target, document["predicate"]["result"], key is not None)


def keygen(prefix: StrPath) -> tuple[Path, Path]:
    """An ed25519 key pair for `attest`: PREFIX.key (private, mode 0600) and PREFIX.pub; never overwrites."""
    from provenance.attest import generate_keys

    return generate_keys(Path(prefix))


def verify_attestation(attestation: StrPath, corpus: StrPath, *, public: StrPath) -> dict[str, Any]:
    """The attested statement, once its signature, shape and the corpus all check out; else
    AttestationError naming what does not (exit 1)."""
    from provenance.attest import verify_attestation as check

    return check(Path(attestation), _corpus_dir(corpus), public=Path(public))


def report(audit_json: StrPath, *, fmt: ReportFormat, out: StrPath | None = None) -> tuple[Path, bool]:
    """Re-render a saved audit.json as `fmt` (default: beside it); the path and the report's verdict."""
    from provenance.render.data import ReportData
    from provenance.render.outputs import FORMATS, replay, write_reports

    source = Path(audit_json)
    data = ReportData.from_file(source)
    target = Path(out) if out is not None else source.parent / FORMATS[fmt]
    if target.is_dir():
        raise UsageError(f"{target}: is a directory")
    _output_dir(target.parent)
    write_reports(replay(data), targets={fmt: target})
    return target, data.ok


def suites(*, out: StrPath, corpus: StrPath | None = None, check: bool = False) -> list[Path]:
    """Export the GX suites built from the catalogue to `out` (with `check`, write nothing); the stale files."""
    from provenance.audit.suites import export_suites

    return export_suites(out=Path(out), corpus=_corpus_dir(corpus) if corpus is not None else None, check=check)
