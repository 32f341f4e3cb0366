"""Repeated body paragraphs are found on the normalization key, not on the raw text, by both engines."""

from __future__ import annotations

import json
from hashlib import sha256
from pathlib import Path

import pytest

from provenance._cli import main
from provenance.parsing.article import parse_article
from provenance.parsing.outlets import load_registry
from provenance.parsing.textnorm import normalize_key

RESOURCES = Path(__file__).parent / "resources"
CORPUS = RESOURCES / "duplicate-variants"
REGISTRY = load_registry()
CHECK = "article.no_duplicate_paragraphs"


def _lines(name: str) -> dict[int, dict[str, object]]:
    """The parsed lines of one file of the corpus, by line number."""
    parsed = parse_article((CORPUS / name).read_bytes(), file=name, registry=REGISTRY)
    return {int(row["line"]): row for row in parsed.paragraphs}  # type: ignore[call-overload]


def _raw_hash(text: object) -> str:
    return sha256(str(text).encode()).hexdigest()[:16]


@pytest.mark.parametrize(
    ("name", "first", "repeat", "same_key"),
    [
        ("variant-repeat.txt", 5, 7, True),  # harakat, tatweel, alef forms, ى, ة, spacing
        ("near-miss.txt", 5, 7, False),  # one word differs
    ],
)
def test_norm_hash_is_the_hash_of_the_key_not_of_the_text(name: str, first: int, repeat: int, same_key: bool) -> None:
    """norm_hash is equal exactly when the normalization keys are, and is never the raw text's hash."""
    lines = _lines(name)
    a, b = lines[first], lines[repeat]
    assert a["text"] != b["text"]  # the raw texts differ in both cases
    assert (normalize_key(str(a["text"])) == normalize_key(str(b["text"]))) is same_key
    assert (a["norm_hash"] == b["norm_hash"]) is same_key
    for row in (a, b):
        assert row["norm_hash"] != _raw_hash(row["text"])
    assert b["duplicate_of"] == (a["index"] if same_key else None)


def test_the_variant_differs_in_every_way_the_key_ignores() -> None:
    """The repeat in the test corpus really differs by harakat, tatweel, alef forms, ى, ة and spacing."""
    lines = _lines("variant-repeat.txt")
    original, variant = str(lines[5]["text"]), str(lines[7]["text"])
    assert "\u064e" in variant and "\u0640" in variant  # a fatha and a tatweel
    assert "أعلن" in original and "أعلن" not in variant  # alef with hamza above written as bare alef
    assert "الخارجية" in original and "الخارجيه" in variant  # ة written ه
    assert "نهائي" in original and "نهائى" in variant  # ي written ى
    assert "  " in variant and variant != variant.strip()  # doubled, leading and trailing spaces


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, object]]:
    """The exit code and audit.json of one validate run over the corpus with both engines."""
    out = tmp_path_factory.mktemp("duplicate-variants")
    code = main(["validate", str(CORPUS), "--report-dir", str(out), "--no-gx-docs", "--results", "all"])
    document: dict[str, object] = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    return code, document


@pytest.fixture(scope="module")
def report(run: tuple[int, dict[str, object]]) -> dict[str, object]:
    """audit.json of that run."""
    return run[1]


def test_validate_fails_the_corpus(run: tuple[int, dict[str, object]]) -> None:
    """The normalized repeat is an error: validate exits 1 and the report is not ok."""
    code, document = run
    assert (code, document["ok"]) == (1, False)


@pytest.mark.parametrize(
    ("name", "status", "details"),
    [
        (
            "variant-repeat.txt",
            "failed",
            {
                "duplicate_paragraph_count": 1,
                "repeated_lines": [7],
                "repeats_of_index": [4],
                "repeats_of_lines": [5],
                "engines": {
                    "rule": "(file, norm_hash) is unique among rows where role is 'body'",
                    "pandera": "failed",
                    "gx": "failed",
                },
            },
        ),
        ("near-miss.txt", "passed", {}),
    ],
)
def test_both_engines_judge_the_normalized_repeat(
    report: dict[str, object], name: str, status: str, details: dict[str, object]
) -> None:
    """A repeat differing only in what normalization drops fails no_duplicate_paragraphs in pandera and GX."""
    results = report["results"]
    assert isinstance(results, list)
    (result,) = [r for r in results if r["file"] == name and r["check"] == CHECK]
    assert result["status"] == status
    assert result["engines"] == {"pandera": status, "gx": status}
    assert result["details"] == details


def test_the_repeat_is_the_only_failure(report: dict[str, object]) -> None:
    """Nothing else in the corpus fails, so the verdict above is about the repeat alone."""
    results = report["results"]
    assert isinstance(results, list)
    assert [(r["file"], r["check"]) for r in results if r["status"] != "passed"] == [("variant-repeat.txt", CHECK)]
