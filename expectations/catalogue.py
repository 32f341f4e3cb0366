"""The check catalogue: every check's stable id, meaning, severity and scope, as plain data.

Check ids are public interface (reports, waivers, README): never rename one, add a new id instead.
This module imports nothing heavy, so the fast verify path can read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from expectations.columns import ROLES
from expectations.ids import Check, Code, codes_pattern
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

LAYOUT_CODES = (Code.LAYOUT_GLUED_CAPTION, Code.LAYOUT_STRAY_SLASH, Code.LAYOUT_DATELINE_NOT_FIRST)


@dataclass(frozen=True, slots=True)
class Engine:
    """An engine that enforces the invariants; expectations/engines/<name>_engine.py runs it."""

    name: str
    #: It can write Data Docs of its run (the report folder's gx/).
    data_docs: bool = False
    #: It takes seconds to import and build: with two or more jobs it runs in a forked child beside the others.
    heavy: bool = False


#: The engines, in the order reports list their verdicts: the CLI's choices, each check's `engines`
#: and `validate` read this one registry (expectations/engines runs each by name).
ENGINES: dict[str, Engine] = {e.name: e for e in (Engine("pandera"), Engine("gx", data_docs=True, heavy=True))}
ENGINE_NAMES = tuple(ENGINES)

Severity = Literal["error", "warning"]
Scope = Literal["manifest", "file", "article", "paragraph", "corpus", "waiver", "policy"]
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
    #: The message of a passed result of a check corpus-audit computes itself (fixity).
    pass_message: str = ""

    @property
    def engines(self) -> tuple[str, ...]:
        """The engines that enforce this check."""
        if not self.table:
            return ()
        skipped = {engine for engine, _ in self.unsupported}
        return tuple(e for e in ENGINE_NAMES if e not in skipped)

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns this check's rules read, in first-read order."""
        return tuple(dict.fromkeys(c for rule in self.rules for c in rule.reads))


FIXITY: tuple[CheckSpec, ...] = (
    CheckSpec(
        Check.MANIFEST_PIN,
        "Corpus pin is current",
        "The pin line under INDEX.md's table matches its rows (file count, bytes, digest).",
        "error",
        "manifest",
        pass_message="the pin matches the rows",
    ),
    CheckSpec(
        Check.MANIFEST_CURRENT,
        "INDEX.md up to date",
        "INDEX.md is exactly what `corpus-audit index` would write (verify --strict; the pre-commit hook).",
        "error",
        "manifest",
        pass_message="INDEX.md is up to date",
    ),
    CheckSpec(
        Check.FIXITY_PRESENT,
        "Listed file exists",
        "A file listed in INDEX.md exists in the corpus directory.",
        "error",
        "file",
        pass_message="listed and present",
    ),
    CheckSpec(
        Check.FIXITY_LISTED,
        "File is listed",
        "A payload file on disk is listed in INDEX.md.",
        "error",
        "file",
        pass_message="present and listed",
    ),
    CheckSpec(
        Check.FIXITY_REGULAR_FILE,
        "Regular file",
        "The path is a regular file: symbolic links are never followed, devices and FIFOs never read.",
        "error",
        "file",
        pass_message="a regular file",
    ),
    CheckSpec(
        Check.FIXITY_READABLE,
        "File is readable",
        "The file can be opened and read.",
        "error",
        "file",
        pass_message="readable",
    ),
    CheckSpec(
        Check.FIXITY_BYTES,
        "Size matches",
        "The file's size in bytes equals the size INDEX.md records.",
        "error",
        "file",
        pass_message="size matches",
    ),
    CheckSpec(
        Check.FIXITY_SHA256,
        "SHA-256 matches",
        "The file's SHA-256 digest equals the digest INDEX.md records.",
        "error",
        "file",
        pass_message="sha256 matches",
    ),
    CheckSpec(
        Check.FIXITY_UNICODE_NAMES,
        "Names are distinct after normalization",
        "No two file names differ only by Unicode normalization (NFC vs NFD).",
        "error",
        "file",
    ),
    CheckSpec(
        Check.FIXITY_UNSAFE_NAME,
        "Name can be listed",
        "The file name is valid UTF-8 and INDEX.md can hold it: no control characters, line separators, "
        "backslashes or components starting with '~'. `index` never lists such a file; rename it.",
        "error",
        "file",
    ),
)

INVARIANTS: tuple[CheckSpec, ...] = (
    CheckSpec(
        Check.TABLE_SCHEMA,
        "Tables well-formed",
        "The articles and paragraphs tables have the declared columns, dtypes and nullability "
        "(expectations/columns.py).",
        "error",
        "corpus",
        "articles",
        unsupported=(("gx", "GX 1.x has no dtype expectation that accepts pandas nullable dtypes"),),
    ),
    CheckSpec(
        Check.TEXT_UTF8,
        "Text decodes cleanly",
        "The file is valid UTF-8 (or the encoding its INDEX.md row or the corpus policy declares), with no NUL "
        "bytes in its text and not binary. When it is not, the message names the encoding that reads it as Arabic.",
        "error",
        "article",
        "articles",
        (NotMatch("parse_errors", codes_pattern(Code.TEXT_UTF8, Code.TEXT_ENCODING, Code.TEXT_NUL, Code.TEXT_BINARY)),),
    ),
    CheckSpec(
        Check.TEXT_NUL_PADDING,
        "No NUL padding",
        "The file does not end in NUL bytes (padding some export tools leave; the text is parsed without it).",
        "warning",
        "article",
        "articles",
        (NotMatch("parse_errors", codes_pattern(Code.TEXT_NUL_PADDING)),),
    ),
    CheckSpec(
        Check.TEXT_SIZE,
        "Article within the size limit",
        "The file is no larger than the article size limit (16 MiB by default, `--max-article-bytes`); "
        "a larger one is not parsed, so one file cannot take the machine's memory.",
        "error",
        "article",
        "articles",
        (NotMatch("parse_errors", codes_pattern(Code.TEXT_TOO_LARGE)),),
    ),
    CheckSpec(
        Check.ARTICLE_TITLE,
        "Title present",
        "A non-empty title of sane length (3 to 300 characters).",
        "error",
        "article",
        "articles",
        (NotNull("title"), LengthBetween("title", 3, 300)),
    ),
    CheckSpec(
        Check.ARTICLE_OUTLET_KNOWN,
        "Outlet known",
        "The publisher is known: INDEX.md's outlet cell names a registry id, its url is on a registry domain, "
        "or the text's markers name one publisher.",
        "error",
        "article",
        "articles",
        (NotNull("outlet"), InSet("outlet", parameter="registry outlet ids")),
    ),
    CheckSpec(
        Check.ARTICLE_OUTLET_MATCHES_INDEX,
        "Outlet agrees with INDEX.md",
        "Where INDEX.md names an outlet, the publisher the text names and the one its url's domain names "
        "are the same (publishers only: a wire agency credited in the text is not the outlet).",
        "error",
        "article",
        "articles",
        (PairEqual("text_outlet", "index_outlet"), PairEqual("url_outlet", "index_outlet")),
    ),
    CheckSpec(
        Check.ARTICLE_INDEX_FACTS,
        "INDEX.md facts readable",
        "The outlet, url and published cells of the file's INDEX.md row can be read: a registry id, a URL "
        "with a host name, a date.",
        "error",
        "article",
        "articles",
        (NotMatch("parse_errors", codes_pattern(Code.INDEX_OUTLET, Code.INDEX_URL, Code.INDEX_PUBLISHED)),),
    ),
    CheckSpec(
        Check.ARTICLE_PUBLISHED_MATCHES_INDEX,
        "Text date agrees with INDEX.md",
        "Where INDEX.md gives the publication time and the text states a date, they are at most a day apart.",
        "error",
        "article",
        "articles",
        (PairAtLeast("published_when", "text_published_from"), PairAtLeast("text_published_to", "published_when")),
    ),
    CheckSpec(
        Check.ARTICLE_PUBLISHED_VALID,
        "Publication date valid",
        "A publication date was found, is a real calendar date, is not after the run (nor after the "
        "retrieved date INDEX.md gives) and not before the outlet started publishing.",
        "error",
        "article",
        "articles",
        (
            NotNull("published_when"),
            NotMatch("parse_errors", codes_pattern(Code.DATE_INVALID)),
            PairAtLeast("run_at", "published_when"),
            PairAtLeast("retrieved_at", "published_when"),
            PairAtLeast("published_when", "outlet_started_at"),
        ),
    ),
    CheckSpec(
        Check.ARTICLE_UPDATED_AFTER_PUBLISHED,
        "Update after publication",
        "An update time, where present, is not before the publication time.",
        "error",
        "article",
        "articles",
        (PairAtLeast("updated_when", "published_when"),),
    ),
    CheckSpec(
        Check.ARTICLE_NO_DUPLICATE_PARAGRAPHS,
        "No repeated paragraphs",
        "No body paragraph repeats within the article (compared on the normalized text).",
        "error",
        "article",
        "paragraphs",
        (UniqueWithin(("file", "norm_hash"), where=("role", "body")),),
    ),
    CheckSpec(
        Check.ARTICLE_SOURCE_LINE,
        "Source line present",
        "Something attributes the article: a source line, a dateline crediting an agency or publisher, a "
        "reporter's byline, an agency credit such as (واس), or a photo credit; an outlet named only in the "
        "title does not count.",
        "error",
        "article",
        "articles",
        (NotNull("source_line"), InSet("source_kind", ("source", "dateline", "byline", "agency", "credit"))),
    ),
    CheckSpec(
        Check.CORPUS_NO_DUPLICATE_ARTICLES,
        "No duplicate articles",
        "No two files carry the same article (equal normalized body text).",
        "error",
        "corpus",
        "articles",
        (UniqueWithin(("body_key",)),),
    ),
    CheckSpec(
        Check.PARAGRAPH_ROLE_KNOWN,
        "Line roles known",
        "Every line has one of the documented roles.",
        "error",
        "article",
        "paragraphs",
        (
            NotNull("role"),
            InSet("role", ROLES),
        ),
    ),
    CheckSpec(
        Check.ARTICLE_LANGUAGE,
        "Body mostly Arabic",
        "At least half of the body's letters are Arabic script.",
        "warning",
        "article",
        "articles",
        (Between("arabic_fraction", 0.5, 1.0),),
    ),
    CheckSpec(
        Check.ARTICLE_BODY_LENGTH,
        "Body of sane length",
        "The body has 200 to 200,000 characters (shorter is usually a failed scrape).",
        "warning",
        "article",
        "articles",
        (Between("char_count", 200, 200_000),),
    ),
    CheckSpec(
        Check.ARTICLE_LAYOUT,
        "Clean layout",
        "No layout defects were found while parsing (a credit glued to its caption, a stray '/' "
        "opening the lede, a dateline away from the first paragraph).",
        "warning",
        "article",
        "articles",
        (NotMatch("parse_errors", codes_pattern(*LAYOUT_CODES)),),
    ),
    CheckSpec(
        Check.ARTICLE_BOILERPLATE,
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
        Check.WAIVER_STALE,
        "Waiver is current",
        "A waiver's file still has the sha256 it was granted for.",
        "error",
        "waiver",
    ),
    CheckSpec(Check.WAIVER_EXPIRED, "Waiver not expired", "A waiver's expiry date has not passed.", "error", "waiver"),
    CheckSpec(Check.WAIVER_UNUSED, "Waiver is used", "A waiver matches a failing result.", "warning", "waiver"),
)

POLICY_CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec(
        Check.POLICY_EXPIRED,
        "Policy override not expired",
        "A severity override in corpus-audit.toml has not passed its expiry date; an expired one no "
        "longer applies, so the check has its catalogue severity again.",
        "error",
        "policy",
    ),
)

CATALOGUE: dict[str, CheckSpec] = {spec.id: spec for spec in (*FIXITY, *INVARIANTS, *WAIVER_CHECKS, *POLICY_CHECKS)}
