"""Write audit.json: streamed result by result, so millions of results never sit in memory at once."""

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
from provenance.audit.results import ResultSet, no_counts, tally
from provenance.audit.validate import Audit
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
    audit: Audit, *, directory: Path, started: float | None = None, observer: ResultObserver | None = None
) -> Written:
    """Write DIRECTORY/audit.json atomically, handing each row of results to `observer` as written.

    The results are written to a temporary file first while they are counted, then the header
    with the summary, the results and the run block are put together and renamed into place. A
    clean file's row is written from one template; the observer gets every other row as the dicts
    its JSON reads back as (passed ones shared, with file None), so what it renders from is exactly
    what audit.json holds.
    """
    make_folder(directory)
    counts = no_counts()
    fd, body_name = tempfile.mkstemp(prefix=".results.", suffix=".tmp", dir=directory)
    final_fd, final_name = tempfile.mkstemp(prefix=f".{REPORT_NAME}.", suffix=".tmp", dir=directory)
    body_path, final_path = Path(body_name), Path(final_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as body:
            _write_results(audit.results, body, counts, observer)
        run: dict[str, Any] = dict(audit.run)
        if started is not None:
            run["seconds"] = round(time.perf_counter() - started, 3)
        head = {**audit.head, "summary": counts, "checks": audit.checks}
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
    return Written(target, counts, head_read, audit.articles)


def _write_results(results: ResultSet, body: IO[str], counts: dict[str, int], observer: ResultObserver | None) -> None:
    first = True
    clean: tuple[list[str], list[dict[str, Any]]] | None = None
    for name, row in results.file_rows():
        if row is None:
            assert name is not None
            if clean is None:  # the first clean file: make its template
                clean = results.clean_template(separator=",\n    ")
            texts = [json.dumps(name, ensure_ascii=False).join(clean[0])]
            counts["passed"] += len(clean[1])
            if observer is not None:
                observer.clean(name, clean[1])
        else:
            texts, records = [], []
            name_json = json.dumps(name, ensure_ascii=False)
            for result in row:
                if isinstance(result, Result):
                    text = result.to_json()
                    records.append(json.loads(text))  # details may hold tuples: as audit.json has them
                    tally(counts, status=result.status, severity=result.severity)
                else:
                    text = name_json.join(result.template())
                    records.append(result.record())  # file None: the observer has `name`
                    counts["passed"] += 1
                texts.append(text)
            if observer is not None:
                observer.row(name, records)
        for text in texts:
            body.write(("    " if first else ",\n    ") + text)
            first = False
