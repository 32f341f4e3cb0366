"""The corpus-audit command line: parse options, call the library, map outcomes to exit codes."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from expectations.catalogue import ENGINE_NAMES
from provenance import api
from provenance._version import __version__
from provenance.errors import ManifestError, ProvenanceError, first_line
from provenance.escape import json_document, one_line
from provenance.export import FORMATS as EXPORT_FORMATS
from provenance.parallel import cores, max_workers
from provenance.progress import Progress
from provenance.spark.session import hush_pyspark_on_pandas_3
from provenance.words import counted, number

if TYPE_CHECKING:
    from provenance.fixity.statcache import StatCache

# The one exit-code table (README "Exit codes").
EXIT_OK = 0  # clean
EXIT_FINDINGS = 1  # the data has problems (findings), or --check found the manifest stale
EXIT_USAGE = 2  # bad usage, or a missing/malformed INDEX.md, WAIVERS.md, outlets.toml or corpus-audit.toml
EXIT_INTERNAL = 3  # a bug or an environment failure: please report it
EXIT_INTERRUPTED = 130  # Ctrl-C


def _cmd_verify(args: argparse.Namespace) -> int:
    stats = _open_stats(args)
    try:
        with _progress("verify", corpus=args.dir) as progress:
            report = api.verify(
                args.dir,
                depth="size" if args.fast else "sha256",
                strict=args.strict,
                jobs=args.jobs,
                progress=progress,
                stats=stats,
            )
    finally:
        _close_stats(stats)
    if args.format == "json":
        _print_document(json.dumps(report.document(), ensure_ascii=False, indent=2, sort_keys=False))
    else:
        _print_lines(report.text_lines())
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _cmd_index(args: argparse.Namespace) -> int:
    with _progress("index") as progress:
        indexed = api.index(args.dir, check=args.check, jobs=args.jobs, progress=progress)
    update = indexed.update
    _print_lines(update.skipped_lines(), stream=sys.stderr)
    if args.check:
        _print_lines(update.check_lines(verbose=args.verbose))
        return EXIT_OK if update.up_to_date else EXIT_FINDINGS
    _print_lines(update.write_lines(wrote=indexed.wrote, verbose=args.verbose))
    return EXIT_OK


def _cmd_init(args: argparse.Namespace) -> int:
    with _progress("init") as progress:
        initialized = api.init(args.dir, jobs=args.jobs, progress=progress)
    if initialized.index is not None:
        _print_lines(initialized.index.skipped_lines(), stream=sys.stderr)
    _print_lines((f"{path}: exists, left as it is" for path in initialized.kept), stream=sys.stderr)
    _print_lines(f"{path}: written" for path in initialized.wrote)
    return EXIT_OK


def _cmd_parse(args: argparse.Namespace) -> int:
    with _progress("parse", corpus=args.dir) as progress:
        parsed = api.parse(
            args.dir,
            out=args.out,
            fmt=args.format,
            jobs=args.jobs,
            max_bytes=args.max_article_bytes,
            progress=progress,
            backend=args.backend,
            master=args.master,
        )
    _print_lines([str(path) for path in parsed.tables.values()])
    if parsed.with_problems:
        _print(
            f"parse: {parsed.with_problems} article(s) with parse problems (see the parse_errors column)",
            stream=sys.stderr,
        )
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    with _progress("validate", corpus=args.dir) as stage:
        stage.start("session" if args.backend == "spark" else "fixity", total=stage.total)
        following = {"session": "fixity", "fixity": "parse", "parse": "checks"}

        def done(name: str) -> None:
            if name in following:
                stage.start(following[name], total=stage.total if name == "fixity" else None)
            else:
                stage.say(f"{name} done")

        cache = None if args.no_cache or args.backend == "spark" else api.open_cache(args.cache_dir)
        stats = _open_stats(args)
        validated = api.validate(
            args.dir,
            report_dir=None if args.no_report else args.report_dir,
            engines=ENGINE_NAMES if args.engine == "both" else (args.engine,),
            fail_on=args.fail_on,
            gx_docs=not args.no_gx_docs,
            jobs=args.jobs,
            max_bytes=args.max_article_bytes,
            step_summary=os.environ.get("GITHUB_STEP_SUMMARY"),
            progress=done,
            count=stage,
            results=args.results,
            cache=cache,
            stats=stats,
            strict=args.strict,
            staged=args.staged,
            backend=args.backend,
            master=args.master,
        )
    _close_stats(stats)
    if cache is not None:
        for note in cache.notes:
            _warn(note)
        cache.close()
    audit, published = validated.audit, validated.published
    if args.format == "json" and published is not None:
        _print_document(published.report.read_text(encoding="utf-8").rstrip("\n"))
        return EXIT_OK if audit.ok else EXIT_FINDINGS
    html = published.renderings.get("html") if published else None
    _print_lines(audit.text_lines(summary=validated.summary, report=published.report if published else None, html=html))
    if published is not None and os.environ.get("GITHUB_ACTIONS") == "true":
        from provenance.render.outputs import github_annotations

        _print_lines(github_annotations(published.view, corpus=Path(args.dir)))
    return EXIT_OK if audit.ok else EXIT_FINDINGS


def _open_stats(args: argparse.Namespace) -> StatCache | None:
    """The stat cache with --changed (the hook path), else None: every file is hashed."""
    return api.open_stats(args.dir, cache_dir=args.cache_dir) if args.changed else None


def _close_stats(stats: StatCache | None) -> None:
    if stats is not None:
        for note in stats.notes:
            _warn(note)
        stats.close()


def _cmd_attest(args: argparse.Namespace) -> int:
    attested = api.attest(
        args.dir, report_dir=args.report_dir, key=args.key, out=args.out, predicate_only=args.predicate_only
    )
    how = "signed" if attested.signed else "unsigned (no --key)"
    _print(f"attest {args.dir}: {attested.result}, {how}: {attested.path}")
    return EXIT_OK


def _cmd_keygen(args: argparse.Namespace) -> int:
    private, public = api.keygen(args.out)
    _print(f"keygen: {private} (private: keep it secret) and {public}")
    return EXIT_OK


def _cmd_verify_attestation(args: argparse.Namespace) -> int:
    document = api.verify_attestation(args.attestation, args.dir, public=args.pub)
    _print(f"verify-attestation {args.dir}: ok: the corpus is the one attested, {document['predicate']['result']}")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    exported = api.export(args.dir, fmt=args.format, out=args.out, link=args.link, jobs=args.jobs)
    what = counted(exported.files, "file")
    _print(f"export {args.dir}: {exported.fmt}, {what}, {number(exported.bytes)} bytes: {exported.path}")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    target, ok = api.report(args.report, fmt=args.format, out=args.out)
    _print(str(target))
    return EXIT_OK if ok else EXIT_FINDINGS


def _cmd_suites(args: argparse.Namespace) -> int:
    stale = api.suites(out=args.out, corpus=args.corpus, check=args.check)
    _print_lines([f"{path}: {_suite_state(path, check=args.check)}" for path in stale])
    return EXIT_FINDINGS if args.check and stale else EXIT_OK


def _suite_state(path: Path, *, check: bool) -> str:
    if not check:
        return "written"
    return "stale" if path.exists() else "missing: run `corpus-audit suites` to write it"


@contextlib.contextmanager
def _progress(label: str, *, corpus: str | None = None) -> Iterator[Progress]:
    """Progress on stderr while a command runs (only on a terminal), cleared however it ends; with
    `corpus`, the count of INDEX.md's rows is the total (read only when progress is shown)."""
    progress = Progress(label)
    if progress.enabled and corpus is not None:
        progress.total = _listed(Path(corpus))
    try:
        yield progress
    finally:
        progress.close()


def _listed(corpus: Path) -> int | None:
    """How many files INDEX.md lists, or None when it cannot say (the command reports why)."""
    from provenance.manifest.reader import stream_rows

    try:
        return sum(1 for _ in stream_rows(corpus)) if (corpus / "INDEX.md").is_file() else None
    except (ProvenanceError, OSError):
        return None


def _print_lines(lines: Iterable[str], *, stream: TextIO | None = None) -> None:
    for line in lines:
        _print(line, stream=stream)


def _print(text: str, *, stream: TextIO | None = None) -> None:
    """Print one line: every control character in it (from file names, messages) shown escaped,
    so no data can start a line of its own (a GitHub Actions `::command::`, a forged result)."""
    print(one_line(text), file=stream or sys.stdout)


def _warn(text: str) -> None:
    """A note on stderr: something the run worked around (the parse cache unusable, say)."""
    _print(f"corpus-audit: {text}", stream=sys.stderr)


def _print_document(text: str) -> None:
    """Print a JSON document as it is, less the raw characters a terminal may take as line breaks."""
    print(json_document(text))


# Each command's help page: what it does, the files it reads and writes, an example.
_PAGES: dict[str, tuple[str, str, str, str]] = {
    "verify": (
        "Check every file of the corpus against INDEX.md: present, listed, a regular file, the recorded size and "
        "SHA-256. Fast: imports no pandas.",
        "DIR/INDEX.md and every file under DIR (no link followed, no FIFO or device opened)",
        "nothing (prints the results; --format json prints one JSON document); with --changed, the stat cache",
        "corpus-audit verify seeds --strict",
    ),
    "index": (
        "Create or update INDEX.md from the files on disk, keeping steward columns and prose; prints one "
        "summary line (each file with --verbose).",
        "every file under DIR, and DIR/INDEX.md if it exists",
        "DIR/INDEX.md (atomically; nothing with --check)",
        "corpus-audit index seeds --check",
    ),
    "init": (
        "Start a corpus: INDEX.md listing the files already there and a commented starter corpus-audit.toml, "
        "each only if absent.",
        "every file under DIR",
        "DIR/INDEX.md and DIR/corpus-audit.toml",
        "corpus-audit init my-corpus",
    ),
    "parse": (
        "Parse every article into the articles table (one row per file) and the paragraphs table (one row per "
        "line); problems go in the parse_errors column.",
        "DIR/INDEX.md, DIR/corpus-audit.toml, DIR/outlets.toml and the article files",
        "OUTDIR/articles.parquet and OUTDIR/paragraphs.parquet (or .csv), both or neither",
        "corpus-audit parse seeds --out tables --format csv",
    ),
    "validate": (
        "The gate: fixity, parsing, the invariants enforced by pandera and Great Expectations, the policy and the "
        "waivers, in one verdict and one set of reports.",
        "DIR/INDEX.md, DIR/corpus-audit.toml, DIR/WAIVERS.md, DIR/outlets.toml and the article files",
        "DIR2/audit.json, audit.html, audit.md, junit.xml and gx/ (all at once; none with --no-report), "
        "the parse cache (--cache-dir; none with --no-cache), and with --changed the stat cache",
        "corpus-audit validate seeds --report-dir reports",
    ),
    "cache": (
        "The parse cache: each article's parsed rows, stored under a digest of its bytes, INDEX.md facts, the "
        "policy's settings, outlets.toml and the parser, so validate parses only what changed; and the stat cache "
        "--changed keeps (each file's digest with its size, times and inode). Never inside a corpus.",
        "the cache folder",
        "nothing (info); the cache folder's databases (clear)",
        "corpus-audit cache info",
    ),
    "export": (
        "Hand the corpus on in another format, after a fixity check: a `sha256sum -c` listing (the text the "
        "corpus pin digests), a BagIt 1.0 bag with sha256 manifests, a Frictionless Data Package v2 with "
        "the parsed tables, or an MLCommons Croissant 1.1 dataset (metadata.json) with them. Refused (exit 1) "
        "when the corpus fails fixity; nothing is left behind.",
        "DIR/INDEX.md and every file it lists (and, for a bag or Croissant, DIR's metadata files)",
        "OUT (a new file or folder, or an empty folder; all at once)",
        "corpus-audit export seeds --format bagit --out seeds-bag",
    ),
    "attest": (
        "An in-toto Statement v1 with the test-result v0.1 predicate from DIR2/audit.json: its subjects are "
        "INDEX.md and the corpus pin, its predicate the verdict, the checks that passed, warned and failed, and "
        "the policy, waivers, outlets and tool version it ran under. With --key, signed in a DSSE envelope.",
        "DIR/INDEX.md, DIR's corpus-audit.toml, WAIVERS.md and outlets.toml, DIR2/audit.json, KEY",
        "FILE (default DIR2/attestation.intoto.json)",
        "corpus-audit attest seeds --report-dir reports --key release.key",
    ),
    "keygen": (
        "Make an ed25519 key pair for `attest --key` and `verify-attestation --pub`; never overwrites.",
        "nothing",
        "PREFIX.key (private, mode 0600) and PREFIX.pub",
        "corpus-audit keygen --out release",
    ),
    "verify-attestation": (
        "Check a signed attestation: the signature (with PUB), the statement's shape, and that DIR still has "
        "the attested INDEX.md, pin and files. Exit 1 naming the first thing that does not hold.",
        "FILE, PUB, DIR/INDEX.md and every file it lists",
        "nothing (prints the attested verdict)",
        "corpus-audit verify-attestation reports/attestation.intoto.json seeds --pub release.pub",
    ),
    "report": (
        "Render a saved audit.json again as HTML, Markdown or JUnit XML, without re-running the audit.",
        "AUDIT_JSON",
        "FILE (default: audit.html, audit.md or junit.xml beside AUDIT_JSON)",
        "corpus-audit report reports/audit.json --format md",
    ),
    "suites": (
        "Export the Great Expectations suites built from the check catalogue as JSON, for review or reuse; "
        "--check tells whether the checked-in files are current.",
        "the check catalogue (and DIR/outlets.toml with --corpus)",
        "OUT/articles.json and OUT/paragraphs.json (nothing with --check)",
        "corpus-audit suites --check",
    ),
}


def _page(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str) -> argparse.ArgumentParser:
    description, reads, writes, example = _PAGES[name]
    return sub.add_parser(
        name,
        help=summary,
        description=description,
        epilog=f"reads:   {reads}\nwrites:  {writes}\nexample: {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="corpus-audit",
        description="Provenance, parsing and invariants for corpora of scraped news articles.",
        epilog="Exit codes: 0 clean, 1 findings, 2 usage or manifest error, 3 internal error, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    verify = _page(sub, "verify", "check every file against INDEX.md (size and SHA-256)")
    verify.add_argument("dir", metavar="DIR", help="the corpus directory (holds INDEX.md)")
    verify.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    verify.add_argument("--fast", action="store_true", help="check presence and sizes only, no hashing")
    _add_strict(verify)
    _add_changed(verify)
    _add_cache_dir(verify)
    _add_jobs(verify)
    verify.set_defaults(run=_cmd_verify)

    index = _page(sub, "index", "create or update DIR/INDEX.md from the files on disk")
    index.add_argument("dir", metavar="DIR", help="the corpus directory")
    index.add_argument("--check", action="store_true", help="change nothing; exit 1 when INDEX.md is not up to date")
    index.add_argument("--verbose", "-v", action="store_true", help="also list each file added, changed or removed")
    _add_jobs(index)
    index.set_defaults(run=_cmd_index)

    init = _page(sub, "init", "start a corpus: DIR/INDEX.md and a commented DIR/corpus-audit.toml")
    init.add_argument("dir", metavar="DIR", help="the corpus directory (created if missing)")
    _add_jobs(init)
    init.set_defaults(run=_cmd_init)

    parse = _page(sub, "parse", "parse the articles into the articles and paragraphs tables")
    parse.add_argument("dir", metavar="DIR", help="the corpus directory")
    parse.add_argument("--out", type=Path, required=True, metavar="OUTDIR", help="where to write the tables")
    parse.add_argument(
        "--format", choices=("parquet", "csv"), default="parquet", help="table format (default: parquet)"
    )
    _add_jobs(parse)
    _add_max_bytes(parse)
    _add_backend(parse)
    parse.set_defaults(run=_cmd_parse)

    _add_validate_command(sub)

    _add_cache_command(sub)

    _add_attestation_commands(sub)

    export = _page(
        sub, "export", "write the verified corpus as a sha256sum listing, a BagIt bag, a Data Package or Croissant"
    )
    export.add_argument("dir", metavar="DIR", help="the corpus directory")
    export.add_argument("--format", choices=tuple(EXPORT_FORMATS), required=True, help="the format to write")
    export.add_argument("--out", type=Path, required=True, metavar="OUT", help="where to write it (must be new)")
    export.add_argument(
        "--link",
        action="store_true",
        help="hard-link the payload files (bag, package, Croissant) where the filesystem allows",
    )
    _add_jobs(export)
    export.set_defaults(run=_cmd_export)

    report = _page(sub, "report", "re-render a saved audit.json as html, md or junit")
    report.add_argument("report", type=Path, metavar="AUDIT_JSON", help="a report written by validate")
    report.add_argument("--format", choices=("html", "md", "junit"), required=True, help="the rendering to write")
    report.add_argument(
        "--out", type=Path, metavar="FILE", help="where (default: beside AUDIT_JSON, audit.html, audit.md or junit.xml)"
    )
    report.set_defaults(run=_cmd_report)

    suites = _page(sub, "suites", "export the GX expectation suites built from the check catalogue as JSON")
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


def _add_validate_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = _page(sub, "validate", "fixity, parsing, pandera and GX invariants, waivers: the gate")
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
        choices=(*ENGINE_NAMES, "both"),
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
    validate.add_argument(
        "--results",
        choices=("failed", "all"),
        default="failed",
        help="which results audit.json lists one by one: failed (with waived and warnings; passed ones "
        "are counted per check) or all (default: failed)",
    )
    _add_strict(validate)
    _add_changed(validate)
    validate.add_argument(
        "--staged",
        action="store_true",
        help="judge only what the commit git has staged changes and what it can affect (duplicates across the "
        "corpus, INDEX.md): the pre-commit hook; the whole corpus when a policy, waiver or outlets file is staged",
    )
    _add_cache_dir(validate, skip=True)
    _add_jobs(validate)
    _add_max_bytes(validate)
    _add_backend(validate)
    validate.set_defaults(run=_cmd_validate)


def _add_attestation_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    attest = _page(sub, "attest", "an in-toto test-result attestation of the last audit (signed with --key)")
    attest.add_argument("dir", metavar="DIR", help="the corpus directory")
    attest.add_argument("--report-dir", type=Path, default=Path("reports"), metavar="DIR2", help="where audit.json is")
    attest.add_argument("--key", type=Path, metavar="KEY", help="an ed25519 private key (PEM) to sign with")
    attest.add_argument(
        "--out", type=Path, metavar="FILE", help="where to write it (default DIR2/attestation.intoto.json)"
    )
    attest.add_argument(
        "--predicate-only",
        action="store_true",
        help="write only the test-result predicate, for a signer that makes the statement (actions/attest)",
    )
    attest.set_defaults(run=_cmd_attest)

    keygen = _page(sub, "keygen", "make an ed25519 key pair for attest and verify-attestation")
    keygen.add_argument("--out", type=Path, required=True, metavar="PREFIX", help="writes PREFIX.key and PREFIX.pub")
    keygen.set_defaults(run=_cmd_keygen)

    check = _page(sub, "verify-attestation", "check a signed attestation against the corpus")
    check.add_argument("attestation", type=Path, metavar="FILE", help="the DSSE envelope attest wrote")
    check.add_argument("dir", metavar="DIR", help="the corpus directory")
    check.add_argument("--pub", type=Path, required=True, metavar="PUB", help="the ed25519 public key (PEM)")
    check.set_defaults(run=_cmd_verify_attestation)


def _add_cache_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cache = _page(sub, "cache", "show or empty the parse and stat caches kept outside the corpus")
    cache.add_argument("action", choices=("info", "clear"), help="info: where it is and what it holds; clear: empty it")
    _add_cache_dir(cache)
    cache.set_defaults(run=_cmd_cache)


def _add_backend(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backend",
        choices=("local", "spark"),
        default="local",
        help="where files are read and parsed and checks run: this machine, or Spark (needs corpus-audit[spark] "
        "and Java; DIR may then be any URI Spark reads, such as hdfs:// or s3a://) (default: local)",
    )
    parser.add_argument(
        "--master",
        metavar="URL",
        help="the Spark master with --backend spark: local[*] (default), local[N], spark://HOST:PORT, yarn, k8s://URL",
    )


def _add_strict(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strict", action="store_true", help="also fail when INDEX.md is not what `corpus-audit index` writes"
    )


def _add_changed(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--changed",
        action="store_true",
        help="hash only files whose size, times or inode changed since they were last hashed with --changed "
        "(the stat cache in --cache-dir): for pre-commit hooks; CI should hash every file",
    )


def _add_cache_dir(parser: argparse.ArgumentParser, *, skip: bool = False) -> None:
    """--cache-dir, and with `skip` --no-cache."""
    parser.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="the folder of the parse and stat caches (default: $CORPUS_AUDIT_CACHE_DIR, else "
        "$XDG_CACHE_HOME/corpus-audit, else ~/.cache/corpus-audit)",
    )
    if skip:
        parser.add_argument(
            "--no-cache", action="store_true", help="parse every article, neither reading nor writing the parse cache"
        )


def _cmd_cache(args: argparse.Namespace) -> int:
    cache = api.open_cache(args.cache_dir)
    stats = api.open_stats(Path.cwd(), cache_dir=args.cache_dir)  # the count and clear span every corpus
    try:
        for note in (*cache.notes, *stats.notes):
            _warn(note)
        if not (cache.usable and stats.usable):
            return EXIT_USAGE
        if args.action == "clear":
            (removed, snapshots), records = cache.clear(), stats.clear()
            _print(
                f"cache {cache.folder}: removed {counted(removed, 'entry', 'entries')},"
                f" {counted(snapshots, 'table snapshot')} and {counted(records, 'stat record')}"
            )
            return EXIT_OK
        info = cache.info()
        _print(
            f"cache {info.path}: {counted(info.entries, 'entry', 'entries')}, {number(info.bytes)} bytes;"
            f" {counted(info.snapshots, 'table snapshot')}, {number(info.snapshot_bytes)} bytes"
            f" (limit {number(info.limit)} bytes for both); {counted(stats.count(), 'stat record')}"
        )
        return EXIT_OK
    finally:
        cache.close()
        stats.close()


def _add_jobs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        default=cores(),
        metavar="N",
        help="worker processes (default: the number of cores)",
    )


def _add_max_bytes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-article-bytes",
        type=_positive_int,
        default=None,
        metavar="N",
        help="articles larger than this are not parsed but get text.too_large (default: 16 MiB)",
    )


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """Run corpus-audit with `argv` (default: sys.argv[1:]) and return the exit code."""
    hush_pyspark_on_pandas_3()  # with the spark extra installed, GX and pandera import pyspark on either backend
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 after --help/--version
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if getattr(args, "jobs", 0) > (cap := max_workers()):
        _print(f"corpus-audit: --jobs {args.jobs} is more than this machine can use; using {cap}", stream=sys.stderr)
        args.jobs = cap
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
            f"corpus-audit: internal error: {type(exc).__name__}: {first_line(exc)} "
            "(set CORPUS_AUDIT_DEBUG=1 for a traceback)",
            stream=sys.stderr,
        )
        return EXIT_INTERNAL
