"""audit.html: one self-contained page a steward reads (inline CSS and SVG, no scripts, no fetches).

Large corpora stay usable: long tables are split into collapsed pages of PAGE rows, the matrix and
the article details show only files with something to look at, and every cap says what it left out.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from html import escape
from typing import Any

from provenance.render.charts import bar_chart
from provenance.render.view import ReportView, policy_notes, status_of, worst_first
from provenance.words import counted, number

PAGE = 500  # rows per collapsed page of a long table
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile("[A-Za-z]")
STATUS_LABEL = {"passed": "passed", "failed": "failed", "waived": "waived", "warning": "warning"}
MATRIX_LETTER = {"passed": "P", "failed": "F", "warning": "W", "waived": "V"}  # one letter each, not colour alone
TOP_WAIVERS = 10  # waived results listed beside the verdict; the Waivers section has them all

CSS = """
:root{--ok:#2e7d32;--bad:#c62828;--waived:#1565c0;--warn:#ef6c00;--muted:#607d8b;--line:#cfd8dc}
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Naskh Arabic",sans-serif;margin:0;color:#212121;line-height:1.45}
header.verdict{padding:1.2rem 2rem;color:#fff;display:flex;flex-wrap:wrap;gap:.5rem 3rem}
header.ok{background:var(--ok)} header.fail{background:var(--bad)}
header h1{margin:0 0 .3rem 0;font-size:1.7rem} header p{margin:.2rem 0} header a{color:#fff}
header > div{flex:1 1 24rem} header aside{flex:1 1 28rem;font-size:.9rem} header aside p{font-weight:600}
main{padding:0 2rem 3rem 2rem;max-width:1400px}
h2{border-bottom:2px solid var(--line);padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:start;vertical-align:top}
th{background:#eceff1}
code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
.status{font-weight:600;padding:0 .4rem;border-radius:3px;color:#fff;white-space:nowrap}
.s-passed{background:var(--ok)} .s-failed{background:var(--bad)} .s-waived{background:var(--waived)} .s-warning{background:var(--warn)}
.matrix td{width:1.6rem;text-align:center;padding:0;font-size:.75rem;color:#fff;font-weight:600}
.matrix th.file{font-weight:normal;background:#fff;color:#212121}
.legend span.cell{display:inline-block;width:1.4rem;text-align:center;color:#fff;font-weight:600;border-radius:2px;margin-inline-end:.3rem}
.legend span.entry{margin-inline-end:1.2rem;white-space:nowrap}
.matrix th.check{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:normal;font-size:.75rem;white-space:nowrap}
.charts{display:flex;flex-wrap:wrap;gap:2rem}
figure.chart{margin:0} figcaption{font-weight:600;margin-bottom:.3rem}
.muted{color:var(--muted)}
details{margin:.4rem 0} summary{cursor:pointer;font-weight:600}
.article{border:1px solid var(--line);border-radius:4px;padding:.4rem .8rem;margin:.6rem 0}
table.lines{width:100%;margin-top:.6rem}
.lines td{border:0;border-bottom:1px solid #eceff1;padding:.2rem .4rem}
.lines td.ln,.lines td.role{font-size:.7rem;color:var(--muted);font-family:ui-monospace,monospace;white-space:nowrap;width:1%}
.lines td.ln{text-align:end;border-left:4px solid transparent}
.lines tr.repeated td{background:#ffebee} .lines tr.repeated td.ln{border-left-color:var(--bad)}
.lines tr.marked td{background:#f5f5f5;color:var(--muted)} .lines tr.marked td.ln{border-left-color:var(--muted)}
[dir=rtl]{text-align:right}
header ul.policy{margin:.2rem 0;padding-inline-start:1.4rem}
"""


@functools.lru_cache(maxsize=4096)  # messages repeat across files
def _dir(text: str | None) -> str:
    """dir/lang attributes: Arabic-script text right-to-left, mixed text decided by the browser."""
    if not text:
        return 'dir="auto"'
    arabic, latin = len(_ARABIC.findall(text)), len(_LATIN.findall(text))
    if arabic and arabic >= latin:
        return 'dir="rtl" lang="ar"'
    return 'dir="auto"'


def _e(value: object) -> str:
    return escape("—" if value is None else str(value))


def _badge(status: str) -> str:
    return f'<span class="status s-{status}">{STATUS_LABEL[status]}</span>'


def _pages(title: str, header: str, rows: list[str]) -> str:
    """A table split into collapsed pages of PAGE rows (the first one open)."""
    if len(rows) <= PAGE:
        return f"<table><thead>{header}</thead><tbody>{''.join(rows)}</tbody></table>"
    out = []
    for start in range(0, len(rows), PAGE):
        chunk = rows[start : start + PAGE]
        opened = " open" if start == 0 else ""
        out.append(
            f"<details{opened}><summary>{escape(title)} {start + 1}–{start + len(chunk)} of {len(rows)}</summary>"
            f"<table><thead>{header}</thead><tbody>{''.join(chunk)}</tbody></table></details>"
        )
    return "".join(out)


def render_html(view: ReportView) -> str:
    """The whole page as one string."""
    head, summary, corpus = view.head, view.head["summary"], view.head["corpus"]
    verdict = "Audit passed" if view.ok else "Audit failed"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>corpus-audit: {escape(verdict)} ({_e(corpus['path'])})</title>",
        f"<style>{CSS}</style></head><body>",
        f'<header class="verdict {"ok" if view.ok else "fail"}"><div><h1 id="verdict">{escape(verdict)}</h1>',
        f"<p>{number(summary['passed'])} passed · {number(summary['failed'])} failed · {number(summary['waived'])} waived"
        f" · {counted(summary['warnings'], 'warning')}</p>",
        f"<p>corpus <code>{_e(corpus['path'])}</code>: {counted(corpus['files'], 'file')}, {counted(corpus['bytes'], 'byte')}, "
        f'sha256 <code id="digest">{_e(corpus["digest"])}</code></p></div>',
        _beside_verdict(head.get("policy"), view.notable),
        "</header><main>",
        _charts(summary, head.get("breakdown"), view.articles),
        _problems(view.notable),
        _provenance(view.articles, view.fixity, view.notable, files=corpus["files"]),
        _matrix(view),
        _articles(view.articles, view.notable),
        _waivers(view.notable),
        _policy(head.get("policy")),
        f'<p class="muted">corpus-audit {_e(head["run"].get("tool_version"))}, run {_e(head["run"].get("started"))}; '
        "the JSON report audit.json is the source of this page.</p>",
        "</main></body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"  # no policy: no policy section


def _charts(summary: dict[str, int], breakdown: dict[str, Any] | None, articles: list[dict[str, Any]]) -> str:
    """Results by status, and articles by outlet and month: from the head's breakdown, which counts
    every article (a version 1 report, without one, listed every article's facts instead)."""
    if breakdown is not None:
        outlets = Counter({e["value"] or "(unknown)": e["articles"] for e in breakdown["outlet"]})
        months = Counter({e["value"]: e["articles"] for e in breakdown["month"] if e["value"]})
    else:
        outlets = Counter(a.get("outlet") or "(unknown)" for a in articles)
        months = Counter(str(a["published_at"])[:7] for a in articles if a.get("published_at"))
    return (
        '<section id="charts"><h2>At a glance</h2><div class="charts">'
        + bar_chart("Results by status", [(k, summary[k]) for k in ("passed", "failed", "waived", "warnings")])
        + bar_chart("Articles by outlet", sorted(outlets.items(), key=lambda bar: (-bar[1], bar[0]))[:12])
        + bar_chart("Publications by month", sorted(months.items())[-24:], color="#6a1b9a")
        + "</div></section>"
    )


def _problems(notable: list[dict[str, Any]]) -> str:
    order = {"failed": 0, "warning": 1, "waived": 2}
    rows = [
        f'<tr class="{status_of(r)}"><td>{_badge(status_of(r))}</td><td><code>{_e(r["check"])}</code></td>'
        f'<td dir="auto"><code>{_e(r["file"])}</code></td><td {_dir(r["message"])}>{_e(r["message"])}</td></tr>'
        for r in sorted(notable, key=lambda r: (order.get(status_of(r), 3), r["file"] or "", r["check"]))
    ]
    if not rows:
        return '<section id="problems"><h2>Findings</h2><p>Every check passed.</p></section>'
    header = "<tr><th>status</th><th>check</th><th>file</th><th>message</th></tr>"
    return f'<section id="problems"><h2>Findings ({len(rows)})</h2>{_pages("Findings", header, rows)}</section>'


def _provenance(
    articles: list[dict[str, Any]], fixity: dict[str, str], notable: list[dict[str, Any]], *, files: int
) -> str:
    """The files with findings: each one's digest, size, outlet and fixity; the rest are counted.

    The same whether audit.json lists every article's facts or only the flagged ones'.
    """
    flagged = {r["file"] for r in notable if r["file"] is not None}
    known = {a["file"] for a in articles}
    rows = [
        f'<tr><td dir="auto"><code>{_e(a["file"])}</code></td><td class="mono" title="{_e(a["sha256"])}">{_e(str(a["sha256"])[:12])}</td>'
        f"<td>{_e(a['bytes'])}</td><td>{_e(a.get('outlet'))}</td><td>{_badge(fixity.get(a['file'], 'passed'))}</td></tr>"
        for a in articles
        if a["file"] in flagged
    ]
    rows += [
        f'<tr><td dir="auto"><code>{_e(f)}</code></td><td>—</td><td>—</td><td>—</td><td>{_badge(s)}</td></tr>'
        for f, s in sorted(fixity.items())
        if f not in known
    ]
    header = "<tr><th>file</th><th>sha256</th><th>bytes</th><th>outlet</th><th>fixity</th></tr>"
    bad = sum(1 for status in fixity.values() if status == "failed")
    note = (
        f'<p class="muted">{number(files)} files listed in INDEX.md; '
        + (f"{counted(bad, 'file')} failed fixity. " if bad else "every one is the bytes INDEX.md records. ")
        + f"The {counted(len(rows), 'file')} with findings are listed here; the corpus digest above covers all.</p>"
    )
    table = _pages("Files", header, rows) if rows else ""
    return f'<section id="provenance"><h2>Provenance</h2>{note}{table}</section>'


def _matrix(view: ReportView) -> str:
    checks = sorted(view.checks)
    head = "<tr><th>file</th>" + "".join(f'<th class="check" title="{_e(c)}">{_e(c)}</th>' for c in checks) + "</tr>"
    rows = []
    for file, statuses in view.matrix.items():
        cells = []
        for check in checks:
            status = statuses.get(check)
            cells.append(
                f'<td class="s-{status}" title="{_e(check)}: {status}">{MATRIX_LETTER[status]}</td>'
                if status
                else "<td></td>"
            )
        rows.append(f'<tr><th class="file" scope="row" dir="auto"><code>{_e(file)}</code></th>{"".join(cells)}</tr>')
    note = f'<p class="muted">{view.files - view.flagged} files passed every check and are not listed.'
    if view.flagged > len(view.matrix):
        note += f" {view.flagged - len(view.matrix)} more files with findings are in audit.json."
    note += "</p>"
    table = f'<table class="matrix"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>' if rows else ""
    return f'<section id="matrix"><h2>Files × checks</h2>{note}{_legend() if rows else ""}{table}</section>'


def _legend() -> str:
    """What each matrix cell's letter means, in the cell's own colour."""
    entries = "".join(
        f'<span class="entry" title="{STATUS_LABEL[status]}"><span class="cell s-{status}">{letter}</span>{STATUS_LABEL[status]}</span>'
        for status, letter in MATRIX_LETTER.items()
    )
    return f'<p class="legend">Cells: {entries}<span class="entry">blank: no result for that file</span></p>'


def _articles(articles: list[dict[str, Any]], notable: list[dict[str, Any]]) -> str:
    """Each article with findings whose lines the report carries, the most serious first."""
    findings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in notable:
        if result["file"] is not None:
            findings[result["file"]].append(result)
    by_file = {a["file"]: a for a in articles}
    flagged = [file for file in worst_first(notable) if file in by_file]
    blocks = [_article(by_file[file], findings[file]) for file in flagged if "lines" in by_file[file]]
    if not blocks:
        return '<section id="articles"><h2>Articles</h2><p>No article has findings to show.</p></section>'
    note = '<p class="muted">The most serious first: failed errors, then warnings, then waived; then the most findings.'
    if len(blocks) < len(flagged):
        note += (
            f" Showing {len(blocks):,} of {len(flagged):,} articles with findings; the rest are in audit.json"
            " (<code>results</code>).</p>"
        )
        title = f"Articles with findings ({len(blocks):,} of {len(flagged):,})"
    else:
        note += "</p>"
        title = f"Articles with findings ({len(blocks):,})"
    return f'<section id="articles"><h2>{title}</h2>{note}{"".join(blocks)}</section>'


def _article(article: dict[str, Any], findings: Iterable[dict[str, Any]]) -> str:
    repeated = {line["line"] for line in article["lines"] if line.get("duplicate_of") is not None}
    lines = []
    for line in article["lines"]:
        kind = (
            "repeated"
            if line["line"] in repeated
            else ("marked" if line["role"] in ("boilerplate", "related", "credit", "caption", "tweet") else "")
        )
        # The line number and role have cells of their own, apart from the text: a number beside
        # Arabic text that opens with digits would read as one number ("2" + "2 كانون الثاني").
        lines.append(
            f'<tr class="{kind}"><td class="ln">{line["line"]}</td><td class="role">{_e(line["role"])}'
            f'{" (repeat)" if kind == "repeated" else ""}</td><td class="text" {_dir(line["text"])}>{_e(line["text"])}</td></tr>'
        )
    facts = [
        ("outlet", article.get("outlet")),
        ("agency", article.get("agency")),
        ("published", article.get("published_at")),
        ("as found", article.get("published_raw")),
        ("updated", article.get("updated_at")),
        ("dateline", article.get("dateline")),
        ("byline", article.get("byline")),
        ("source line", article.get("source_line")),
        ("sha256", article.get("sha256")),
    ]
    items = "".join(f"<tr><th>{k}</th><td {_dir(str(v) if v else None)}>{_e(v)}</td></tr>" for k, v in facts)
    badges = " ".join(f"{_badge(status_of(f))} <code>{_e(f['check'])}</code>" for f in findings)
    return (
        f'<details class="article"><summary dir="auto"><code>{_e(article["file"])}</code> · '
        f"<span {_dir(article.get('title'))}>{_e(article.get('title'))}</span></summary>"
        f'<p>{badges}</p><table>{items}</table><table class="lines"><tbody>{"".join(lines)}</tbody></table></details>'
    )


def _waivers(notable: list[dict[str, Any]]) -> str:
    rows = []
    for result in notable:
        waiver = result.get("details", {}).get("waiver")
        if result["status"] == "waived" and waiver:
            rows.append(
                f'<tr><td dir="auto"><code>{_e(result["file"])}</code></td><td><code>{_e(result["check"])}</code></td>'
                f"<td {_dir(waiver['reason'])}>{_e(waiver['reason'])}</td><td>{_e(waiver['expires'])}</td></tr>"
            )
        elif str(result["check"]).startswith("waiver."):
            rows.append(
                f'<tr><td dir="auto"><code>{_e(result["file"])}</code></td><td>{_badge(status_of(result))} <code>{_e(result["check"])}</code></td>'
                f"<td>{_e(result['message'])}</td><td>—</td></tr>"
            )
    if not rows:
        return '<section id="waivers"><h2>Waivers</h2><p>No waivers.</p></section>'
    header = "<tr><th>file</th><th>check</th><th>reason</th><th>expires</th></tr>"
    return f'<section id="waivers"><h2>Waivers ({len(rows)})</h2>{_pages("Waivers", header, rows)}</section>'


def _beside_verdict(policy: dict[str, Any] | None, notable: list[dict[str, Any]]) -> str:
    """Beside the verdict: what changed it, the policy's overrides and the waivers."""
    parts = _policy_overrides(policy) + _waivers_in_force(notable)
    return f'<aside id="verdict-notes">{parts}</aside>' if parts else ""


def _policy_overrides(policy: dict[str, Any] | None) -> str:
    """What the corpus policy does to each check it overrides, and why."""
    if not policy:
        return ""
    notes = policy_notes(policy)
    if not notes:
        return f"<p>corpus policy <code>{_e(policy['file'])}</code>: no check overridden</p>"
    items = "".join(
        f"<li><code>{_e(n.check)}</code> {_e(n.verdict)}: <span {_dir(n.reason)}>{_e(n.reason)}</span></li>"
        for n in notes
    )
    return f'<p>corpus policy <code>{_e(policy["file"])}</code> overrides:</p><ul class="policy">{items}</ul>'


def _waivers_in_force(notable: list[dict[str, Any]]) -> str:
    """The waived results (the first TOP_WAIVERS), and the waivers that are stale, expired or unused."""
    waived = [r for r in notable if r["status"] == "waived" and r.get("details", {}).get("waiver")]
    problems = Counter(str(r["check"]) for r in notable if str(r["check"]).startswith("waiver."))
    out = ""
    if waived:
        items = [
            f"<li><code>{_e(r['file'])}</code> <code>{_e(r['check'])}</code> until {_e(r['details']['waiver']['expires'])}: "
            f"<span {_dir(r['details']['waiver']['reason'])}>{_e(r['details']['waiver']['reason'])}</span></li>"
            for r in waived[:TOP_WAIVERS]
        ]
        if len(waived) > TOP_WAIVERS:
            items.append(f'<li><a href="#waivers">{len(waived) - TOP_WAIVERS:,} more</a></li>')
        out += f'<p>{len(waived):,} waived (WAIVERS.md):</p><ul class="policy">{"".join(items)}</ul>'
    if problems:
        items = [f"<li><code>{_e(check)}</code>: {count:,}</li>" for check, count in sorted(problems.items())]
        out += f'<p><a href="#waivers">Waivers to renew or remove</a>:</p><ul class="policy">{"".join(items)}</ul>'
    return out


def _policy(policy: dict[str, Any] | None) -> str:
    """The corpus policy in full: how the articles were read, and every override with its expiry."""
    if not policy:
        return ""
    settings = [
        (f"[{table}] {key}", value)
        for table in ("corpus", "metadata", "duplicates")
        for key, value in policy[table].items()
    ]
    rows = "".join(f"<tr><th>{_e(k)}</th><td><code>{_e(v)}</code></td></tr>" for k, v in settings)
    checks = [
        f"<tr><td><code>{_e(c['id'])}</code></td><td>{_e(c['severity'])}</td><td>{_e(c['catalogue_severity'])}</td>"
        f"<td {_dir(c['reason'])}>{_e(c['reason'])}</td><td>{_e(c['expires'])}</td>"
        f"<td>{'expired: not applied' if c['expired'] else 'in force'}</td></tr>"
        for c in policy["checks"]
    ]
    header = "<tr><th>check</th><th>severity</th><th>catalogue</th><th>reason</th><th>expires</th><th>status</th></tr>"
    table = (
        f"<table><thead>{header}</thead><tbody>{''.join(checks)}</tbody></table>" if checks else "<p>No overrides.</p>"
    )
    return (
        f'<section id="policy"><h2>Corpus policy</h2><p><code>{_e(policy["file"])}</code>, sha256 '
        f"<code>{_e(policy['sha256'])}</code></p><table>{rows}</table>{table}</section>"
    )
