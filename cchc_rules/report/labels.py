"""Every label a person reads in comparison tables and charts, in Vietnamese and English.

`label(key, lang)` gives one label; `units_table`, `summary_table`, `transitions_table` and
`contributions_table` turn a `Comparison` into tables with headers, bins, bands and
figures as a person reads them (figures rounded half up to the variant rulebook's
`display.decimals`, only here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cchc_rules.display import count, number, percent, rank
from cchc_rules.i18n import pick, resolve_lang
from cchc_rules.labels import by_key
from cchc_rules.labels.analysis import COMPARISON

if TYPE_CHECKING:
    from cchc_rules.analysis.compare import Comparison

LABELS: dict[str, dict[str, str]] = by_key(COMPARISON)


def label(key: str, lang: str | None = None, **fields: Any) -> str:
    """The label of `key` in `lang` (Vietnamese by default), its `{fields}` filled."""
    text = LABELS[key][resolve_lang(lang)]
    return text.format(**fields) if fields else text


# ---------------------------------------------------------------- tables for people
def shown(values: Any, decimals: int, signed: bool = False, lang: str | None = None) -> list[str]:
    """Figures rounded half up to `decimals` in `lang`'s notation; "—" for a missing one; "+" before gains."""
    return [number(None if pd.isna(v) else float(v), lang, decimals, signed=signed)
            for v in np.asarray(values, dtype=float)]


def band_text(comparison: Comparison, band: Any, side: str, lang: str | None) -> str:
    if band is None or band is pd.NA:
        return "—"
    result = comparison.base if side == "base" else comparison.variant
    return result.band_label(str(band), lang)


def units_table(comparison: Comparison, lang: str | None = None) -> pd.DataFrame:
    """The per-unit comparison as people read it: labelled columns, rounded figures, band labels."""
    u = comparison.units
    d = comparison.variant.rulebook.display.decimals
    ranks = {k: [rank(v, lang) for v in u[k]] for k in ("rank_base", "rank_variant")}
    ranks["rank_shift"] = ["—" if pd.isna(v) else number(int(v), lang, 0, signed=True) for v in u["rank_shift"]]
    table = {
        "unit_id": u["unit_id"],
        "name": u["name"],
        "index_base": shown(u["index_base"], d, lang=lang),
        "index_variant": shown(u["index_variant"], d, lang=lang),
        "index_delta": shown(u["index_delta"], d, signed=True, lang=lang),
        **ranks,
        **({k: [percent(None if pd.isna(v) else float(v), lang) for v in u[k]]
            for k in ("pct_rank_base", "pct_rank_variant")} if not comparison.like_for_like else {}),
        "band_base": [band_text(comparison, b, "base", lang) for b in u["band_base"]],
        "band_variant": [band_text(comparison, b, "variant", lang) for b in u["band_variant"]],
        "bin": [label(b, lang) for b in u["bin"]],
    }
    return pd.DataFrame({label(k, lang): v for k, v in table.items()})


def summary_table(comparison: Comparison, lang: str | None = None) -> pd.DataFrame:
    """The headline figures, one per row."""
    s = comparison.summary
    rows = []
    for key in ("units_base", "units_variant", "units_matched", "units_left_out", "band_changes",
                "mean_abs_rank_shift", "mean_index_delta", "kendall_tau", "spearman"):
        value = s.get(key)
        if value is None:
            text = "—"
        else:
            text = count(value, lang) if isinstance(value, int) else shown([value], 4, lang=lang)[0]
        rows.append((label(key, lang), text))
    for key, movers in (("movers_up", s["movers_up"]), ("movers_down", s["movers_down"])):
        text = ", ".join(f"{m['name']} ({number(m['rank_shift'], lang, 0, signed=True)})" for m in movers) or "—"
        rows.append((label(key, lang), text))
    return pd.DataFrame(rows, columns=[label("figure", lang), label("value", lang)])


def transitions_table(comparison: Comparison, lang: str | None = None) -> pd.DataFrame:
    """The band transition matrix as a flat table: the first column names the base band (rows), the
    others the variant's bands (columns); one header row, no index."""
    t = comparison.transitions
    corner = f'{label("band_base", lang)} ↓ · {label("band_variant", lang)} →'
    out = pd.DataFrame({corner: [band_text(comparison, b, "base", lang) for b in t.index]})
    for column in t.columns:
        out[band_text(comparison, column, "variant", lang)] = t[column].to_numpy()
    return out


def bins_table(comparison: Comparison, lang: str | None = None) -> pd.DataFrame:
    """Units per bin, labelled."""
    b = comparison.bins
    return pd.DataFrame({label("bin", lang): [label(k, lang) for k in b.index], label("units", lang): b.to_numpy()})


def item_names(contributions: pd.DataFrame, lang: str | None = None) -> list[str]:
    """The name of each row of a contributions table: the node's, or the label of a special row."""
    return [label(k, lang) if k != "node" and k in LABELS else str(n)
            for n, k in zip(contributions["name"], contributions["kind"])]


def contributions_table(comparison: Comparison, unit_id: str, lang: str | None = None) -> pd.DataFrame:
    """One unit's contributions as people read them (4 decimals: they are parts of a difference)."""
    c = comparison.contributions(unit_id, lang)
    nodes = comparison.variant.rulebook.nodes()
    codes = [pick(nodes[i].code or i, lang) if k == "node" and i in nodes else (i if k == "node" else "")
             for i, k in zip(c["item"], c["kind"])]
    return pd.DataFrame(
        {
            label("item", lang): codes,
            label("name", lang): item_names(c, lang),
            label("contribution_base", lang): shown(c["contribution_base"], 4, lang=lang),
            label("contribution_variant", lang): shown(c["contribution_variant"], 4, lang=lang),
            label("delta", lang): shown(c["delta"], 4, signed=True, lang=lang),
        }
    )


def decomposition_lines(comparison: Comparison, lang: str | None = None, unit_id: str | None = None) -> list[str]:
    """Each changed unit's change as an indented tree (rows shown as zero at 2 decimals are left out)."""
    d = comparison.decomposition
    u = comparison.units.set_index("unit_id")
    nodes = {**comparison.base.rulebook.nodes(), **comparison.variant.rulebook.nodes()}
    decimals = comparison.variant.rulebook.display.decimals
    lines = [label("by_criterion", lang)]
    for unit, rows in d.groupby("unit_id", sort=False):
        if unit_id is not None and str(unit) != str(unit_id):
            continue
        row = u.loc[unit]
        if not rows["delta_nano"].any():
            continue
        lines.append("")
        lines.append(label("change_of", lang, unit=unit, name=row["name"],
                           base=number(row["index_base"], lang, decimals),
                           variant=number(row["index_variant"], lang, decimals),
                           delta=number(row["index_delta"], lang, decimals, signed=True)))
        for r in rows.itertuples(index=False):
            if round(abs(r.delta), 2) == 0:
                continue
            if r.kind == "node":
                node = nodes[r.item]
                text = f"{pick(node.code or node.id, lang)} {pick(node.name, lang)}"
            else:
                text = label(r.kind, lang)
            lines.append(f"{'  ' * (r.depth + 1)}{text}: {number(r.delta, lang, 2, signed=True)}")
    return lines


def decomposition_table(comparison: Comparison, unit_id: str, lang: str | None = None) -> pd.DataFrame:
    """One unit's change by field, criterion and sub-criterion (rows shown as zero at 4 decimals left out)."""
    d = comparison.decomposition
    rows = d[(d["unit_id"] == str(unit_id)) & (d["delta"].abs().round(4) > 0)]
    nodes = {**comparison.base.rulebook.nodes(), **comparison.variant.rulebook.nodes()}
    items = []
    for r in rows.itertuples(index=False):
        if r.kind == "node":
            node = nodes[r.item]
            items.append("\u00a0\u00a0" * r.depth + f"{pick(node.code or node.id, lang)} {pick(node.name, lang)}")
        else:
            items.append("\u00a0\u00a0" * r.depth + label(r.kind, lang))
    return pd.DataFrame({
        label("item", lang): items,
        label("points_base", lang): [number(x, lang, 4, trim=True) for x in rows["points_base"]],
        label("points_variant", lang): [number(x, lang, 4, trim=True) for x in rows["points_variant"]],
        label("delta", lang): [number(x, lang, 4, signed=True) for x in rows["delta"]],
    })
