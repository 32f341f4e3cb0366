"""audit.md: a short Markdown summary for pull requests and CI job summaries; data is escaped, never markup."""

from __future__ import annotations

from provenance.escape import markdown_code, markdown_text
from provenance.render.view import ReportView, policy_notes, status_of

LIMIT = 50  # result lines; the rest is in audit.json


def _row(result: dict[str, object]) -> str:
    """One finding as a table row: file and check in code style, the message as text."""
    file = "—" if result["file"] is None else str(result["file"])
    return (
        f"| {markdown_code(file)} | {markdown_code(str(result['check']))} | {markdown_text(str(result['message']))} |"
    )


def _policy(policy: dict[str, object] | None) -> list[str]:
    """The corpus policy under the verdict: each override in words, with its reason."""
    if not policy:
        return []
    notes = policy_notes(policy)
    head = f"Corpus policy {markdown_code(str(policy['file']))}: " + (
        f"{len(notes)} check(s) overridden" if notes else "no check overridden"
    )
    lines = [f"- {markdown_code(n.check)} {markdown_text(n.verdict)}: {markdown_text(n.reason)}" for n in notes]
    return ["", head, *(["", *lines] if lines else [])]


def _by_check(counts: dict[str, dict[str, int]]) -> list[str]:
    """Each check's counts, in a table folded away under the totals (GitHub and GitLab fold <details>)."""
    if not counts:
        return []
    rows = [
        f"| {markdown_code(check)} | {n['passed']} | {n['failed']} | {n['waived']} | {n['warnings']} |"
        for check, n in counts.items()
    ]
    return [
        "",
        f"<details><summary>Results by check ({len(rows)})</summary>",
        "",
        "| check | passed | failed | waived | warnings |",
        "|---|---:|---:|---:|---:|",
        *rows,
        "",
        "</details>",
    ]


def render_markdown(data: ReportView, *, limit: int = LIMIT) -> str:
    """The verdict, the corpus policy's overrides, the counts (and each check's), then failures,
    warnings and waivers as tables."""
    summary, corpus = data.head["summary"], data.head["corpus"]
    verdict = "✅ passed" if data.ok else "❌ failed"
    out = [
        f"## corpus-audit: {verdict}",
        "",
        f"{markdown_code(corpus['path'])}: {corpus['files']} files, {corpus['bytes']} bytes, "
        f"corpus sha256 {markdown_code(corpus['digest'][:16] + '…')}",
        *_policy(data.head.get("policy")),
        "",
        "| passed | failed | waived | warnings |",
        "|---:|---:|---:|---:|",
        f"| {summary['passed']} | {summary['failed']} | {summary['waived']} | {summary['warnings']} |",
        *_by_check(data.counts),
    ]
    groups: dict[str, list[dict[str, object]]] = {"failed": [], "warning": [], "waived": []}
    for result in data.notable:
        groups[status_of(result)].append(result)
    titles = {"failed": "Failures", "warning": "Warnings", "waived": "Waived"}
    for key, rows in groups.items():
        if not rows:
            continue
        out += ["", f"### {titles[key]} ({len(rows)})", "", "| file | check | message |", "|---|---|---|"]
        out += [_row(r) for r in rows[:limit]]
        if len(rows) > limit:
            out.append(f"| … | | {len(rows) - limit} more in audit.json |")
    out += [
        "",
        f"<sub>corpus-audit {markdown_text(str(data.head['run'].get('tool_version', '')))}; "
        "full report: audit.json, audit.html</sub>",
        "",
    ]
    return "\n".join(out)
