"""What a failed check says to a steward: one wording per check id, filled from the failing file's evidence.

A wording says what was expected, what was found, where (line numbers) and what to do, in the words
of the parse problems where the parser already knows the problem. It never shows an engine's
expression (a rule, a regex, a column name): `validate` keeps those in a result's `details.engines`.
Each wording names the evidence it reads beyond the columns its check's rules read (`reads`), so
`validate` collects exactly that, bounded. Plain data in, one line out; nothing heavy is imported.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from expectations.ids import Check, Code
from expectations.rules import Between, LengthBetween, Rule

QUOTE_CHARS = 60  # characters of a file's text (a title, a date, a source line) a message quotes
DETAIL_CHARS = 300  # characters of one parse problem a message quotes
LISTED = 8  # line numbers or file names a message lists before "and N more"


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one failing file showed: the first rule it failed and the values `validate` collected.

    `rule` is None for a check whose failure is not a rule's (table.schema), `notes` what the engine
    said about the tables then. `values` are JSON values: None where a column is empty.
    """

    rule: Rule | None
    values: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def text(self, name: str) -> str | None:
        """A non-empty string value, else None."""
        value = self.values.get(name)
        return value if isinstance(value, str) and value else None

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None

    def numbers(self, name: str) -> list[int]:
        value = self.values.get(name)
        return [n for n in value if isinstance(n, int)] if isinstance(value, list) else []

    def reads(self, column: str) -> bool:
        """Whether the rule the file failed reads `column`."""
        return self.rule is not None and column in self.rule.reads

    def problems(self, *codes: str) -> list[tuple[str, str]]:
        """(code, detail) of each parse problem (`parse_errors` line) whose code is or starts with one of `codes`."""
        found = []
        for line in (self.text("parse_errors") or "").splitlines():
            code, _, detail = line.partition(": ")
            if any(code == c or (c.endswith(".") and code.startswith(c)) for c in codes):
                found.append((code, detail))
        return found


Says = Callable[[Evidence], str]


@dataclass(frozen=True, slots=True)
class Wording:
    """One check's message: `says` fills it from the evidence; `reads` names the evidence it needs
    beyond the columns its check's rules read (article columns, or facts about the file's lines)."""

    says: Says
    reads: tuple[str, ...] = ()


#: {check id: its wording}; every check the engines enforce has one (tests/test_messages.py).
WORDINGS: dict[str, Wording] = {}


def _wording(check: Check, *, reads: tuple[str, ...] = ()) -> Callable[[Says], Says]:
    def register(says: Says) -> Says:
        WORDINGS[check] = Wording(says, reads)
        return says

    return register


# --- Phrasing helpers: quotes, lists of lines, dates -------------------------------------------


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """Text from a file in «guillemets», cut to `limit` characters with an ellipsis."""
    return f"«{clip(text, limit)}»"


def clip(text: str, limit: int = DETAIL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def listing(items: Sequence[str], *, total: int | None = None) -> str:
    """ "a", "a and b", "a, b and c"; past LISTED items, "a, b, … and 12 more"."""
    total = max(total or 0, len(items))
    shown = list(items[:LISTED])
    if not shown:
        return ""
    if total > len(shown):
        return f"{', '.join(shown)} and {total - len(shown)} more"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def lines(numbers: Sequence[int], *, total: int | None = None, capital: bool = False) -> str:
    """ "line 7", "lines 5 and 7" (numbers as given)."""
    word = "line" if max(total or 0, len(numbers)) == 1 else "lines"
    word = word.capitalize() if capital else word
    return f"{word} {listing([str(n) for n in numbers], total=total)}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else (many or singular + 's')}"


def _when(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def day(value: str | None) -> str:
    """An ISO instant as its day, 2022-01-17."""
    when = _when(value)
    return when.date().isoformat() if when else "an unknown day"


def minute(value: str | None) -> str:
    """An ISO instant as 2022-01-17 18:53 (the zone is the date's own; reports show instants in UTC)."""
    when = _when(value)
    return when.strftime("%Y-%m-%d %H:%M") if when else "an unknown time"


def sentences(parts: Iterable[str]) -> str:
    """Parts as sentences: each capitalized and ended with a full stop."""
    out = []
    for part in parts:
        text = clip(part.strip().rstrip("."))
        if text:
            out.append(text[0].upper() + text[1:] + ("" if text.endswith("…") else "."))
    return " ".join(out)


#: Parse problems after which there is no text to read facts from, and how a message says so.
_NO_TEXT = {
    Code.TEXT_EMPTY: "the file has no text",
    Code.TEXT_BINARY: "the file is binary, not text",
    Code.TEXT_TOO_LARGE: "the file is too large to be parsed",
    Code.TEXT_UNREADABLE: "the file could not be read",
}


def no_text(evidence: Evidence) -> str | None:
    """Why the file has no text to read a fact from, or None when it has text."""
    found = evidence.problems(*_NO_TEXT)
    return _NO_TEXT[Code(found[0][0])] if found else None


def _bounds(evidence: Evidence) -> tuple[float, float]:
    rule = evidence.rule
    return (rule.min_value, rule.max_value) if isinstance(rule, Between | LengthBetween) else (math.nan, math.nan)


# --- The wordings, in the catalogue's order ----------------------------------------------------


@_wording(Check.TABLE_SCHEMA)
def _table_schema(evidence: Evidence) -> str:
    found = plural(len(evidence.notes), "problem") if evidence.notes else "problems"
    return (
        f"The parsed tables do not have their declared columns, types and empty cells ({found}, listed in "
        "details.engines): a bug in corpus-audit, not in the corpus. Please report it."
    )


@_wording(Check.TEXT_UTF8)
def _text_utf8(evidence: Evidence) -> str:
    problems = evidence.problems(Code.TEXT_UTF8, Code.TEXT_ENCODING, Code.TEXT_NUL, Code.TEXT_BINARY)
    said = sentences(detail for _, detail in problems) or "The text does not decode cleanly."
    if "declare it" in said:
        return said  # the parser found the encoding that reads it, and says how to declare it
    return f"{said} Repair or fetch the file again, or waive it."


@_wording(Check.TEXT_NUL_PADDING)
def _text_nul_padding(evidence: Evidence) -> str:
    problems = evidence.problems(Code.TEXT_NUL_PADDING)
    said = sentences(detail for _, detail in problems) or "NUL bytes pad the end of the file."
    return f"{said} Strip them and run `corpus-audit index`, or waive the warning."


@_wording(Check.TEXT_SIZE)
def _text_size(evidence: Evidence) -> str:
    problems = evidence.problems(Code.TEXT_TOO_LARGE)
    said = clip(problems[0][1]) if problems else "over the article size limit; not parsed"
    return f"The file is too large: {said}. Split or remove it, or raise `--max-article-bytes`."


@_wording(Check.ARTICLE_TITLE, reads=("title_chars", "parse_errors"))
def _article_title(evidence: Evidence) -> str:
    title = evidence.text("title")
    if title is None:
        why = no_text(evidence)
        return f"No title: {why}." if why else "No title: the file's first line is empty. Put the headline first."
    low, high = _bounds(evidence)
    count = int(evidence.number("title_chars") or len(title))
    return (
        f"The title {quote(title)} has {plural(count, 'character')}; a headline has {low:g} to {high:g}. "
        "Put the headline on the first line, or waive it."
    )


@_wording(
    Check.ARTICLE_OUTLET_KNOWN,
    reads=("index_outlet", "index_url", "outlet_evidence", "agency", "source_line", "source_kind", "parse_errors"),
)
def _article_outlet_known(evidence: Evidence) -> str:
    outlet = evidence.text("outlet")
    if outlet is not None:
        return f"The publisher {outlet} is not in the outlet registry. Add it to outlets.toml, or correct INDEX.md."
    cell = evidence.text("index_outlet")
    if cell is not None and evidence.problems(Code.INDEX_OUTLET):
        return (
            f"No publisher known: INDEX.md's outlet cell {quote(cell)} is no registry id. Write a registry id "
            "there, or add the outlet to outlets.toml."
        )
    said = ["INDEX.md has no outlet cell"]
    url = evidence.text("index_url")
    if url is not None:
        said.append(f"its url {quote(url)} is on no registry domain")
    markers = evidence.text("outlet_evidence") or ""
    if markers.startswith("ambiguous: "):
        said.append(f"the text's markers name several ({markers.removeprefix('ambiguous: ')})")
    elif (why := no_text(evidence)) is not None:
        said.append(why)
    else:
        agency, line, kind = evidence.text("agency"), evidence.text("source_line"), evidence.text("source_kind")
        if agency is not None:
            said.append(f"the text's markers name none (it credits the agency {agency}, which is not a publisher)")
        elif line is not None and kind == "byline":
            said.append(f"the text's markers name none (its byline {quote(line)} names a reporter)")
        elif line is not None and kind is not None:
            said.append(f"the text's markers name none (its {kind} {quote(line)} names no outlet of the registry)")
        else:
            said.append("the text's markers name none")
    listed = said[0] if len(said) == 1 else f"{', '.join(said[:-1])}, and {said[-1]}"
    return f"No publisher named: {listed}. Add an `outlet` column to INDEX.md or the outlet to outlets.toml."


#: How the kinds of marker in `outlet_evidence` match the attribution's `source_kind`.
_MARKER_KINDS = {"credit": ("credit",), "dateline": ("dateline", "byline", "agency"), "source": ("source",)}


@_wording(
    Check.ARTICLE_OUTLET_MATCHES_INDEX, reads=("outlet_evidence", "source_line", "source_kind", "title", "index_url")
)
def _article_outlet_matches_index(evidence: Evidence) -> str:
    index = evidence.text("index_outlet") or "another outlet"
    if evidence.reads("url_outlet"):
        url = evidence.text("index_url") or ""
        return (
            f"INDEX.md says {index}; its url {quote(url)} is {evidence.text('url_outlet')}'s. "
            "Correct the outlet cell or the url."
        )
    named = evidence.text("text_outlet")
    kinds = (evidence.text("outlet_evidence") or "").split(",")
    line, kind, title = evidence.text("source_line"), evidence.text("source_kind"), evidence.text("title")
    where = ""
    for marker in kinds:
        if line is not None and kind in _MARKER_KINDS.get(marker, ()):
            where = f" ({marker} {quote(line)})"
            break
        if marker == "title" and title is not None:
            where = f" (title {quote(title)})"
            break
    return (
        f"INDEX.md says {index}; the text names {named}{where}. "
        "Correct INDEX.md's outlet cell, or waive it if the article is another publisher's copy."
    )


@_wording(Check.ARTICLE_INDEX_FACTS)
def _article_index_facts(evidence: Evidence) -> str:
    problems = evidence.problems(Code.INDEX_OUTLET, Code.INDEX_URL, Code.INDEX_PUBLISHED)
    return sentences(detail for _, detail in problems) or "A cell of the file's INDEX.md row cannot be read."


@_wording(Check.ARTICLE_PUBLISHED_MATCHES_INDEX, reads=("published_raw", "text_published_at"))
def _article_published_matches_index(evidence: Evidence) -> str:
    declared, stated = evidence.text("published_when"), evidence.text("text_published_at")
    cell = evidence.text("published_raw")
    said = quote(cell) if cell else minute(declared)
    apart = ""
    first, second = _when(declared), _when(stated)
    if first is not None and second is not None:
        days = round(abs((first - second).total_seconds()) / 86400)
        direction = "earlier" if second < first else "later"
        apart = f", {plural(days, 'day')} {direction}" if days > 1 else f", more than a day {direction}"
    return (
        f"INDEX.md's published cell says {said}, but the text's date is {minute(stated)}{apart}; they may "
        "differ by a day at most. Correct the cell, or waive it."
    )


@_wording(Check.ARTICLE_PUBLISHED_VALID, reads=("published_raw", "published_source", "updated_raw", "outlet"))
def _article_published_valid(evidence: Evidence) -> str:
    when = evidence.text("published_when")
    raw = evidence.text("published_raw")
    if evidence.text("published_source") == "index":
        origin = " (INDEX.md's published cell)"
    else:
        origin = f" ({quote(raw)})" if raw else ""
    said = f"Publication date {day(when)}{origin}"
    if evidence.reads("run_at"):
        return f"{said} is after this run: a date in the future. Correct the date, or waive it."
    if evidence.reads("retrieved_at"):
        retrieved = day(evidence.text("retrieved_at"))
        return (
            f"{said} is after the file was retrieved ({retrieved}, INDEX.md's retrieved cell). "
            "Correct the one that is wrong, or waive it."
        )
    if evidence.reads("outlet_started_at"):
        started, outlet = day(evidence.text("outlet_started_at")), evidence.text("outlet") or "its outlet"
        return (
            f"{said} is before {outlet} started publishing ({started}). "
            "Correct the date, or the outlet's `started` in outlets.toml."
        )
    invalid = evidence.problems(Code.DATE_INVALID)
    if invalid:
        found = "; ".join(_invalid_date(detail, evidence) for _, detail in invalid)
        return f"{found}. Correct the date, give it in a `published` column of INDEX.md, or waive it."
    if evidence.problems(Code.INDEX_PUBLISHED):
        return (
            "No publication date: INDEX.md's published cell cannot be read (article.index_facts says why) and "
            "the first lines state none. Correct the cell."
        )
    why = no_text(evidence)
    if why is not None:
        return f"No publication date: {why}."
    return (
        "No publication date found in the first lines. Add a `published` column to INDEX.md, or turn the "
        "check off in corpus-audit.toml with a reason."
    )


def _invalid_date(detail: str, evidence: Evidence) -> str:
    """A date.invalid problem ("impossible date: … in '<raw>'") as a sentence naming the date."""
    for name, what in (("published_raw", "Publication date"), ("updated_raw", "Update date")):
        raw = evidence.text(name)
        if raw is not None and detail.endswith(f" in {raw!r}"):
            return f"{what} {quote(raw)} is not a real date ({clip(detail.removesuffix(f' in {raw!r}'))})"
    return f"A date in the text is not a real date: {clip(detail)}"


@_wording(Check.ARTICLE_UPDATED_AFTER_PUBLISHED, reads=("updated_raw", "published_raw", "published_source"))
def _article_updated_after_published(evidence: Evidence) -> str:
    updated, published = evidence.text("updated_raw"), evidence.text("published_raw")
    published_from = "INDEX.md" if evidence.text("published_source") == "index" else quote(published or "")
    return (
        f"The update time {minute(evidence.text('updated_when'))} ({quote(updated or '')}) is before the "
        f"publication time {minute(evidence.text('published_when'))} ({published_from}). "
        "Correct the date that is wrong, or waive it."
    )


@_wording(
    Check.ARTICLE_NO_DUPLICATE_PARAGRAPHS,
    reads=("repeated_lines", "repeats_of_index", "repeats_of_lines", "duplicate_paragraph_count"),
)
def _article_no_duplicate_paragraphs(evidence: Evidence) -> str:
    repeats = evidence.numbers("repeated_lines")
    count = int(evidence.number("duplicate_paragraph_count") or len(repeats))
    originals = list(dict.fromkeys(evidence.numbers("repeats_of_lines")))
    verb = "repeats" if count == 1 else "repeat"
    of = f" {lines(originals)}" if originals else " earlier body paragraphs"
    return (
        f"{lines(repeats, total=count, capital=True)} {verb}{of} (body paragraphs, compared after "
        "normalization). Remove the repeats, or waive them."
    )


@_wording(Check.ARTICLE_SOURCE_LINE, reads=("outlet_evidence", "text_outlet", "parse_errors"))
def _article_source_line(evidence: Evidence) -> str:
    line = evidence.text("source_line")
    if line is not None:
        return f"The attribution {quote(line)} is of no known kind ({evidence.text('source_kind')})."
    why = no_text(evidence)
    if why is not None:
        return f"No attribution: {why}."
    title = ""
    if "title" in (evidence.text("outlet_evidence") or "").split(",") and evidence.text("text_outlet"):
        title = f"; the title names {evidence.text('text_outlet')}, which does not count"
    return (
        "Nothing attributes the article: no source line, dateline, byline, agency credit or photo credit in "
        f"its first lines{title}. Add the attribution the page had, or turn the check off in corpus-audit.toml "
        "with a reason."
    )


@_wording(Check.CORPUS_NO_DUPLICATE_ARTICLES, reads=("same_body_as", "same_body_count"))
def _corpus_no_duplicate_articles(evidence: Evidence) -> str:
    value = evidence.values.get("same_body_as")
    others = [clip(str(name), 80) for name in value] if isinstance(value, list) else []
    total = int(evidence.number("same_body_count") or len(others))
    named = listing(others, total=total) if others else "another file"
    return f"Same body as {named} (compared after normalization). Keep one copy, or waive the others."


@_wording(Check.PARAGRAPH_ROLE_KNOWN, reads=("unknown_roles",))
def _paragraph_role_known(evidence: Evidence) -> str:
    value = evidence.values.get("unknown_roles")
    found = [(int(n), role) for n, role in value] if isinstance(value, list) else []
    where = lines([n for n, _ in found], capital=True) if found else "A line"
    roles = sorted({quote(role) if role else "none" for _, role in found})
    return (
        f"{where} of the file {'has' if len(found) <= 1 else 'have'} no known role (found: {', '.join(roles)}): "
        "a bug in corpus-audit's parser, not in the corpus. Please report it."
    )


@_wording(Check.ARTICLE_LANGUAGE, reads=("char_count", "parse_errors"))
def _article_language(evidence: Evidence) -> str:
    share = evidence.number("arabic_fraction") or 0.0
    low, _ = _bounds(evidence)
    if not evidence.number("char_count"):
        why = no_text(evidence) or "the body is empty"
        return f"No letters to judge the language by: {why}."
    return (
        f"Only {math.floor(share * 100)}% of the body's letters are Arabic script; at least {low:.0%} are "
        "expected. Check the file is the Arabic article, or waive it."
    )


@_wording(Check.ARTICLE_BODY_LENGTH, reads=("parse_errors",))
def _article_body_length(evidence: Evidence) -> str:
    count = int(evidence.number("char_count") or 0)
    low, high = _bounds(evidence)
    if count > high:
        return (
            f"The body has {plural(count, 'character')}; at most {high:,.0f} are expected (several articles in "
            "one file?). Split the file, or waive it."
        )
    if count == 0:
        why = no_text(evidence)
        return f"The body is empty{': ' + why if why else ''}. Scrape the page again, or waive it."
    return (
        f"The body has {plural(count, 'character')}; at least {low:,.0f} are expected (a shorter body is "
        "usually a failed scrape). Scrape the page again, or waive it."
    )


#: What each layout problem is, before its detail ("line 3").
_LAYOUT = {
    Code.LAYOUT_GLUED_CAPTION: "a photo credit glued to its caption on {}",
    Code.LAYOUT_STRAY_SLASH: "a stray '/' opening {}",
    Code.LAYOUT_DATELINE_NOT_FIRST: "{}, not the first",
}


@_wording(Check.ARTICLE_LAYOUT)
def _article_layout(evidence: Evidence) -> str:
    found = [
        _LAYOUT[Code(code)].format(clip(detail)) if code in _LAYOUT else f"{code} ({clip(detail)})"
        for code, detail in evidence.problems("layout.")
    ]
    said = "; ".join(found) or "a layout defect"
    return f"Layout as scraped: {said}. Fix the lines, or waive the warning."


@_wording(Check.ARTICLE_BOILERPLATE, reads=("boilerplate_lines",))
def _article_boilerplate(evidence: Evidence) -> str:
    count = int(evidence.number("boilerplate_count") or 0)
    numbers = evidence.numbers("boilerplate_lines")
    where = f" ({lines(numbers, total=count)})" if numbers else ""
    was, them = ("line was", "it") if count == 1 else ("lines were", "them")
    return (
        f"{count:,} boilerplate or related-link {was} scraped{where}. Remove {them} from the article or waive {them}."
    )
