"""Run the catalogue's rules with Great Expectations 1.x: one suite per table, built from the rules.

Each rule becomes one of GX's own expectations, tagged in `meta` with its check id and rule number.
Suites run through a ValidationDefinition in an in-memory context on the in-memory DataFrames; the
unexpected rows come back named by their `file` (and line), which GX's Data Docs show too.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import shutil
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.execution_engine import pandas_execution_engine
from great_expectations.expectations.row_conditions import Column

from expectations.catalogue import INVARIANTS, CheckSpec
from expectations.columns import TABLES
from expectations.engines import ROW_NAMES, EngineRun, Failures, UnknownRuleError, columns_read
from expectations.engines.gx_docs import make_offline
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


def _quiet() -> None:
    """GX logs and warns freely; the report is the one place findings are told."""
    logging.getLogger("great_expectations").setLevel(logging.CRITICAL)


@contextlib.contextmanager
def _no_fingerprint() -> Iterator[None]:
    """GX's pandas engine hashes every value of a batch under 1 GB into an md5 "fingerprint" batch
    marker: 2.7 s of its 6 at 100,000 articles, for an identity audit.json's corpus digest already
    gives. Its size threshold set to 0 for the run skips the hash; nothing else reads it."""
    threshold = getattr(pandas_execution_engine, "HASH_THRESHOLD", None)
    if threshold is None:  # a GX release without it: nothing to skip
        yield
        return
    pandas_execution_engine.HASH_THRESHOLD = 0
    try:
        yield
    finally:
        pandas_execution_engine.HASH_THRESHOLD = threshold


def _expectation(rule: Rule, meta: dict[str, Any], params: Mapping[str, Any]) -> Any:
    expectation = translate(rule, meta, params)
    # GX's own severity field mirrors the catalogue's, so Data Docs show it too.
    expectation.severity = "critical" if meta["severity"] == "error" else "warning"
    return expectation


@functools.singledispatch
def translate(rule: Rule, meta: dict[str, Any], params: Mapping[str, Any]) -> Any:
    """The GX expectation of `rule`, tagged with `meta`; UnknownRuleError for a rule type registered below for none."""
    raise UnknownRuleError(rule, engine="gx")


@translate.register
def _not_null(rule: NotNull, meta: dict[str, Any], params: Mapping[str, Any]) -> Any:
    return gxe.ExpectColumnValuesToNotBeNull(column=rule.column, meta=meta)


@translate.register
def _in_set(rule: InSet, meta: dict[str, Any], params: Mapping[str, Any]) -> Any:
    values = list(rule.values if rule.values is not None else params[rule.parameter or ""])
    return gxe.ExpectColumnValuesToBeInSet(column=rule.column, value_set=sorted(values), meta=meta)


@translate.register
def _between(rule: Between, meta: dict[str, Any], params: Mapping[str, Any]) -> Any:
    return gxe.ExpectColumnValuesToBeBetween(
        column=rule.column, min_value=rule.min_value, max_value=rule.max_value, meta=meta
    )


@translate.register
def _length_between(rule: LengthBetween, meta: dict[str, Any], params: Mapping[str, Any]) -> Any:
    return gxe.ExpectColumnValueLengthsToBeBetween(
        column=rule.column, min_value=rule.min_value, max_value=rule.max_value, meta=meta
    )


@translate.register
def _not_match(rule: NotMatch, meta: dict[str, Any], params: Mapping[str, Any]) -> Any:
    return gxe.ExpectColumnValuesToNotMatchRegex(column=rule.column, regex=rule.pattern, meta=meta)


@translate.register
def _pair_at_least(rule: PairAtLeast, meta: dict[str, Any], params: Mapping[str, Any]) -> Any:
    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=rule.column_a,
        column_B=rule.column_b,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        meta=meta,
    )


@translate.register
def _pair_equal(rule: PairEqual, meta: dict[str, Any], params: Mapping[str, Any]) -> Any:
    return gxe.ExpectColumnPairValuesToBeEqual(
        column_A=rule.column_a, column_B=rule.column_b, ignore_row_if="either_value_is_missing", meta=meta
    )


@translate.register
def _unique_within(rule: UniqueWithin, meta: dict[str, Any], params: Mapping[str, Any]) -> Any:
    condition = Column(rule.where[0]) == rule.where[1] if rule.where else None
    if len(rule.columns) == 1:
        return gxe.ExpectColumnValuesToBeUnique(column=rule.columns[0], row_condition=condition, meta=meta)
    # Nulls are ignored, as pandera's check ignores them: a line too short to repeat has no norm_hash.
    return gxe.ExpectCompoundColumnsToBeUnique(
        column_list=list(rule.columns), row_condition=condition, ignore_row_if="any_value_is_missing", meta=meta
    )


def build_suites(checks: Iterable[CheckSpec], *, params: Mapping[str, Any]) -> dict[str, Any]:
    """One ExpectationSuite per table (not yet added to any context)."""

    _quiet()
    checks = [c for c in checks if c.table and "gx" in c.engines]
    suites = {}
    for table in TABLES:
        expectations = [
            _expectation(rule, {"check_id": check.id, "rule": number, "severity": check.severity}, params)
            for check in checks
            if check.table == table
            for number, rule in enumerate(check.rules)
        ]
        suites[table] = gx.ExpectationSuite(name=f"corpus-audit.{table}", expectations=expectations)
    return suites


def suites_as_json(*, params: Mapping[str, Any]) -> dict[str, str]:
    """{file name: JSON text} of the suites built from the catalogue, for review and export."""
    return {f"{table}.json": suite_json(suite) for table, suite in build_suites(INVARIANTS, params=params).items()}


def suite_json(suite: Any) -> str:
    """A suite as deterministic JSON: no ids, no GX version, keys sorted."""
    data = suite.to_json_dict()
    data.pop("id", None)
    data.get("meta", {}).pop("great_expectations_version", None)
    for expectation in data.get("expectations", []):
        expectation.pop("id", None)
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _exception_message(info: Any) -> str | None:
    """GX reports an exception either flat or keyed by metric id; None when nothing was raised."""
    if not isinstance(info, dict):
        return None
    entries = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    messages = [str(e.get("exception_message")) for e in entries if e.get("raised_exception")]
    return "; ".join(messages) or None


DOCS_SITE = "corpus-audit"


def _context(docs_dir: Path | None) -> Any:
    """An in-memory context, with GX's analytics off, and with `docs_dir` a Data Docs site there.

    Unlike GX's default it creates no temporary Data Docs folder. Having no stored expectations
    it has no data_context_id, which GX would otherwise put in the logo's URL on every page.
    """
    sites = {}
    if docs_dir is not None:
        sites[DOCS_SITE] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites=sites,
        analytics_enabled=False,  # GX releases with usage analytics read this before the environment
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def pandas_source(context: Any) -> Any:
    """The context's data source of in-memory pandas DataFrames."""
    return context.data_sources.add_or_update_pandas("corpus-audit")


def run_gx(
    frames: Mapping[str, Any],
    checks: Iterable[CheckSpec],
    *,
    params: Mapping[str, Any],
    docs_dir: Path | None = None,
    data_source: Callable[[Any], Any] = pandas_source,
) -> Failures:
    """Validate every table and return the failures, mapped to files.

    With `docs_dir`, GX also builds its Data Docs for this run there (nothing is written anywhere
    else), made to open offline: their scripts, styles and fonts are local copies (gx_docs).
    `data_source` adds to a context the GX data source that reads `frames` (the Spark backend
    passes its Spark one: expectations/engines/spark/gx_engine.py).
    """
    _quiet()
    if docs_dir is None:
        with _no_fingerprint():
            return _run(_context(None), frames, checks, params=params, docs=False, data_source=data_source)
    shutil.rmtree(docs_dir, ignore_errors=True)  # the docs of this run only
    with _no_fingerprint():
        failures = _run(_context(docs_dir.resolve()), frames, checks, params=params, docs=True, data_source=data_source)
    make_offline(docs_dir)
    return failures


def _validate(context: Any, definition: Any, table: str, frame: Any, *, docs: bool) -> Any:
    """Run one validation (through a Checkpoint that updates Data Docs when `docs`)."""
    # COMPLETE: every unexpected row, named by its file (and line), as Data Docs show it too, not by
    # its index label; GX's query string for them is not needed.
    result_format = {
        "result_format": "COMPLETE",
        "return_unexpected_index_query": False,
        "unexpected_index_column_names": [c for c in ROW_NAMES if c in frame.columns],
    }
    with warnings.catch_warnings():  # pandas deprecations inside GX: its noise, not our findings
        warnings.simplefilter("ignore")
        if not docs:
            return definition.run(batch_parameters={"dataframe": frame}, result_format=result_format)
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=f"corpus-audit-{table}",
                validation_definitions=[definition],
                result_format=result_format,
                actions=[UpdateDataDocsAction(name="data-docs", site_names=[DOCS_SITE])],
            )
        )
        outcome = checkpoint.run(batch_parameters={"dataframe": frame})
        return next(iter(outcome.run_results.values()))


def _run(
    context: Any,
    frames: Mapping[str, Any],
    checks: Iterable[CheckSpec],
    *,
    params: Mapping[str, Any],
    docs: bool,
    data_source: Callable[[Any], Any],
) -> Failures:
    checks = list(checks)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = data_source(context)
    failures: Failures = {}
    by_id = {c.id: c for c in checks}
    for table, built in build_suites(checks, params=params).items():
        # Only the columns the suite reads (and those naming a row): GX filters whole frames, column by column.
        frame = frames[table][columns_read(frames[table], checks, table=table)]
        batch = source.add_dataframe_asset(name=table).add_batch_definition_whole_dataframe(f"{table}-all")
        suite = context.suites.add_or_update(built)
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"validate-{table}", data=batch, suite=suite)
        )
        result = _validate(context, definition, table, frame, docs=docs)
        for item in result.results:
            meta = (item.expectation_config.meta if item.expectation_config else None) or {}
            check = by_id[meta["check_id"]]
            number = int(meta["rule"])
            if message := _exception_message(item.exception_info):
                raise RuntimeError(f"GX could not evaluate {check.id} ({check.rules[number].describe()}): {message}")
            if item.success:
                continue
            rows = item.result.get("unexpected_index_list") or []  # {"file": ..., "line": ..., column: value}
            for file in dict.fromkeys(str(row["file"]) for row in rows):
                found = failures.setdefault(check.id, {})
                found[file] = min(found.get(file, number), number)  # the first failing rule, in any engine order
    return failures


def run(
    frames: Mapping[str, pd.DataFrame],
    checks: Iterable[CheckSpec],
    *,
    params: Mapping[str, Any],
    docs_dir: Path | None = None,
) -> EngineRun:
    """The engine registry's entry point."""
    return EngineRun(run_gx(frames, checks, params=params, docs_dir=docs_dir))
