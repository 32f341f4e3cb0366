"""Markdown pipe tables as stewards write them: found outside code fences, split on unescaped pipes."""

from __future__ import annotations

import re

_DELIMITER_CELL = re.compile(r"^:?-+:?$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def is_fence(line: str) -> bool:
    """A line that opens or closes a fenced code block (it never starts with a pipe)."""
    return _FENCE.match(line) is not None


def is_row(line: str) -> bool:
    """A line of a pipe table (when it is outside a fenced code block)."""
    return line.lstrip().startswith("|")


def find_tables(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges of pipe tables outside fenced code blocks; end is exclusive."""
    tables: list[tuple[int, int]] = []
    start: int | None = None
    fenced = False
    for index, line in enumerate([*lines, ""]):
        fenced ^= is_fence(line)
        in_table = not fenced and is_row(line)
        if in_table and start is None:
            start = index
        elif not in_table and start is not None:
            tables.append((start, index))
            start = None
    return tables


def cells(line: str) -> list[str]:
    """Split a table row on unescaped pipes; `\\|` stays a literal pipe."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    if "\\" not in body:  # the common case, without a regex
        return [cell.strip() for cell in body.split("|")]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]


def is_delimiter(line: str, width: int) -> bool:
    """A |---|:--:| row with `width` cells."""
    parts = cells(line)
    return len(parts) == width and all(_DELIMITER_CELL.match(c.replace(" ", "")) for c in parts)


def unquote(cell: str) -> str:
    """The cell without one pair of surrounding backticks."""
    return cell[1:-1] if len(cell) >= 2 and cell[0] == cell[-1] == "`" else cell
