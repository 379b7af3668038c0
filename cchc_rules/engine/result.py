"""The result of scoring: tidy tables, arrays for analysis code, JSON, and the ledger on demand."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, TypedDict, cast

import numpy as np
import pandas as pd

from cchc_rules.display import NO_VALUE
from cchc_rules.engine.explain import Ledger, build_ledger
from cchc_rules.engine.rounding import NANO, publish
from cchc_rules.engine.vocabulary import IndexScores, LeafScores, NodeScores, Selected, flag_matrix
from cchc_rules.i18n import pick
from cchc_rules.json_types import JsonObject
from cchc_rules.problems import CchcError, Problem, Problems, define, nearest

if TYPE_CHECKING:
    from cchc_rules.data.model import Inputs
    from cchc_rules.dsl.models import Rulebook
    from cchc_rules.engine.compile import Compiled
    from cchc_rules.engine.grading import Graded

UNKNOWN_UNIT = define(
    "E405",
    "Không có đơn vị '{unit}' trong kết quả",
    "There is no unit '{unit}' in the result",
    "Chọn một mã đơn vị có trong dữ liệu, ví dụ: {near}.",
    "Choose a unit id of the dataset, e.g. {near}.",
)
NOTHING_APPLIES = define(
    "E402",
    "Đơn vị '{unit}' không được chấm điểm: không có tiêu chí nào được tính (mọi tiêu chí đều không áp dụng "
    "hoặc không có dữ liệu); đơn vị không được xếp loại, xếp hạng",
    "Unit '{unit}' is unscored: no criterion counts (every criterion is out of its maximum or without data); "
    "it gets no band and no rank",
    "Nhập giá trị cho ít nhất một tiêu chí áp dụng cho nhóm '{group}', hoặc kiểm tra applies_to và các ô NA.",
    "Enter a value for one criterion of group '{group}' at least, or check applies_to and the NA cells.",
)
NO_DATA = define(
    "E410",
    "{leaf}: không có dữ liệu cho {n} trên {total} đơn vị (nhóm không có dữ liệu nào: {groups_vi}): điểm của tiêu "
    "chí này chỉ do quy định khi thiếu dữ liệu (missing: {policy}) quyết định",
    "{leaf}: no data for {n} of {total} units (groups without any: {groups_en}): its points come from the missing "
    "policy ({policy}) alone",
    "Thu thập dữ liệu cho tiêu chí này, hoặc đọc kết quả biết rằng nó không phân biệt các đơn vị.",
    "Collect data for this criterion, or read the result knowing that it does not tell the units apart.",
)
UNSCORED_NOTE = {"vi": "không được chấm điểm: không có tiêu chí nào được tính",
                 "en": "unscored: no criterion counts"}
UNKNOWN_BAND = define(
    "E406",
    "Không có mức xếp loại '{band}' (các mức: {bands})",
    "There is no band '{band}' (the bands: {bands})",
    "Chọn một trong các mức: {bands}.",
    "Choose one of the bands: {bands}.",
)


class GroupNames(TypedDict):
    """Message fields for groups: their ids and their names in each language."""

    groups: list[str]
    groups_vi: list[str]
    groups_en: list[str]


def _text(column: pd.Series) -> object:
    """A text column as it will be in the table: its own array when it is already text (no re-inference)."""
    return column.array if isinstance(column.dtype, pd.StringDtype) else column.to_numpy()


class Result:
    """Scores of every unit of a dataset under one rulebook, at one stage.

    `units`: one row per unit, built on first use (unit_id, name, group, index, published, band, rank, points, max,
    adjustment, then the points of each top-level node, NaN when out of the unit's maximum, then
    filled and note). `filled` counts the unit's leaves whose value a `missing` policy gave; `note` says
    why an unscored unit (nothing applicable: index NaN, no band, no rank) has no score.
    Gaps: `filled` (units × leaves, bool), `gaps` (per criterion and group), `no_data` (criteria
    without data for any unit of a group), `unscored` (per unit) and `warnings` (E402, E410).
    `nodes`: one row per node × unit (unit_id, node_id, points, max, applicable, share), built on first use.
    Numbers are unrounded (9 decimals); `published` is the index rounded half up for display.
    Scored by the compiled pass, `node_scores`, `selected` and `leaves` are computed on first read.
    """

    def __init__(
        self, compiled: Compiled, inputs: Inputs, selected: Selected | None, leaves: LeafScores | None,
        node_scores: NodeScores | None, totals: IndexScores, graded: Graded, groups: np.ndarray,
        flags: np.ndarray | None = None, *, stage: int | None = None,
        detail: Callable[[], tuple[Selected, LeafScores]] | None = None, filled: np.ndarray | None = None,
        every_node: Callable[[], NodeScores] | None = None, top: tuple[np.ndarray, np.ndarray] | None = None,
    ):
        """`selected` and `leaves` may be None with `detail` giving them on first use (`stage`: the stage's index);
        `filled`: per unit, the count of `LeafScores.filled` (the units table's column) when known without them.
        `node_scores` may be None with `every_node` giving them on first use; `top`: the top-level nodes' points
        and applicability (units × `compiled.top`), for the units table without every node."""
        self.compiled = compiled
        self.inputs = inputs
        if selected is not None:
            self.__dict__["selected"] = selected  # the cached properties, already computed
        if leaves is not None:
            self.__dict__["leaves"] = leaves
        if (selected is None or leaves is None) and (detail is None or stage is None):
            raise ValueError("Result needs `selected` and `leaves`, or `detail` and `stage` to compute them")
        self._detail = detail
        self._stage: int = selected.stage if selected is not None else cast(int, stage)
        self._filled_count = filled
        if node_scores is not None:
            self.__dict__["node_scores"] = node_scores  # the cached property, already computed
        elif every_node is None:
            raise ValueError("Result needs `node_scores`, or `every_node` to compute them")
        self._every_node = every_node
        self._top = top
        self.totals = totals
        self.graded = graded
        self.group_codes = groups
        if flags is not None:
            self.__dict__["flags"] = flags  # the cached property, already computed for grading

    def _load_detail(self) -> None:
        assert self._detail is not None
        selected, leaves = self._detail()
        self.__dict__.setdefault("selected", selected)
        self.__dict__.setdefault("leaves", leaves)

    @cached_property
    def node_scores(self) -> NodeScores:
        """Every node's points, applicable maximum and applicability per unit (`vocabulary.NodeScores`), computed
        on first use when scoring kept only the nodes grading reads."""
        assert self._every_node is not None
        return self._every_node()

    @cached_property
    def selected(self) -> Selected:
        """The value used per unit × leaf at the stage (`vocabulary.Selected`), computed on first use."""
        self._load_detail()
        selected: Selected = self.__dict__["selected"]
        return selected

    @cached_property
    def leaves(self) -> LeafScores:
        """Each leaf's points, applicability, reason per unit (`vocabulary.LeafScores`), computed on first use."""
        self._load_detail()
        leaves: LeafScores = self.__dict__["leaves"]
        return leaves

    @property
    def rulebook(self) -> Rulebook:
        return self.compiled.rulebook

    @property
    def stage(self) -> str:
        return self.rulebook.stages[self._stage]

    @property
    def node_ids(self) -> list[str]:
        return self.compiled.node_ids

    @cached_property
    def node_points(self) -> np.ndarray:
        """Units × nodes, points (NaN when out of the unit's maximum)."""
        ns = self.node_scores
        return np.where(ns.applicable, ns.points / NANO, np.nan)

    @cached_property
    def node_max(self) -> np.ndarray:
        """Units × nodes, the applicable maximum (0 when out)."""
        return self.node_scores.max / NANO

    @cached_property
    def leaf_points(self) -> np.ndarray:
        """Units × leaves (in `compiled.leaf_ids` order), points (NaN when out)."""
        return self.node_points[:, self.compiled.leaf_node]

    @cached_property
    def index(self) -> np.ndarray:
        """Per unit, the index (NaN when unscored)."""
        return np.where(self.unscored, np.nan, self.totals.index / NANO)

    # ------------------------------------------------------------ gaps
    @cached_property
    def unscored(self) -> np.ndarray:
        """Per unit, True when nothing applicable counts (no index, band or rank)."""
        u = self.totals.unscored
        return np.zeros(len(self.inputs.units), dtype=bool) if u is None else u

    @cached_property
    def filled(self) -> np.ndarray:
        """Units × leaves (`compiled.leaf_ids` order): True where the leaf had no value at the stage and its
        `missing` policy gave it one (zero, max or na). `filled.sum(axis=0)` per criterion, `axis=1` per unit."""
        return self.leaves.filled

    @cached_property
    def gaps(self) -> pd.DataFrame:
        """One row per criterion × group with a filled value: leaf_id, code, group, policy, filled (units whose
        value the policy gave), units (units of the group the criterion applies to)."""
        c = self.compiled
        structural = c.applies[:, c.leaf_node][self.group_codes]  # units × leaves
        rows = []
        for g, group in enumerate(c.group_ids):
            members = (self.group_codes == g) & ~self.unscored
            filled = self.filled[members].sum(axis=0)
            units = structural[members].sum(axis=0)
            for j in np.flatnonzero(filled):
                node = c.nodes[c.leaf_node[j]]
                rows.append({"leaf_id": c.leaf_ids[j], "code": node.label, "group": group,
                             "policy": self.rulebook.missing_for(node), "filled": int(filled[j]),
                             "units": int(units[j])})
        return pd.DataFrame(rows, columns=["leaf_id", "code", "group", "policy", "filled", "units"])

    @cached_property
    def no_data(self) -> pd.DataFrame:
        """The rows of `gaps` where no unit of the group had data: the criterion cannot tell them apart."""
        g = self.gaps
        return g[(g["filled"] == g["units"]) & (g["units"] > 0)].reset_index(drop=True)

    @cached_property
    def warnings(self) -> list[Problem]:
        """Located warnings: every unscored unit (E402), every criterion without data in a group (E410)."""
        problems = Problems()
        units = self.inputs.units
        located = self.inputs.unit_pos  # data.parse keeps where each unit was read
        for u in np.flatnonzero(self.unscored):
            pos = located[u] if u < len(located) else None
            problems.add(NOTHING_APPLIES, pos, f"units/{units['unit_id'].iat[u]}", "warning",
                         unit=units["unit_id"].iat[u], group=units["group"].iat[u])
        nodes = self.rulebook.nodes()
        for leaf_id, rows in self.no_data.groupby("leaf_id", sort=False):
            problems.add(NO_DATA, nodes[leaf_id].pos, f"criteria/{leaf_id}", "warning", leaf=rows["code"].iat[0],
                         n=int(rows["filled"].sum()), total=self.applies_to_count(leaf_id),
                         **self.group_names(list(rows["group"])),
                         policy=rows["policy"].iat[0])
        return list(problems)

    def group_names(self, groups: list[str]) -> GroupNames:
        """Message fields for groups: `groups` (ids), `groups_vi` and `groups_en` (their names)."""
        names = self.rulebook.groups
        return {"groups": groups, "groups_vi": [pick(names.get(g, g), "vi") for g in groups],
                "groups_en": [pick(names.get(g, g), "en") for g in groups]}

    def applies_to_count(self, leaf_id: str) -> int:
        """How many scored units the criterion applies to (by group: `applies_to`)."""
        c = self.compiled
        j = c.leaf_ids.index(leaf_id)
        return int(c.applies[self.group_codes, c.leaf_node[j]][~self.unscored].sum())

    @cached_property
    def units(self) -> pd.DataFrame:
        """One row per unit (see the class's docstring), built on first use."""
        return self._units_table()

    def _units_table(self) -> pd.DataFrame:
        c, t, g = self.compiled, self.totals, self.graded
        src = self.inputs.units
        rank = pd.array(g.rank, dtype="Int64")
        rank[~g.ranked] = pd.NA
        if self._top is None or "node_scores" in self.__dict__:
            ns = self.node_scores
            top_points, top_applicable = ns.points[:, c.top], ns.applicable[:, c.top]
        else:
            top_points, top_applicable = self._top
        top = np.where(top_applicable, top_points / NANO, np.nan)
        table = {
            "unit_id": _text(src["unit_id"]),
            "name": _text(src["name"] if "name" in src else src["unit_id"]),
            "group": pd.Categorical.from_codes(self.group_codes, categories=c.group_ids),
            "index": self.index,
            "published": np.where(self.unscored, NO_VALUE, publish(t.index, c.decimals)),
            "band": pd.Categorical.from_codes(g.band, categories=c.band_ids),
            "rank": rank,
            "points": t.earned / NANO,
            "max": t.possible / NANO,
            "adjustment": t.adjustments.sum(axis=1) / NANO,
        }
        for j, n in enumerate(c.top):
            table.setdefault(c.node_ids[n], top[:, j])
        frame = pd.DataFrame(table)  # gaps last, so that the top-level nodes keep their place after `adjustment`
        frame["filled"] = self.filled.sum(axis=1) if self._filled_count is None else self._filled_count
        frame["note"] = np.where(self.unscored, f"{UNSCORED_NOTE['vi']} / {UNSCORED_NOTE['en']}", "")
        return frame

    @cached_property
    def nodes(self) -> pd.DataFrame:
        """One row per node × unit (node-major: the engine's layout, so no column is copied twice), built on
        first use."""
        n_units, n_nodes = self.node_scores.points.shape
        ids = pd.Categorical(self.units["unit_id"])
        # The units × nodes arrays are views of nodes × units ones: ravel in F order is free.
        mx = self.node_max.ravel(order="F")
        pts = self.node_points.ravel(order="F")
        with np.errstate(invalid="ignore", divide="ignore"):
            share = pts / mx
        return pd.DataFrame(
            {
                "unit_id": pd.Categorical.from_codes(np.tile(ids.codes.astype(np.int32), n_nodes), dtype=ids.dtype),
                "node_id": pd.Categorical.from_codes(np.repeat(np.arange(n_nodes, dtype=np.int32), n_units),
                                                     categories=self.node_ids),
                "points": pts,
                "max": mx,
                "applicable": self.node_scores.applicable.ravel(order="F"),
                "share": share,
            },
            copy=False,  # the columns are fresh arrays: no copy, and no stacking into one 2-D block
        )

    @cached_property
    def flags(self) -> np.ndarray:
        """Units × flags (`compiled.flag_ids`), True where the unit carries the flag."""
        return flag_matrix(self.compiled.flag_ids, self.inputs.units)

    @cached_property
    def _rows(self) -> dict[str, int]:
        """Unit id (as text) → its first row, for `row_of` (called once per unit by ledgers and workbooks)."""
        rows: dict[str, int] = {}
        for i, unit_id in enumerate(self.units["unit_id"].astype(str)):
            rows.setdefault(unit_id, i)
        return rows

    def row_of(self, unit_id: str) -> int:
        """The row of a unit (E405 when unknown)."""
        row = self._rows.get(str(unit_id))
        if row is None:
            problems = Problems()
            problems.add(UNKNOWN_UNIT, path=f"units/{unit_id}", unit=unit_id,
                         near=nearest(str(unit_id), self.units["unit_id"].astype(str)))
            raise CchcError(problems.items)
        return row

    def band_label(self, band_id: str, lang: str | None = None) -> str:
        """The label of a band in a language (the first band list that has the id)."""
        rb = self.rulebook
        for band in rb.all_bands():
            if band.id == band_id:
                return pick(band.label, lang)
        problems = Problems()
        problems.add(UNKNOWN_BAND, path=f"bands/{band_id}", band=band_id, bands=self.compiled.band_ids)
        problems.raise_if_errors()
        return ""

    def explain(self, unit_id: str, lang: str | None = None) -> Ledger:
        """How one unit's index, band and rank came about, in Vietnamese or English."""
        return build_ledger(self, self.row_of(unit_id), lang)

    def to_json(self) -> JsonObject:
        """`{"rulebook": id, "units": [...]}` with unrounded numbers; nodes out of the maximum are null."""
        u = self.units
        pts = self.node_points
        columns = [u[k].astype(object).where(u[k].notna(), None).tolist() for k in ("unit_id", "group", "band", "rank")]
        out = []
        for i, (unit_id, group, band, rank) in enumerate(zip(*columns)):
            out.append(
                {
                    "unit_id": unit_id,
                    "group": group,
                    "index": None if self.unscored[i] else float(self.index[i]),
                    "published": u["published"].iat[i],
                    "band": band,
                    "rank": None if rank is None else int(rank),
                    "nodes": {nid: (None if np.isnan(p) else float(p)) for nid, p in zip(self.node_ids, pts[i])},
                }
            )
        return {"rulebook": self.rulebook.id, "units": out}
