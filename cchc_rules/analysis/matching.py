"""The two sides of a comparison on the same units: matched by id, or through a crosswalk.

`own_side(result)` keeps a result's units; `reexpress(base, mapping, variant_units)`. With a crosswalk (columns
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
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cchc_rules.engine.grading import rank_units
from cchc_rules.engine.rounding import nano
from cchc_rules.problems import Problems, define

if TYPE_CHECKING:
    from cchc_rules.engine.result import Result

BINS = ("up_gt3", "up_1_3", "unchanged", "down_1_3", "down_gt3", "not_comparable")

CROSSWALK_COLUMNS = define(
    "A806",
    "Bảng chuyển đổi đơn vị thiếu cột: {missing}",
    "The unit crosswalk lacks the columns: {missing}",
    "Bảng chuyển đổi cần hai cột old_unit_id (đơn vị cũ) và new_unit_id (đơn vị mới).",
    "A crosswalk needs the two columns old_unit_id (the old unit) and new_unit_id (the new one).",
)


@dataclass
class Side:
    """One side re-expressed on the comparison's units: per unit, its result rows (several when merged)."""

    result: Result
    table: pd.DataFrame  # unit_id, name, group, index, rank, band, predecessors, rows


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


def own_side(result: Result) -> Side:
    columns = unit_columns(result.units)
    table = pd.DataFrame(
        {
            **columns,
            "predecessors": [(i,) for i in columns["unit_id"]],
            "rows": [(i,) for i in range(len(result.units))],
        }
    )
    return Side(result, table)


def mapping_of(crosswalk: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("old_unit_id", "new_unit_id") if c not in crosswalk.columns]
    if missing:
        problems = Problems()
        problems.add(CROSSWALK_COLUMNS, path="crosswalk", missing=missing)
        problems.raise_if_errors()
    table = crosswalk[["old_unit_id", "new_unit_id"]].dropna().astype(str)
    return table.drop_duplicates()


def reexpress(base: Result, mapping: pd.DataFrame, variant_units: pd.DataFrame) -> Side:
    """The base result on the new units: mean index of the predecessors, band and rank as the module says."""
    own = own_side(base).table
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
    return Side(base, table)


def _threshold_band(bands: list[Any], index: float) -> str | None:
    key = int(nano(index))
    return next((b.id for b in bands if b.min is not None and key >= int(nano(b.min))), None)  # not quantile bands


def _rerank(table: pd.DataFrame, within_group: bool) -> pd.array:
    """Ranks of the re-expressed units (within their groups), equal indices sharing the best place."""
    pool = pd.Categorical(table["group"] if within_group else [""] * len(table)).codes.astype(np.int64)
    ranked = table["rank"].notna().to_numpy()
    rank = rank_units(nano(table["index"].to_numpy(dtype=float)), np.zeros((len(table), 0)), pool, ranked)
    out = pd.array(rank, dtype="Int64")
    out[~ranked] = pd.NA
    return out


def matched_units(base: pd.DataFrame, variant: pd.DataFrame) -> pd.DataFrame:
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


def pool_sizes(table: pd.DataFrame, within_group: bool) -> dict[str, int]:
    """Per ranked unit of a side's table, how many ranked units share its rank pool (its group, or all)."""
    ranked = table[table["rank"].notna()]
    pool = ranked["group"].astype(str) if within_group else pd.Series("", index=ranked.index)
    sizes = pool.map(pool.value_counts())
    return dict(zip(ranked["unit_id"].astype(str), sizes.astype(int)))


def bins_of(shift: pd.Series) -> pd.Categorical:
    """Each rank shift's bin (BINS): up more than 3 places, up 1–3, unchanged, down 1–3, down more than 3,
    or not comparable (a rank missing on either side)."""
    s = shift.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    codes = np.select([s > 3, s >= 1, s == 0, s >= -3, s < -3], [0, 1, 2, 3, 4], 5)
    return pd.Categorical.from_codes(codes, categories=list(BINS))
