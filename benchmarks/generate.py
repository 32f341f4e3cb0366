"""Deterministic synthetic corpora for the benchmarks: N files of Arabic-like text plus INDEX.md."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from provenance.manifest import Manifest, Row, render_manifest

_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_WORDS_PER_FILE = 500  # about 5 KB of UTF-8 Arabic


def _words(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choices(_LETTERS, k=rng.randint(2, 7))) for _ in range(count)]


def plain_corpus(root: Path, *, files: int, seed: int = 1) -> Path:
    """Write `files` files of ~5 KB each (100 per sub-directory) and their INDEX.md under root."""
    rng = random.Random(seed)
    vocabulary = _words(rng, 5000)
    rows = []
    for index in range(files):
        rel = f"{index // 100:04d}/{index:07d}.txt"
        body = " ".join(rng.choices(vocabulary, k=_WORDS_PER_FILE)).encode()
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        rows.append(Row(rel, hashlib.sha256(body).hexdigest(), len(body)))
    (root / "INDEX.md").write_text(render_manifest(Manifest().with_rows(rows)), encoding="utf-8")
    return root
