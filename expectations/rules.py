"""Engine-neutral rules: what a check asserts, in terms both pandera and GX can express.

A check in the catalogue is one or more rules over one table. Each engine turns every rule into
its own construct (a pandera Check, a GX Expectation); a row fails the check when it fails any of
its rules. Nulls pass every rule except NotNull, as they do in GX's column-map expectations.
Every rule says which columns it `reads`; every engine translates every rule (tests/test_engines.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NotNull:
    column: str

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return f"{self.column} is present"


@dataclass(frozen=True, slots=True)
class InSet:
    """`values` None means: the value set is a run-time parameter named `parameter`."""

    column: str
    values: tuple[str, ...] | None = None
    parameter: str | None = None

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return f"{self.column} is one of {self.parameter or ', '.join(self.values or ())}"


@dataclass(frozen=True, slots=True)
class Between:
    column: str
    min_value: float
    max_value: float

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return f"{self.column} is between {self.min_value:g} and {self.max_value:g}"


@dataclass(frozen=True, slots=True)
class LengthBetween:
    column: str
    min_value: int
    max_value: int

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return f"{self.column} has {self.min_value} to {self.max_value} characters"


@dataclass(frozen=True, slots=True)
class NotMatch:
    """The value does not contain a match of `pattern` (search semantics, like re.search)."""

    column: str
    pattern: str

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return f"{self.column} does not match /{self.pattern}/"


@dataclass(frozen=True, slots=True)
class PairAtLeast:
    """column_a >= column_b wherever both are present."""

    column_a: str
    column_b: str

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.column_a, self.column_b)

    def describe(self) -> str:
        return f"{self.column_a} >= {self.column_b} where both are present"


@dataclass(frozen=True, slots=True)
class PairEqual:
    """column_a == column_b wherever both are present."""

    column_a: str
    column_b: str

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.column_a, self.column_b)

    def describe(self) -> str:
        return f"{self.column_a} equals {self.column_b} where both are present"


@dataclass(frozen=True, slots=True)
class UniqueWithin:
    """No two rows share the values of `columns` (nulls ignored), among rows where `where` holds."""

    columns: tuple[str, ...]
    where: tuple[str, str] | None = None  # (column, value)

    @property
    def reads(self) -> tuple[str, ...]:
        return self.columns + ((self.where[0],) if self.where else ())

    def describe(self) -> str:
        scope = f" among rows where {self.where[0]} is {self.where[1]!r}" if self.where else ""
        return f"({', '.join(self.columns)}) is unique{scope}"


Rule = NotNull | InSet | Between | LengthBetween | NotMatch | PairAtLeast | PairEqual | UniqueWithin
