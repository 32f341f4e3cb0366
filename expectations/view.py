"""The validation view: the articles table plus the derived columns the rules compare.

Derived columns (documented in the README):
- published_when / updated_when: the UTC instant, or, when the text states no zone and the outlet
  has no default, the local wall time read as UTC (date checks are days apart, not hours);
- outlet_started_at: when the article's outlet started publishing (registry), as UTC midnight;
- run_at: the time of the run, the same on every row;
- text_published_from / text_published_to: the text's date less and plus a day, the window INDEX.md's
  published cell must fall in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

#: Derived columns that depend on when the run is, not on the article: a verdict reading them is
#: judged again every run (never reused from an earlier run's).
RUN_TIME = ("run_at",)
DERIVED = ("published_when", "updated_when", "outlet_started_at", "run_at", "text_published_from", "text_published_to")
#: How far the text's date may be from INDEX.md's published cell.
DATE_TOLERANCE = pd.Timedelta(days=1)
UTC_DTYPE: Any = "datetime64[us, UTC]"  # Any: pandas-stubs lists no string alias for it


def articles_view(
    articles: pd.DataFrame, *, outlet_started: Mapping[str, date | None], run_at: datetime
) -> pd.DataFrame:
    """A copy of `articles` with the derived columns appended (original columns untouched)."""
    view = articles.copy()
    for prefix in ("published", "updated"):
        local = view[f"{prefix}_local"].dt.tz_localize("UTC")
        view[f"{prefix}_when"] = view[f"{prefix}_at"].fillna(local).astype(UTC_DTYPE)
    started = {k: pd.Timestamp(v, tz="UTC") for k, v in outlet_started.items() if v is not None}
    view["outlet_started_at"] = pd.array(
        [started.get(o) if isinstance(o, str) else None for o in view["outlet"].tolist()], dtype=UTC_DTYPE
    )
    text = view["text_published_at"].astype(UTC_DTYPE)
    view["text_published_from"] = text - DATE_TOLERANCE
    view["text_published_to"] = text + DATE_TOLERANCE
    view["run_at"] = (
        pd.DatetimeIndex([pd.Timestamp(run_at)]).tz_convert("UTC").astype(UTC_DTYPE).repeat(len(view)).array
    )
    return view
