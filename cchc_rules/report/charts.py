"""Altair charts of comparisons and sweeps, every title, axis and legend in Vietnamese or English.

Charts carry their data inline (no URL), so they render with no network: in notebooks through
the `png` renderer (`alt.renderers.enable("png")`), in HTML through `chart.save(path,
inline=True)` (vl-convert embeds the vega libraries). Row counts stay far below altair's
5,000-row limit by construction: the slope chart draws the `top` largest movers (all units
when there are fewer), the others are aggregates (bands × bands, bins, one unit's criteria,
variants × bands); the limit is left on so that a mistake shows instead of a huge page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import altair as alt
import numpy as np
import pandas as pd

from cchc_rules.analysis.matching import BINS
from cchc_rules.i18n import pick
from cchc_rules.problems import Problems, define
from cchc_rules.report.change_text import parameter_words
from cchc_rules.report.chart_locale import localized
from cchc_rules.report.labels import item_names, label

if TYPE_CHECKING:
    from cchc_rules.analysis.compare import Comparison
    from cchc_rules.dsl.models import Rulebook

NOT_ON_BOTH = define(
    "A807",
    "Đơn vị '{unit}' chỉ có ở một bên ({side}), nên không phân tích được thay đổi chỉ số",
    "Unit '{unit}' is on one side only ({side}), so its index change cannot be explained",
    "Chọn một đơn vị có ở cả hai bên (có mặt: cả hai).",
    "Choose a unit present on both sides (present: both).",
)

BIN_COLOURS = ("#1a7f37", "#7cc47f", "#b0b0b0", "#f29b8f", "#c0392b", "#e6e6e6")
WIDTH = 420


def band_labels(rulebook: Rulebook, lang: str | None = None) -> dict[str, str]:
    """Band id → label, in band order (the main list, then the groups' own lists)."""
    out: dict[str, str] = {}
    for band in rulebook.all_bands():
        out.setdefault(band.id, pick(band.label, lang))
    return out


def _band_scale(labels: list[str]) -> alt.Scale:
    """Best band green, worst red, whatever their number."""
    return alt.Scale(domain=labels, scheme="redyellowgreen", reverse=True)


def _bin_scale(lang: str | None) -> alt.Scale:
    return alt.Scale(domain=[label(b, lang) for b in BINS], range=list(BIN_COLOURS))


# ---------------------------------------------------------------- comparison charts
@localized
def rank_slope(comparison: Comparison, lang: str | None = None, top: int = 40) -> alt.Chart | alt.FacetChart:
    """Each unit's rank on the base side joined to its rank on the variant side (one panel per group).

    With more than `top` comparable units, only the `top` largest movers are drawn (the title says so).
    """
    u = comparison.units
    u = u[u["rank_base"].notna() & u["rank_variant"].notna()].copy()
    total = len(u)
    if total > top:
        order = np.lexsort((-u["index_delta"].abs().to_numpy(), -u["rank_shift"].abs().to_numpy(dtype=float)))
        u = u.iloc[order[:top]]
        title = label("title_slope_top", lang, n=top, total=total)
    else:
        title = label("title_slope", lang)
    groups = _group_labels(comparison, lang)
    sides = [label("side_base", lang), label("side_variant", lang)]
    long = pd.DataFrame(
        {
            "unit_id": np.tile(u["unit_id"].to_numpy(), 2),
            "name": np.tile(u["name"].to_numpy(), 2),
            "group": np.tile([groups.get(g, g) for g in u["group"]], 2),
            "side": np.repeat(sides, len(u)),
            "rank": np.r_[u["rank_base"].to_numpy(dtype=float), u["rank_variant"].to_numpy(dtype=float)],
            "movement": np.tile([label(str(b), lang) for b in u["bin"]], 2),
        }
    )
    base = alt.Chart(long).encode(
        x=alt.X("side:N", sort=sides, title=None, axis=alt.Axis(labelAngle=0)),
        # ranks start at 1: no "nice" rounding down to a rank 0 that nobody holds; whole ranks only
        y=alt.Y("rank:Q", scale=alt.Scale(reverse=True, zero=False, nice=False, domainMin=1), title=label("rank", lang),
                axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("movement:N", scale=_bin_scale(lang), title=label("bin", lang)),
        detail="unit_id:N",
        tooltip=[alt.Tooltip("name:N", title=label("name", lang)), alt.Tooltip("side:N", title=label("side", lang)),
                 alt.Tooltip("rank:Q", title=label("rank", lang))],
    )
    chart = (base.mark_line() + base.mark_point(filled=True)).properties(width=WIDTH // 2, height=360)
    if long["group"].nunique() > 1:
        return chart.facet(column=alt.Column("group:N", title=label("group", lang))).resolve_scale(
            y="independent").properties(title=title)
    return chart.properties(title=title)


@localized
def transition_heatmap(comparison: Comparison, lang: str | None = None) -> alt.LayerChart:
    """Units per (base band, variant band), base bands as rows, best first."""
    t = comparison.transitions
    rows = [comparison.base.band_label(b, lang) for b in t.index]
    cols = [comparison.variant.band_label(b, lang) for b in t.columns]
    long = pd.DataFrame(
        {
            "band_base": np.repeat(rows, len(cols)),
            "band_variant": np.tile(cols, len(rows)),
            "units": t.to_numpy().ravel(),
        }
    )
    base = alt.Chart(long).encode(
        x=alt.X("band_variant:N", sort=cols, title=label("band_variant", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("band_base:N", sort=rows, title=label("band_base", lang)),
    )
    rect = base.mark_rect().encode(
        color=alt.Color("units:Q", scale=alt.Scale(scheme="blues"), title=label("count", lang)),
        tooltip=[alt.Tooltip("band_base:N", title=label("band_base", lang)),
                 alt.Tooltip("band_variant:N", title=label("band_variant", lang)),
                 alt.Tooltip("units:Q", title=label("count", lang))],
    )
    text = base.mark_text(fontSize=13).encode(
        text="units:Q",
        color=alt.condition(alt.datum.units > max(1, int(t.to_numpy().max())) / 2, alt.value("white"),
                            alt.value("black")),
    )
    return (rect + text).properties(width=WIDTH, height=WIDTH * 0.7, title=label("title_heatmap", lang))


@localized
def winners_losers(comparison: Comparison, lang: str | None = None) -> alt.Chart:
    """Units per movement bin (up more than 3 places … down more than 3, not comparable)."""
    b = comparison.bins
    data = pd.DataFrame({"movement": [label(k, lang) for k in b.index], "count": b.to_numpy()})
    order = list(data["movement"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("movement:N", sort=order, title=label("bin", lang), axis=alt.Axis(labelAngle=-20)),
            y=alt.Y("count:Q", title=label("count", lang)),
            color=alt.Color("movement:N", scale=_bin_scale(lang), legend=None),
            tooltip=[alt.Tooltip("movement:N", title=label("bin", lang)),
                     alt.Tooltip("count:Q", title=label("count", lang))],
        )
        .properties(width=WIDTH, height=260, title=label("title_bins", lang))
    )


@localized
def waterfall(comparison: Comparison, unit_id: str, lang: str | None = None) -> alt.Chart:
    """One unit's index from base to variant, one step per top-level criterion, then the applicable
    maximum, adjustments and clamping (steps of zero are left out; the steps add up to the change)."""
    c = comparison.contributions(unit_id, lang)
    row = comparison.units[comparison.units["unit_id"] == str(unit_id)].iloc[0]
    if row["present"] != "both":
        problems = Problems()
        problems.add(NOT_ON_BOTH, path=f"units/{unit_id}", unit=unit_id, side=label(str(row["present"]), lang))
        problems.raise_if_errors()
    steps = c[(c["kind"] == "node") | (c["delta"].abs() > 1e-9)]
    names = [f"{i} {n}" if k == "node" else n for i, n, k in zip(steps["item"], item_names(steps, lang), steps["kind"])]
    start, deltas = float(row["index_base"]), steps["delta"].to_numpy(dtype=float)
    ends = start + np.cumsum(deltas)
    first, last = label("start", lang), label("end", lang)
    levels = np.r_[start, ends, float(row["index_variant"])]
    pad = max(0.5, 0.15 * float(np.ptp(levels)))
    floor = float(np.floor(max(0.0, levels.min() - pad)))  # totals stand on this floor, so small steps show
    data = pd.DataFrame(
        {
            "step": [first, *names, last],
            "from": [floor, *(ends - deltas), floor],
            "to": [start, *ends, float(row["index_variant"])],
            "delta": [start, *deltas, float(row["index_variant"])],
            "kind": ["total", *np.where(deltas >= 0, "up", "down"), "total"],
        }
    )
    order = list(data["step"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=160)),
            y=alt.Y("from:Q", title=label("index", lang), scale=alt.Scale(zero=False, domain=[floor, float(
                np.ceil(levels.max() + pad))], clamp=True)),
            y2="to:Q",
            color=alt.Color("kind:N", scale=alt.Scale(domain=["total", "up", "down"],
                                                        range=["#4c78a8", "#1a7f37", "#c0392b"]), legend=None),
            tooltip=[alt.Tooltip("step:N", title=label("item", lang)),
                     alt.Tooltip("delta:Q", title=label("delta", lang), format="+.4f")],
        )
        .properties(width=WIDTH + 80, height=320, title=label("title_waterfall", lang, unit=row["name"]))
    )


def _group_labels(comparison: Comparison, lang: str | None) -> dict[str, str]:
    groups = {**comparison.base.rulebook.groups, **comparison.variant.rulebook.groups}
    return {g: pick(text, lang) for g, text in groups.items()}


# ---------------------------------------------------------------- sweeps
@localized
def sweep_lines(
    summary: pd.DataFrame, path: str | None = None, rulebook: Rulebook | None = None, lang: str | None = None
) -> alt.Chart:
    """Units per band against the swept value of `path` (default: the first swept path), one line per band.

    `summary` is `analysis.sweep.sweep_summary`'s table; with several swept paths the other paths'
    values tell the lines apart (dashes). Band labels come from `rulebook` when given.
    """
    counts = [c for c in summary.columns if c.startswith("n_")]
    paths = list(summary.columns[1: list(summary.columns).index(counts[0])])
    path = path or paths[0]
    others = [p for p in paths if p != path]
    names: Mapping[str, str] = band_labels(rulebook, lang) if rulebook is not None else {}
    bands = [names.get(c[2:], c[2:]) for c in counts]
    long = summary.melt(id_vars=["variant", *paths], value_vars=counts, var_name="band", value_name="units")
    long["band"] = long["band"].map(dict(zip(counts, bands)))
    long["value"] = long[path]
    words = {p: parameter_words(p, rulebook, lang) if rulebook is not None else p for p in paths}
    long["series"] = [
        "; ".join(f"{words[p]} = {r[p]}" for p in others) for r in long.to_dict("records")
    ] if others else ""
    encoding: dict[str, Any] = {
        "x": alt.X(f"value:{'Q' if pd.api.types.is_numeric_dtype(long['value']) else 'O'}",
                   title=f"{label('swept_value', lang)}: {words[path]}"),
        "y": alt.Y("units:Q", title=label("units", lang)),
        "color": alt.Color("band:N", sort=bands, scale=_band_scale(bands), title=label("band", lang)),
        "tooltip": [alt.Tooltip("variant:N", title=label("variant_id", lang)),
                    alt.Tooltip("band:N", title=label("band", lang)),
                    alt.Tooltip("units:Q", title=label("units", lang))],
    }
    if others:
        encoding["strokeDash"] = alt.StrokeDash("series:N", title=", ".join(others))
    return (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(**encoding)
        .properties(width=WIDTH, height=280, title=label("title_sweep", lang, path=words[path]))
    )
