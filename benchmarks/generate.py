"""Deterministic synthetic corpora for the benchmarks: N files of Arabic-like text plus INDEX.md."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

from provenance.manifest.model import Manifest, Row, render_manifest

_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _words(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choices(_LETTERS, k=rng.randint(2, 7))) for _ in range(count)]


def plain_corpus(root: Path, *, files: int, seed: int = 1) -> Path:
    """Write `files` files of ~5 KB each (100 per sub-directory) and their INDEX.md under root."""
    rng = random.Random(seed)
    vocabulary = _words(rng, 5000)
    # Slices of one long random text: as varied as fresh text per file, far quicker to make.
    blob = " ".join(rng.choices(vocabulary, k=200_000))

    def bodies() -> Iterator[tuple[str, bytes]]:
        for index in range(files):
            start = rng.randrange(len(blob) - 6000)
            yield f"{index // 100:04d}/{index:07d}.txt", blob[start : start + rng.randint(4000, 6000)].strip().encode()

    return _write_corpus(root, bodies())


def _write_corpus(root: Path, files: Iterable[tuple[str, bytes]]) -> Path:
    """Write each (relative path, bytes) under root, then the INDEX.md that pins them."""
    rows = []
    for rel, body in files:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        rows.append(Row(rel, hashlib.sha256(body).hexdigest(), len(body)))
    (root / "INDEX.md").write_text(render_manifest(Manifest().with_rows(rows)), encoding="utf-8")
    return root


_MONTHS = [
    ["يناير", "كانون الثاني", "جانفي"],
    ["فبراير", "شباط", "فيفري"],
    ["مارس", "آذار"],
    ["أبريل", "نيسان", "ابريل", "أفريل"],
    ["مايو", "أيار", "ماي"],
    ["يونيو", "حزيران", "يونيه", "جوان"],
    ["يوليو", "تموز", "يوليوز", "جويلية"],
    ["أغسطس", "آب", "اغسطس", "غشت", "أوت"],
    ["سبتمبر", "أيلول", "شتنبر"],
    ["أكتوبر", "تشرين الأول", "اكتوبر"],
    ["نوفمبر", "تشرين الثاني", "نونبر"],
    ["ديسمبر", "كانون الأول", "دجنبر"],
]
_CITIES = ["لندن", "موسكو", "القاهرة", "دمشق", "بيروت", "الرباط", "الدوحة", "بغداد"]
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _paragraphs(rng: random.Random, vocabulary: list[str], count: int) -> list[str]:
    return [" ".join(rng.choices(vocabulary, k=rng.randint(30, 70))) + "." for _ in range(count)]


def _month_date(rng: random.Random, year: int, month: int, day: int) -> str:
    names = _MONTHS[month - 1]
    name = rng.choice(names)
    if rng.random() < 0.2 and len(names) > 1:
        name = f"{names[0]}/ {names[1]}"  # combined form: 24 فبراير/ شباط 2022
    hour = rng.randint(1, 12)
    text = f"{day} {name} {year} ، {hour}:{rng.randint(0, 59):02d} {rng.choice(['مساءً', 'م', 'صباحا', 'ص', 'مـ'])}"
    return text.translate(_INDIC) if rng.random() < 0.15 else text


def _sputnik(rng: random.Random, vocabulary: list[str], defect: str | None) -> str:
    year, month, day = rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28)
    when = datetime(year, month, day, rng.randint(0, 23), rng.randint(0, 59))
    # Updated a day later; a planted defect has it a day earlier.
    update = when + timedelta(days=-1 if defect == "updated_before" else 1, minutes=rng.randint(0, 600))
    body = _paragraphs(rng, vocabulary, rng.randint(6, 10))
    # Sputnik's layout as scraped (the seed's): the photo credit glued to the photo bank link, a
    # stray "/ " opening the lede and the dateline opening the second paragraph; a planted defect,
    # as the parser flags it with a warning. A clean article's lede opens with the dateline.
    glued = defect == "layout"
    lede = 1 if glued else 0
    body[lede] = f"{rng.choice(_CITIES)} - سبوتنيك. {body[lede]}" if defect != "no_source" else body[lede]
    if defect == "duplicates":
        body += body[2:5]
    lines = [
        " ".join(rng.choices(vocabulary, k=10)),
        f"{when:%H:%M} GMT {when:%d.%m.%Y} (تم التحديث: {update:%H:%M} GMT {update:%d.%m.%Y})"
        if defect != "no_date"
        else "",
        "© Sputnik . مصور / الانتقال إلى بنك الصور" + " ".join(rng.choices(vocabulary, k=6)) if glued else "",
        "",
        "© Sputnik . مصور" if defect != "no_source" else "",
        ("/ " if glued else "") + body[0],
        *body[1:],
    ]
    return "\n".join(lines)


def _repost(rng: random.Random, vocabulary: list[str], defect: str | None) -> str:
    year, month = rng.randint(2015, 2024), rng.randint(1, 12)
    day = 30 if defect == "impossible_date" and month == 2 else rng.randint(1, 28)
    body = _paragraphs(rng, vocabulary, rng.randint(6, 12))
    if defect == "duplicates":
        body += body[:3]
    scraped = defect == "boilerplate"  # the aggregator's related-story link and comments box, as scraped
    blocks = [
        " ".join(rng.choices(vocabulary, k=9)) + " – RT EN",
        _month_date(rng, year, month, day) if defect != "no_date" else "",
        *body,
        "في موسكو اليوم " + " ".join(rng.choices(vocabulary, k=12)) + " pic.twitter.com/abc123",
        f"– وزارة الدفاع (DefenceHQ) {day} {_MONTHS[month - 1][0]} {year}",
        "المزيد عن هذا الموضوع – " + " ".join(rng.choices(vocabulary, k=8)) if scraped else "",
        "\n\n\n",
        "Source link" if defect != "no_source" else "",
        "Facebook Comments Box" if scraped else "",
    ]
    return "\n\n".join(b for b in blocks if b)


#: Each planted defect fails (or warns on) one check; an article without one passes every check.
DEFECTS = (
    "duplicates",
    "no_date",
    "no_source",
    "updated_before",
    "impossible_date",
    "bad_utf8",
    "layout",
    "boilerplate",
)


def article_corpus(root: Path, *, files: int, seed: int = 2, defect_rate: float = 0.02) -> Path:
    """Realistic articles in both seed layouts, date and month variants, and planted defects: an
    article has one with probability `defect_rate` (the Sputnik layout quirk and the aggregator's
    boilerplate among them), and is otherwise clean."""
    rng = random.Random(seed)
    vocabulary = _words(rng, 8000)

    def bodies() -> Iterator[tuple[str, bytes]]:
        for index in range(files):
            defect = rng.choice(DEFECTS) if rng.random() < defect_rate else None
            body = (_sputnik if index % 2 else _repost)(rng, vocabulary, defect).encode()
            if defect == "bad_utf8":
                body = body[:200] + b"\xff\xfe" + body[200:]
            yield f"{index // 1000:03d}/{index:07d}.txt", body

    return _write_corpus(root, bodies())
