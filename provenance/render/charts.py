"""Small inline SVG bar charts: nothing fetched, nothing scripted."""

from __future__ import annotations

from html import escape

COLORS = {"passed": "#2e7d32", "failed": "#c62828", "waived": "#1565c0", "warnings": "#ef6c00"}


def bar_chart(title: str, bars: list[tuple[str, int]], *, color: str = "#455a64", width: int = 420) -> str:
    """A horizontal bar chart with a label and a count per bar, as one <figure> with inline SVG."""
    if not bars:
        return f'<figure class="chart"><figcaption>{escape(title)}</figcaption><p class="muted">no data</p></figure>'
    top = max(count for _, count in bars) or 1
    row, label_w, gap = 22, 130, 6
    height = len(bars) * row + gap
    parts = [
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">'
    ]
    for number, (label, count) in enumerate(bars):
        y = number * row + gap
        length = int((width - label_w - 60) * count / top)
        fill = COLORS.get(label, color)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" direction="ltr">{escape(label[:20])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{max(length, 1)}" height="16" fill="{fill}"><title>{escape(label)}: {count}</title></rect>'
            f'<text x="{label_w + length + 4}" y="{y + 13}">{count}</text>'
        )
    parts.append("</svg></figure>")
    return "".join(parts)
