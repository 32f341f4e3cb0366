"""The two engines: built from one catalogue, they agree on every corpus, generated ones included."""

from __future__ import annotations

import dataclasses
import inspect
import typing
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expectations import rules
from expectations.catalogue import CATALOGUE, ENGINE_NAMES, INVARIANTS, CheckSpec
from expectations.columns import ARTICLES, PARAGRAPHS
from expectations.engines import BACKEND_NAMES, UnknownRuleError, rules_translated, runner
from expectations.engines.gx_engine import run_gx, suites_as_json
from expectations.engines.pandera_engine import run_pandera
from expectations.view import articles_view
from provenance.parsing.article import parse_article
from provenance.parsing.corpus import frame, parse_corpus
from provenance.parsing.outlets import load_registry

REPO = Path(__file__).parent.parent
REGISTRY = load_registry()
PARAMS = {"registry outlet ids": sorted(REGISTRY.outlets)}
STARTED = {k: o.started for k, o in REGISTRY.outlets.items()}
NOW = datetime(2026, 11, 23, tzinfo=UTC)


def _frames(articles: pd.DataFrame, paragraphs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {"articles": articles_view(articles, outlet_started=STARTED, run_at=NOW), "paragraphs": paragraphs}


def _both(frames: dict[str, pd.DataFrame]) -> tuple[dict[str, dict[str | None, int]], dict[str, dict[str | None, int]]]:
    pandera, _ = run_pandera(frames, INVARIANTS, params=PARAMS)
    gx = run_gx(frames, INVARIANTS, params=PARAMS)
    pandera.pop("table.schema", None)  # pandera only: GX cannot express it (see the catalogue)
    return pandera, gx


def _flat(failures: dict[str, dict[str | None, int]]) -> set[tuple[str, str | None]]:
    return {(check, file) for check, files in failures.items() for file in files}


@pytest.mark.parametrize("name", ["seeds", "fixity-clean", "parse-layouts", "parse-bad", "invariants"])
def test_engines_agree_on_every_named_corpus(name: str) -> None:
    """On the seeds and on every corpus in tests/resources, pandera and GX fail the same (check, file)s."""
    corpus = REPO / "seeds" if name == "seeds" else REPO / "tests" / "resources" / name
    tables = parse_corpus(corpus)
    pandera, gx = _both(_frames(tables.articles, tables.paragraphs))
    assert _flat(pandera) == _flat(gx)


LINE = st.one_of(
    st.text(st.characters(min_codepoint=0x0621, max_codepoint=0x064A), min_size=1, max_size=60),
    st.sampled_from(
        [
            "18:53 GMT 17.01.2022",
            "18:53 GMT 17.01.2099",
            "18:53 GMT 30.02.2022",
            "11 فبراير 2022 ، 10:50 مساءً",
            "© Sputnik . مصور",
            "لندن - سبوتنيك. نص",
            "Source link",
            "Facebook Comments Box",
            "/ نص",
            "المصدر: RT",
            "(تم التحديث: 09:02 GMT 10.01.2022)",
            "English words only here",
            "– RT EN",
        ]
    ),
)
ARTICLE = st.lists(LINE, min_size=0, max_size=10).map("\n".join)


@settings(max_examples=12, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ARTICLE, min_size=1, max_size=6))
def test_engines_agree_on_generated_corpora(texts: list[str]) -> None:
    """On generated corpora (hypothesis), both engines give the same failing (check, file) set."""
    parsed = [parse_article(t.encode(), file=f"{i:02d}.txt", registry=REGISTRY) for i, t in enumerate(texts)]
    articles = frame([p.article for p in parsed], ARTICLES)
    paragraphs = frame([r for p in parsed for r in p.paragraphs], PARAGRAPHS)
    pandera, gx = _both(_frames(articles, paragraphs))
    assert _flat(pandera) == _flat(gx)


def test_role_known_fails_on_an_unknown_role() -> None:
    """paragraph.role_known (which the parser never breaks) fails in both engines on a bad role."""
    tables = parse_corpus(REPO / "seeds")
    paragraphs = tables.paragraphs.copy()
    paragraphs.loc[3, "role"] = "advert"
    pandera, gx = _both(_frames(tables.articles, paragraphs))
    assert pandera["paragraph.role_known"] == gx["paragraph.role_known"] == {"000_351c3a7ca37fd0ed.txt": 1}


def test_table_schema_is_enforced_by_pandera() -> None:
    """A column with the wrong dtype fails table.schema (a check GX cannot express, as documented)."""
    tables = parse_corpus(REPO / "seeds")
    articles = tables.articles.astype({"bytes": "float64"})
    failures, structure = run_pandera(_frames(articles, tables.paragraphs), INVARIANTS, params=PARAMS)
    assert failures["table.schema"] == {None: -1}
    assert any("bytes" in s for s in structure)
    assert CATALOGUE["table.schema"].engines == ("pandera",)


def test_exported_suites_are_current() -> None:
    """expectations/suites/*.json equal the suites built from the catalogue (`nox -s fixtures` updates them)."""
    for name, text in suites_as_json(params=PARAMS).items():
        assert (REPO / "expectations" / "suites" / name).read_text(encoding="utf-8") == text, name


def test_every_rule_has_an_expectation_and_a_check() -> None:
    """Every rule of every engine-enforced check appears once in the GX suites, tagged with its check id."""
    import json

    tagged = [
        (e["meta"]["check_id"], e["meta"]["rule"])
        for text in suites_as_json(params=PARAMS).values()
        for e in json.loads(text)["expectations"]
    ]
    expected = [(c.id, n) for c in INVARIANTS if "gx" in c.engines for n in range(len(c.rules))]
    assert sorted(tagged) == sorted(expected)


RULE_TYPES = typing.get_args(rules.Rule)


def test_every_rule_class_is_a_rule() -> None:
    """Every rule class in expectations/rules.py is in the Rule union the engines are held to."""
    classes = {c for _, c in inspect.getmembers(rules, inspect.isclass) if dataclasses.is_dataclass(c)}
    assert classes == set(RULE_TYPES)


@pytest.mark.parametrize(
    ("engine", "backend", "rule_type"), [(e, b, r) for e in ENGINE_NAMES for b in BACKEND_NAMES for r in RULE_TYPES]
)
def test_every_engine_translates_every_rule(engine: str, backend: typing.Any, rule_type: type) -> None:
    """Each engine's translate, on every backend, registers a translation of each rule type (the Spark
    modules import pyspark only when run, so this holds without it)."""
    assert rule_type in rules_translated(engine, backend)


def test_an_unknown_engine_or_backend_is_named() -> None:
    """runner() names what it does not know, engine or backend, with the choices."""
    with pytest.raises(KeyError, match="unknown engine 'pandas': expected one of pandera, gx"):
        runner("pandas")
    with pytest.raises(KeyError, match="unknown backend 'dask': expected one of local, spark"):
        runner("pandera", "dask")  # type: ignore[arg-type]  # not a Backend, on purpose


@dataclasses.dataclass(frozen=True)
class Untaught:
    """A rule type no engine was taught."""

    column: str = "title"

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return "untaught"


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_an_unknown_rule_stops_every_engine(engine: str) -> None:
    """A rule an engine cannot translate raises UnknownRuleError naming it, rather than being skipped."""
    tables = parse_corpus(REPO / "seeds")
    check = CheckSpec("test.untaught", "Untaught", "", "error", "article", "articles", (Untaught(),))  # type: ignore[arg-type]  # not a Rule, on purpose
    with pytest.raises(UnknownRuleError, match=f"the {engine} engine cannot translate Untaught"):
        runner(engine)(_frames(tables.articles, tables.paragraphs), [check], params=PARAMS, docs_dir=None)
