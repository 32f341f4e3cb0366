"""What the parser is told about a corpus: the parsing half of its policy (corpus-audit.toml).

`provenance.audit.policy` reads corpus-audit.toml into these settings; with no policy file every
field keeps its default, which is the behaviour of a corpus that says nothing about itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal, get_args

DateOrder = Literal["dmy", "mdy", "ymd"]
DATE_ORDERS: Final = get_args(DateOrder)
#: The facts an INDEX.md row may carry about its article, each read from a column of that name
#: unless the policy's [metadata] table names another column.
FACTS: Final = ("outlet", "url", "published", "retrieved", "language", "encoding")
#: A body paragraph shorter than either minimum is never a repeat: a heading ("المقادير:"), a list
#: item or a refrain may recur legitimately; scraped duplicates are whole paragraphs.
MIN_REPEAT_CHARS: Final = 30
MIN_REPEAT_WORDS: Final = 5


@dataclass(frozen=True, slots=True)
class ParseSettings:
    """How to read a corpus's articles; every field has the default of a corpus with no policy."""

    #: The encoding of files whose INDEX.md row declares none (None: UTF-8).
    encoding: str | None = None
    #: The zone of a date that states none, when the outlet has no default either (flagged assumed).
    default_timezone: str | None = None
    #: How to read an all-numeric date whose order is ambiguous (03/04/2012); an unambiguous one
    #: (05-30-2012, 2012-05-30) is read whatever the order.
    date_order: DateOrder = "dmy"
    #: The shortest body paragraph that counts as a repeat: both minimums must be met.
    min_repeat_chars: int = MIN_REPEAT_CHARS
    min_repeat_words: int = MIN_REPEAT_WORDS
    #: fact -> the INDEX.md column (lowercase) that carries it.
    columns: dict[str, str] = field(default_factory=lambda: {fact: fact for fact in FACTS})

    def __post_init__(self) -> None:
        if self.date_order not in DATE_ORDERS:
            raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}, not {self.date_order!r}")
        unknown = set(self.columns) - set(FACTS)
        if unknown:
            raise ValueError(f"unknown fact(s) {sorted(unknown)}; known: {', '.join(FACTS)}")
        object.__setattr__(self, "columns", {fact: self.columns.get(fact, fact).lower() for fact in FACTS})


DEFAULT: Final = ParseSettings()


@dataclass(frozen=True, slots=True)
class Source:
    """One file to parse, with the facts its INDEX.md row declares (None where a cell is empty)."""

    file: str
    encoding: str | None = None
    outlet: str | None = None
    url: str | None = None
    retrieved: str | None = None
    published: str | None = None
    language: str | None = None
