"""What a Monte Carlo study prepares once (`MonteCarloBase`): the baseline, the calibrated noise, the node
columns grading reads, the survey bootstrap and what its cells need (`analysis.uncertainty` runs the draws)."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from cchc_rules.analysis import mc_kernels
from cchc_rules.analysis.block_grade import BlockGrader, needed_columns, supported
from cchc_rules.analysis.bootstrap import SurveyBootstrap
from cchc_rules.analysis.noise import NUMERIC, calibrate, noise_grain, spread, value_per_point
from cchc_rules.data.model import EMPTY, VALUE, Dataset, Inputs
from cchc_rules.data.parse import answers_for, inputs_for
from cchc_rules.data.survey import Answers
from cchc_rules.dsl.models import Rulebook
from cchc_rules.engine.compile import AGG_SUM, KIND, MISSING, Compiled, compile_rulebook
from cchc_rules.engine.result import Result
from cchc_rules.engine.rounding import nano
from cchc_rules.engine.score import score_inputs
from cchc_rules.engine.vocabulary import OUT_OF_MAX, Reason
from cchc_rules.problems import Problems, define

NO_SURVEY = define(
    "A882",
    "Không thể lấy mẫu lại người trả lời: bộ dữ liệu không có phiếu khảo sát (survey.csv), "
    "hoặc được truyền dưới dạng Inputs đã đọc",
    "Cannot resample respondents: the dataset has no survey answers (survey.csv), or was given as parsed Inputs",
    "Bỏ survey_bootstrap, hoặc truyền bộ dữ liệu (Dataset) có survey.csv.",
    "Drop survey_bootstrap, or pass a dataset (Dataset) with survey.csv.",
)


class MonteCarloBase:
    """The baseline and everything a draw needs, computed once (`MonteCarlo` runs the draws)."""

    def __init__(
        self, rulebook: Rulebook, dataset: Dataset | Inputs, seed: int, weight_spread: float, threshold_shift: float,
        appraisal_noise: float | str, survey_bootstrap: bool, stage: str | None,
    ):
        inputs = dataset if isinstance(dataset, Inputs) else _inputs(dataset, rulebook)
        self.c: Compiled = compile_rulebook(rulebook)
        self.base: Result = score_inputs(self.c, inputs, stage)
        self.seed = seed
        self.spread = float(weight_spread)
        self.shift = float(threshold_shift)
        self.flags = self.base.flags
        c, sel = self.c, self.base.selected
        n = len(self.base.units)
        self.top_of = _top_ancestor(c)
        self._top_declared = np.array([c.nodes[t].max or 0.0 for t in c.top])
        self.adjust = self.base.totals.adjustments.sum(axis=1)
        structural = c.applies[:, c.leaf_node][self.base.group_codes]
        self.vpp = value_per_point(c, sel)
        numeric = np.isin(c.kind, [KIND[k] for k in NUMERIC]) & (self.vpp > 0)
        self.sigma = calibrate(c, inputs, sel, self.vpp) if appraisal_noise == "calibrated" else float(appraisal_noise)
        cells = (sel.status == VALUE) & structural & numeric[None, :]
        self.noise_cells = np.flatnonzero(cells.ravel()) if self.sigma > 0 else np.zeros(0, np.int64)
        self.noise_at = np.divmod(self.noise_cells, cells.shape[1])
        self._noise_grain = noise_grain(c)[self.noise_at[1]]
        self._scale_gates = any(g.kind == "min" for table in c.band_tables for b in table for g in b.gates)
        # the node columns the index and grading read, and the block grader (None: draw by draw with the engine)
        self.needed = needed_columns(c)
        ns = self.base.node_scores
        self._pts0 = np.ascontiguousarray(ns.points[:, self.needed])
        self._mx0 = np.ascontiguousarray(ns.max[:, self.needed])
        self._app0 = np.ascontiguousarray(ns.applicable[:, self.needed])
        self.grader = (BlockGrader(c, self.needed, self.base.group_codes, self.flags, self.base.unscored, self.top_of)
                       if supported(c) else None)
        self._noise_cols = np.arange(self.needed.size)  # every column: a draw's moves are added in one operation
        self._noise_narrow = spread(c, self.noise_at, n, self.needed[self._noise_cols])
        self._noise_up = mc_kernels.csr_up(self._noise_narrow)
        self._linear = False
        self._survey_args: tuple[np.ndarray | bool, ...] | None = None
        self.survey: SurveyBootstrap | None = None
        if survey_bootstrap:
            self._prepare_bootstrap(dataset, rulebook, structural)

    @property
    def leaf_level(self) -> bool:
        """Whether draws change leaf values (the survey bootstrap); appraisal noise does not: it moves points."""
        return self.survey is not None

    @property
    def _noise_spread(self) -> sparse.csr_matrix:
        """Noised cells → their leaf and every node above (cells × units·nodes): `noise_points`, `_run_each`."""
        return spread(self.c, self.noise_at, len(self.base.units))

    def _prepare_bootstrap(self, dataset: Dataset | Inputs, rulebook: Rulebook, structural: np.ndarray) -> None:
        answers = answers_for(dataset, rulebook) if isinstance(dataset, Dataset) else Answers.empty()
        if len(answers) == 0:
            problems = Problems()
            problems.add(NO_SURVEY, path="uncertainty/survey_bootstrap")
            problems.raise_if_errors()
        c = self.c
        leaves = [c.nodes[i] for i in c.leaf_node]
        self.by_form = np.array([bool(leaf.rule.survey and leaf.rule.survey.aggregate == "by_form")
                                 for leaf in leaves])
        n, n_leaves = self.base.selected.value.shape
        self.survey = SurveyBootstrap(answers, self.by_form, n, n_leaves)
        minimum = np.array([leaf.rule.survey.min_respondents if leaf.rule.survey else 1 for leaf in leaves])
        asked = np.zeros((n, n_leaves), dtype=bool)
        asked[answers.unit, answers.leaf] = True
        self.asked_at = np.nonzero(asked & structural)  # the cells whose value the survey decides
        unit, leaf = self.asked_at
        flat = unit * n_leaves + leaf
        cells = self.survey.cells
        found = np.searchsorted(cells, flat)
        hit = found < cells.size
        hit[hit] = cells[found[hit]] == flat[hit]
        self._asked_cell = np.where(hit, found, -1)
        self._asked_min = minimum[leaf]
        self._asked_keep = (c.missing == MISSING["error"])[leaf]
        self._asked_base = (self.base.selected.value[unit, leaf], self.base.selected.status[unit, leaf])
        self._prepare_survey_points(structural)

    def _prepare_survey_points(self, structural: np.ndarray) -> None:
        """What `survey_points` needs, and whether a draw's survey leaves can be passed up as changes (`_linear`):
        every node above them a plain sum, and `survey_points` giving the engine's points for the baseline."""
        c, leaves = self.c, self.base.leaves
        unit, leaf = self.asked_at
        self._asked_pts = leaves.points[unit, leaf]
        self._asked_app = leaves.applicable[unit, leaf].astype(np.int64)
        self._asked_max = c.leaf_max_nano[leaf]
        self._asked_leaf_max = c.leaf_max[leaf]
        reason = c.missing_reason[leaf]
        self._asked_missing_pts = np.where(np.isin(reason, [Reason.MISSING_MAX, Reason.ZERO_TOTAL_MAX]),
                                           c.leaf_max_nano[leaf], 0)
        self._asked_missing_app = ~np.isin(reason, list(OUT_OF_MAX))
        plain = {p.node: p.agg == AGG_SUM and not p.floor for p in c.parents}
        linear = True
        for j in np.unique(leaf):
            node = c.parent[c.leaf_node[j]]
            while node >= 0 and linear:
                linear = plain[int(node)]
                node = c.parent[node]
        pts, app = self.survey_points(*self._asked_base)
        self._linear = linear and np.array_equal(pts, self._asked_pts) and np.array_equal(app, self._asked_app > 0)
        if self._linear:
            n = len(self.base.units)
            self._survey_cols = _touched(c, leaf, self.needed)  # the needed columns above survey leaves
            columns = self.needed[self._survey_cols]
            self._survey_narrow = spread(c, self.asked_at, n, columns)
            counted = spread(c, np.nonzero(leaves.applicable), n, columns)
            self._count0 = np.asarray(counted.sum(axis=0)).reshape(n, columns.size).astype(np.int64)
            self._survey_args = self._kernel_args()

    def _kernel_args(self) -> tuple[np.ndarray | bool, ...] | None:
        """The arrays `mc_kernels.survey_moves` reads (None when the sums do not share one sparsity structure)."""
        s = self.survey
        if s is None:
            return None
        same = all(np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
                   for a, b in ((s.num, s.den), (s.num, s.count), (s.g_sum, s.g_count)))
        if not same:
            return None
        up = mc_kernels.csr_up(self._survey_narrow)
        return (s.num.indptr, s.num.indices, s.num.data, s.den.data, s.count.data, s.g_sum.indptr, s.g_sum.indices,
                s.g_sum.data, s.g_count.data, s.g_cell.indptr, s.g_cell.indices, s.g_cell.data, s.by_form,
                bool(s.by_form.any()), self._asked_cell.astype(np.int64), self._asked_min.astype(np.int64),
                self._asked_keep, self._asked_base[0], self._asked_base[1], self._asked_leaf_max,
                self._asked_missing_pts.astype(np.int64), self._asked_missing_app, self._asked_pts,
                self._asked_app, self._asked_max.astype(np.int64), up[0], up[1])

    def survey_points(self, value: np.ndarray, status: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Points (nano) and applicability of the asked cells (axis 0) for their values and status, as the engine
        scores a survey leaf: value × max clamped to [0, max] (NaN → 0); no value → the leaf's missing policy;
        a status kept from the baseline other than a value or none → the baseline's."""
        extra = (slice(None),) + (None,) * (value.ndim - 1)
        mx = self._asked_leaf_max[extra]
        with np.errstate(invalid="ignore"):
            raw = np.minimum(np.fmax(value * mx, 0.0), mx)
        has = status == VALUE
        pts = np.where(has, nano(np.where(has, raw, 0.0)), self._asked_missing_pts[extra])
        app = has | self._asked_missing_app[extra]
        other = ~has & (status != EMPTY)
        pts = np.where(other, self._asked_pts[extra], pts)
        app = np.where(other, self._asked_app[extra].astype(bool), app)
        return pts, app

    def survey_values(self, mean: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values and status of the `asked_at` cells (axis 0) from their aggregated mean and count, as the data
        layer sets them: fewer than `min_respondents` counted answers → no value (the missing policy applies),
        except under `missing: error`, where the baseline value stays."""
        extra = (slice(None),) + (None,) * (mean.ndim - 1)
        enough = count >= self._asked_min[extra]
        keep = self._asked_keep[extra] & ~enough
        value = np.where(keep, self._asked_base[0][extra], np.where(enough, mean, np.nan))
        status = np.where(keep, self._asked_base[1][extra], np.where(enough, VALUE, EMPTY)).astype(np.int8)
        return value, status


def _inputs(dataset: Dataset, rulebook: Rulebook) -> Inputs:
    return inputs_for(dataset, rulebook)


def _touched(c: Compiled, leaves: np.ndarray, needed: np.ndarray) -> np.ndarray:
    """Positions in `needed` (node numbers) of the nodes at or above any of `leaves` (leaf numbers)."""
    seen = np.zeros(len(c.node_ids), dtype=bool)
    node = np.unique(c.leaf_node[np.unique(leaves)])
    while node.size:
        seen[node] = True
        node = np.unique(c.parent[node][c.parent[node] >= 0])
    return np.flatnonzero(seen[needed])


def _top_ancestor(c: Compiled) -> np.ndarray:
    """Per node, the position (in `c.top`) of its top-level ancestor."""
    top = np.arange(len(c.node_ids))
    while (c.parent[top] >= 0).any():
        top = np.where(c.parent[top] >= 0, c.parent[top], top)
    return np.searchsorted(c.top, top)
