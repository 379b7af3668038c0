"""The appraisal council's view: self-assessed against appraised scores, unit by unit and round by round.

`appraisal(rulebook, dataset)` scores the dataset at every stage of the rulebook (the first stage is
the self-assessment, the last the final appraisal) and returns an `Appraisal`:

- `units`: per unit its self-assessed and appraised (final stage) index, points and rank, the gap
  (self − appraised: positive = the unit claimed more than the council gave), its band on each side,
  and how many of its values were never appraised (the final score keeps the self-assessed value);
- `rounds`: per unit and stage, index, points, band, rank and the change from the previous stage;
- `fields`: per unit and top-level field, self and appraised points and the gap;
- `criteria`: per unit and leaf where the two differ, self and appraised points and the gap;
- `cuts`: per leaf, how many units appraisal cut (and raised), by how much on average and in total;
- `groups`: per group, mean self and appraised index and mean gap;
- `agreement`: mean, median and mean absolute gap, how many units over- and under-claimed, units
  whose band changed, Kendall's tau-b and Spearman's rho between the self and appraised ranks
  (pooled within groups when the rulebook ranks within groups: `analysis.ranks`).

Numbers are unrounded. `warnings`: A841 when values were not appraised (their gap is 0 by
construction, so the agreement looks better than it is), A842 for units unscored on one side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cchc_rules.analysis.jsonable import json_value
from cchc_rules.analysis.ranks import rank_correlation
from cchc_rules.data.model import EMPTY, Dataset
from cchc_rules.dsl.models import Rulebook
from cchc_rules.engine.result import Result
from cchc_rules.engine.score import score
from cchc_rules.i18n import pick
from cchc_rules.json_types import JsonObject
from cchc_rules.problems import Problem, Problems, define

TOL = 1e-9  # a gap smaller than this (in points) is no gap: the engine works in nano-points

ONE_STAGE = define(
    "A840",
    "Bộ tiêu chí '{rulebook}' chỉ có một giai đoạn ({stage}): không có gì để so sánh tự chấm với thẩm định",
    "The rulebook '{rulebook}' has one stage only ({stage}): there is no self-assessment to set against an appraisal",
    "Khai báo các giai đoạn, ví dụ stages: [self, appraisal], và nhập giá trị tự chấm và thẩm định vào dữ liệu.",
    "Declare the stages, e.g. stages: [self, appraisal], and enter self-assessed and appraised values in the data.",
)
NOT_APPRAISED = define(
    "A841",
    "{n} giá trị của {units} đơn vị chưa được thẩm định (điểm thẩm định giữ nguyên giá trị tự chấm), ví dụ "
    "{unit}: chênh lệch của các giá trị này bằng 0 do cách tính, nên mức khớp có vẻ cao hơn thực tế",
    "{n} values of {units} units were never appraised (the appraised score keeps the self-assessed value), e.g. "
    "{unit}: their gap is 0 by construction, so agreement looks better than it is",
    "Nhập điểm thẩm định cho các giá trị đó (cột '{final}'), hoặc đọc cột 'chưa thẩm định' bên cạnh chênh lệch.",
    "Enter the appraised values (column '{final}'), or read the 'not appraised' column beside the gap.",
)
UNSCORED_SIDE = define(
    "A842",
    "{n} đơn vị không có điểm ở một bên (tự chấm hoặc thẩm định), ví dụ {unit}: không tính vào chênh lệch trung bình",
    "{n} units have no score on one side (self-assessed or appraised), e.g. {unit}: left out of the mean gap",
    "Xem cảnh báo E402 khi chấm điểm đơn vị đó.",
    "See the E402 warning when scoring that unit.",
)


@dataclass
class Appraisal:
    """Self-assessed against appraised scores; see the module's docstring for each table."""

    rulebook: Rulebook
    self_stage: str
    final_stage: str
    results: dict[str, Result] = field(repr=False)
    units: pd.DataFrame
    rounds: pd.DataFrame
    fields: pd.DataFrame
    criteria: pd.DataFrame
    cuts: pd.DataFrame
    groups: pd.DataFrame
    agreement: dict[str, Any]
    warnings: list[Problem]

    @property
    def stages(self) -> list[str]:
        return list(self.results)

    def over_claimers(self, n: int = 10) -> pd.DataFrame:
        """The `n` units with the largest positive gap (largest first)."""
        u = self.units[self.units["gap"] > TOL]
        return u.sort_values(["gap", "unit_id"], ascending=[False, True], kind="stable").head(n)

    def to_json(self) -> JsonObject:
        """Unrounded numbers; NaN and NA → null."""
        keys = ["unit_id", "name", "group", "self_index", "appraised_index", "gap", "self_points",
                "appraised_points", "self_rank", "appraised_rank", "self_band", "appraised_band", "not_appraised"]
        units = []
        by_unit = {k: v for k, v in self.rounds.groupby("unit_id", sort=False)["index"]}
        for row in self.units[keys].to_dict("records"):
            item = {k: json_value(row[k]) for k in keys}
            rounds = by_unit.get(row["unit_id"])
            item["rounds"] = dict(zip(self.stages, (json_value(x) for x in rounds))) if rounds is not None else {}
            units.append(item)
        cuts = [{k: json_value(v) for k, v in r.items()} for r in self.cuts.to_dict("records")]
        groups = [{k: json_value(v) for k, v in r.items()} for r in self.groups.to_dict("records")]
        return {
            "rulebook": self.rulebook.id, "self_stage": self.self_stage, "final_stage": self.final_stage,
            "stages": self.stages, "units": units, "cuts": cuts, "groups": groups,
            "agreement": {k: json_value(v) for k, v in self.agreement.items()},
            "warnings": [{"code": p.code, "path": p.path, "vi": p.what("vi"), "en": p.what("en")}
                         for p in self.warnings],
        }


def appraisal(rulebook: Rulebook, dataset: Dataset, self_stage: str | None = None,
              final_stage: str | None = None) -> Appraisal:
    """Score `dataset` at every stage and set the self-assessment (default: the first stage) against the
    final appraisal (default: the last stage). Raises `CchcError` (A840) for a one-stage rulebook."""
    stages = list(rulebook.stages)
    self_stage = self_stage or stages[0]
    final_stage = final_stage or stages[-1]
    if len(stages) < 2 or self_stage == final_stage:
        problems = Problems()
        problems.add(ONE_STAGE, rulebook.field_pos("stages"), "stages", rulebook=rulebook.id, stage=stages[0])
        problems.raise_if_errors()
    results = {s: score(rulebook, dataset, s) for s in stages}
    first, last = results[self_stage], results[final_stage]
    units = _units(first, last, _not_appraised(first, stages.index(self_stage), stages.index(final_stage)))
    warnings = _warnings(units, final_stage)
    pools = _pools(last, units)
    tau, rho = rank_correlation(units, "self_rank", "appraised_rank", pools)
    both = units.dropna(subset=["gap"])
    agreement = {
        "units": int(len(units)),
        "units_compared": int(len(both)),
        "mean_self": _mean(both["self_index"]),
        "mean_appraised": _mean(both["appraised_index"]),
        "mean_gap": _mean(both["gap"]),
        "median_gap": float(both["gap"].median()) if len(both) else None,
        "mean_abs_gap": _mean(both["gap"].abs()),
        "max_gap": float(both["gap"].max()) if len(both) else None,
        "over_claimed": int((both["gap"] > TOL).sum()),
        "under_claimed": int((both["gap"] < -TOL).sum()),
        "equal": int((both["gap"].abs() <= TOL).sum()),
        "band_changed": int((both["self_band"].astype(object) != both["appraised_band"].astype(object)).sum()),
        "kendall_tau": tau,
        "spearman": rho,
        "values_not_appraised": int(units["not_appraised"].sum()),
    }
    return Appraisal(rulebook, self_stage, final_stage, results, units, _rounds(results), _fields(first, last),
                     _criteria(first, last), _cuts(first, last), _groups(units, rulebook), agreement, warnings)


def _mean(values: pd.Series) -> float | None:
    return float(values.mean()) if len(values) else None


def _not_appraised(result: Result, s: int, f: int) -> np.ndarray:
    """Per unit, leaves with a value at the self stage (or before) and none after it up to the final stage."""
    status = result.inputs.status  # units × leaves × stages
    had = (status[:, :, : s + 1] != EMPTY).any(axis=2)
    later = (status[:, :, s + 1: f + 1] != EMPTY).any(axis=2)
    applies = ~np.isnan(result.leaf_points)
    return (had & ~later & applies).sum(axis=1)


def _units(first: Result, last: Result, not_appraised: np.ndarray) -> pd.DataFrame:
    a, b = first.units, last.units
    table = pd.DataFrame({
        "unit_id": a["unit_id"].astype(str).to_numpy(),
        "name": a["name"].astype(str).to_numpy(),
        "group": a["group"].astype(str).to_numpy(),
        "self_index": a["index"].to_numpy(dtype=float),
        "appraised_index": b["index"].to_numpy(dtype=float),
        "self_points": a["points"].to_numpy(dtype=float),
        "appraised_points": b["points"].to_numpy(dtype=float),
        "self_rank": a["rank"].astype("Int64").array,
        "appraised_rank": b["rank"].astype("Int64").array,
        "self_band": a["band"].astype(object).where(a["band"].notna(), None).to_numpy(),
        "appraised_band": b["band"].astype(object).where(b["band"].notna(), None).to_numpy(),
        "not_appraised": not_appraised.astype(int),
    })
    table.insert(5, "gap", table["self_index"] - table["appraised_index"])
    table.insert(8, "gap_points", table["self_points"] - table["appraised_points"])
    table["rank_change"] = (table["self_rank"].astype("Float64") - table["appraised_rank"].astype("Float64"))
    return table


def _pools(result: Result, units: pd.DataFrame) -> np.ndarray:
    if result.compiled.rank_within_group:
        return pd.Categorical(units["group"]).codes
    return np.zeros(len(units), dtype=np.int64)


def _warnings(units: pd.DataFrame, final_stage: str) -> list[Problem]:
    problems = Problems()
    missing = units[units["not_appraised"] > 0]
    if len(missing):
        problems.add(NOT_APPRAISED, None, f"units/{missing['unit_id'].iat[0]}", "warning",
                     n=int(missing["not_appraised"].sum()), units=len(missing), unit=missing["unit_id"].iat[0],
                     final=final_stage)
    one_side = units[units["gap"].isna()]
    if len(one_side):
        problems.add(UNSCORED_SIDE, None, f"units/{one_side['unit_id'].iat[0]}", "warning", n=len(one_side),
                     unit=one_side["unit_id"].iat[0])
    return list(problems)


def _rounds(results: dict[str, Result]) -> pd.DataFrame:
    frames = []
    previous = None
    for stage, r in results.items():
        u = r.units
        index = u["index"].to_numpy(dtype=float)
        frames.append(pd.DataFrame({
            "unit_id": u["unit_id"].astype(str).to_numpy(), "stage": stage, "index": index,
            "points": u["points"].to_numpy(dtype=float), "rank": u["rank"].astype("Int64").array,
            "band": u["band"].astype(object).where(u["band"].notna(), None).to_numpy(),
            "change": index - previous if previous is not None else np.full(len(u), np.nan),
        }))
        previous = index
    table = pd.concat(frames, ignore_index=True)
    order = {s: i for i, s in enumerate(results)}
    return table.sort_values(["unit_id", "stage"], key=lambda c: c.map(order) if c.name == "stage" else c,
                             kind="stable").reset_index(drop=True)


def _fields(first: Result, last: Result) -> pd.DataFrame:
    c = first.compiled
    ids = first.units["unit_id"].astype(str).to_numpy()
    frames = []
    for n in c.top:
        s, a = first.node_points[:, n], last.node_points[:, n]
        frames.append(pd.DataFrame({"unit_id": ids, "field": c.node_ids[n], "self": s, "appraised": a,
                                    "max": first.node_max[:, n], "gap": s - a}))
    return pd.concat(frames, ignore_index=True)


def _criteria(first: Result, last: Result) -> pd.DataFrame:
    """Per unit and leaf where appraisal changed the points (|gap| > TOL)."""
    c = first.compiled
    s, a = first.leaf_points, last.leaf_points
    gap = s - a
    rows, cols = np.nonzero(np.abs(np.nan_to_num(gap)) > TOL)
    ids = first.units["unit_id"].astype(str).to_numpy()
    return pd.DataFrame({
        "unit_id": ids[rows], "criterion": [c.leaf_ids[j] for j in cols],
        "code": [c.nodes[c.leaf_node[j]].label for j in cols],
        "self": s[rows, cols], "appraised": a[rows, cols], "gap": gap[rows, cols],
    })


def _cuts(first: Result, last: Result) -> pd.DataFrame:
    """Per leaf appraisal changed at least once: units cut, units raised, mean cut (over the cut units), total
    cut, largest cut, in points; sorted by units cut, then total cut."""
    c = first.compiled
    gap = first.leaf_points - last.leaf_points
    cut = np.where(np.nan_to_num(gap) > TOL, gap, 0.0)
    n_cut = (gap > TOL).sum(axis=0)
    n_raised = (gap < -TOL).sum(axis=0)
    total = np.nansum(cut, axis=0)
    keep = np.flatnonzero((n_cut + n_raised) > 0)
    nodes = first.rulebook.nodes()
    table = pd.DataFrame({
        "criterion": [c.leaf_ids[j] for j in keep],
        "code": [c.nodes[c.leaf_node[j]].label for j in keep],
        "name_vi": [pick(nodes[c.leaf_ids[j]].name, "vi") for j in keep],
        "name_en": [pick(nodes[c.leaf_ids[j]].name, "en") for j in keep],
        "units_cut": n_cut[keep].astype(int),
        "units_raised": n_raised[keep].astype(int),
        "mean_cut": np.where(n_cut[keep] > 0, total[keep] / np.maximum(n_cut[keep], 1), np.nan),
        "total_cut": total[keep],
        "largest_cut": cut.max(axis=0)[keep],
    })
    return table.sort_values(["units_cut", "total_cut", "criterion"], ascending=[False, False, True],
                             kind="stable").reset_index(drop=True)


def _groups(units: pd.DataFrame, rulebook: Rulebook) -> pd.DataFrame:
    both = units.dropna(subset=["gap"])
    rows = []
    for group, members in both.groupby("group", sort=False):
        rows.append({"group": group, "name_vi": pick(rulebook.groups.get(group, group), "vi"),
                     "name_en": pick(rulebook.groups.get(group, group), "en"), "units": len(members),
                     "mean_self": float(members["self_index"].mean()),
                     "mean_appraised": float(members["appraised_index"].mean()),
                     "mean_gap": float(members["gap"].mean()),
                     "over_claimed": int((members["gap"] > TOL).sum())})
    return pd.DataFrame(rows, columns=["group", "name_vi", "name_en", "units", "mean_self", "mean_appraised",
                                       "mean_gap", "over_claimed"])
