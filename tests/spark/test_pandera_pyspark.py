"""pandera's pyspark backend: under pandas 3 it needs the stand-in pyspark.pandas, the stand-in is
enough for every kind of check the engine hands it, and a verdict that differs from the filters'
stops the run naming the check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from expectations.catalogue import CheckSpec
from expectations.engines.spark import narrowed
from expectations.engines.spark.pandera_engine import (
    EngineDisagreementError,
    pandera_pyspark,
    pandera_verdicts,
    translate,
)
from expectations.rules import Between, InSet, LengthBetween, NotMatch, NotNull, Rule, UniqueWithin

pytestmark = pytest.mark.spark

PROBE = """\
import warnings
warnings.simplefilter("ignore")
try:
    import pyspark.pandas
except ImportError as error:
    print("fails:", error)
else:
    print("imports")
"""


def test_the_real_pyspark_pandas_still_fails_to_import(tmp_path: Path) -> None:
    """The stand-in is still needed: pyspark.pandas does not import under this pandas. When this
    fails, pyspark.pandas imports again (pandera_pyspark() then uses it): remove the stand-in."""
    probe = tmp_path / "probe.py"  # a script, not `python -c`: see docs/spark-notes.md, trap 1
    probe.write_text(PROBE, encoding="utf-8")
    done = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.startswith("fails:"), done.stdout + done.stderr


RULES: list[Rule] = [
    NotNull("title"),
    InSet("outlet", ("rt", "sputnik")),
    LengthBetween("title", 3, 5),
    NotMatch("parse_errors", r"(?:^|\n)text\.utf8\b"),
    Between("arabic_fraction", 0.5, 1.0),
    UniqueWithin(("body_key",)),
]
CHECKS = [CheckSpec(f"test.r{i}", "", "", "error", "article", "articles", (rule,)) for i, rule in enumerate(RULES)]
COLUMNS = "file string, title string, outlet string, parse_errors string, arabic_fraction double, body_key string"
NAMES = [c.split()[0] for c in COLUMNS.split(", ")]
CLEAN = [
    ("a", "abc", "rt", "", 0.5, "k1"),
    ("b", "abcde", None, "note: text.utf8 later\nlayout.x: y", 1.0, None),
    ("c", "عنوان", "sputnik", "text.utf8x: no", None, None),
]
BROKEN = [
    ("a", None, "rt", "", 0.5, "k1"),
    ("b", "ab", "tass", "layout.x: y\ntext.utf8: bad", 1.5, "k1"),
]


def test_the_stand_in_is_enough_for_every_check_the_engine_makes(spark: Any) -> None:
    """With the stand-in in place, pandera's pyspark backend runs every kind of check the engine
    hands it to a verdict: a clean table passes them all, a table breaking each fails each."""
    assert pandera_pyspark().DataFrameSchema
    if "pyspark.pandas" in sys.modules:  # the stand-in, while the real module fails to import
        assert (sys.modules["pyspark.pandas"].__doc__ or "").startswith("corpus-audit's stand-in")
    clean = narrowed(spark.createDataFrame(CLEAN, COLUMNS), NAMES)
    broken = narrowed(spark.createDataFrame(BROKEN, COLUMNS), NAMES)
    assert pandera_verdicts(clean, CHECKS, "articles", params={}) == {(c.id, 0): False for c in CHECKS}
    assert pandera_verdicts(broken, CHECKS, "articles", params={}) == {(c.id, 0): True for c in CHECKS}


def test_a_filter_pandera_disagrees_with_stops_the_run(spark: Any) -> None:
    """A wrong translation (Between failing nothing) is caught by pandera's table verdict: the run
    stops with an error naming the check, never returns a verdict."""
    from pyspark.sql import functions as F

    from expectations.catalogue import INVARIANTS
    from expectations.engines import runner
    from tests.spark.test_engines_spark import tables_of

    tables = tables_of("invariants")
    right = translate.registry[Between]
    translate.register(Between, lambda rule, params: F.lit(False))
    try:
        with pytest.raises(EngineDisagreementError, match=r"^article\.\w+: pandera's pyspark backend says rule 0 "):
            runner("pandera", backend="spark")(tables.spark(spark), INVARIANTS, params=tables.params, docs_dir=None)
    finally:
        translate.register(Between, right)
