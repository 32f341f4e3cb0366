"""File names that differ only by Unicode normalization (NFC vs NFD) look equal but are not."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable


def normalization_clashes(names: Iterable[str]) -> dict[str, list[str]]:
    """Names that differ only by Unicode normalization, grouped under their NFC form."""
    groups: defaultdict[str, set[str]] = defaultdict(set)
    ascii_names = set()
    for name in names:
        if name.isascii():  # ASCII is its own NFC: only a non-ASCII name can clash with it
            ascii_names.add(name)
        else:
            groups[unicodedata.normalize("NFC", name)].add(name)
    for key, group in groups.items():
        if key in ascii_names:
            group.add(key)
    return {key: sorted(group) for key, group in sorted(groups.items()) if len(group) > 1}
