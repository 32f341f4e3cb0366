"""Write audit.json: streamed row by row, passed results counted, so millions never sit in memory at once."""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from provenance.atomic import make_folder
from provenance.audit.results import ResultSet, RowItem, no_counts, tally
from provenance.audit.validate import Audit, ResultsListed
from provenance.findings import Result

REPORT_NAME = "audit.json"


class ResultObserver(Protocol):
    """Something that watches audit.json's results go by, one name's row at a time."""

    def row(self, name: str | None, results: Sequence[dict[str, Any]]) -> None: ...

    def clean(self, name: str, row: Sequence[dict[str, Any]]) -> None: ...


@dataclass(frozen=True, slots=True)
class Written:
    """audit.json as written: its path, the summary counts, its head as read back, and the articles.

    The articles are JSON values already (validate makes them so), so they read back as they are.
    """

    path: Path
    summary: dict[str, int]
    head: dict[str, Any]
    articles: list[dict[str, Any]]


def write_report(
    audit: Audit,
    *,
    directory: Path,
    started: float | None = None,
    observer: ResultObserver | None = None,
    results: ResultsListed = "failed",
) -> Written:
    """Write DIRECTORY/audit.json atomically, handing each row of listed results to `observer` as written.

    The results are written to a temporary file first while they are counted, then the header
    with the summary and each check's counts, the results and the run block are put together and
    renamed into place. With `results` "failed" only failed, waived and failed-warning results are
    listed, passed ones only counted; with "all" every result is, a clean file's row written from
    one template. The observer gets exactly the rows audit.json lists, as the dicts its JSON reads
    back as (passed ones shared, with file None), so what it renders from is what audit.json holds.
    """
    make_folder(directory)
    tallies = _Tallies()
    fd, body_name = tempfile.mkstemp(prefix=".results.", suffix=".tmp", dir=directory)
    final_fd, final_name = tempfile.mkstemp(prefix=f".{REPORT_NAME}.", suffix=".tmp", dir=directory)
    body_path, final_path = Path(body_name), Path(final_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as body:
            _write_results(audit.results, body, tallies, observer, every=results == "all")
        run: dict[str, Any] = dict(audit.run)
        if started is not None:
            run["seconds"] = round(time.perf_counter() - started, 3)
        head = audit.report_head(
            summary=tallies.summary, by_check=tallies.by_check, files=tallies.files, results=results
        )
        with os.fdopen(final_fd, "w", encoding="utf-8") as out, body_path.open(encoding="utf-8") as body:
            out.write(json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "results": [\n')
            while chunk := body.read(1 << 20):
                out.write(chunk)
            out.write('\n  ],\n  "articles": [')
            for number, article in enumerate(audit.articles):
                out.write(("\n    " if number == 0 else ",\n    ") + json.dumps(article, ensure_ascii=False))
            run_text = json.dumps(run, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            out.write('\n  ],\n  "run": ' + run_text + "\n}\n")
            out.flush()
            os.fsync(out.fileno())
        final_path.chmod(0o644)
        target = final_path.replace(directory / REPORT_NAME)
    except BaseException:
        final_path.unlink(missing_ok=True)
        raise
    finally:
        body_path.unlink(missing_ok=True)
    head_read = json.loads(json.dumps({**head, "run": run}, ensure_ascii=False))
    return Written(target, tallies.summary, head_read, audit.articles)


class _Tallies:
    """The counts the header carries: the summary, each check's, and the files with results."""

    def __init__(self) -> None:
        self.summary = no_counts()
        self.by_check: dict[str, dict[str, int]] = {}
        self.files = 0

    def add(self, check: str, *, status: str, severity: str, times: int = 1) -> None:
        counts = self.by_check.get(check) or self.by_check.setdefault(check, no_counts())
        if status == "passed":  # nearly every result: the fast path
            counts["passed"] += times
            self.summary["passed"] += times
            return
        for _ in range(times):
            tally(counts, status=status, severity=severity)
            tally(self.summary, status=status, severity=severity)


def _write_results(
    results: ResultSet, body: IO[str], tallies: _Tallies, observer: ResultObserver | None, *, every: bool
) -> None:
    """Write the listed results to `body` (every one, or all but the passed), counting them all."""
    first = True
    clean: tuple[list[str], list[dict[str, Any]]] | None = None
    clean_files = 0
    for name, row in results.file_rows():
        if name is not None:
            tallies.files += 1
        texts: list[str] = []
        if row is None:
            assert name is not None
            clean_files += 1
            if every:
                if clean is None:  # the first clean file: make its template
                    clean = results.clean_template(separator=",\n    ")
                texts = [json.dumps(name, ensure_ascii=False).join(clean[0])]
                if observer is not None:
                    observer.clean(name, clean[1])
        else:
            texts, records = _listed(name, row, tallies, every=every)
            if observer is not None and (records or every):
                observer.row(name, records)
        for text in texts:
            body.write(("    " if first else ",\n    ") + text)
            first = False
    if clean_files:
        for passed in results.clean_row:
            tallies.add(passed.check, status="passed", severity=passed.severity, times=clean_files)


def _listed(
    name: str | None, row: Sequence[RowItem], tallies: _Tallies, *, every: bool
) -> tuple[list[str], list[dict[str, Any]]]:
    """One name's results as audit.json lists them (JSON texts, and the dicts they read back as), counted."""
    texts, records = [], []
    name_json = json.dumps(name, ensure_ascii=False)
    for result in row:
        if isinstance(result, Result):
            tallies.add(result.check, status=result.status, severity=result.severity)
            if every or result.status != "passed":
                texts.append(result.to_json())
                records.append(json.loads(texts[-1]))  # details may hold tuples: as audit.json has them
        else:
            tallies.add(result.check, status="passed", severity=result.severity)
            if every:
                texts.append(name_json.join(result.template()))
                records.append(result.record())  # file None: the observer has `name`
    return texts, records
