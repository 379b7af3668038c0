"""Compare two results: two rulebooks on the same data, or one rulebook on two years of data.

`compare(base, variant, crosswalk=None)` matches units by id. With a crosswalk (columns
`old_unit_id, new_unit_id`, e.g. a post-2025 dataset's `meta.crosswalk`), the base side is
re-expressed on the new units first:

- a new unit's base figures come from its predecessors (the old units the crosswalk maps to it;
  an old unit the crosswalk does not name is its own successor): its index is the mean of
  their indices, and `predecessors` lists them;
- its base band is the predecessor's band when there is exactly one; when several merged, the
  band the mean index reaches by threshold alone (the base rulebook's band list for the
  predecessors' most common group; gates and quotas are not re-applied to a unit that did not
  exist);
- base ranks are recomputed among the re-expressed units, within the comparison's groups (the
  variant's group of each unit) unless the base rulebook ranks `within: all`; a re-expressed
  unit is ranked when one of its predecessors was; equal indices share the best place (the
  base rulebook's tie-breaks are not applied to merged units);
- crosswalk rows whose old unit is not in the base result are ignored (the crosswalk may cover
  more than the units scored).

Units present on one side only are kept (`present` says which side), with NaN/NA on the other.
Rank correlations (`summary`) use the units present and ranked on both sides, pooled within
the comparison's groups when either rulebook ranks within groups (ranks of different groups are
not comparable): Kendall's tau-b with S = Σ_g S_g over Σ_g of the pair counts, Spearman as the
Pearson correlation of average ranks centred within each group. With one group they are the
textbook tau-b and Spearman rho.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cchc_rules.engine.rounding import NANO, nano
from cchc_rules.i18n import pick
from cchc_rules.problems import Problems, define, nearest

if TYPE_CHECKING:
    from cchc_rules.dsl.diff import Difference
    from cchc_rules.engine.result import Result

BINS = ("up_gt3", "up_1_3", "unchanged", "down_1_3", "down_gt3", "not_comparable")
SPECIAL_ROWS = ("applicable_max", "adjustments", "clamping")
MOVERS = 5

UNKNOWN_UNIT = define(
    "A805",
    "Không có đơn vị '{unit}' trong phép so sánh",
    "There is no unit '{unit}' in the comparison",
    "Chọn một mã đơn vị có ở một trong hai bên, ví dụ: {near}.",
    "Choose a unit id present on one side at least, e.g. {near}.",
)
CROSSWALK_COLUMNS = define(
    "A806",
    "Bảng chuyển đổi đơn vị thiếu cột: {missing}",
    "The unit crosswalk lacks the columns: {missing}",
    "Bảng chuyển đổi cần hai cột old_unit_id (đơn vị cũ) và new_unit_id (đơn vị mới).",
    "A crosswalk needs the two columns old_unit_id (the old unit) and new_unit_id (the new one).",
)


@dataclass
class _Side:
    """One side re-expressed on the comparison's units: per unit, its result rows (several when merged)."""

    result: Result
    table: pd.DataFrame  # unit_id, name, group, index, rank, band, predecessors, rows


@dataclass
class Comparison:
    """How a variant result differs from a base result, unit by unit and in summary.

    `units`: unit_id, name, group, index_base, index_variant, index_delta, rank_base,
    rank_variant, rank_shift (positive = moved up), band_base, band_variant, band_changed, bin,
    present (both/base/variant), predecessors (the base units a unit's base figures come from).
    `summary`: kendall_tau, spearman, band_changes, mean_abs_rank_shift, mean_index_delta,
    movers_up, movers_down, units_base, units_variant, units_matched.
    `transitions`: counts, base bands (rows) × variant bands (columns), every band of each side.
    `bins`: units per bin (BINS order). `rulebook_diff`: `dsl.diff.Difference`s ([] when the same rulebook).
    """

    base: Result
    variant: Result
    units: pd.DataFrame
    _base_side: _Side = field(repr=False)
    _variant_side: _Side = field(repr=False)

    @cached_property
    def summary(self) -> dict[str, Any]:
        u = self.units
        both = u[u["present"] == "both"]
        comparable = u["rank_shift"].notna()
        shift = u.loc[comparable, "rank_shift"].astype(float)
        tau, rho = rank_correlation(u, "rank_base", "rank_variant", self._pools(u))
        return {
            "kendall_tau": tau,
            "spearman": rho,
            "band_changes": int(both["band_changed"].fillna(False).sum()),
            "mean_abs_rank_shift": float(shift.abs().mean()) if len(shift) else None,
            "mean_index_delta": float(both["index_delta"].mean()) if len(both) else None,
            "movers_up": _movers(u[comparable & (u["rank_shift"] > 0)], ascending=False),
            "movers_down": _movers(u[comparable & (u["rank_shift"] < 0)], ascending=True),
            "units_base": len(self.base.units),
            "units_variant": len(self.variant.units),
            "units_matched": len(both),
        }

    @cached_property
    def transitions(self) -> pd.DataFrame:
        both = self.units[(self.units["present"] == "both")]
        both = both[both["band_base"].notna() & both["band_variant"].notna()]
        rows, cols = list(self.base.compiled.band_ids), list(self.variant.compiled.band_ids)
        table = pd.crosstab(
            pd.Categorical(both["band_base"], categories=rows), pd.Categorical(both["band_variant"], categories=cols),
            dropna=False,
        ).reindex(index=rows, columns=cols, fill_value=0)
        table.index.name, table.columns.name = "band_base", "band_variant"
        return table.astype(int)

    @cached_property
    def bins(self) -> pd.Series:
        return self.units["bin"].value_counts(sort=False).reindex(list(BINS), fill_value=0).rename("units")

    @cached_property
    def rulebook_diff(self) -> list[Difference]:
        from cchc_rules.dsl.diff import compare_rulebooks

        if self.base.rulebook is self.variant.rulebook:
            return []
        return compare_rulebooks(self.base.rulebook, self.variant.rulebook)

    def contributions(self, unit_id: str, lang: str | None = None) -> pd.DataFrame:
        """What explains one unit's index delta, row by row (see `contributions_table`)."""
        ids = self.units["unit_id"].astype(str)
        if str(unit_id) not in set(ids):
            problems = Problems()
            problems.add(UNKNOWN_UNIT, path=f"units/{unit_id}", unit=unit_id, near=nearest(str(unit_id), ids))
            problems.raise_if_errors()
        table = self.contributions_table(lang)
        return table[table["unit_id"] == str(unit_id)].reset_index(drop=True)

    def contributions_table(self, lang: str | None = None) -> pd.DataFrame:
        """Per unit, one row per top-level node and three more rows whose `delta`s add up to index_delta.

        Columns: unit_id, item (node id, or applicable_max, adjustments, clamping), kind
        (node or the item), node_base (the base node matched, by id or through `was`), name,
        points_base/_variant, max_base/_variant, contribution_base/_variant, delta.

        On each side s, with scale S, top-level points p_k, applicable maximum M = Σ_k max_k,
        points P = Σ_k p_k, adjustments A and clamping C (the rest: index − S·P/M − A, which is
        the clamp to [0, S] and the rounding to nano-points):
            index_s = Σ_k S·p_k/M + A + C,   contribution_k = S·p_k/M.
        With f = S/M (index points per point) the delta is split symmetrically (swapping the
        sides flips every sign):
            node k:          (p_k^v − p_k^b)·(f^b + f^v)/2
            applicable_max:  (P^b + P^v)/2·(f^v − f^b)
            adjustments:     A^v − A^b;   clamping: C^v − C^b
        and Σ_k node rows + applicable_max = P^v·f^v − P^b·f^b, so Σ rows = index_v − index_b.
        When S/M is the same on both sides the node rows are the contribution differences and
        applicable_max is 0. A
        node out of a unit's maximum (or absent from one rulebook) counts 0 points of max 0.
        A merged unit's base side is the mean over its predecessors of each pair's rows (the
        index delta is the mean of the pairs' deltas, so the rows still add up). Units present
        on one side have NaN deltas. For the applicable_max row, max_* is M and points_* is P.
        """
        return _contributions(self, lang)

    def to_json(self) -> dict[str, Any]:
        """The shape of `cchc compare --json` (NaN and NA → null)."""
        keys = ["unit_id", "index_base", "index_variant", "index_delta", "rank_base", "rank_variant", "rank_shift",
                "band_base", "band_variant"]
        units = [{k: json_value(row[k]) for k in keys} for row in self.units[keys].to_dict("records")]
        summary = {k: json_value(v) for k, v in self.summary.items()}
        transitions = {
            str(b): {str(v): int(n) for v, n in row.items()} for b, row in self.transitions.to_dict("index").items()
        }
        return {"units": units, "summary": summary, "transitions": transitions}

    def _pools(self, units: pd.DataFrame) -> np.ndarray:
        if self.base.compiled.rank_within_group or self.variant.compiled.rank_within_group:
            return pd.Categorical(units["group"].astype(str)).codes
        return np.zeros(len(units), dtype=np.int64)


def compare(base: Result, variant: Result, crosswalk: pd.DataFrame | None = None) -> Comparison:
    """Compare a variant result with a base result (see the module's docstring for the matching)."""
    v = _own_side(variant)
    b = _own_side(base) if crosswalk is None else _reexpress(base, _mapping(crosswalk), v.table)
    return Comparison(base, variant, _units(b.table, v.table), b, v)


# ---------------------------------------------------------------- the two sides
def unit_columns(units: pd.DataFrame) -> dict[str, Any]:
    """A result's unit_id, name, group (text), index (float), rank (Int64) and band (id or None) columns."""
    return {
        "unit_id": units["unit_id"].astype(str).to_numpy(),
        "name": units["name"].astype(str).to_numpy(),
        "group": units["group"].astype(str).to_numpy(),
        "index": units["index"].to_numpy(dtype=float),
        "rank": units["rank"].astype("Int64").array,
        "band": units["band"].astype(object).where(units["band"].notna(), None).to_numpy(),
    }


def _own_side(result: Result) -> _Side:
    columns = unit_columns(result.units)
    table = pd.DataFrame(
        {
            **columns,
            "predecessors": [(i,) for i in columns["unit_id"]],
            "rows": [(i,) for i in range(len(result.units))],
        }
    )
    return _Side(result, table)


def _mapping(crosswalk: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("old_unit_id", "new_unit_id") if c not in crosswalk.columns]
    if missing:
        problems = Problems()
        problems.add(CROSSWALK_COLUMNS, path="crosswalk", missing=missing)
        problems.raise_if_errors()
    table = crosswalk[["old_unit_id", "new_unit_id"]].dropna().astype(str)
    return table.drop_duplicates()


def _reexpress(base: Result, mapping: pd.DataFrame, variant_units: pd.DataFrame) -> _Side:
    """The base result on the new units: mean index of the predecessors, band and rank as the module says."""
    own = _own_side(base).table
    named = set(mapping["old_unit_id"])
    pairs = pd.concat(
        [mapping[mapping["old_unit_id"].isin(set(own["unit_id"]))],
         pd.DataFrame({"old_unit_id": own.loc[~own["unit_id"].isin(named), "unit_id"],
                       "new_unit_id": own.loc[~own["unit_id"].isin(named), "unit_id"]})],
        ignore_index=True,
    )
    row_of = dict(zip(own["unit_id"], range(len(own))))
    vgroup = dict(zip(variant_units["unit_id"], variant_units["group"]))
    vname = dict(zip(variant_units["unit_id"], variant_units["name"]))
    rb = base.rulebook
    records = []
    for new_id, olds in pairs.groupby("new_unit_id", sort=False)["old_unit_id"]:
        rows = tuple(row_of[o] for o in olds)
        preds = own.iloc[list(rows)]
        index = float(preds["index"].mean())
        old_group = Counter(preds["group"]).most_common(1)[0][0]
        band = preds["band"].iat[0] if len(rows) == 1 else _threshold_band(rb.bands_for(old_group), index)
        records.append(
            {
                "unit_id": new_id,
                "name": vname.get(new_id, " + ".join(preds["name"])),
                "group": vgroup.get(new_id, old_group),
                "index": index,
                "rank": 1 if preds["rank"].notna().any() else pd.NA,  # recomputed by _rerank
                "band": band,
                "predecessors": tuple(preds["unit_id"]),
                "rows": rows,
            }
        )
    table = pd.DataFrame.from_records(records, columns=list(own.columns))
    table["rank"] = _rerank(table, base.compiled.rank_within_group)
    return _Side(base, table)


def _threshold_band(bands: list[Any], index: float) -> str | None:
    key = int(nano(index))
    return next((b.id for b in bands if b.min is not None and key >= int(nano(b.min))), None)  # not quantile bands


def _rerank(table: pd.DataFrame, within_group: bool) -> pd.array:
    """Ranks of the re-expressed units (within their groups), equal indices sharing the best place."""
    from cchc_rules.engine.grading import rank_units

    pool = pd.Categorical(table["group"] if within_group else [""] * len(table)).codes.astype(np.int64)
    ranked = table["rank"].notna().to_numpy()
    rank = rank_units(nano(table["index"].to_numpy(dtype=float)), np.zeros((len(table), 0)), pool, ranked)
    out = pd.array(rank, dtype="Int64")
    out[~ranked] = pd.NA
    return out


def _units(base: pd.DataFrame, variant: pd.DataFrame) -> pd.DataFrame:
    keep = ["unit_id", "name", "group", "index", "rank", "band"]
    merged = variant[keep].merge(
        base[[*keep, "predecessors"]], on="unit_id", how="outer", suffixes=("_variant", "_base"), indicator=True,
        sort=False,
    )
    order: dict[str, int] = {}
    for u in [*variant["unit_id"], *base["unit_id"]]:  # variant order, then units of the base side only
        order.setdefault(u, len(order))
    merged = merged.iloc[np.argsort([order[u] for u in merged["unit_id"]], kind="stable")].reset_index(drop=True)
    present = merged["_merge"].map({"both": "both", "left_only": "variant", "right_only": "base"}).astype(str)
    rank_base = merged["rank_base"].astype("Int64")
    rank_variant = merged["rank_variant"].astype("Int64")
    shift = rank_base - rank_variant
    both = present == "both"
    band_changed = pd.array(np.where(both, merged["band_base"] != merged["band_variant"], False), dtype="boolean")
    band_changed[~both.to_numpy()] = pd.NA
    return pd.DataFrame(
        {
            "unit_id": merged["unit_id"],
            "name": merged["name_variant"].fillna(merged["name_base"]),
            "group": merged["group_variant"].fillna(merged["group_base"]),
            "index_base": merged["index_base"].astype(float),
            "index_variant": merged["index_variant"].astype(float),
            "index_delta": merged["index_variant"].astype(float) - merged["index_base"].astype(float),
            "rank_base": rank_base,
            "rank_variant": rank_variant,
            "rank_shift": shift,
            "band_base": merged["band_base"].astype(object).where(merged["band_base"].notna(), None),
            "band_variant": merged["band_variant"].astype(object).where(merged["band_variant"].notna(), None),
            "band_changed": band_changed,
            "bin": bins_of(shift),
            "present": present,
            "predecessors": merged["predecessors"].apply(lambda p: p if isinstance(p, tuple) else ()),
        }
    )


def bins_of(shift: pd.Series) -> pd.Categorical:
    """Each rank shift's bin (BINS): up more than 3 places, up 1–3, unchanged, down 1–3, down more than 3,
    or not comparable (a rank missing on either side)."""
    s = shift.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    codes = np.select([s > 3, s >= 1, s == 0, s >= -3, s < -3], [0, 1, 2, 3, 4], 5)
    return pd.Categorical.from_codes(codes, categories=list(BINS))


def _movers(units: pd.DataFrame, ascending: bool) -> list[dict[str, Any]]:
    top = units.sort_values(["rank_shift", "index_delta"], ascending=[ascending, ascending], kind="stable")
    return [
        {"unit_id": r.unit_id, "name": r.name, "rank_shift": int(r.rank_shift), "index_delta": float(r.index_delta)}
        for r in top.head(MOVERS).itertuples(index=False)
    ]


# ---------------------------------------------------------------- rank correlation
def rank_correlation(units: pd.DataFrame, a: str, b: str, pools: np.ndarray) -> tuple[float | None, float | None]:
    """Kendall's tau-b and Spearman's rho of two rank columns, pooled within `pools` (see the module's docstring).

    Rows where either rank is missing are left out; None when no pool has two ranked units.
    """
    from scipy.stats import kendalltau, rankdata

    ok = (units[a].notna() & units[b].notna()).to_numpy()
    x = units.loc[ok, a].to_numpy(dtype=float)
    y = units.loc[ok, b].to_numpy(dtype=float)
    p = np.asarray(pools)[ok]
    s_sum = nx_sum = ny_sum = 0.0
    sxy = sxx = syy = 0.0
    for g in np.unique(p):
        xs, ys = x[p == g], y[p == g]
        if xs.size < 2:
            continue
        n0 = xs.size * (xs.size - 1) / 2
        dx, dy = n0 - _tied_pairs(xs), n0 - _tied_pairs(ys)
        tau = kendalltau(xs, ys).statistic
        if dx > 0 and dy > 0:
            s_sum += tau * np.sqrt(dx * dy)
        nx_sum, ny_sum = nx_sum + dx, ny_sum + dy
        rx, ry = rankdata(xs), rankdata(ys)
        rx, ry = rx - rx.mean(), ry - ry.mean()
        sxy, sxx, syy = sxy + rx @ ry, sxx + rx @ rx, syy + ry @ ry
    tau = s_sum / np.sqrt(nx_sum * ny_sum) if nx_sum > 0 and ny_sum > 0 else None
    rho = sxy / np.sqrt(sxx * syy) if sxx > 0 and syy > 0 else None
    return (None if tau is None else float(tau)), (None if rho is None else float(rho))


def _tied_pairs(values: np.ndarray) -> float:
    _, counts = np.unique(values, return_counts=True)
    return float((counts * (counts - 1) / 2).sum())


# ---------------------------------------------------------------- contributions
@dataclass
class _Arrays:
    """One result's figures per row, for the decomposition (an extra NaN row at the end stands for 'absent')."""

    points: np.ndarray  # rows × top-level nodes (0 when out)
    max: np.ndarray
    earned: np.ndarray
    possible: np.ndarray
    adjustment: np.ndarray
    clamping: np.ndarray
    scale: float

    @classmethod
    def of(cls, result: Result) -> _Arrays:
        top = result.compiled.top
        pts = np.nan_to_num(result.node_points[:, top])
        mx = result.node_max[:, top]
        earned = result.totals.earned / NANO
        possible = result.totals.possible / NANO
        adj = result.units["adjustment"].to_numpy(dtype=float)
        scale = float(result.rulebook.scale)
        clamping = result.index - scale * earned / possible - adj

        def pad(a: np.ndarray) -> np.ndarray:
            return np.concatenate([a, np.full((1, *a.shape[1:]), np.nan)])

        return cls(pad(pts), pad(mx), pad(earned), pad(possible), pad(adj), pad(clamping), scale)


def _node_pairs(base: Result, variant: Result) -> list[tuple[int, int, str, str | None]]:
    """Aligned top-level nodes: (base column or −1, variant column or −1, item id, base id)."""
    from cchc_rules.dsl.diff import match_nodes

    b_ids = [base.node_ids[i] for i in base.compiled.top]
    v_ids = [variant.node_ids[i] for i in variant.compiled.top]
    b_nodes, v_nodes = base.rulebook.nodes(), variant.rulebook.nodes()
    matched = match_nodes({i: b_nodes[i] for i in b_ids}, {i: v_nodes[i] for i in v_ids})
    out = [(b_ids.index(matched[v]) if v in matched else -1, j, v, matched.get(v)) for j, v in enumerate(v_ids)]
    used = set(matched.values())
    out += [(i, -1, b, b) for i, b in enumerate(b_ids) if b not in used]
    return out


def _contributions(comp: Comparison, lang: str | None) -> pd.DataFrame:
    from cchc_rules.report.labels import label

    base, variant = comp.base, comp.variant
    B, V = _Arrays.of(base), _Arrays.of(variant)
    nodes = _node_pairs(base, variant)
    # One pair (unit, base row, variant row) per predecessor; −1 (the NaN row) for an absent side.
    b_rows = dict(zip(comp._base_side.table["unit_id"], comp._base_side.table["rows"]))
    v_rows = dict(zip(comp._variant_side.table["unit_id"], comp._variant_side.table["rows"]))
    unit_of, bi, vi = [], [], []
    for u, unit_id in enumerate(comp.units["unit_id"]):
        v = v_rows.get(unit_id, (-1,))[0]
        for b in b_rows.get(unit_id, (-1,)):
            unit_of.append(u)
            bi.append(b)
            vi.append(v)
    unit_of, bi, vi = np.array(unit_of), np.array(bi), np.array(vi)

    def cols(a: np.ndarray, rows: np.ndarray, which: int) -> np.ndarray:
        """The aligned node columns of `a` at `rows` (0 for a node the side's rulebook lacks)."""
        return np.stack([a[rows, c] if c >= 0 else np.zeros(rows.size) for c in (n[which] for n in nodes)], 1)

    pb, pv = cols(B.points, bi, 0), cols(V.points, vi, 1)
    mb, mv = cols(B.max, bi, 0), cols(V.max, vi, 1)
    Mb, Mv, Pb, Pv = B.possible[bi], V.possible[vi], B.earned[bi], V.earned[vi]
    # Columns: one per node, then applicable_max, adjustments, clamping; f = scale ÷ applicable maximum.
    fb, fv = B.scale / Mb, V.scale / Mv
    delta = np.column_stack([
        (pv - pb) * ((fb + fv) / 2)[:, None],
        (Pb + Pv) / 2 * (fv - fb),
        V.adjustment[vi] - B.adjustment[bi],
        V.clamping[vi] - B.clamping[bi],
    ])
    zeros, blank = np.zeros((unit_of.size, 1)), np.full((unit_of.size, 1), np.nan)
    sides = {
        "points": (np.column_stack([pb, Pb, blank, blank]), np.column_stack([pv, Pv, blank, blank])),
        "max": (np.column_stack([mb, Mb, blank, blank]), np.column_stack([mv, Mv, blank, blank])),
        "contribution": (
            np.column_stack([B.scale * pb / Mb[:, None], zeros, B.adjustment[bi], B.clamping[bi]]),
            np.column_stack([V.scale * pv / Mv[:, None], zeros, V.adjustment[vi], V.clamping[vi]]),
        ),
    }
    # Absent sides: NaN everywhere on that side.
    for name, (b, v) in sides.items():
        b[bi < 0], v[vi < 0] = np.nan, np.nan
        sides[name] = (_mean_by(b, unit_of), _mean_by(v, unit_of))
    delta = _mean_by(delta, unit_of)

    n_units, n_items = delta.shape
    items = [n[2] for n in nodes] + list(SPECIAL_ROWS)
    b_nodes, v_nodes = base.rulebook.nodes(), variant.rulebook.nodes()
    names = [pick((v_nodes.get(n[2]) or b_nodes[n[2]]).name, lang) for n in nodes]
    names += [label(k, lang) for k in SPECIAL_ROWS]
    table = {
        "unit_id": np.repeat(comp.units["unit_id"].to_numpy(), n_items),
        "item": np.tile(items, n_units),
        "kind": np.tile(["node"] * len(nodes) + list(SPECIAL_ROWS), n_units),
        "node_base": np.tile([n[3] for n in nodes] + [None] * len(SPECIAL_ROWS), n_units),
        "name": np.tile(names, n_units),
    }
    for name, (b, v) in sides.items():
        table[f"{name}_base"] = b.ravel()
        table[f"{name}_variant"] = v.ravel()
    table["delta"] = delta.ravel()
    return pd.DataFrame(table)


def _mean_by(values: np.ndarray, unit_of: np.ndarray) -> np.ndarray:
    """Mean of the rows of each unit (rows sorted by unit)."""
    counts = np.bincount(unit_of)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    return np.add.reduceat(values, starts, axis=0) / counts[:, None]


def json_value(value: Any) -> Any:
    """A value as JSON takes it: NaN and NA → None, numpy scalars → Python, inside dicts and lists too."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value
