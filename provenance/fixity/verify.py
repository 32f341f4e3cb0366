"""Fixity: prove every corpus file is exactly the bytes INDEX.md records, none missing or unlisted."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from expectations.catalogue import CATALOGUE
from expectations.ids import Check
from provenance.findings import Result, failed, passed
from provenance.fixity.statcache import Stat, StatCache
from provenance.fixity.walk import Entry, entries_at, walk_corpus
from provenance.manifest.model import INDEX_LIMIT, INDEX_NAME, Manifest, Pin, Row, Rows, render_manifest
from provenance.manifest.names import normalization_clashes
from provenance.manifest.reader import read_manifest
from provenance.safeopen import read_metadata

Depth = Literal["size", "sha256"]


@dataclass(frozen=True, slots=True)
class FixityReport:
    """What verify found: the manifest, every payload entry on disk and the failures.

    Passed results are derived on demand (`results()`), so a 100,000-file corpus that is clean
    costs no per-file result objects unless a report asks for them.
    """

    corpus: Path | str  # a folder, or the URI of a corpus on a store Spark reads
    manifest: Manifest
    differing: dict[str, Entry]  # only what differs from INDEX.md (kind "missing" for absent files)
    failures: tuple[Result, ...]
    depth: Depth
    failures_by_file: dict[str | None, list[Result]] = field(default_factory=dict)
    strict: bool = False
    pin: Pin = field(default_factory=lambda: Pin(0, 0, ""))  # the rows' pin, computed once by verify_fixity
    #: With a scope (verify_fixity's): the rows INDEX.md lists outside it, taken to match.
    outside: tuple[Row, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failures

    def names(self) -> list[str]:
        """Every file name the manifest lists or the disk holds, sorted."""
        return sorted(self.manifest.by_file().keys() | self.differing.keys())

    def entry(self, name: str, *, listed: Mapping[str, object]) -> Entry | None:
        """What is on disk at `name` (None: nothing); a listed file that matched is a plain file."""
        found = self.differing.get(name)
        if found is None:
            return Entry(name, "file") if name in listed else None
        return None if found.kind == "missing" else found

    def checks_for(self, name: str | None, *, listed: Mapping[str, object]) -> list[str]:
        """The check ids that ran on `name` (None: the corpus-wide ones)."""
        if name is None:
            return [Check.MANIFEST_CURRENT, Check.MANIFEST_PIN] if self.strict else [Check.MANIFEST_PIN]
        return _checks_for(name in listed, self.entry(name, listed=listed), self.depth)

    def checks_for_matching_file(self) -> list[str]:
        """The check ids that ran on a listed file that matched INDEX.md."""
        return _checks_for(True, Entry("", "file"), self.depth)

    def outcomes(self, name: str | None, *, listed: Mapping[str, object]) -> list[tuple[str, Result | None]]:
        """(check id, its failure or None when it passed) for every check that ran on `name`, by id."""
        own: dict[str, Result | None] = {f.check: f for f in self.failures_by_file.get(name, [])}
        for check in self.checks_for(name, listed=listed):
            own.setdefault(check, None)
        return sorted(own.items(), key=lambda item: item[0])

    def results_for(self, name: str | None, *, listed: Mapping[str, object] | None = None) -> list[Result]:
        """The results of one name (None: the corpus-wide checks), passed and failed, by check id."""
        rows = listed if listed is not None else self.manifest.by_file()
        return [
            found or passed(check, name, CATALOGUE[check].pass_message)
            for check, found in self.outcomes(name, listed=rows)
        ]

    def document(self) -> dict[str, Any]:
        """What `verify --format json` prints: the verdict, the corpus pin, counts and every result."""
        results = [_compact(r) for r in self.results()]
        pin = self.pin
        return {
            "schema_version": 1,
            "ok": self.ok,
            "corpus": {"path": str(self.corpus), "files": pin.files, "bytes": pin.bytes, "digest": pin.digest},
            "summary": {
                "passed": sum(r["status"] == "passed" for r in results),
                "failed": sum(r["status"] == "failed" for r in results),
            },
            "results": results,
        }

    def with_changed_since(self, parsed: Mapping[str, tuple[int, str]]) -> FixityReport:
        """This report, plus fixity.sha256 for files whose bytes read later ({file: (size, sha256)})
        are not the bytes this walk vetted: a file changed while it was being audited."""
        failures = list(self.failures)
        differing = dict(self.differing)
        for row in self.manifest.rows:
            name = row.file
            size, digest = parsed.get(name, (row.bytes, row.sha256))
            if name in self.differing or not digest or digest == row.sha256:
                continue
            differing[name] = Entry(name, "file", size, digest)
            message = "changed while it was being audited: the bytes parsed are not the bytes hashed"
            failures.append(failed(Check.FIXITY_SHA256, name, message, expected=row.sha256, found=digest))
        if len(failures) == len(self.failures):
            return self
        grouped: dict[str | None, list[Result]] = {}
        for finding in failures:
            grouped.setdefault(finding.file, []).append(finding)
        failures.sort(key=Result.sort_key)
        return replace(self, differing=differing, failures=tuple(failures), failures_by_file=grouped)

    def text_lines(self) -> list[str]:
        """What `verify` prints: one line per problem, then the verdict with the corpus pin."""
        lines = []
        for result in self.failures:
            where = result.file or (
                str(self.corpus / "INDEX.md") if isinstance(self.corpus, Path) else f"{self.corpus}/INDEX.md"
            )
            lines.append(f"{where}: {result.check}: {result.message}{_expected_found(result.details)}")
        verdict = "ok" if self.ok else f"{len(self.failures)} problem(s)"
        pin = self.pin
        lines.append(
            f"verify {self.corpus}: {pin.files} files, {pin.bytes} bytes, corpus sha256 {pin.digest[:16]}: {verdict}"
        )
        return lines

    def results(self) -> Iterator[Result]:
        """Every result, passed and failed, ordered by file then check id."""
        listed: Mapping[str, object] = self.manifest.by_file()  # a view: membership only
        yield from self.results_for(None)
        for name in self.names():
            yield from self.results_for(name, listed=listed)


def _expected_found(details: Mapping[str, Any]) -> str:
    if "expected" in details and "found" in details:
        return f" (expected {details['expected']}, found {details['found']})"
    return ""


def _compact(result: Result) -> dict[str, Any]:
    """A fixity result as verify's JSON holds it: no engines or severity, details only when any."""
    out = {"check": result.check, "file": result.file, "status": result.status, "message": result.message}
    return {**out, "details": dict(result.details)} if result.details else out


def _checks_for(listed: bool, entry: Entry | None, depth: Depth) -> list[str]:
    """The checks that ran on one name, given whether it is listed and what is on disk."""
    checks: list[str] = [Check.FIXITY_PRESENT] if listed else []
    if entry is None:
        return checks
    if entry.kind == "unsafe":  # a name no manifest can hold: that is its one finding
        return [*checks, Check.FIXITY_UNSAFE_NAME]
    checks.append(Check.FIXITY_LISTED)
    if entry.kind != "file":
        return [*checks, Check.FIXITY_READABLE if entry.kind == "unreadable" else Check.FIXITY_REGULAR_FILE]
    checks += [Check.FIXITY_REGULAR_FILE, Check.FIXITY_READABLE]
    if listed:
        checks += [Check.FIXITY_BYTES, Check.FIXITY_SHA256] if depth == "sha256" else [Check.FIXITY_BYTES]
    return checks


def _stale_index(corpus: Path, manifest: Manifest, differing: dict[str, Entry], pin: Pin) -> Result | None:
    """manifest.current: a failure when INDEX.md is not what `corpus-audit index` would write."""
    from provenance.fixity.inventory import plan_index

    if not differing and _renders_as_written(corpus, manifest, pin):  # the usual hook run: no rows to rebuild
        return None
    # Listed files that matched are exactly as INDEX.md says; the rest came back from the walk.
    entries = [Entry(r.file, "file", r.bytes, r.sha256) for r in manifest.rows if r.file not in differing]
    entries += [e for e in differing.values() if e.kind != "missing"]
    update = plan_index(corpus, manifest=manifest, entries=entries, pin=pin)
    if update.up_to_date:
        return None
    changes = update.changes()
    shown = f" ({', '.join(changes[:3])}{', …' if len(changes) > 3 else ''})" if changes else " (layout or pin)"
    return failed(
        Check.MANIFEST_CURRENT,
        None,
        f"INDEX.md is not what `corpus-audit index {corpus}` writes{shown}",
        changes=changes,
    )


def _renders_as_written(corpus: Path, manifest: Manifest, pin: Pin) -> bool:
    """INDEX.md's bytes are what `index` writes for its own rows (every file matched them)."""
    data = read_metadata(corpus, INDEX_NAME, limit=INDEX_LIMIT)
    try:
        return data is not None and data.decode("utf-8-sig") == render_manifest(manifest, pin=pin)
    except UnicodeDecodeError:
        return False


def _row_failures(listed: Mapping[str, Row], differing: dict[str, Entry], depth: Depth) -> list[Result]:
    """Failures of the files INDEX.md lists: missing, not regular, unreadable, other size or digest."""
    failures: list[Result] = []
    for name, entry in differing.items():
        row = listed.get(name)
        if row is None:
            continue  # unlisted: reported by the caller
        if entry.kind == "missing":
            failures.append(failed(Check.FIXITY_PRESENT, name, "listed in INDEX.md but missing", line=row.line))
            continue
        if entry.kind != "file":
            check = Check.FIXITY_READABLE if entry.kind == "unreadable" else Check.FIXITY_REGULAR_FILE
            failures.append(failed(check, name, entry.error, kind=entry.kind))
            continue
        if entry.size != row.bytes:
            failures.append(
                failed(
                    Check.FIXITY_BYTES,
                    name,
                    f"size {entry.size} bytes, INDEX.md says {row.bytes}",
                    expected=row.bytes,
                    found=entry.size,
                    line=row.line,
                )
            )
        if depth == "sha256" and entry.sha256 != row.sha256:
            failures.append(
                failed(
                    Check.FIXITY_SHA256,
                    name,
                    "sha256 differs from INDEX.md",
                    expected=row.sha256,
                    found=entry.sha256,
                    line=row.line,
                )
            )
    return failures


def verify_fixity(
    corpus: Path,
    *,
    jobs: int = 1,
    depth: Depth = "sha256",
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
    stats: StatCache | None = None,
    scope: Collection[str] | None = None,
) -> FixityReport:
    """Check every file against INDEX.md; raises ManifestError when INDEX.md itself is unusable.

    `strict` also checks that INDEX.md is exactly what `corpus-audit index` would write
    (manifest.current), from the same walk: what a pre-commit hook wants. With a stat cache
    (`verify --changed`, the hooks), a file whose stat is as recorded when it was last hashed is
    not read again (statcache.py says when a record is trusted); what was hashed is recorded.

    With a `scope` (`validate --staged`: the paths a commit touches), only those paths are looked
    at, every other listed file is taken to match, and the report is about the scope: its files'
    results, and INDEX.md's own checks (the pin; with `strict`, its layout) on the whole table.
    """
    manifest = read_manifest(corpus)
    listed = manifest.by_file()
    if scope is not None:
        return _verify_scope(corpus, manifest, listed, frozenset(scope), strict=strict)
    deep = depth == "sha256"
    want = {file: (size, sha if deep else None) for file, sha, size in manifest.rows.triples()}
    use_stats = stats is not None and stats.usable and depth == "sha256"
    known = stats.trusted() if stats is not None and use_stats else None
    stamp = time.time_ns()  # before any file is read: a later change's times are not older than this
    read: list[tuple[str, Stat, str]] = []
    walk = walk_corpus(
        corpus,
        expected=want,
        hash_files=depth == "sha256",
        jobs=jobs,
        progress=progress,
        known=known,
        hashed=read.extend if use_stats else None,
    )
    differing = {e.path: e for e in walk}
    if stats is not None and use_stats:
        stats.record(read, stamp=stamp, listed=listed)
    return _report(corpus, manifest, listed, differing, depth=depth, strict=strict)


def fixity_report(
    corpus: Path | str,
    manifest: Manifest,
    differences: Iterable[Entry],
    *,
    strict: bool = False,
    listed: Mapping[str, Row] | None = None,
) -> FixityReport:
    """verify_fixity's report from what differs from INDEX.md (walk.differing), however the files
    were hashed: the Spark backend hashes them on its executors and gives the differences here
    (with `listed`, the manifest's by_file() it holds already)."""
    found = {entry.path: entry for entry in differences}
    return _report(
        corpus, manifest, manifest.by_file() if listed is None else listed, found, depth="sha256", strict=strict
    )


def _verify_scope(
    corpus: Path, manifest: Manifest, listed: Mapping[str, Row], scope: frozenset[str], *, strict: bool
) -> FixityReport:
    """verify_fixity for the paths in `scope` only (see there)."""
    found = {entry.path: entry for entry in entries_at(corpus, scope)}
    differing: dict[str, Entry] = {}
    for name in sorted(scope | found.keys()):
        entry, row = found.get(name), listed.get(name)
        if entry is None:
            if row is not None:
                differing[name] = Entry(name, "missing")
        elif row is None or entry.kind != "file" or (entry.size, entry.sha256) != (row.bytes, row.sha256):
            differing[name] = entry
    report = _report(corpus, manifest, listed, differing, depth="sha256", strict=strict, scope=scope)
    shown = replace(manifest, rows=Rows.of(row for row in manifest.rows if row.file in scope))
    return replace(report, manifest=shown, outside=tuple(row for row in manifest.rows if row.file not in scope))


def _report(
    corpus: Path | str,
    manifest: Manifest,
    listed: Mapping[str, Row],
    differing: dict[str, Entry],
    *,
    depth: Depth,
    strict: bool,
    scope: frozenset[str] | None = None,
) -> FixityReport:
    """The failures of a walk's differences from INDEX.md, INDEX.md's own, as a report."""
    failures: list[Result] = []
    expected_pin = manifest.expected_pin()
    if manifest.pin != expected_pin:
        failures.append(
            failed(
                Check.MANIFEST_PIN,
                None,
                "the pin under INDEX.md's table is missing or stale: run `corpus-audit index`",
                expected=expected_pin.render(),
                found=manifest.pin.render() if manifest.pin else None,
                line=manifest.pin_line,
            )
        )
    failures += _row_failures(listed, differing, depth)
    for name, entry in differing.items():
        if entry.kind == "unsafe":
            failures.append(failed(Check.FIXITY_UNSAFE_NAME, name, entry.error))
        elif name not in listed:
            failures.append(
                failed(Check.FIXITY_LISTED, name, "on disk but not listed in INDEX.md: run `corpus-audit index`")
            )
            if entry.kind in ("symlink", "special", "unreadable"):
                check = Check.FIXITY_READABLE if entry.kind == "unreadable" else Check.FIXITY_REGULAR_FILE
                failures.append(failed(check, name, entry.error, kind=entry.kind))
    for nfc, names in normalization_clashes(set(listed) | set(differing)).items():
        for name in names if scope is None else [n for n in names if n in scope]:
            failures.append(
                failed(
                    Check.FIXITY_UNICODE_NAMES,
                    name,
                    f"differs from {', '.join(repr(n) for n in names if n != name)} only by Unicode normalization",
                    nfc=nfc,
                )
            )
    # --strict is refused for a URI: `index` writes a local folder's INDEX.md
    if (
        strict
        and isinstance(corpus, Path)
        and depth == "sha256"
        and (stale := _stale_index(corpus, manifest, differing, expected_pin))
    ):
        failures.append(stale)
    grouped: dict[str | None, list[Result]] = {}
    for finding in failures:
        grouped.setdefault(finding.file, []).append(finding)
    failures.sort(key=Result.sort_key)
    return FixityReport(corpus, manifest, differing, tuple(failures), depth, grouped, strict, expected_pin)
