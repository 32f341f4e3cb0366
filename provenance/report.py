"""Write audit.json: streamed result by result, so millions of results never sit in memory at once."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from provenance.validate import Audit

REPORT_NAME = "audit.json"


def write_report(audit: Audit, *, directory: Path, started: float | None = None) -> tuple[Path, dict[str, int]]:
    """Write DIRECTORY/audit.json atomically; returns its path and the summary counts.

    The results are written to a temporary file first while they are counted, then the header
    with the summary, the results and the run block are put together and renamed into place.
    """
    directory.mkdir(parents=True, exist_ok=True)
    counts = {"passed": 0, "failed": 0, "waived": 0, "warnings": 0}
    fd, body_name = tempfile.mkstemp(prefix=".results.", suffix=".tmp", dir=directory)
    final_fd, final_name = tempfile.mkstemp(prefix=f".{REPORT_NAME}.", suffix=".tmp", dir=directory)
    body_path, final_path = Path(body_name), Path(final_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as body:
            first = True
            for status, severity, text in audit.results.json_lines():
                if status == "failed":
                    counts["failed" if severity == "error" else "warnings"] += 1
                else:
                    counts[status] += 1
                body.write(("    " if first else ",\n    ") + text)
                first = False
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
    return target, counts
