"""Numbers in a steward's words: thousands separators and the right plural."""

from __future__ import annotations


def number(count: int) -> str:
    """`count` with thousands separators: 6341 -> "6,341"."""
    return f"{count:,}"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """`count` and the noun it counts: "1 file", "6,341 files", "2 waivers"."""
    return f"{number(count)} {singular if count == 1 else plural or singular + 's'}"
