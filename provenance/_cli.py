"""The corpus-audit command line: parse options, call the library, map outcomes to exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from provenance._version import __version__
from provenance.errors import ManifestError, ProvenanceError, UsageError
from provenance.progress import Progress

# The one exit-code table (README "Exit codes").
EXIT_OK = 0  # clean
EXIT_FINDINGS = 1  # the data has problems (findings), or --check found the manifest stale
EXIT_USAGE = 2  # bad usage, or a missing/malformed INDEX.md or WAIVERS.md
EXIT_INTERNAL = 3  # a bug or an environment failure: please report it
EXIT_INTERRUPTED = 130  # Ctrl-C


def _default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _corpus_dir(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise UsageError(f"{value}: not a directory")
    return path


def _cmd_verify(args: argparse.Namespace) -> int:
    from provenance.fixity.verify import verify_fixity

    corpus = _corpus_dir(args.dir)
    progress = Progress("verify")
    try:
        report = verify_fixity(
            corpus, jobs=args.jobs, depth="size" if args.fast else "sha256", strict=args.strict, progress=progress
        )
    finally:
        progress.close()
    pin = report.pin
    if args.format == "json":
        results = [f.as_dict() for f in report.results()]
        document: dict[str, Any] = {
            "schema_version": 1,
            "ok": report.ok,
            "corpus": {"path": str(corpus), "files": pin.files, "bytes": pin.bytes, "digest": pin.digest},
            "summary": {
                "passed": sum(r["status"] == "passed" for r in results),
                "failed": sum(r["status"] == "failed" for r in results),
            },
            "results": results,
        }
        _print(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False))
    else:
        for finding in report.failures:
            where = finding.file or str(corpus / "INDEX.md")
            _print(f"{where}: {finding.check}: {finding.message}{_expected_found(finding.details)}")
        verdict = "ok" if report.ok else f"{len(report.failures)} problem(s)"
        _print(f"verify {corpus}: {pin.files} files, {pin.bytes} bytes, corpus sha256 {pin.digest[:16]}: {verdict}")
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _expected_found(details: Any) -> str:
    if "expected" in details and "found" in details:
        return f" (expected {details['expected']}, found {details['found']})"
    return ""


def _cmd_index(args: argparse.Namespace) -> int:
    from provenance.fixity.inventory import plan_index, write_index

    corpus = _corpus_dir(args.dir)
    progress = Progress("index")
    try:
        update = plan_index(corpus, jobs=args.jobs, progress=progress)
    finally:
        progress.close()
    for entry in update.skipped:
        _print(f"{entry.path}: skipped: {entry.error}", stream=sys.stderr)
    changes = [
        *(f"added {n}" for n in update.added),
        *(f"changed {n}" for n in update.changed),
        *(f"removed {n}" for n in update.removed),
    ]
    if args.check:
        if update.up_to_date:
            _print(f"{update.path}: up to date")
            return EXIT_OK
        for line in changes or ["table layout or corpus pin differs from what `corpus-audit index` writes"]:
            _print(f"{update.path}: {line}")
        _print(f"{update.path}: not up to date: run `corpus-audit index {corpus}`")
        return EXIT_FINDINGS
    wrote = write_index(update)
    for line in changes:
        _print(f"{update.path}: {line}")
    _print(f"{update.path}: {'updated' if wrote else 'up to date'}")
    return EXIT_OK


def _cmd_parse(args: argparse.Namespace) -> int:
    from provenance.parse.corpus import iter_batches
    from provenance.parse.tables import write_tables

    corpus = _corpus_dir(args.dir)
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"{args.out}: exists and is not a directory")
    progress = Progress("parse")
    problems = 0

    def counted(batches: Any) -> Any:
        nonlocal problems
        for batch in batches:
            problems += batch.with_problems
            yield batch

    try:
        written = write_tables(
            counted(iter_batches(corpus, jobs=args.jobs, progress=progress)), out=args.out, fmt=args.format
        )
    finally:
        progress.close()
    for path in written.values():
        _print(str(path))
    if problems:
        _print(f"parse: {problems} article(s) with parse problems (see the parse_errors column)", stream=sys.stderr)
    return EXIT_OK


MAX_LINES = 40  # failure lines printed; the rest is in audit.json


def _cmd_validate(args: argparse.Namespace) -> int:
    from provenance.audit.validate import validate_corpus

    corpus = _corpus_dir(args.dir)
    if args.report_dir.exists() and not args.report_dir.is_dir():
        raise UsageError(f"{args.report_dir}: exists and is not a directory")
    engines: tuple[Any, ...] = ("pandera", "gx") if args.engine == "both" else (args.engine,)
    clock = time.perf_counter()
    stage = Progress("validate")
    gx_docs = args.report_dir / "gx" if not args.no_report and "gx" in engines and not args.no_gx_docs else None
    try:
        audit = validate_corpus(
            corpus,
            engines=engines,
            jobs=args.jobs,
            fail_on=args.fail_on,
            progress=lambda name: stage.say(f"{name} done"),
            gx_docs=gx_docs,
        )
        if args.no_report:
            path, summary = None, _summary_of(audit)
        else:
            path, summary = _write_reports(audit, corpus=corpus, directory=args.report_dir, started=clock)
    finally:
        stage.close()
    if args.format == "json" and path is not None:
        _print(path.read_text(encoding="utf-8").rstrip("\n"))
        return EXIT_OK if audit.ok else EXIT_FINDINGS
    notable = audit.notable()
    order = {"waived": 0, "failed": 1}
    shown = sorted(notable, key=lambda r: (order[r.status], r.severity == "warning", r.file or "", r.check))
    for result in shown[:MAX_LINES]:
        if result.status == "waived":
            _print(f"  waived   {result.file or '-'}: {result.check}: {result.details['waiver']['reason']}")
        else:
            label = "FAILED " if result.severity == "error" else "warning"
            _print(f"  {label}  {result.file or '-'}: {result.check}: {result.message}")
    if len(shown) > MAX_LINES:
        _print(f"  ... and {len(shown) - MAX_LINES} more (all in {path or 'the report'})")
    info = audit.head["corpus"]
    _print(
        f"validate {corpus}: {info['files']} files, corpus sha256 {info['digest'][:16]}: "
        f"{summary['passed']} passed, {summary['failed']} failed, {summary['waived']} waived, "
        f"{summary['warnings']} warning(s): {'ok' if audit.ok else 'FAILED'}"
    )
    if path is not None:
        _print(f"report: {path}")
    return EXIT_OK if audit.ok else EXIT_FINDINGS


def _summary_of(audit: Any) -> dict[str, int]:
    from provenance.audit.validate import summarize

    return summarize(audit.results)


def _write_reports(audit: Any, *, corpus: Path, directory: Path, started: float) -> tuple[Path, dict[str, int]]:
    """audit.json, and audit.md, junit.xml and audit.html rendered in the same pass over its results."""
    from provenance import gcpause
    from provenance.audit.audit_json import write_report
    from provenance.render.markdown import render_markdown
    from provenance.render.outputs import Renderer, append_step_summary, default_targets, github_annotations

    directory.mkdir(parents=True, exist_ok=True)
    renderer = Renderer(default_targets(directory))
    try:
        with gcpause.frozen():  # millions of short-lived dicts: leave the audit's heap unscanned
            written = write_report(audit, directory=directory, started=started, observer=renderer)
            view = renderer.finish(written.head, written.articles)
    except BaseException:
        renderer.abort()
        raise
    append_step_summary(render_markdown(view))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in github_annotations(view, corpus=corpus):
            _print(line)
    return written.path, written.summary


def _cmd_report(args: argparse.Namespace) -> int:
    from provenance.render.data import ReportData
    from provenance.render.outputs import FORMATS, write_reports

    data = ReportData.from_file(args.report)
    target = args.out or args.report.parent / FORMATS[args.format]
    if target.exists() and target.is_dir():
        raise UsageError(f"{target}: is a directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_reports(data, targets={args.format: target})
    _print(str(target))
    return EXIT_OK if data.ok else EXIT_FINDINGS


def _cmd_suites(args: argparse.Namespace) -> int:
    from expectations.engines.gx_engine import suites_as_json
    from provenance.atomic import write_atomic
    from provenance.parse.outlets import load_registry

    registry = load_registry(_corpus_dir(args.corpus) if args.corpus else None)
    stale = []
    for name, text in suites_as_json(params={"registry outlet ids": sorted(registry.outlets)}).items():
        path = args.out / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            write_atomic(path, text)
    for path in stale:
        _print(f"{path}: {'stale' if args.check else 'written'}")
    return EXIT_FINDINGS if args.check and stale else EXIT_OK


def _print(text: str, *, stream: TextIO | None = None) -> None:
    print(text, file=stream or sys.stdout)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="corpus-audit",
        description="Provenance, parsing and invariants for corpora of scraped news articles.",
        epilog="Exit codes: 0 clean, 1 findings, 2 usage or manifest error, 3 internal error, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    verify = sub.add_parser("verify", help="check every file against INDEX.md (size and SHA-256)")
    verify.add_argument("dir", metavar="DIR", help="the corpus directory (holds INDEX.md)")
    verify.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    verify.add_argument("--fast", action="store_true", help="check presence and sizes only, no hashing")
    verify.add_argument(
        "--strict", action="store_true", help="also fail when INDEX.md is not what `corpus-audit index` writes"
    )
    _add_jobs(verify)
    verify.set_defaults(run=_cmd_verify)

    index = sub.add_parser("index", help="create or update DIR/INDEX.md from the files on disk")
    index.add_argument("dir", metavar="DIR", help="the corpus directory")
    index.add_argument("--check", action="store_true", help="change nothing; exit 1 when INDEX.md is not up to date")
    _add_jobs(index)
    index.set_defaults(run=_cmd_index)

    parse = sub.add_parser("parse", help="parse the articles into the articles and paragraphs tables")
    parse.add_argument("dir", metavar="DIR", help="the corpus directory")
    parse.add_argument("--out", type=Path, required=True, metavar="OUTDIR", help="where to write the tables")
    parse.add_argument(
        "--format", choices=("parquet", "csv"), default="parquet", help="table format (default: parquet)"
    )
    _add_jobs(parse)
    parse.set_defaults(run=_cmd_parse)

    validate = sub.add_parser("validate", help="fixity, parsing, pandera and GX invariants, waivers: the gate")
    validate.add_argument("dir", metavar="DIR", help="the corpus directory")
    validate.add_argument(
        "--report-dir",
        type=Path,
        default=Path("reports"),
        metavar="DIR2",
        help="where audit.json goes (default: reports)",
    )
    validate.add_argument(
        "--engine",
        choices=("pandera", "gx", "both"),
        default="both",
        help="which engines enforce the invariants (default: both)",
    )
    validate.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default="error",
        help="the lowest severity that fails the run (default: error)",
    )
    validate.add_argument(
        "--format", choices=("text", "json"), default="text", help="what to print (the reports are always written)"
    )
    validate.add_argument(
        "--no-report", action="store_true", help="write no report files, only print the summary (for pre-commit)"
    )
    validate.add_argument("--no-gx-docs", action="store_true", help="skip building GX Data Docs into DIR2/gx")
    _add_jobs(validate)
    validate.set_defaults(run=_cmd_validate)

    report = sub.add_parser("report", help="re-render a saved audit.json as html, md or junit")
    report.add_argument("report", type=Path, metavar="AUDIT_JSON", help="a report written by validate")
    report.add_argument("--format", choices=("html", "md", "junit"), required=True, help="the rendering to write")
    report.add_argument(
        "--out", type=Path, metavar="FILE", help="where (default: beside AUDIT_JSON, audit.html, audit.md or junit.xml)"
    )
    report.set_defaults(run=_cmd_report)

    suites = sub.add_parser("suites", help="export the GX expectation suites built from the check catalogue as JSON")
    suites.add_argument(
        "--out",
        type=Path,
        default=Path("expectations/suites"),
        metavar="DIR",
        help="where to write (default: expectations/suites)",
    )
    suites.add_argument("--corpus", metavar="DIR", help="include this corpus's outlets.toml in the outlet value set")
    suites.add_argument("--check", action="store_true", help="write nothing; exit 1 when the files are stale")
    suites.set_defaults(run=_cmd_suites)
    return parser


def _add_jobs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        default=_default_jobs(),
        metavar="N",
        help="worker processes (default: the number of cores)",
    )


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """Run corpus-audit with `argv` (default: sys.argv[1:]) and return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 after --help/--version
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        code: int = args.run(args)
        return code
    except ManifestError as exc:
        for line in exc.lines():
            _print(f"corpus-audit: {line}", stream=sys.stderr)
        return EXIT_USAGE
    except ProvenanceError as exc:
        _print(f"corpus-audit: {exc}", stream=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        _print("corpus-audit: interrupted", stream=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (`| head`): not our error
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("CORPUS_AUDIT_DEBUG"):
            raise
        _print(
            f"corpus-audit: internal error: {type(exc).__name__}: {exc} (set CORPUS_AUDIT_DEBUG=1 for a traceback)",
            stream=sys.stderr,
        )
        return EXIT_INTERNAL
