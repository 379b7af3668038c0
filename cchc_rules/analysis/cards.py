"""What a unit's report card says, as data: standing, fields against the group, strengths, gaps, plan.

`unit_card(result, unit_id, appraisal=None, comparison=None)` gathers, for one unit of a scored
`Result`: its index, band, rank among the ranked units of its group and percentile rank (rank ÷ those
units); per top-level field its points, maximum and sub-index (points ÷ maximum × 100) beside the
group's mean sub-index (scored units of the group to which the field applies); its strongest criteria
(full or nearly, the largest maxima first) and weakest (the most points short of the maximum); the
change since a previous result (`analysis.compare.Comparison`: index, rank and band, through a
crosswalk for merged units); the self-assessed against appraised gap (`analysis.appraisal`) with the
fields it came from; and the improvement plan (`analysis.improvement`). Numbers are unrounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cchc_rules.analysis.appraisal import Appraisal
from cchc_rules.analysis.compare import Comparison
from cchc_rules.analysis.improvement import Plan, improvement_plan
from cchc_rules.analysis.jsonable import json_value
from cchc_rules.engine.result import Result
from cchc_rules.i18n import pick

SHOWN = 5  # strongest and weakest criteria listed


@dataclass
class Card:
    unit_id: str
    name: str
    group: str
    index: float
    published: str
    band: str | None
    rank: int | None
    ranked_in_group: int
    percentile: float | None  # rank ÷ ranked units of the group (smaller is better)
    fields: pd.DataFrame  # field, code, name_vi, name_en, points, max, sub_index, group_mean, difference
    strongest: pd.DataFrame  # criterion, code, name_vi, name_en, points, max, short
    weakest: pd.DataFrame
    plan: Plan
    change: dict[str, Any] | None = None  # index_base, index_delta, rank_base, rank_shift, band_base, predecessors
    gap: dict[str, Any] | None = None  # self_index, appraised_index, gap, fields: [(field, gap)]
    notes: list[dict[str, str]] = field(default_factory=list)
    compared: bool = False  # a previous result was given (then `change` None means the unit is new)

    def to_json(self) -> dict[str, Any]:
        def rows(t: pd.DataFrame) -> list[dict[str, Any]]:
            return [{k: json_value(v) for k, v in r.items()} for r in t.to_dict("records")]

        return {"unit_id": self.unit_id, "name": self.name, "group": self.group, "index": self.index,
                "published": self.published, "band": self.band, "rank": self.rank,
                "ranked_in_group": self.ranked_in_group, "percentile": self.percentile,
                "fields": rows(self.fields), "strongest": rows(self.strongest), "weakest": rows(self.weakest),
                "change": None if self.change is None else {k: json_value(v) for k, v in self.change.items()},
                "gap": self.gap, "plan": self.plan.to_json(), "notes": self.notes}


def unit_card(result: Result, unit_id: str, appraisal: Appraisal | None = None,
              comparison: Comparison | None = None) -> Card:
    row = result.row_of(unit_id)
    u = result.units.iloc[row]
    c = result.compiled
    g = result.group_codes[row]
    members = (result.group_codes == g) & ~result.unscored
    ranked = result.units["rank"].notna().to_numpy() & (result.group_codes == g) if c.rank_within_group \
        else result.units["rank"].notna().to_numpy()
    rank = None if pd.isna(u["rank"]) else int(u["rank"])
    n_ranked = int(ranked.sum())
    nodes = result.rulebook.nodes()
    top = c.top
    pts, mx = result.node_points[:, top], result.node_max[:, top]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(mx > 0, pts / mx * 100, np.nan)
    group_mean = np.nanmean(np.where(members[:, None], share, np.nan), axis=0) if members.any() else \
        np.full(len(top), np.nan)
    fields = pd.DataFrame({
        "field": [c.node_ids[n] for n in top], "code": [c.nodes[n].label for n in top],
        "name_vi": [pick(c.nodes[n].name, "vi") for n in top], "name_en": [pick(c.nodes[n].name, "en") for n in top],
        "points": pts[row], "max": mx[row], "sub_index": share[row], "group_mean": group_mean,
    })
    fields["difference"] = fields["sub_index"] - fields["group_mean"]
    fields = fields[fields["max"] > 0].reset_index(drop=True)
    leaf_pts, leaf_max = result.leaf_points[row], result.node_max[row, c.leaf_node]
    leaves = pd.DataFrame({
        "criterion": c.leaf_ids, "code": [c.nodes[n].label for n in c.leaf_node],
        "name_vi": [pick(nodes[i].name, "vi") for i in c.leaf_ids],
        "name_en": [pick(nodes[i].name, "en") for i in c.leaf_ids],
        "points": leaf_pts, "max": leaf_max,
    })
    leaves = leaves[(leaves["max"] > 0) & leaves["points"].notna()]
    leaves["short"] = leaves["max"] - leaves["points"]
    leaves["share"] = leaves["points"] / leaves["max"]
    strongest = leaves.sort_values(["share", "max"], ascending=[False, False], kind="stable").head(SHOWN)
    weakest = leaves[leaves["short"] > 1e-9].sort_values(["short", "max"], ascending=[False, False],
                                                          kind="stable").head(SHOWN)
    card = Card(str(u["unit_id"]), str(u["name"]), str(u["group"]), float(u["index"]), str(u["published"]),
                None if pd.isna(u["band"]) else str(u["band"]), rank, n_ranked,
                None if rank is None or not n_ranked else rank / n_ranked, fields,
                strongest.drop(columns="share").reset_index(drop=True),
                weakest.drop(columns="share").reset_index(drop=True), improvement_plan(result, unit_id))
    if comparison is not None:
        card.compared = True
        card.change = _change(comparison, card.unit_id)
    if appraisal is not None:
        card.gap = _gap(appraisal, card.unit_id)
    return card


def _change(comparison: Comparison, unit_id: str) -> dict[str, Any] | None:
    u = comparison.units
    rows = u[u["unit_id"].astype(str) == unit_id]
    if rows.empty or rows["present"].iat[0] != "both":
        return None
    r = rows.iloc[0]
    return {"index_base": r["index_base"], "index_delta": r["index_delta"], "rank_base": r["rank_base"],
            "rank_shift": r["rank_shift"], "band_base": r["band_base"], "pct_rank_base": r["pct_rank_base"],
            "predecessors": ", ".join(r["predecessors"]) if isinstance(r["predecessors"], tuple) else None,
            "like_for_like": comparison.like_for_like}


def _gap(a: Appraisal, unit_id: str) -> dict[str, Any] | None:
    u = a.units[a.units["unit_id"] == unit_id]
    if u.empty:
        return None
    r = u.iloc[0]
    f = a.fields[(a.fields["unit_id"] == unit_id) & (a.fields["gap"].abs() > 1e-9)]
    f = f.sort_values("gap", ascending=False, kind="stable")
    return {"self_index": json_value(r["self_index"]), "appraised_index": json_value(r["appraised_index"]),
            "gap": json_value(r["gap"]), "not_appraised": int(r["not_appraised"]),
            "fields": [{"field": x.field, "gap": float(x.gap)} for x in f.itertuples(index=False)]}
