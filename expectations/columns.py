"""The two corpus tables, `articles` and `paragraphs`: every column's name, kind and meaning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["string", "int", "float", "bool", "datetime_utc", "datetime_local"]

#: pandas dtype for each kind: nullable extension dtypes, microsecond datetimes.
PANDAS_DTYPES: dict[Kind, str] = {
    "string": "string",
    "int": "Int64",
    "float": "Float64",
    "bool": "boolean",
    "datetime_utc": "datetime64[us, UTC]",
    "datetime_local": "datetime64[us]",
}


#: What a line of an article is (the paragraphs table's `role`); only `body` lines can repeat.
ROLES = (
    "title",
    "date",
    "credit",
    "caption",
    "body",
    "dateline",
    "byline",
    "source",
    "tweet",
    "related",
    "boilerplate",
)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    nullable: bool
    description: str


ARTICLES: tuple[Column, ...] = (
    Column("file", "string", False, "path of the article file inside the corpus"),
    Column("sha256", "string", False, "SHA-256 of the exact bytes parsed: the row's provenance"),
    Column("bytes", "int", False, "size of the file in bytes"),
    Column("encoding", "string", False, "the encoding the file was read with (utf-8-sig when it has a BOM)"),
    Column("line_endings", "string", False, "lf, crlf, cr, mixed or none"),
    Column(
        "outlet",
        "string",
        True,
        "registry id of the publisher: INDEX.md's outlet cell, else its url's domain, else the text's markers",
    ),
    Column("outlet_source", "string", True, "where outlet comes from: index, url or text"),
    Column(
        "outlet_evidence",
        "string",
        True,
        "which markers in the text named the publisher (credit, dateline, source, title), or why none decided "
        "('ambiguous: ...')",
    ),
    Column("text_outlet", "string", True, "the publisher the text's markers name, whatever INDEX.md says"),
    Column("url_outlet", "string", True, "the publisher whose registry domain is the host of INDEX.md's url"),
    Column("agency", "string", True, "registry id of the wire agency the article credits (reuters, spa...), if any"),
    Column("agency_evidence", "string", True, "where the agency is credited: dateline, line, source, closing"),
    Column("byline", "string", True, "the reporter named in the attribution line, if any"),
    Column("index_outlet", "string", True, "the outlet INDEX.md records for the file, if any"),
    Column("index_url", "string", True, "the url INDEX.md records for the file, if any"),
    Column("retrieved_at", "datetime_utc", True, "when the file was retrieved, from INDEX.md's retrieved column"),
    Column("title", "string", True, "the headline (first line) as found"),
    Column(
        "published_at", "datetime_utc", True, "publication instant in UTC; null when absent, invalid or zone unknown"
    ),
    Column("published_raw", "string", True, "the publication date text as found"),
    Column("published_local", "datetime_local", True, "local wall time when the text states no zone"),
    Column("published_tz_known", "bool", False, "the text states the zone of published_at"),
    Column(
        "published_tz_assumed",
        "bool",
        False,
        "published_at uses an assumed zone: the outlet's default, else the policy's default_timezone",
    ),
    Column("published_source", "string", True, "where the publication time comes from: index or text"),
    Column(
        "text_published_at",
        "datetime_utc",
        True,
        "the publication date the text states (local wall time read as UTC when no zone is known)",
    ),
    Column("updated_at", "datetime_utc", True, "update instant in UTC, if the article states one"),
    Column("updated_raw", "string", True, "the update date text as found"),
    Column("updated_local", "datetime_local", True, "local wall time of the update when no zone is stated"),
    Column("updated_tz_known", "bool", False, "the text states the zone of updated_at"),
    Column("updated_tz_assumed", "bool", False, "updated_at uses the outlet's default zone"),
    Column("dateline", "string", True, "the city of the dateline or byline, such as لندن (never a section name)"),
    Column("source_line", "string", True, "the attribution as found (source line, dateline, byline, agency, credit)"),
    Column("source_kind", "string", True, "what source_line is: source, dateline, byline, agency or credit"),
    Column(
        "language",
        "string",
        False,
        "INDEX.md's language cell when it has one, else ar when the body is mostly Arabic script, other, or und "
        "when empty",
    ),
    Column("arabic_fraction", "float", False, "share of the body's letters in Arabic script"),
    Column("paragraph_count", "int", False, "body paragraphs"),
    Column("duplicate_paragraph_count", "int", False, "body paragraphs repeating an earlier one (normalized)"),
    Column("duplicate_char_fraction", "float", False, "share of body characters in repeated paragraphs"),
    Column("char_count", "int", False, "characters of body text"),
    Column("word_count", "int", False, "words of body text"),
    Column("boilerplate_count", "int", False, "boilerplate and related-link lines"),
    Column("body_key", "string", True, "SHA-256 of the normalized body: equal keys mean the same article"),
    Column("parse_error_count", "int", False, "problems found while parsing"),
    Column("parse_errors", "string", False, "the problems, one `code: detail` per line (empty when none)"),
)

PARAGRAPHS: tuple[Column, ...] = (
    Column("file", "string", False, "the article file the line comes from"),
    Column("index", "int", False, "position among the article's non-blank lines, from 0"),
    Column("line", "int", False, "line number in the file, from 1"),
    Column("role", "string", False, ", ".join(ROLES)),
    Column("text", "string", False, "the line as found"),
    Column(
        "norm_hash",
        "string",
        True,
        "first 16 hex digits of the SHA-256 of the normalized text; null for a line too short to count as a "
        "repeat (the policy's [duplicates] minimums) or empty once normalized",
    ),
    Column("duplicate_of", "int", True, "index of the first body paragraph this one repeats, or null"),
    Column("char_count", "int", False, "characters in the line"),
)

TABLES: dict[str, tuple[Column, ...]] = {"articles": ARTICLES, "paragraphs": PARAGRAPHS}

#: What validation reads: every column but the paragraph text, which no rule needs (and which is
#: most of a large corpus's memory).
VALIDATED: dict[str, tuple[Column, ...]] = {
    "articles": ARTICLES,
    "paragraphs": tuple(c for c in PARAGRAPHS if c.name != "text"),
}
