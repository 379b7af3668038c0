"""The rank-interval chart of a Monte Carlo (`analysis.uncertainty`), in Vietnamese or English.

Per unit, in baseline rank order: the 5–95% rank interval as a bar, the median rank as a dot and
the baseline rank as a tick; beside it, the probability of each band as a stacked bar. Ranks are
within a group, so each group gets its own pair of panels. At most `top` units per group are
drawn (the best by baseline rank), which keeps the data far below altair's 5,000-row limit;
the data is inline, so the chart renders offline (png renderer, or `save(..., inline=True)`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import altair as alt
import pandas as pd

from cchc_rules.i18n import pick, resolve_lang
from cchc_rules.labels import by_key
from cchc_rules.labels.report import UNCERTAINTY_CHART
from cchc_rules.report.chart_locale import localized
from cchc_rules.report.charts import band_labels

if TYPE_CHECKING:
    from cchc_rules.dsl.models import Rulebook

LABELS = by_key(UNCERTAINTY_CHART)
WIDTH, ROW = 320, 14


@localized
def rank_interval_chart(
    table: pd.DataFrame, rulebook: Rulebook | None = None, lang: str | None = None, top: int = 40
) -> alt.VConcatChart:
    """The chart of an `uncertainty(...)` table; band labels from `rulebook` (band ids without it)."""
    lang = resolve_lang(lang)
    text = {k: v[lang] for k, v in LABELS.items()}
    bands = [c[2:] for c in table.columns if c.startswith("p_")]
    names = band_labels(rulebook, lang) if rulebook is not None else {}
    names["none"] = text["none"]
    order = [names.get(b, b) for b in bands]
    ranked = table[table["rank"].notna()].sort_values(["group", "rank", "unit_id"])
    draws = table.attrs.get("draws", "?")
    panels = []
    for group, units in ranked.groupby("group", sort=False, observed=True):
        units = units.head(top)
        group_name = _group_label(rulebook, str(group), lang)
        panels.append(_panel(units, bands, order, names, text, group_name, draws))
    if not panels:
        panels.append(_panel(ranked, bands, order, names, text, text["all"], draws))
    return alt.vconcat(*panels).resolve_scale(color="shared")


def _panel(units: pd.DataFrame, bands: list[str], order: list[str], names: dict[str, str], text: dict[str, str],
           group: str, draws: object) -> alt.HConcatChart:
    units = units.assign(name=_unique_names(units))
    sort = units["name"].tolist()
    height = max(ROW * len(units), 40)
    data = pd.DataFrame({
        "name": units["name"],
        "rank": units["rank"].astype(float),
        "rank_median": units["rank_median"].astype(float),
        "rank_p05": units["rank_p05"].astype(float),
        "rank_p95": units["rank_p95"].astype(float),
    })
    y = alt.Y("name:N", sort=sort, title=text["unit"])
    tips = [alt.Tooltip("name:N", title=text["unit"]), alt.Tooltip("rank:Q", title=text["baseline"]),
            alt.Tooltip("rank_median:Q", title=text["rank_median"]),
            alt.Tooltip("rank_p05:Q", title=text["rank_p05"]), alt.Tooltip("rank_p95:Q", title=text["rank_p95"])]
    base = alt.Chart(data).encode(y=y, tooltip=tips)
    interval = base.mark_bar(height=ROW * 0.5, opacity=0.35, color="#4c78a8").encode(
        x=alt.X("rank_p05:Q", title=text["rank"], scale=alt.Scale(zero=False, nice=False)), x2="rank_p95:Q")
    median = base.mark_point(filled=True, size=40, color="#1f3b73").encode(x="rank_median:Q")
    baseline = base.mark_tick(color="#c0392b", thickness=2, size=ROW * 0.8).encode(x="rank:Q")
    left = (interval + median + baseline).properties(width=WIDTH, height=height)

    long = units.melt(id_vars=["name"], value_vars=[f"p_{b}" for b in bands], var_name="band",
                      value_name="probability")
    long["band"] = [names.get(b[2:], b[2:]) for b in long["band"]]
    right = alt.Chart(long).mark_bar().encode(
        y=alt.Y("name:N", sort=sort, axis=None),
        x=alt.X("probability:Q", title=text["probability"], scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        color=alt.Color("band:N", title=text["band"],
                        scale=alt.Scale(domain=order, scheme="redyellowgreen", reverse=True)),
        order=alt.Order("band_order:Q"),
        tooltip=[alt.Tooltip("name:N", title=text["unit"]), alt.Tooltip("band:N", title=text["band"]),
                 alt.Tooltip("probability:Q", title=text["probability"], format=".1%")],
    ).transform_calculate(band_order=f"indexof({json.dumps(order)}, datum.band)")
    right = right.properties(width=WIDTH // 2, height=height)
    title = alt.TitleParams(text["title"].format(group=group), subtitle=text["subtitle"].format(draws=draws))
    return alt.hconcat(left, right, title=title)


def _unique_names(units: pd.DataFrame) -> list[str]:
    """Unit names, with the id added where two units share a name (the chart's rows are keyed by it)."""
    names = units["name"].astype(str)
    twice = names.duplicated(keep=False)
    return [f"{n} ({u})" if t else n for n, u, t in zip(names, units["unit_id"].astype(str), twice)]


def _group_label(rulebook: Rulebook | None, group: str, lang: str) -> str:
    if rulebook is None or group not in rulebook.groups:
        return group
    return pick(rulebook.groups[group], lang)
