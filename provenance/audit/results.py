"""Audit results: one per (check, file), with severity, engine verdicts, the policy and waivers applied.

A 100,000-article corpus has millions of results, nearly all passed. Only the failed, waived and
waiver results are held in memory; passed ones are produced on demand, file by file, in the one
order every report uses (file, then check id).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from expectations.catalogue import CATALOGUE, CheckSpec
from expectations.messages import WORDINGS, Evidence
from provenance.audit.policy import Override, judge_override
from provenance.audit.waivers import Waiver, judge_waiver
from provenance.escape import one_line
from provenance.findings import Result
from provenance.fixity.verify import FixityReport

_FORMS: dict[tuple[str, str, tuple[tuple[str, str], ...], str | None], tuple[tuple[str, ...], dict[str, Any]]] = {}
_FILE_SLOT = '"\\u0000"'  # how json.dumps writes the placeholder "\0" put where the file name goes


def no_counts() -> dict[str, int]:
    """Summary counts before any result: passed, failed (errors), waived, warnings (failed warnings)."""
    return {"passed": 0, "failed": 0, "waived": 0, "warnings": 0}


def tally(counts: dict[str, int], *, status: str, severity: str) -> None:
    """Count one result into summary counts: passed, failed (errors), waived, warnings."""
    if status == "failed":
        counts["failed" if severity == "error" else "warnings"] += 1
    else:
        counts[status] += 1


@dataclass(frozen=True, slots=True)
class EngineVerdict:
    """What the engines said about one check: failing files (first failing rule) per engine."""

    check: CheckSpec
    failures: Mapping[str, Mapping[str | None, int]]  # {engine: {file: rule number}}
    details: Mapping[str | None, Mapping[str, Any]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    policy_severity: str | None = None  # the corpus policy's severity for the check, if it has one

    def engines_for(self, file: str | None) -> dict[str, str]:
        return self._engines(failed_by={e for e, f in self.failures.items() if file in f})

    def engines_passed(self) -> dict[str, str]:
        """The engines' verdicts on a file that no engine failed."""
        return self._engines(failed_by=set())

    def _engines(self, *, failed_by: set[str]) -> dict[str, str]:
        engines = {e: ("failed" if e in failed_by else "passed") for e in self.failures}
        engines.update({e: f"unsupported: {why}" for e, why in self.check.unsupported})
        return engines

    def failing(self) -> list[str | None]:
        return sorted({f for files in self.failures.values() for f in files}, key=lambda f: f or "")

    def result(self, file: str | None) -> Result:
        """The check's result on `file`: a failure says in the steward's words what the evidence showed,
        and keeps the rule and each engine's verdict in details.engines."""
        numbers = [self.failures[e][file] for e in sorted(self.failures) if file in self.failures[e]]
        engines = self.engines_for(file)
        if not numbers:
            return Result(self.check.id, file, "passed", self.check.title, engines, {}, self.policy_severity)
        rule = self.check.rules[numbers[0]] if 0 <= numbers[0] < len(self.check.rules) else None
        values = dict(self.details.get(file, {}))
        notes = self.notes if rule is None else ()
        wording = WORDINGS.get(self.check.id)
        said = wording.says(Evidence(rule, values, notes)) if wording else f"{self.check.title}: failed"
        how: dict[str, Any] = {"rule": rule.describe() if rule else self.check.description, **engines}
        if notes:
            how["notes"] = list(notes[:MAX_NOTES])
        details = {**values, "engines": how}
        return Result(self.check.id, file, "failed", one_line(said), engines, details, self.policy_severity)


MAX_NOTES = 20  # the engines' notes on the tables' structure a table.schema result keeps


class ResultSet:
    """Every result of a run: fixity, both engines' checks, the policy and waivers, in report order.

    An override of the corpus policy in force gives its check's results the policy's severity, or,
    when it is "off", drops them; one past its date gives a policy.expired result instead.
    """

    def __init__(
        self,
        *,
        fixity: FixityReport,
        verdicts: Iterable[EngineVerdict],
        articles: Iterable[str],
        waivers: Iterable[Waiver],
        digests: Mapping[str, str],
        today: date,
        overrides: Iterable[Override] = (),
    ) -> None:
        self.fixity = fixity
        in_force: dict[str, str] = {}
        self.policy_results: list[Result] = []
        for override in overrides:
            outcome = judge_override(override, today=today)
            if outcome is None:
                in_force[override.check] = override.severity
            else:
                self.policy_results.append(outcome)
        self.verdicts = [
            replace(v, policy_severity=in_force[v.check.id]) if v.check.id in in_force else v
            for v in verdicts
            if in_force.get(v.check.id) != "off"
        ]
        self.articles = set(articles)
        self.per_file = [v for v in self.verdicts if v.check.scope == "article"]
        self.corpus_wide = [v for v in self.verdicts if v.check.scope != "article"]
        # The engines' failures, made once: the gate, the waivers and every report read them.
        self._failures = {(r.check, r.file): r for r in self._notable_before_waivers()}
        failing = set(self._failures)
        self.applied: dict[tuple[str, str | None], Waiver] = {}
        self.waiver_results: list[Result] = []
        for waiver in waivers:
            outcome = judge_waiver(waiver, digests=digests, today=today, failing=failing)
            if outcome is None:
                self.applied[waiver.check, waiver.file] = waiver
            else:
                self.waiver_results.append(outcome)

    def _notable_before_waivers(self) -> Iterator[Result]:
        yield from self.fixity.failures
        for verdict in self.verdicts:
            yield from (verdict.result(f) for f in verdict.failing())

    def notable(self) -> list[Result]:
        """The failed and waived results and the waiver and policy findings, in report order."""
        out = [self._waive(r) for r in self._failures.values()] + self.waiver_results + self.policy_results
        return sorted(out, key=lambda r: (r.file or "", r.check))

    def _waive(self, result: Result) -> Result:
        waiver = self.applied.get((result.check, result.file))
        if waiver is None or result.status != "failed":
            return result
        details = {
            **result.details,
            "waiver": {"reason": waiver.reason, "expires": waiver.expires.isoformat(), "line": waiver.line},
        }
        message = f"{result.message} (waived: {one_line(waiver.reason)})"
        return replace(result, status="waived", message=message, details=details)

    def __iter__(self) -> Iterator[Result]:
        """Every result, ordered by file then check id; passed ones made on the fly."""
        for result in self._rows():
            yield result if isinstance(result, Result) else result.make()

    def summary(self) -> dict[str, int]:
        """Summary counts of every result (passed, failed, waived, warnings), without making the
        passed ones: a clean file counts as `clean_row` does."""
        counts = no_counts()
        clean = 0
        for _, row in self.file_rows():
            if row is None:
                clean += 1
                continue
            for item in row:
                if isinstance(item, Result):
                    tally(counts, status=item.status, severity=item.severity)
                else:
                    counts["passed"] += 1
        counts["passed"] += clean * len(self.clean_row)
        return counts

    def _rows(self) -> Iterator[Result | _Passed]:
        for name, row in self.file_rows():
            yield from row if row is not None else (replace(p, file=name) for p in self.clean_row)

    @functools.cached_property
    def clean_row(self) -> tuple[_Passed, ...]:
        """The results of a clean file, by check id, with file None: every file check passed.

        A clean file is listed, matches INDEX.md, was parsed, and no check failed on it; the same
        checks ran on every clean file, with the same engine verdicts.
        """
        fixity = [_Passed.fixity(check, None) for check in self.fixity.checks_for_matching_file()]
        engines = [_Passed.engine(v, None) for v in self.per_file]
        return tuple(sorted(fixity + engines, key=lambda p: p.check))

    def clean_template(self, *, separator: str) -> tuple[list[str], list[dict[str, Any]]]:
        """A clean file's results as JSON split where its name goes, and as dicts (file None).

        Joining the parts with the file name's JSON gives each result's JSON, `separator` between.
        """
        block = separator.join(_FILE_SLOT.join(p.template()) for p in self.clean_row)
        return block.split(_FILE_SLOT), [p.record() for p in self.clean_row]

    def file_rows(self) -> Iterator[tuple[str | None, list[Result | _Passed] | None]]:
        """(name, its results by check id) in report order, name None first for the corpus.

        A clean file comes as (name, None): its results are `clean_row` with its name, which lets
        writers use one template for most of a large corpus.
        """
        extra: dict[str | None, list[Result]] = {}
        for result in self.waiver_results + self.policy_results:
            extra.setdefault(result.file, []).append(result)
        for verdict in self.corpus_wide:
            for file in verdict.failing() or [None]:
                extra.setdefault(file, []).append(verdict.result(file))
        listed: Mapping[str, object] = self.fixity.manifest.by_file()
        # Per check: its verdict, the files it failed, and its result on any other file.
        failing_by_verdict = [(v, set(v.failing()), _Passed.engine(v, None)) for v in self.per_file]
        unclean = set(extra) | set(self.fixity.differing) | set(self.fixity.failures_by_file)
        for _, failing, _ in failing_by_verdict:
            unclean |= failing
        # Every name some result is about: a waiver may name a file that is neither on disk nor listed.
        every = set(listed)  # one set grown in place: at 1,000,000 files each copy is 32 MB
        every.update(self.fixity.differing, self.articles, (n for n in unclean if n is not None))
        names = sorted(every)
        del every
        for name in [None, *names]:
            if name is not None and name not in unclean and name in listed and name in self.articles:
                yield name, None
                continue
            row: list[Result | _Passed] = []
            if name is None or name in listed or name in self.fixity.differing:
                for check, found in self.fixity.outcomes(name, listed=listed):
                    row.append(self._waive(found) if found else _Passed.fixity(check, name))
            if name is not None and name in self.articles:
                for verdict, failing, passed in failing_by_verdict:
                    row.append(
                        self._waive(self._failures[verdict.check.id, name])
                        if name in failing
                        else replace(passed, file=name)
                    )
            row += [self._waive(r) for r in extra.get(name, [])]
            row.sort(key=lambda item: item.check)
            yield name, row


@dataclass(frozen=True, slots=True)
class _Passed:
    """A passed result not yet built: its check, file, message, engine verdicts and policy severity."""

    check: str
    file: str | None
    message: str
    engines: tuple[tuple[str, str], ...] = ()
    policy_severity: str | None = None

    @staticmethod
    def fixity(check: str, file: str | None) -> _Passed:
        return _Passed(check, file, CATALOGUE[check].pass_message)

    @staticmethod
    def engine(verdict: EngineVerdict, file: str | None) -> _Passed:
        """The check's result on a file no engine failed."""
        engines = tuple(verdict.engines_passed().items())
        return _Passed(verdict.check.id, file, verdict.check.title, engines, verdict.policy_severity)

    @property
    def severity(self) -> str:
        return self.policy_severity or CATALOGUE[self.check].severity

    def make(self) -> Result:
        return Result(self.check, self.file, "passed", self.message, dict(self.engines), {}, self.policy_severity)

    def json(self) -> str:
        return json.dumps(self.file, ensure_ascii=False).join(self.template())

    def record(self) -> dict[str, Any]:
        """The dict this result's JSON reads back as, but with file None: shared, read only."""
        return self._forms()[1]

    def template(self) -> tuple[str, ...]:
        """This result's JSON split where the file name goes (the file's JSON joins the parts)."""
        return self._forms()[0]

    def _forms(self) -> tuple[tuple[str, ...], dict[str, Any]]:
        """(template, record), made once per check, message, engine verdicts and severity."""
        key = (self.check, self.message, self.engines, self.policy_severity)
        forms = _FORMS.get(key)
        if forms is None:
            text = json.dumps({**self.make().as_dict(), "file": "\0"}, ensure_ascii=False)
            forms = _FORMS[key] = (tuple(text.split(_FILE_SLOT)), json.loads(text.replace(_FILE_SLOT, "null")))
        return forms


#: An item of a row `ResultSet.file_rows` gives: a built result, or a passed one not yet built.
RowItem = Result | _Passed
