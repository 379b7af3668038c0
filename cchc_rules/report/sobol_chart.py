"""Charts of a Sobol study (`analysis.sobol`): which uncertain input drives ranks and band shares.

`sobol_chart(table)`: for each band's share and for the units (at most `top`, those whose rank
moves most, i.e. the largest sum of total indices), the total index of each factor as a bar with
its confidence interval as a rule and the first-order index as a tick. The note under the title
says that the figures are estimates with intervals, in the chosen language.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from cchc_rules.i18n import resolve_lang
from cchc_rules.labels import by_key
from cchc_rules.labels.sensitivity import SOBOL_CHART

LABELS = by_key(SOBOL_CHART)


def factor_label(factor: str, lang: str, names: dict[str, dict[str, str]] | None = None) -> str:
    """A factor's name as a reader reads it (`names`: the table's `factor_names`, with the fields' names)."""
    if names and factor in names:
        return names[factor][lang]
    if factor in ("thresholds", "noise"):
        return LABELS[factor][lang]
    return LABELS["weight"][lang].format(node=factor)


def output_label(row: pd.Series, lang: str, bands: dict[str, dict[str, str]] | None = None) -> str:
    """What an output is: a band's share (its label from `bands`, the table's `band_names`) or a unit's rank."""
    if row["output"] == "share":
        band = str(row["band"])
        return LABELS["share_of"][lang].format(band=bands[band][lang] if bands and band in bands else band)
    return LABELS["rank_of"][lang].format(name=f"{row['name']} ({row['unit_id']})")


def chart_data(table: pd.DataFrame, lang: str, top: int = 20) -> pd.DataFrame:
    """The rows drawn: every band share, then the `top` units whose rank depends most on the inputs."""
    ranks = table[(table["output"] == "rank") & table["total"].notna()]
    weight = ranks.groupby("unit_id", sort=False)["total"].sum().sort_values(ascending=False)
    keep = set(weight.head(top).index)
    rows = table[(table["output"] == "share") | table["unit_id"].isin(keep)].copy()
    rows = rows[rows["total"].notna()]
    bands = table.attrs.get("band_names")
    rows["output_label"] = rows.apply(lambda r: output_label(r, lang, bands), axis=1)
    names = table.attrs.get("factor_names")
    rows["factor_label"] = rows["factor"].map(lambda f: factor_label(f, lang, names))
    return rows


def sobol_chart(table: pd.DataFrame, lang: str | None = None, top: int = 20) -> alt.FacetChart:
    """The chart of a `sobol(...)` table (data inline: renders offline)."""
    lang = resolve_lang(lang)
    text = {k: v[lang] for k, v in LABELS.items()}
    data = chart_data(table, lang, top)
    conf = round(100 * float(table.attrs.get("confidence", 0.9)))
    note = text["note"].format(conf=conf, samples=table.attrs.get("samples", "?"))
    base = alt.Chart(data).encode(y=alt.Y("factor_label:N", title=text["factor"]))
    bars = base.mark_bar(opacity=0.6).encode(
        x=alt.X("total:Q", title=text["total"], scale=alt.Scale(domain=[0, 1], clamp=True)),
        tooltip=[alt.Tooltip("output_label:N", title=text["output"]),
                 alt.Tooltip("factor_label:N", title=text["factor"]),
                 alt.Tooltip("total:Q", title=text["total"], format=".2f"),
                 alt.Tooltip("total_low:Q", title=text["low"], format=".2f"),
                 alt.Tooltip("total_high:Q", title=text["high"], format=".2f"),
                 alt.Tooltip("first:Q", title=text["first"], format=".2f")],
    )
    rule = base.mark_rule().encode(x="total_low:Q", x2="total_high:Q")
    tick = base.mark_tick(color="black", thickness=2).encode(x="first:Q")
    return (bars + rule + tick).properties(width=260, height=alt.Step(14)).facet(
        facet=alt.Facet("output_label:N", title=text["output"]), columns=3,
    ).properties(title=alt.TitleParams(text["title"], subtitle=note)).resolve_scale(y="independent")


def drivers_table(table: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Per band share and per unit whose rank moves: the input with the largest total index, the index with
    its interval and the first-order index, as text for a reader (decimal comma in Vietnamese)."""
    from cchc_rules.analysis.sobol import drivers
    from cchc_rules.display import number

    lang = resolve_lang(lang)
    text = {k: v[lang] for k, v in LABELS.items()}
    best = drivers(table)
    names, bands = table.attrs.get("factor_names"), table.attrs.get("band_names")
    return pd.DataFrame({
        text["output"]: [output_label(r, lang, bands) for _, r in best.iterrows()],
        text["driver"]: [factor_label(str(f), lang, names) for f in best["driver"]],
        text["total"]: [number(v, lang, 2) for v in best["total"]],
        text["interval"]: [f"{number(a, lang, 2)} – {number(b, lang, 2)}"
                           for a, b in zip(best["total_low"], best["total_high"])],
        text["first"]: [number(v, lang, 2) for v in best["first"]],
        text["reliable"]: [text["yes"] if ok else text["no"] for ok in best["reliable"]],
    })


def sobol_png(table: pd.DataFrame, lang: str | None = None, top: int = 20) -> bytes:
    """The chart as PNG bytes (vl-convert, offline), for a notebook."""
    import vl_convert

    return vl_convert.vegalite_to_png(sobol_chart(table, lang, top).to_json(), scale=1)
