"""audit.md: a short Markdown summary for pull requests and CI job summaries."""

from __future__ import annotations

from provenance.render.view import ReportView, status_of

LIMIT = 50  # result lines; the rest is in audit.json


def _cell(text: object) -> str:
    return str(text if text is not None else "—").replace("|", "\\|").replace("\n", " ")


def render_markdown(data: ReportView, *, limit: int = LIMIT) -> str:
    """The verdict, the counts, then failures, warnings and waivers as tables."""
    summary, corpus = data.head["summary"], data.head["corpus"]
    verdict = "✅ passed" if data.ok else "❌ failed"
    out = [
        f"## corpus-audit: {verdict}",
        "",
        f"`{corpus['path']}`: {corpus['files']} files, {corpus['bytes']} bytes, "
        f"corpus sha256 `{corpus['digest'][:16]}…`",
        "",
        "| passed | failed | waived | warnings |",
        "|---:|---:|---:|---:|",
        f"| {summary['passed']} | {summary['failed']} | {summary['waived']} | {summary['warnings']} |",
    ]
    groups: dict[str, list[dict[str, object]]] = {"failed": [], "warning": [], "waived": []}
    for result in data.notable:
        groups[status_of(result)].append(result)
    titles = {"failed": "Failures", "warning": "Warnings", "waived": "Waived"}
    for key, rows in groups.items():
        if not rows:
            continue
        out += ["", f"### {titles[key]} ({len(rows)})", "", "| file | check | message |", "|---|---|---|"]
        out += [f"| `{_cell(r['file'])}` | `{r['check']}` | {_cell(r['message'])} |" for r in rows[:limit]]
        if len(rows) > limit:
            out.append(f"| … | | {len(rows) - limit} more in audit.json |")
    out += [
        "",
        f"<sub>corpus-audit {data.head['run'].get('tool_version', '')}; full report: audit.json, audit.html</sub>",
        "",
    ]
    return "\n".join(out)
