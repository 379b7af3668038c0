"""Compare two results: two rulebooks on the same data, or one rulebook on two years of data.

`compare(base, variant, crosswalk=None)` matches units by id, or through a crosswalk
(`analysis.matching`, which says how merged units are re-expressed). `Comparison` holds the
per-unit table and computes the summary, the band transitions, the movement bins and the
decomposition of each change (`analysis.contributions`).

Rank correlations (`summary`) use the units present and ranked on both sides, pooled within
the comparison's groups when either rulebook ranks within groups (`analysis.ranks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, TypedDict

import numpy as np
import pandas as pd

from cchc_rules.analysis.contributions import SPECIAL_ROWS, contributions
from cchc_rules.analysis.decomposition import decompose
from cchc_rules.analysis.gaps import comparison_gaps
from cchc_rules.analysis.jsonable import json_value
from cchc_rules.analysis.matching import (
    BINS,
    bins_of,
    mapping_of,
    matched_units,
    own_side,
    pool_sizes,
    reexpress,
    unit_columns,
)
from cchc_rules.analysis.paired import Paired
from cchc_rules.analysis.ranks import rank_correlation
from cchc_rules.dsl.diff import compare_rulebooks
from cchc_rules.json_types import JsonObject
from cchc_rules.numbers import plain
from cchc_rules.problems import Problem, Problems, define, nearest

if TYPE_CHECKING:
    from cchc_rules.dsl.diff import Difference
    from cchc_rules.engine.result import Result

__all__ = ["BINS", "SPECIAL_ROWS", "Comparison", "bins_of", "compare", "json_value", "rank_correlation",
           "unit_columns"]
MOVERS = 5

UNKNOWN_UNIT = define(
    "A805",
    "Không có đơn vị '{unit}' trong phép so sánh",
    "There is no unit '{unit}' in the comparison",
    "Chọn một mã đơn vị có ở một trong hai bên, ví dụ: {near}.",
    "Choose a unit id present on one side at least, e.g. {near}.",
)
DIFFERENT_SCALES = define(
    "A811",
    "Hai bên có thang điểm khác nhau ({base} và {variant} điểm): chênh lệch chỉ số không so sánh được trực tiếp",
    "The two sides have different scales ({base} and {variant} points): index changes are not like for like",
    "So sánh thứ hạng theo phần trăm (hạng ÷ số đơn vị) và xếp loại, hoặc quy đổi chỉ số về cùng thang điểm.",
    "Compare percentile ranks (rank ÷ group size) and bands, or convert the indices to one scale first.",
)
DIFFERENT_GROUP_SIZES = define(
    "A812",
    "Thứ hạng của {n} đơn vị được xếp trong các nhóm có số đơn vị khác nhau ở hai bên (ví dụ {unit}: hạng trong "
    "{base} đơn vị ở bên gốc, trong {variant} đơn vị ở bên phương án): thay đổi hạng không so sánh được trực tiếp",
    "{n} units are ranked among groups of different sizes on the two sides (e.g. {unit}: ranked among {base} "
    "units on the base side, among {variant} on the variant side): rank shifts are not like for like",
    "Đọc cột hạng theo phần trăm (hạng ÷ số đơn vị được xếp hạng của nhóm) bên cạnh hạng.",
    "Read the percentile rank columns (rank ÷ ranked units of the group) beside the ranks.",
)


class Mover(TypedDict):
    """A unit among the biggest movers of a comparison."""

    unit_id: str
    name: str
    rank_shift: int
    index_delta: float


class Summary(TypedDict):
    """A comparison's headline figures; rank statistics exclude units not ranked on both sides."""

    kendall_tau: float | None
    spearman: float | None
    band_changes: int
    mean_abs_rank_shift: float | None
    mean_index_delta: float | None
    movers_up: list[Mover]
    movers_down: list[Mover]
    units_base: int
    units_variant: int
    units_matched: int
    units_left_out: int


@dataclass
class Comparison(Paired):
    """How a variant result differs from a base result, unit by unit and in summary.

    `units`: unit_id, name, group, index_base, index_variant, index_delta, rank_base,
    rank_variant, rank_shift (positive = moved up), band_base, band_variant, band_changed, bin,
    present (both/base/variant), predecessors (the base units a unit's base figures come from),
    pool_base, pool_variant (ranked units of the group the unit is ranked in), pct_rank_base,
    pct_rank_variant (rank ÷ pool: comparable across group sizes and scales).
    `summary`: kendall_tau, spearman, band_changes, mean_abs_rank_shift, mean_index_delta,
    movers_up, movers_down, units_base, units_variant, units_matched, units_left_out (present on
    both sides but not ranked on both: left out of the means and correlations).
    `warnings`: located A810 (a criterion without data), A811 (scales differ), A812 (group sizes
    differ). `like_for_like`: False when scales or group sizes differ (then show percentile ranks).
    `transitions`: counts, base bands (rows) × variant bands (columns), every band of each side.
    `bins`: units per bin (BINS order). `rulebook_diff`: `dsl.diff.Difference`s ([] when the same rulebook).
    """

    @cached_property
    def summary(self) -> Summary:
        u = self.units
        both = u[u["present"] == "both"]
        comparable = u["rank_shift"].notna()
        ranked = both[both["rank_shift"].notna()]
        shift = u.loc[comparable, "rank_shift"].astype(float)
        tau, rho = rank_correlation(u, "rank_base", "rank_variant", self._pools(u))
        return Summary(
            kendall_tau=tau,
            spearman=rho,
            band_changes=int(both["band_changed"].fillna(False).sum()),
            mean_abs_rank_shift=float(shift.abs().mean()) if len(shift) else None,
            mean_index_delta=float(ranked["index_delta"].mean()) if len(ranked) else None,
            movers_up=_movers(u[comparable & (u["rank_shift"] > 0)], ascending=False),
            movers_down=_movers(u[comparable & (u["rank_shift"] < 0)], ascending=True),
            units_base=len(self.base.units),
            units_variant=len(self.variant.units),
            units_matched=len(both),
            units_left_out=len(both) - len(ranked),
        )

    @cached_property
    def different_scales(self) -> bool:
        return float(self.base.rulebook.scale) != float(self.variant.rulebook.scale)

    @cached_property
    def different_pools(self) -> pd.DataFrame:
        """The units ranked on both sides whose rank pools differ in size."""
        u = self.units
        return u[u["pool_base"].notna() & u["pool_variant"].notna() & (u["pool_base"] != u["pool_variant"])]

    @property
    def like_for_like(self) -> bool:
        """Whether index changes and rank shifts compare like with like (same scale, same group sizes)."""
        return not self.different_scales and self.different_pools.empty

    @cached_property
    def warnings(self) -> list[Problem]:
        """What makes this comparison misleading if read naively (A810, A811, A812), located."""
        problems = Problems()
        problems.extend(comparison_gaps(self))
        if self.different_scales:
            problems.add(DIFFERENT_SCALES, self.variant.rulebook.field_pos("scale"), "scale", "warning",
                         base=plain(float(self.base.rulebook.scale)), variant=plain(float(self.variant.rulebook.scale)))
        odd = self.different_pools
        if len(odd):
            first = odd.iloc[0]
            problems.add(DIFFERENT_GROUP_SIZES, None, f"units/{first['unit_id']}", "warning", n=len(odd),
                         unit=first["unit_id"], base=int(first["pool_base"]), variant=int(first["pool_variant"]))
        return list(problems)

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
        return contributions(self, lang)

    @cached_property
    def decomposition(self) -> pd.DataFrame:
        """Each unit's change by field, criterion and sub-criterion, adding up exactly (`analysis.decomposition`)."""
        return decompose(self)

    def to_json(self) -> JsonObject:
        """The shape of `cchc compare --json` (NaN and NA → null), with the warnings in both languages."""
        keys = ["unit_id", "index_base", "index_variant", "index_delta", "rank_base", "rank_variant", "rank_shift",
                "band_base", "band_variant", "pct_rank_base", "pct_rank_variant"]
        units = [{k: json_value(row[k]) for k in keys} for row in self.units[keys].to_dict("records")]
        summary = {k: json_value(v) for k, v in self.summary.items()}
        transitions = {
            str(b): {str(v): int(n) for v, n in row.items()} for b, row in self.transitions.to_dict("index").items()
        }
        warnings = [{"code": p.code, "path": p.path, "vi": p.what("vi"), "en": p.what("en")} for p in self.warnings]
        return {"units": units, "summary": summary, "transitions": transitions, "warnings": warnings}

    def _pools(self, units: pd.DataFrame) -> np.ndarray:
        if self.base.compiled.rank_within_group or self.variant.compiled.rank_within_group:
            return pd.Categorical(units["group"].astype(str)).codes
        return np.zeros(len(units), dtype=np.int64)


def compare(base: Result, variant: Result, crosswalk: pd.DataFrame | None = None) -> Comparison:
    """Compare a variant result with a base result (see the module's docstring for the matching)."""
    v = own_side(variant)
    b = own_side(base) if crosswalk is None else reexpress(base, mapping_of(crosswalk), v.table)
    units = matched_units(b.table, v.table)
    for name, side, within in (("base", b, base.compiled.rank_within_group),
                               ("variant", v, variant.compiled.rank_within_group)):
        pool = pool_sizes(side.table, within)
        units[f"pool_{name}"] = units["unit_id"].map(pool).astype("Int64")
        units[f"pct_rank_{name}"] = units[f"rank_{name}"].astype("Float64") / units[f"pool_{name}"].astype("Float64")
    return Comparison(base, variant, units, b, v)


def _movers(units: pd.DataFrame, ascending: bool) -> list[Mover]:
    top = units.sort_values(["rank_shift", "index_delta"], ascending=[ascending, ascending], kind="stable")
    return [
        Mover(unit_id=str(r.unit_id), name=str(r.name), rank_shift=int(r.rank_shift), index_delta=float(r.index_delta))
        for r in top.head(MOVERS).itertuples(index=False)
    ]
