"""The check catalogue: every check's stable id, meaning, severity and scope, as plain data.

Check ids are public interface (reports, waivers, README): never rename one, add a new id instead.
This module imports nothing heavy, so the fast verify path can read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from expectations.rules import (
    Between,
    InSet,
    LengthBetween,
    NotMatch,
    NotNull,
    PairAtLeast,
    PairEqual,
    Rule,
    UniqueWithin,
)

Severity = Literal["error", "warning"]
Scope = Literal["manifest", "file", "article", "paragraph", "corpus", "waiver"]
Table = Literal["articles", "paragraphs"]


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One check: `id` is stable; `scope` says what a result is about.

    Checks with a `table` and `rules` are data invariants, enforced by both pandera and GX, each
    engine built from the same rules. The others (fixity, waivers) are computed by corpus-audit
    itself: neither engine can express them, and the report says so.
    """

    id: str
    title: str
    description: str
    severity: Severity
    scope: Scope
    table: Table | None = None
    rules: tuple[Rule, ...] = ()
    #: Engines that cannot express this check, with the reason (shown in the report).
    unsupported: tuple[tuple[str, str], ...] = ()

    @property
    def engines(self) -> tuple[str, ...]:
        """The engines that enforce this check."""
        if not self.table:
            return ()
        skipped = {engine for engine, _ in self.unsupported}
        return tuple(e for e in ("pandera", "gx") if e not in skipped)


FIXITY: tuple[CheckSpec, ...] = (
    CheckSpec(
        "manifest.pin",
        "Corpus pin is current",
        "The pin line under INDEX.md's table matches its rows (file count, bytes, digest).",
        "error",
        "manifest",
    ),
    CheckSpec(
        "manifest.current",
        "INDEX.md up to date",
        "INDEX.md is exactly what `corpus-audit index` would write (verify --strict; the pre-commit hook).",
        "error",
        "manifest",
    ),
    CheckSpec(
        "fixity.present",
        "Listed file exists",
        "A file listed in INDEX.md exists in the corpus directory.",
        "error",
        "file",
    ),
    CheckSpec(
        "fixity.listed",
        "File is listed",
        "A payload file on disk is listed in INDEX.md.",
        "error",
        "file",
    ),
    CheckSpec(
        "fixity.regular_file",
        "Regular file",
        "The path is a regular file: symbolic links are never followed, devices and FIFOs never read.",
        "error",
        "file",
    ),
    CheckSpec(
        "fixity.readable",
        "File is readable",
        "The file can be opened and read.",
        "error",
        "file",
    ),
    CheckSpec(
        "fixity.bytes",
        "Size matches",
        "The file's size in bytes equals the size INDEX.md records.",
        "error",
        "file",
    ),
    CheckSpec(
        "fixity.sha256",
        "SHA-256 matches",
        "The file's SHA-256 digest equals the digest INDEX.md records.",
        "error",
        "file",
    ),
    CheckSpec(
        "fixity.unicode_names",
        "Names are distinct after normalization",
        "No two file names differ only by Unicode normalization (NFC vs NFD).",
        "error",
        "file",
    ),
)

_PARSE_CODE = r"(?:^|\n)"  # parse_errors holds one `code: detail` per line

INVARIANTS: tuple[CheckSpec, ...] = (
    CheckSpec(
        "table.schema",
        "Tables well-formed",
        "The articles and paragraphs tables have the declared columns, dtypes and nullability "
        "(expectations/columns.py).",
        "error",
        "corpus",
        "articles",
        unsupported=(("gx", "GX 1.x has no dtype expectation that accepts pandas nullable dtypes"),),
    ),
    CheckSpec(
        "text.utf8",
        "Text decodes cleanly",
        "The file is valid UTF-8 (or the encoding its INDEX.md row declares), with no NUL bytes and not binary.",
        "error",
        "article",
        "articles",
        (NotMatch("parse_errors", _PARSE_CODE + r"text\.(?:utf8|encoding|nul|binary)\b"),),
    ),
    CheckSpec(
        "article.title",
        "Title present",
        "A non-empty title of sane length (3 to 300 characters).",
        "error",
        "article",
        "articles",
        (NotNull("title"), LengthBetween("title", 3, 300)),
    ),
    CheckSpec(
        "article.outlet_known",
        "Outlet known",
        "The outlet is recognised and in the registry.",
        "error",
        "article",
        "articles",
        (NotNull("outlet"), InSet("outlet", parameter="registry outlet ids")),
    ),
    CheckSpec(
        "article.outlet_matches_index",
        "Outlet agrees with INDEX.md",
        "Where INDEX.md names an outlet, the parsed outlet is the same.",
        "error",
        "article",
        "articles",
        (PairEqual("outlet", "index_outlet"),),
    ),
    CheckSpec(
        "article.published_valid",
        "Publication date valid",
        "A publication date was found, is a real calendar date, is not after the run (nor after the "
        "retrieved date INDEX.md gives) and not before the outlet started publishing.",
        "error",
        "article",
        "articles",
        (
            NotNull("published_when"),
            NotMatch("parse_errors", _PARSE_CODE + r"date\.invalid\b"),
            PairAtLeast("run_at", "published_when"),
            PairAtLeast("retrieved_at", "published_when"),
            PairAtLeast("published_when", "outlet_started_at"),
        ),
    ),
    CheckSpec(
        "article.updated_after_published",
        "Update after publication",
        "An update time, where present, is not before the publication time.",
        "error",
        "article",
        "articles",
        (PairAtLeast("updated_when", "published_when"),),
    ),
    CheckSpec(
        "article.no_duplicate_paragraphs",
        "No repeated paragraphs",
        "No body paragraph repeats within the article (compared on the normalized text).",
        "error",
        "article",
        "paragraphs",
        (UniqueWithin(("file", "norm_hash"), where=("role", "body")),),
    ),
    CheckSpec(
        "article.source_line",
        "Source line present",
        "A line of its own attributes the article (a source line, a dateline naming the agency, or a "
        "credit); an outlet named only in the title does not count.",
        "error",
        "article",
        "articles",
        (NotNull("source_line"), InSet("source_kind", ("source", "dateline", "credit"))),
    ),
    CheckSpec(
        "corpus.no_duplicate_articles",
        "No duplicate articles",
        "No two files carry the same article (equal normalized body text).",
        "error",
        "corpus",
        "articles",
        (UniqueWithin(("body_key",)),),
    ),
    CheckSpec(
        "paragraph.role_known",
        "Line roles known",
        "Every line has one of the documented roles.",
        "error",
        "article",
        "paragraphs",
        (
            NotNull("role"),
            InSet(
                "role",
                ("title", "date", "credit", "caption", "body", "dateline", "source", "tweet", "related", "boilerplate"),
            ),
        ),
    ),
    CheckSpec(
        "article.language",
        "Body mostly Arabic",
        "At least half of the body's letters are Arabic script.",
        "warning",
        "article",
        "articles",
        (Between("arabic_fraction", 0.5, 1.0),),
    ),
    CheckSpec(
        "article.body_length",
        "Body of sane length",
        "The body has 200 to 200,000 characters (shorter is usually a failed scrape).",
        "warning",
        "article",
        "articles",
        (Between("char_count", 200, 200_000),),
    ),
    CheckSpec(
        "article.layout",
        "Clean layout",
        "No layout defects were found while parsing (a credit glued to its caption, a stray '/' "
        "opening the lede, a dateline away from the first paragraph).",
        "warning",
        "article",
        "articles",
        (NotMatch("parse_errors", _PARSE_CODE + r"layout\."),),
    ),
    CheckSpec(
        "article.boilerplate",
        "No scraped boilerplate",
        "No boilerplate or related-link lines (share buttons, comment boxes, 'read more') were scraped.",
        "warning",
        "article",
        "articles",
        (Between("boilerplate_count", 0, 0),),
    ),
)

WAIVER_CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec(
        "waiver.stale",
        "Waiver is current",
        "A waiver's file still has the sha256 it was granted for.",
        "error",
        "waiver",
    ),
    CheckSpec("waiver.expired", "Waiver not expired", "A waiver's expiry date has not passed.", "error", "waiver"),
    CheckSpec("waiver.unused", "Waiver is used", "A waiver matches a failing result.", "warning", "waiver"),
)

CATALOGUE: dict[str, CheckSpec] = {spec.id: spec for spec in (*FIXITY, *INVARIANTS, *WAIVER_CHECKS)}
