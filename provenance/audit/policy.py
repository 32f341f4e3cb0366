"""corpus-audit.toml: what a steward says the corpus is, and which checks it relaxes, for how long and why."""

from __future__ import annotations

import codecs
import difflib
import hashlib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal, cast, get_args

from expectations.catalogue import CATALOGUE
from expectations.ids import FIXITY_FAMILIES, POLICY_FAMILY, WAIVER_FAMILY, Check
from provenance.errors import ManifestError, Problem
from provenance.findings import Result
from provenance.manifest.model import REQUIRED as PINNED_COLUMNS
from provenance.parsing.outlets import known_zone
from provenance.parsing.settings import DATE_ORDERS, DEFAULT, FACTS, DateOrder, ParseSettings
from provenance.safeopen import read_metadata

POLICY_NAME: Final = "corpus-audit.toml"
POLICY_LIMIT: Final = 1 << 20  # a policy is a few dozen lines; larger is not a steward's file
Severity = Literal["error", "warning", "off"]
SEVERITIES: Final = get_args(Severity)
#: The tables a policy holds and the keys of each ([checks] holds one table per check id instead).
KEYS: Final[Mapping[str, tuple[str, ...]]] = {
    "corpus": ("encoding", "default_timezone", "date_order"),
    "metadata": FACTS,
    "checks": (),
    "duplicates": ("min_chars", "min_words"),
}
OVERRIDE_KEYS: Final = ("severity", "reason", "expires")
#: Why a check family cannot be overridden: each keeps the audit itself honest.
_FIXED: Final = (
    (
        FIXITY_FAMILIES,
        "fixity and manifest checks prove that the files are the bytes INDEX.md records, and a policy "
        "cannot weaken provenance; fix the files or run `corpus-audit index`",
    ),
    ((WAIVER_FAMILY,), "waiver checks keep WAIVERS.md honest; fix or remove the waiver instead"),
    ((POLICY_FAMILY,), "policy checks keep this file honest; renew or remove the expired override instead"),
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TOML_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


@dataclass(frozen=True, slots=True)
class Override:
    """The severity `check` has in this corpus instead of the catalogue's, why, and until when."""

    check: str
    severity: Severity
    reason: str
    expires: date | None
    line: int | None

    def expired(self, today: date) -> bool:
        """An override holds through its expiry date, the whole day, like a waiver."""
        return self.expires is not None and self.expires < today


@dataclass(frozen=True, slots=True)
class Policy:
    """A corpus's corpus-audit.toml as read; `Policy()` is a corpus without one (every default)."""

    present: bool = False
    sha256: str | None = None  # of the file's bytes, so a report names the policy it ran under
    settings: ParseSettings = DEFAULT
    overrides: tuple[Override, ...] = ()  # by check id

    def in_force(self, today: date) -> dict[str, Override]:
        """The overrides that apply on `today`, by check id (expired ones do not)."""
        return {o.check: o for o in self.overrides if not o.expired(today)}

    def switched_off(self, today: date) -> frozenset[str]:
        """The checks that do not run on `today`."""
        return frozenset(c for c, o in self.in_force(today).items() if o.severity == "off")

    def block(self, today: date) -> dict[str, Any] | None:
        """audit.json's `policy` block (None with no policy): the settings in force and every override."""
        if not self.present:
            return None
        settings = self.settings
        return {
            "file": POLICY_NAME,
            "sha256": self.sha256,
            "corpus": {
                "encoding": settings.encoding,
                "default_timezone": settings.default_timezone,
                "date_order": settings.date_order,
            },
            "metadata": dict(settings.columns),
            "duplicates": {"min_chars": settings.min_repeat_chars, "min_words": settings.min_repeat_words},
            "checks": [
                {
                    "id": o.check,
                    "severity": o.severity,
                    "catalogue_severity": CATALOGUE[o.check].severity,
                    "reason": o.reason,
                    "expires": o.expires.isoformat() if o.expires else None,
                    "expired": o.expired(today),
                    "line": o.line,
                }
                for o in self.overrides
            ],
        }


NO_POLICY: Final = Policy()


def judge_override(override: Override, *, today: date) -> Result | None:
    """None while the override applies; a policy.expired finding once its date has passed."""
    if not override.expired(today):
        return None
    assert override.expires is not None  # expired() says so
    catalogue = CATALOGUE[override.check].severity
    where = f" (line {override.line})" if override.line else ""
    message = (
        f"{POLICY_NAME}'s override of {override.check} to {override.severity} expired on "
        f"{override.expires.isoformat()}, so it is {catalogue} again: renew its expires{where} or remove "
        f"the override (its reason: {override.reason})"
    )
    details = {
        "overridden_check": override.check,
        "severity": override.severity,
        "reason": override.reason,
        "expires": override.expires.isoformat(),
        "policy_line": override.line,
    }
    return Result(Check.POLICY_EXPIRED, None, "failed", message, {}, details)


def starter_policy() -> str:
    """The commented corpus-audit.toml `corpus-audit init` writes: every key, each explained, none set."""
    return resources.files("provenance.audit").joinpath("data", POLICY_NAME).read_text(encoding="utf-8")


def read_policy(corpus: Path) -> Policy:
    """corpus/corpus-audit.toml (Policy() when there is none); every problem raised at once.

    Read like every metadata file: no link followed, no FIFO opened (ManifestError instead).
    """
    path = corpus / POLICY_NAME
    data = read_metadata(corpus, POLICY_NAME, limit=POLICY_LIMIT)
    if data is None:
        return NO_POLICY
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ManifestError(path, [Problem(line, "not valid UTF-8 (a TOML file is UTF-8)")]) from None
    return parse_policy(text, path=path, sha256=hashlib.sha256(data).hexdigest())


def parse_policy(text: str, *, path: Path | str = POLICY_NAME, sha256: str | None = None) -> Policy:
    """The policy `text` holds; ManifestError with every problem, each on its line, when it is malformed."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(path, [_toml_problem(exc)]) from None
    reader = _Reader(key_lines(text))
    values = reader.tables(data)
    overrides = reader.overrides(data.get("checks"))
    if reader.problems:
        raise ManifestError(path, sorted(reader.problems, key=lambda p: p.line or 0))
    corpus, metadata, duplicates = values["corpus"], values["metadata"], values["duplicates"]
    settings = ParseSettings(
        encoding=corpus.get("encoding"),
        default_timezone=corpus.get("default_timezone"),
        date_order=cast(DateOrder, corpus.get("date_order", DEFAULT.date_order)),
        min_repeat_chars=duplicates.get("min_chars", DEFAULT.min_repeat_chars),
        min_repeat_words=duplicates.get("min_words", DEFAULT.min_repeat_words),
        columns=metadata,
    )
    return Policy(True, sha256, settings, tuple(sorted(overrides, key=lambda o: o.check)))


def _toml_problem(exc: tomllib.TOMLDecodeError) -> Problem:
    message = str(exc)
    line: int | None = getattr(exc, "lineno", None)  # Python 3.14 has it; before, only the message does
    if found := _TOML_LINE.search(message):
        line = line or int(found.group(1))
        message = f"{message[: found.start()]} (column {found.group(2)})"
    return Problem(line, f"not valid TOML: {message}")


class _Reader:
    """Checks the parsed TOML table by table, collecting every problem with the line it is on."""

    def __init__(self, lines: Mapping[tuple[str, ...], int]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, *path: str) -> int | None:
        """The line of `path`, or of the nearest table or key around it that has one."""
        for end in range(len(path), 0, -1):
            if (found := self.lines.get(path[:end])) is not None:
                return found
        return None

    def problem(self, path: tuple[str, ...], message: str) -> None:
        self.problems.append(Problem(self.line(*path), message))

    def tables(self, data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        """The values of [corpus], [metadata] and [duplicates] that are good; a problem for each other key."""
        for key in data:
            if key not in KEYS:
                self.problem((key,), _unknown_top(key))
            elif not isinstance(data[key], dict):
                self.problem((key,), f"{key!r} must be a table, written [{key}] on a line of its own")
        good: dict[str, dict[str, Any]] = {}
        checkers = {"corpus": self._corpus, "metadata": self._metadata, "duplicates": self._duplicates}
        for name, check in checkers.items():
            table = data.get(name, {})
            good[name] = {}
            if not isinstance(table, dict):
                continue
            for key, value in table.items():
                if key not in KEYS[name]:
                    self.problem((name, key), _unknown_key(key, f"[{name}]", KEYS[name]))
                elif (problem := check(key, value)) is not None:
                    self.problem((name, key), f"[{name}] {problem}")
                else:
                    good[name][key] = value.strip().lower() if name == "metadata" else value
        self._same_columns(good["metadata"])
        return good

    @staticmethod
    def _corpus(key: str, value: object) -> str | None:
        if key == "encoding":
            if not isinstance(value, str) or not _text_encoding(value):
                return (
                    f"'encoding' must be a text encoding Python knows, such as 'windows-1256' or 'utf-8', not {value!r}"
                )
        elif key == "default_timezone":
            if not isinstance(value, str) or not known_zone(value):
                return f"'default_timezone' must be a time zone name such as 'Asia/Riyadh' or 'UTC', not {value!r}"
        elif value not in DATE_ORDERS:
            orders = ", ".join(map(repr, DATE_ORDERS))
            return f"'date_order' must be one of {orders} (day, month, year in that order), not {value!r}"
        return None

    @staticmethod
    def _metadata(key: str, value: object) -> str | None:
        if not isinstance(value, str) or not value.strip() or any(c in value for c in "|\r\n"):
            return f"{key!r} must name an INDEX.md column (a non-empty string, no '|'), not {value!r}"
        if value.strip().lower() in PINNED_COLUMNS:
            return f"{key!r} cannot be the column {value.strip()!r}: corpus-audit writes it; name a steward column"
        return None

    @staticmethod
    def _duplicates(key: str, value: object) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return f"{key!r} must be a whole number, 0 or more, not {value!r}"
        return None

    def _same_columns(self, columns: Mapping[str, str]) -> None:
        """Two facts read from one column is a slip (`url = "outlet"` while outlet reads `outlet`): say so."""
        readers: dict[str, list[str]] = {}
        for fact in FACTS:
            readers.setdefault(columns.get(fact, fact), []).append(fact)
        for column, facts in readers.items():
            if len(facts) > 1:
                named = next(f for f in facts if f in columns)  # a default alone never collides
                both = " and ".join(map(repr, facts))
                self.problem(("metadata", named), f"[metadata] {both} would both be read from the column {column!r}")

    def overrides(self, checks: object) -> list[Override]:
        """The good [checks."<id>"] tables as overrides; a problem for each bad one."""
        if not isinstance(checks, dict):
            return []  # absent, or already reported as not a table
        found = []
        for check, entry in checks.items():
            where = ("checks", check)
            if (problem := _check_problem(check, entry)) is not None:
                self.problem(where, problem)
            elif not isinstance(entry, dict):
                self.problem(where, f'[checks."{check}"] must be a table with severity and reason, not {entry!r}')
            elif (override := self._override(check, entry)) is not None:
                found.append(override)
        return found

    def _override(self, check: str, entry: Mapping[str, Any]) -> Override | None:
        where, header = ("checks", check), f'[checks."{check}"]'
        count = len(self.problems)
        for key in entry:
            if key not in OVERRIDE_KEYS:
                self.problem((*where, key), _unknown_key(key, header, OVERRIDE_KEYS))
        severity = entry.get("severity")
        if severity not in SEVERITIES:
            wanted = ", ".join(map(repr, SEVERITIES))
            found = "it has none" if severity is None else f"not {severity!r}"
            self.problem((*where, "severity"), f"{header} needs severity = one of {wanted}; {found}")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            said = "it has none" if reason is None else f"not {reason!r}"
            self.problem((*where, "reason"), f"{header} needs a reason a reviewer can read; {said}")
        expires = _expiry(entry.get("expires"))
        if expires is False:
            value = entry["expires"]
            self.problem((*where, "expires"), f"{header} expires must be a date such as 2027-06-30, not {value!r}")
        if len(self.problems) > count:
            return None
        assert isinstance(reason, str) and not isinstance(expires, bool)
        return Override(check, cast(Severity, severity), reason.strip(), expires, self.line(*where))


def _check_problem(check: str, entry: object) -> str | None:
    """Why `check` cannot be overridden (unknown, or a family that keeps the audit honest), or None."""
    if check not in CATALOGUE:
        nested = [f"{check}.{key}" for key in entry if f"{check}.{key}" in CATALOGUE] if isinstance(entry, dict) else []
        if nested:
            return (
                f'[checks.{nested[0]}] names no check: write the id in quotes, [checks."{nested[0]}"] '
                "(a dot outside quotes starts a sub-table)"
            )
        return f"unknown check id {check!r}{_suggest(check, CATALOGUE)} (see the README's check ids)"
    for families, why in _FIXED:
        if check.startswith(families):
            return f"{check} cannot be overridden: {why}"
    return None


def _expiry(value: object) -> date | Literal[False] | None:
    """The expiry date (None: none given), or False when `value` is not a date without a time."""
    if value is None:
        return None
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return False
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return False


def _unknown_top(key: str) -> str:
    for table, keys in KEYS.items():
        if key in keys:
            return f"{key!r} belongs in a table: write it under [{table}]"
    tables = ", ".join(f"[{name}]" for name in KEYS if name != "checks")
    return f'unknown table [{key}]{_suggest(key, KEYS)}: a policy holds {tables} and [checks."<check id>"]'


def _unknown_key(key: str, table: str, known: tuple[str, ...]) -> str:
    return f"unknown key {key!r} in {table}{_suggest(key, known)} (known: {', '.join(known)})"


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, [str(choice) for choice in choices], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _text_encoding(name: str) -> bool:
    """A codec that decodes bytes to text, as the parser will use it (bytes.decode)."""
    if not name.strip():
        return False
    try:
        codecs.lookup(name.strip())
        b"x".decode(name.strip().lower(), errors="replace")  # base64, rot13 and the like are not text
    except (LookupError, UnicodeError):
        return False
    return True


# --- where each table and key is: tomllib gives values, not lines ---------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line each table header and key of valid TOML `text` is on, by its full path.

    A path first met as part of a longer one (`corpus` in `corpus.encoding = ...`) gets that line.
    Keys inside inline tables and arrays are not listed: the key holding them is.
    """
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    i, line, n = 0, 1, len(text)
    try:
        while i < n:
            char = text[i]
            if char == "\n":
                line, i = line + 1, i + 1
            elif char in " \t\r":
                i += 1
            elif char == "#":
                i = _line_end(text, i)
            elif char == "[":
                double = text.startswith("[[", i)
                table, i = _key(text, i + (2 if double else 1))
                i = text.index("]", i) + (2 if double else 1)
                _record(found, table, line)
            else:
                path, i = _key(text, i)
                _record(found, table + path, line)
                i, line = _skip_value(text, text.index("=", i) + 1, line)
    except (ValueError, IndexError):  # not valid TOML after all: the lines found so far are right
        pass
    return found


def _record(found: dict[tuple[str, ...], int], path: tuple[str, ...], line: int) -> None:
    for end in range(1, len(path) + 1):
        found.setdefault(path[:end], line)


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _key(text: str, i: int) -> tuple[tuple[str, ...], int]:
    """A dotted key starting at `i` (bare, "basic" or 'literal' parts) and where it ends."""
    parts: list[str] = []
    while True:
        while text[i] in " \t":
            i += 1
        if text[i] == '"':
            end = i + 1
            while text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            parts.append(tomllib.loads(f"k = {text[i : end + 1]}")["k"])  # tomllib decodes the escapes
            i = end + 1
        elif text[i] == "'":
            end = text.index("'", i + 1)
            parts.append(text[i + 1 : end])
            i = end + 1
        else:
            bare = _BARE_KEY.match(text, i)
            if bare is None:
                raise ValueError(f"no key at {i}")
            parts.append(bare.group())
            i = bare.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == ".":
            i += 1
            continue
        return tuple(parts), i


def _skip_value(text: str, i: int, line: int) -> tuple[int, int]:
    """Past the value starting at `i` (strings, arrays over several lines), and the line reached."""
    depth = 0
    while i < len(text):
        char = text[i]
        if char == "\n":
            line, i = line + 1, i + 1
            if depth == 0:
                break
        elif char == "#":
            i = _line_end(text, i)
        elif char in "[{":
            depth, i = depth + 1, i + 1
        elif char in "]}":
            depth, i = depth - 1, i + 1
        elif char in "\"'":
            end = _string_end(text, i)
            line, i = line + text.count("\n", i, end), end
        else:
            i += 1
    return i, line


def _string_end(text: str, i: int) -> int:
    """Just past the string starting at `i`: basic, literal, or either over several lines."""
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = i + 3
        while True:
            end = text.index(quote * 3, end)
            if quote == "'" or not _escaped(text, end):
                break
            end += 1
        close = end + 3
        while close < len(text) and text[close] == quote and close < end + 5:  # up to two quotes end the content
            close += 1
        return close
    end = i + 1
    while text[end] != quote:
        end += 2 if quote == '"' and text[end] == "\\" else 1
    return end + 1


def _escaped(text: str, i: int) -> bool:
    """Whether the character at `i` follows an odd run of backslashes."""
    start = i
    while start > 0 and text[start - 1] == "\\":
        start -= 1
    return (i - start) % 2 == 1
