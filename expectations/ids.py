"""Stable names shared by the parser, the catalogue and the reports: check ids and parse-problem codes.

Both are public interface (reports, waivers, the `parse_errors` column): never rename one.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Check(StrEnum):
    """Every check id (expectations/catalogue.py describes each)."""

    MANIFEST_PIN = "manifest.pin"
    MANIFEST_CURRENT = "manifest.current"
    FIXITY_PRESENT = "fixity.present"
    FIXITY_LISTED = "fixity.listed"
    FIXITY_REGULAR_FILE = "fixity.regular_file"
    FIXITY_READABLE = "fixity.readable"
    FIXITY_BYTES = "fixity.bytes"
    FIXITY_SHA256 = "fixity.sha256"
    FIXITY_UNICODE_NAMES = "fixity.unicode_names"
    FIXITY_UNSAFE_NAME = "fixity.unsafe_name"
    TABLE_SCHEMA = "table.schema"
    TEXT_UTF8 = "text.utf8"
    TEXT_SIZE = "text.size"
    TEXT_NUL_PADDING = "text.nul_padding"
    ARTICLE_TITLE = "article.title"
    ARTICLE_OUTLET_KNOWN = "article.outlet_known"
    ARTICLE_OUTLET_MATCHES_INDEX = "article.outlet_matches_index"
    ARTICLE_INDEX_FACTS = "article.index_facts"
    ARTICLE_PUBLISHED_MATCHES_INDEX = "article.published_matches_index"
    ARTICLE_PUBLISHED_VALID = "article.published_valid"
    ARTICLE_UPDATED_AFTER_PUBLISHED = "article.updated_after_published"
    ARTICLE_NO_DUPLICATE_PARAGRAPHS = "article.no_duplicate_paragraphs"
    ARTICLE_SOURCE_LINE = "article.source_line"
    CORPUS_NO_DUPLICATE_ARTICLES = "corpus.no_duplicate_articles"
    PARAGRAPH_ROLE_KNOWN = "paragraph.role_known"
    ARTICLE_LANGUAGE = "article.language"
    ARTICLE_BODY_LENGTH = "article.body_length"
    ARTICLE_LAYOUT = "article.layout"
    ARTICLE_BOILERPLATE = "article.boilerplate"
    WAIVER_STALE = "waiver.stale"
    WAIVER_EXPIRED = "waiver.expired"
    WAIVER_UNUSED = "waiver.unused"
    POLICY_EXPIRED = "policy.expired"


#: Check-id families whose results are about the files and the manifest, not the articles.
FIXITY_FAMILIES = ("fixity.", "manifest.")
WAIVER_FAMILY = "waiver."
POLICY_FAMILY = "policy."


class Code(StrEnum):
    """Parse-problem codes: each line of the `parse_errors` column starts with one."""

    TEXT_UTF8 = "text.utf8"
    TEXT_ENCODING = "text.encoding"
    TEXT_NUL = "text.nul"
    TEXT_NUL_PADDING = "text.nul_padding"
    TEXT_BINARY = "text.binary"
    TEXT_EMPTY = "text.empty"
    TEXT_UNREADABLE = "text.unreadable"
    TEXT_TOO_LARGE = "text.too_large"
    INDEX_OUTLET = "index.outlet"
    INDEX_URL = "index.url"
    INDEX_PUBLISHED = "index.published"
    DATE_MISSING = "date.missing"
    DATE_INVALID = "date.invalid"
    LAYOUT_GLUED_CAPTION = "layout.glued_caption"
    LAYOUT_STRAY_SLASH = "layout.stray_slash"
    LAYOUT_DATELINE_NOT_FIRST = "layout.dateline_not_first"

    def problem(self, detail: str) -> str:
        """One line of `parse_errors`: `code: detail`."""
        return f"{self.value}: {detail}"


def codes_pattern(*codes: Code) -> str:
    """A regex finding any of `codes` at the start of a line of `parse_errors`.

    Codes of one family share their prefix (`text\\.(?:utf8|nul)\\b`); a family given as a whole
    (every code of it) is matched by its prefix alone (`layout\\.`), so a code added to it later
    is covered.
    """
    families: dict[str, list[str]] = {}
    for code in codes:
        family, _, name = code.value.partition(".")
        families.setdefault(family, []).append(name)
    parts = []
    for family, names in families.items():
        everything = [c.value.partition(".")[2] for c in Code if c.value.startswith(family + ".")]
        if names == everything and len(names) > 1:
            parts.append(re.escape(family) + r"\.")
        elif len(names) == 1:
            parts.append(rf"{re.escape(family)}\.{re.escape(names[0])}\b")
        else:
            parts.append(rf"{re.escape(family)}\.(?:{'|'.join(map(re.escape, names))})\b")
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return r"(?:^|\n)" + body
