"""Engine verdicts reused across runs (provenance/audit/reuse.py): a warm run judges only the
articles that changed, and its report is a cold run's, byte for byte outside `run`."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from expectations.catalogue import INVARIANTS, CheckSpec
from expectations.engines import EngineRun, pandera_engine
from expectations.ids import Check
from provenance import api
from provenance.audit.reuse import per_article
from provenance.parsing.cache import ParseCache
from tests.golden import scrub

SOURCE = Path(__file__).parent / "resources" / "invariants"

#: Every data check and whether its verdict on a file may be reused: the table the rule reads.
PER_ARTICLE = {
    Check.TABLE_SCHEMA: False,  # the table's structure, as a whole
    Check.CORPUS_NO_DUPLICATE_ARTICLES: False,  # across files
    Check.ARTICLE_PUBLISHED_VALID: False,  # reads the run's time
    Check.ARTICLE_NO_DUPLICATE_PARAGRAPHS: True,  # unique within the file's own lines
    Check.ARTICLE_TITLE: True,
    Check.ARTICLE_OUTLET_KNOWN: True,
    Check.PARAGRAPH_ROLE_KNOWN: True,
    Check.ARTICLE_UPDATED_AFTER_PUBLISHED: True,
}


@pytest.mark.parametrize("check_id", sorted(PER_ARTICLE))
def test_which_checks_are_judged_per_article(check_id: str) -> None:
    check = next(c for c in INVARIANTS if c.id == check_id)
    assert per_article(check) is PER_ARTICLE[check_id]


def _report(corpus: Path, out: Path, *, cache: ParseCache | None, now: datetime, engine: str) -> bytes:
    validated = api.validate(corpus, report_dir=out, engines=(engine,), gx_docs=False, jobs=1, now=now, cache=cache)
    assert validated.published is not None
    return scrub("reports/audit.json", validated.published.report.read_bytes())


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(SOURCE, target)
    return target


def _edit(corpus: Path) -> None:
    target = corpus / "clean.txt"
    target.write_bytes(target.read_bytes() + "\nسطر جديد أضيف إلى المقال.\n".encode())
    api.index(corpus)


def test_a_warm_run_judges_only_the_changed_articles(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    cache = ParseCache.open(tmp_path / "cache")
    _report(corpus, tmp_path / "fill", cache=cache, now=now, engine="pandera")
    _edit(corpus)
    calls: list[tuple[int, set[str]]] = []
    real = pandera_engine.run

    def spy(frames: Mapping[str, Any], checks: Iterable[CheckSpec], **kwargs: Any) -> EngineRun:
        checks = list(checks)
        calls.append((len(frames["articles"]), {c.id for c in checks}))
        return real(frames, checks, **kwargs)

    monkeypatch.setattr(pandera_engine, "run", spy)
    warm = _report(corpus, tmp_path / "warm", cache=cache, now=now, engine="pandera")
    files = len(list(corpus.glob("*.txt")))
    per = {c.id for c in INVARIANTS if per_article(c) and "pandera" in c.engines}
    assert sorted(calls, key=lambda call: call[0]) == [
        (1, per),  # the one changed article, per-article checks
        (files, {c.id for c in INVARIANTS if "pandera" in c.engines} - per),  # the rest on every row
    ]
    monkeypatch.setattr(pandera_engine, "run", real)
    assert warm == _report(corpus, tmp_path / "cold", cache=None, now=now, engine="pandera")
    cache.close()


def test_pandera_reuses_its_verdicts_while_gx_writes_data_docs(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Data Docs make GX judge every row; they must not make pandera do so too."""
    now = datetime(2026, 12, 1, tzinfo=UTC)
    cache = ParseCache.open(tmp_path / "cache")

    def both(out: Path) -> None:
        api.validate(corpus, report_dir=out, engines=("pandera", "gx"), gx_docs=True, jobs=1, now=now, cache=cache)

    both(tmp_path / "fill")
    _edit(corpus)
    calls: list[int] = []
    real = pandera_engine.run

    def spy(frames: Mapping[str, Any], checks: Iterable[CheckSpec], **kwargs: Any) -> EngineRun:
        calls.append(len(frames["articles"]))
        return real(frames, checks, **kwargs)

    monkeypatch.setattr(pandera_engine, "run", spy)
    both(tmp_path / "warm")
    assert sorted(calls) == [1, len(list(corpus.glob("*.txt")))]
    assert (tmp_path / "warm" / "gx" / "index.html").is_file()
    cache.close()


@pytest.mark.parametrize("engine", ["pandera", "gx"])
def test_reused_verdicts_give_a_cold_runs_report_and_time_is_judged_again(
    corpus: Path, tmp_path: Path, engine: str
) -> None:
    """A date in 2099 is in the future for a run in 2026 and not for one in 2100: the time check is
    judged again each run from the rows, while the others come from the last run."""
    cache = ParseCache.open(tmp_path / "cache")
    early, late = datetime(2026, 12, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    _report(corpus, tmp_path / "fill", cache=cache, now=early, engine=engine)
    _edit(corpus)
    for number, now in enumerate((early, late)):
        warm = _report(corpus, tmp_path / f"warm{number}", cache=cache, now=now, engine=engine)
        assert warm == _report(corpus, tmp_path / f"cold{number}", cache=None, now=now, engine=engine)
        future = [
            r
            for r in json.loads(warm)["results"]
            if r["check"] == Check.ARTICLE_PUBLISHED_VALID and r["file"] == "future-date.txt"
        ]
        assert bool(future) is (now == early)
    assert cache.notes == []
    cache.close()
