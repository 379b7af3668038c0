"""Monte Carlo around a rulebook (spec §10 `uncertainty.vary`): median rank, 5–95% interval, band odds.

`uncertainty(rulebook, dataset, draws, seed, ...)` scores the dataset once, then redraws, per
draw, whatever is asked to vary and grades again with the engine's own grading (groups,
exclusions, tie-breaks, gates, quotas: `engine.grading.grade`):

- `weight_spread` s: each top-level node's weight is multiplied by U(1 − s, 1 + s) and the
  weights renormalised so that the top-level maxima add up to the scale again. Each node keeps
  its share (points ÷ max): its points scale with its max, as `reweight` scales rule points
  and reads an assessor's points (`points` leaves) out of their old maximum. The index is a
  ratio, so the renormalisation cancels in it; it matters for
  gates in points (`min`, not scaled, as with `reweight`), which compare the reweighted points.
- `threshold_shift` h: one shift U(−h, +h) per draw added to every band minimum of every group;
  a band whose minimum is 0 or below (the one that catches every index) is not shifted.
- `appraisal_noise` σ (points of the leaf) or `"calibrated"`: what a second, independent
  appraisal of the same evidence might have given. The noise stands for the disagreement
  between two readings of one unit's evidence, not for a bias of the first one, so it keeps
  the baseline at the centre: per draw and per value of a leaf whose rule reads a number
  (ladder, linear, points, deduct, relative) at the scored stage, the leaf's points move by
  η ~ N(0, σ), rounded to the rule's own grain (a ladder moves by whole steps, the smallest
  gap between its steps' points; a deduct by whole faults, `per`; linear, points and relative
  leaves by any amount). The move is added to the leaf and to every node above it and is not
  clamped there (caps, floors and best-k are not re-applied to it): a value at the top of its
  rule (100% on a ladder, no fault, full points) is as likely to have been under-rated as
  over-rated, whereas moving the value itself and re-applying the rule lets it only fall (that
  older model lowered median indices by 0.73 points on the sample province 2023 even at
  σ = 0.001). Draws come in antithetic pairs (draw 2k + 1 moves every leaf by minus the moves
  of draw 2k), so with an even number of draws each unit's index sample is symmetric around
  its baseline and its median stays there (within 0.01 points on the shipped samples; the index is then clamped to
  [0, scale], which keeps the median). Binary, levels, ratio and survey values are left as
  they are (categorical or counted; survey uncertainty is the bootstrap's). `"calibrated"`:
  σ = the sample standard deviation (ddof 1) of the gaps, in points, between a unit's own
  self-assessment (the first stage) and the appraised value (the scored stage): (first-stage
  value − scored value) ÷ `value_per_point`, pooled over every unit × numeric leaf that has a
  value at the first stage and one at a later stage up to the scored one.
- `survey_bootstrap`: respondents are resampled with replacement within each respondent form
  (so the forms keep their sizes), all answers of a drawn respondent come along, and the
  answers are aggregated again as `data.survey.aggregate` would (`SurveyBootstrap`, without
  building the resampled answers). A unit × leaf left with fewer counted
  answers than `min_respondents` follows the leaf's missing policy, except under `missing:
  error`, where it keeps its baseline value.

Draws run in blocks (`chunk` draws at a time, 50 by default; `MonteCarlo.run_block`), and only what
a draw changes is computed again, on the node columns the index and grading read (top-level nodes,
tie-breaks, gate nodes and the leaves of `max_zero_leaves` gates: `block_grade.needed_columns`):
- the survey bootstrap rescores only the survey cells (the sums over the drawn respondents, the value
  the data layer would set, the leaf's points) and adds their changes of points, maximum and
  applicability to the nodes above them, all plain sums (otherwise, or if the survey leaves' points
  are not the engine's, the leaves and tree of every draw are scored again by the engine's kernel);
- the appraisal noise moves the nodes above the noised cells (each antithetic pair's normals drawn once);
- the weights weight the top-level columns; the threshold shift moves the band minima;
then every draw of the block is graded at once (`block_grade.BlockGrader`: ranks with tie-breaks,
thresholds, gates, quotas, exactly as `engine.grading.grade`; quantile bands and ranks on the
published figure are graded draw by draw by the engine). The hot loops (survey sums, noise moves,
ranks) run compiled when numba is installed (`analysis.mc_kernels`, the `fast` extra; `CCHC_KERNEL=numpy`
turns it off), with a numpy path giving the same arrays. While a block is computed, the next block's random
numbers are drawn in another thread (`tally_range`; numpy's generators and the compiled passes release the
GIL, so the two run on two cores); each draw's numbers come from its own generator, so they are the same. What is kept
is flat in the number of draws: per unit a histogram of ranks, counts of bands and a histogram
of the index (the index to the nearest scale ÷ 10,000, with the exact minimum and maximum),
from which the quantiles come. Rank quantiles are inverted-CDF ones (numpy's `inverted_cdf`): whole
ranks; index quantiles are averaged inverted-CDF ones (`averaged_inverted_cdf`, so that the median
of a symmetric sample is its centre), to the nearest 0.01 on a scale of 100 (so exact for such figures),
clamped to the observed range (so exact when every draw gives the same index). Every random
number of draw d comes from its own generator, `SeedSequence(seed, spawn_key=(d,))`, so the
output depends on the seed only, never on the chunk size.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cchc_rules import limits
from cchc_rules.analysis import mc_kernels
from cchc_rules.analysis.bootstrap import SurveyBootstrap
from cchc_rules.analysis.mc_prepare import MonteCarloBase
from cchc_rules.analysis.noise import calibrate, noise_grain, value_per_point
from cchc_rules.analysis.on_dask import map_shared
from cchc_rules.analysis.tally import Packed, Tally
from cchc_rules.cluster import ranges, workers
from cchc_rules.data.model import Dataset, Inputs
from cchc_rules.dsl.models import Rulebook
from cchc_rules.engine import fused
from cchc_rules.engine.compile import Compiled, CompiledBand, CompiledGate
from cchc_rules.engine.grading import grade
from cchc_rules.engine.rounding import NANO, nano, nano1
from cchc_rules.engine.score import aggregate, leaf_points
from cchc_rules.engine.vocabulary import NodeScores, Selected
from cchc_rules.problems import Problems, define
from cchc_rules.safe_text import progress_stream

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["Block", "Draw", "MonteCarlo", "SurveyBootstrap", "calibrate", "drawn_bands", "index_nano", "noise_grain",
           "tally_range", "uncertainty", "value_per_point"]  # the helpers' new homes re-exported

BAD_PARAMETER = define(
    "A880",
    "Tham số phân tích bất định '{name}' không hợp lệ: {value}",
    "The uncertainty parameter '{name}' is not valid: {value}",
    "Dùng {expected_vi}.",
    "Use {expected_en}.",
)


# ---------------------------------------------------------------- public API
def uncertainty(
    rulebook: Rulebook,
    dataset: Dataset | Inputs,
    draws: int = 1000,
    seed: int = 0,
    weight_spread: float = 0.1,
    threshold_shift: float = 0.0,
    appraisal_noise: float | str = 0.0,
    survey_bootstrap: bool = False,
    stage: str | None = None,
    chunk: int = 50,
    client: Client | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Per unit the baseline rank, the median rank with its 5–95% interval, each band's probability.

    Columns: unit_id, name, group, index, band, rank (baseline; null when not ranked), rank_median,
    rank_p05, rank_p95, index_median, index_p05, index_p95, then p_<band id> for every band of
    every group (and p_none when a unit can end in no band). `attrs` holds the parameters and
    the appraisal standard deviation used (`appraisal_sd`, points).

    With a `distributed.Client`, the draws are split into contiguous ranges run as Dask tasks (the
    prepared study, compiled rulebook, baseline and parsed inputs included, is sent to each worker
    once) and their tallies summed: the table is the one computed here for the same seed.
    `progress` shows a progress bar (a widget in a notebook).
    """
    _check_parameters(draws, chunk, weight_spread, threshold_shift, appraisal_noise)
    mc = MonteCarlo(rulebook, dataset, seed, weight_spread, threshold_shift, appraisal_noise, survey_bootstrap,
                    stage)
    if client is None:
        tally = tally_range(mc, range(draws), chunk, draws, progress)
    else:
        tally = Tally(mc.c, mc.base, draws)
        pieces = ranges(draws, 4 * workers(client), chunk)
        for _, part in map_shared(client, _remote_tally, (mc, chunk, draws), pieces, progress, "draws"):
            tally.merge(part)
    table = tally.table(mc.c, mc.base)
    table.attrs.update(draws=draws, seed=seed, weight_spread=weight_spread, threshold_shift=threshold_shift,
                       appraisal_noise=appraisal_noise, survey_bootstrap=survey_bootstrap,
                       appraisal_sd=mc.sigma, stage=mc.base.stage)
    return table


def tally_range(mc: MonteCarlo, ds: range, chunk: int, draws: int, progress: bool = False) -> Tally:
    """The tally of draws `ds` of a study of `draws` draws, run `chunk` at a time."""
    from tqdm.auto import tqdm

    tally = Tally(mc.c, mc.base, draws)
    parts = [range(start, min(start + chunk, ds.stop)) for start in range(ds.start, ds.stop, chunk)]
    with (tqdm(total=len(ds), desc="draws", disable=not progress, file=progress_stream()) as bar,
          ThreadPoolExecutor(1, thread_name_prefix="cchc-draws") as ahead):
        # the next block's random numbers are drawn in another thread while this one is computed (numpy's
        # generators and the compiled passes release the GIL): the same numbers, each from its draw's generator
        nxt = ahead.submit(mc.block, parts[0]) if parts else None
        for i, part in enumerate(parts):
            block = nxt.result()
            nxt = ahead.submit(mc.block, parts[i + 1]) if i + 1 < len(parts) else None
            tally.add(*mc.run_block(block))
            bar.update(len(part))
    return tally


def _remote_tally(shared: tuple[MonteCarlo, int, int], ds: range) -> Packed:
    """One Dask task: the tally of a range of draws, packed (its non-zero counts only come back)."""
    mc, chunk, draws = shared
    return tally_range(mc, ds, chunk, draws).pack()


@dataclass
class Draw:
    """The random parameters of one draw."""

    weights: np.ndarray | None  # per top-level node, renormalised multipliers of its max and points
    shift: int  # nano-points added to every band minimum above 0
    noise: np.ndarray | None  # standard normal per noised cell (MonteCarlo.noise_cells)
    resample: np.ndarray | None  # times each respondent is drawn (SurveyBootstrap)


@dataclass
class Block:
    """The random parameters of K draws, stacked. The noise is kept once per stream: draw i's standard normals
    are `sign[i] · z[row[i]]` (the two draws of an antithetic pair share one row)."""

    weights: np.ndarray | None  # K × top-level nodes
    shift: np.ndarray  # K, nano-points
    z: np.ndarray | None  # streams × noise cells (float32)
    row: np.ndarray | None  # K: the stream of each draw
    sign: np.ndarray | None  # K: ±1
    resample: np.ndarray | None  # respondents × K

    @classmethod
    def of(cls, params: list[Draw]) -> Block:
        """Draws given one by one (`analysis.sobol`), stacked."""
        k = len(params)
        weights = None if params[0].weights is None else np.stack([p.weights for p in params])
        noise = params[0].noise is not None
        return cls(weights, np.array([p.shift for p in params], dtype=np.int64),
                   np.stack([p.noise for p in params]) if noise else None,
                   np.arange(k) if noise else None, np.ones(k, dtype=np.int64) if noise else None,
                   None if params[0].resample is None else np.stack([p.resample for p in params], axis=1))

    def __len__(self) -> int:
        return self.shift.size


class MonteCarlo(MonteCarloBase):
    """The baseline and everything a draw needs, computed once; draws run in blocks (`run_block`)."""

    # ------------------------------------------------------------ random parameters
    def draw(self, d: int) -> Draw:
        """The parameters of draw `d`; they depend on the seed and `d` only."""
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(d,)))
        weights = None
        if self.spread > 0:
            w = rng.uniform(1 - self.spread, 1 + self.spread, self.c.top.size)
            weights = w * (self.c.scale_nano / NANO) / float(np.dot(w, self._top_declared))
        shift = nano1(rng.uniform(-self.shift, self.shift)) if self.shift > 0 else 0
        noise = self._noise(d) if self.noise_cells.size else None
        resample = self.survey.resample(rng) if self.survey is not None else None
        return Draw(weights, shift, noise, resample)

    def _noise(self, d: int) -> np.ndarray:
        """Standard normal per noised cell for draw `d`: draws 2k and 2k + 1 share one stream, with opposite signs."""
        z = self._pair_noise(d // 2)
        return -z if d % 2 else z

    def _pair_noise(self, pair: int, out: np.ndarray | None = None) -> np.ndarray:
        """The standard normals of antithetic pair `pair` (written into `out` when given)."""
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(pair, 1)))
        if out is None:
            return rng.standard_normal(self.noise_cells.size, dtype=np.float32)
        return rng.standard_normal(dtype=np.float32, out=out)

    def block(self, ds: range) -> Block:
        """The parameters of draws `ds`, as `draw` gives them, each antithetic pair's normals drawn once."""
        weights, shifts, resample = [], [], []
        for d in ds:
            rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(d,)))
            if self.spread > 0:
                w = rng.uniform(1 - self.spread, 1 + self.spread, self.c.top.size)
                weights.append(w * (self.c.scale_nano / NANO) / float(np.dot(w, self._top_declared)))
            shifts.append(nano1(rng.uniform(-self.shift, self.shift)) if self.shift > 0 else 0)
            if self.survey is not None:
                resample.append(self.survey.resample(rng))
        z = row = sign = None
        if self.noise_cells.size:
            d = np.arange(ds.start, ds.stop)
            pairs, row = np.unique(d // 2, return_inverse=True)
            z = np.empty((pairs.size, self.noise_cells.size), dtype=np.float32)
            for i, p in enumerate(pairs):
                self._pair_noise(int(p), z[i])
            sign = np.where(d % 2, -1, 1)
        return Block(np.stack(weights) if weights else None, np.array(shifts, dtype=np.int64), z, row, sign,
                     np.stack(resample, axis=1) if resample else None)

    # ------------------------------------------------------------ blocks of draws
    def run(self, ds: range) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Index (nano), band code and rank of every unit in each draw of `ds` (arrays draws × units)."""
        return self.run_block(self.block(ds))

    def run_draws(self, params: list[Draw]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Index (nano), band code and rank of every unit for each set of drawn parameters (draws × units):
        the kernel, also fed parameters chosen elsewhere (`analysis.sobol`)."""
        return self.run_block(Block.of(params))

    def run_block(self, b: Block) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Index (nano), band code and rank of every unit in each draw of the block (draws × units).

        Only the node columns the index and grading read are computed (`block_grade.needed_columns`): the
        baseline's, moved by the survey leaves a resample changes and by the appraisal noise; then the index and
        the grading of every draw at once (`BlockGrader`), or draw by draw with the engine's `grade` where the
        block grader does not apply (`block_grade.supported`).
        """
        if self.grader is None:
            return self._run_each(b)
        pts, mx, app = self._narrow(b)
        index = self._index(pts, mx, b.weights)
        band, rank = self.grader.grade(index, pts, mx, app, b.shift, b.weights)
        return index, band, rank

    def _narrow(self, b: Block) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Points, maximum and applicability of the needed node columns, draws × units × columns."""
        k = len(b)
        n, m = self._pts0.shape
        if b.resample is not None and self._linear:
            dp, dm, count = self._survey_moves(b.resample)
            cols = self._survey_cols
            pts = np.broadcast_to(self._pts0, (k, n, m)).copy()  # C order: draw by draw
            pts[:, :, cols] += dp
            mx = np.broadcast_to(self._mx0, (k, n, m))
            app = np.broadcast_to(self._app0, (k, n, m))
            if count.any():  # some survey leaf in or out of a maximum in some draw
                mx, app = mx.copy(), app.copy()
                mx[:, :, cols] += dm
                count += self._count0
                app[:, :, cols] = count > 0
        elif b.resample is not None:
            nodes = self._nodes(b.resample)
            cols = self.needed
            pts = nodes.points[:, cols].reshape(k, n, m)
            mx = nodes.max[:, cols].reshape(k, n, m)
            app = nodes.applicable[:, cols].reshape(k, n, m)
        else:
            pts = np.broadcast_to(self._pts0, (k, n, m))
            mx = np.broadcast_to(self._mx0, (k, n, m))
            app = np.broadcast_to(self._app0, (k, n, m))
        if b.z is not None:
            if not (pts.flags.writeable and pts.flags.c_contiguous):
                pts = np.array(pts, order="C")  # own copy of the broadcast baseline, in C order (moved in place)
            self._add_noise(b, pts)
        return pts, mx, app

    def _add_noise(self, b: Block, pts: np.ndarray) -> None:
        """Add each draw's noise moves to its needed columns (`pts`, draws × units × columns, C order, in place)."""
        if mc_kernels.available():
            mc_kernels.noise_moves(b.z, self.sigma, self._noise_grain, self._noise_up, b.row, b.sign,
                                   pts.reshape(len(b), -1))
            return
        moves = self._noise_moves(b.z)
        for i in range(len(b)):  # draw i moves by its stream's moves, or their opposite
            (np.add if b.sign[i] > 0 else np.subtract)(pts[i], moves[b.row[i]], out=pts[i])

    def _index(self, pts: np.ndarray, mx: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
        """`index_nano` of every draw (draws × units) from the narrow columns."""
        top = slice(0, self.c.top.size)  # the top-level nodes come first (`needed_columns`)
        earned, possible = pts[:, :, top], mx[:, :, top]
        if weights is None:
            num, den = earned.sum(axis=2).astype(float), possible.sum(axis=2).astype(float)
        else:  # the same product as `index_nano`, once per draw (numpy's matmul loops over the stack)
            num = np.matmul(earned, weights[:, :, None])[:, :, 0]
            den = np.matmul(possible, weights[:, :, None])[:, :, 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            base = nano(np.where(den > 0, num / den, 0.0) * (self.c.scale_nano / NANO))
        return np.clip(base + self.adjust, 0, self.c.scale_nano)

    def _noise_moves(self, z: np.ndarray) -> np.ndarray:
        """Nano-points added to the needed node columns (streams × units × columns) for standard normals `z`."""
        n, m = self._pts0.shape[0], self._noise_cols.size
        if mc_kernels.available():  # the compiled pass adds them to zeros: each stream once, with a + sign
            out = np.zeros((len(z), n, m), dtype=np.int64)
            streams = np.arange(len(z))
            mc_kernels.noise_moves(z, self.sigma, self._noise_grain, self._noise_up, streams, np.ones_like(streams),
                                   out.reshape(len(z), -1))
            return out
        move = self._moves(z)
        return np.rint(self._noise_narrow.T @ move.T).T.astype(np.int64).reshape(len(z), n, m)

    def _moves(self, z: np.ndarray) -> np.ndarray:
        """σ·z per noised cell rounded to its rule's grain, in whole nano-points (float)."""
        move = z.astype(float) * self.sigma
        grain = self._noise_grain
        move = np.where(grain > 0, grain * np.rint(move / np.where(grain > 0, grain, 1.0)), move)
        return np.rint(move * NANO)  # whole nano-points, exactly opposite in the two draws of a pair

    def noise_points(self, z: np.ndarray) -> np.ndarray:
        """Nano-points added to every node of every unit (draws × units × nodes) for standard normal draws `z`
        (draws × noise_cells): σ·z per noised leaf rounded to its rule's grain, on the leaf and every node above."""
        move = self._moves(z)
        n, n_nodes = self.base.node_scores.points.shape
        return np.rint(self._noise_spread.T @ move.T).T.astype(np.int64).reshape(len(z), n, n_nodes)

    def _run_each(self, b: Block) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Draw by draw with the engine's `grade` on every node (quantile bands, ranks on the published figure)."""
        k, n = len(b), len(self.base.units)
        nodes = self._nodes(b.resample) if b.resample is not None else None
        moved = None
        if b.z is not None:
            moved = self.noise_points(b.z)[b.row] * b.sign[:, None, None]
        index = np.empty((k, n), dtype=np.int64)
        band = np.empty((k, n), dtype=np.int64)
        rank = np.empty((k, n), dtype=np.int64)
        for i in range(k):
            w = None if b.weights is None else b.weights[i]
            ns = self.base.node_scores if nodes is None else _slice(nodes, i, n)
            if moved is not None:
                ns = NodeScores(ns.points + moved[i], ns.max, ns.applicable)
            index[i] = index_nano(self.c, ns, self.adjust, w)
            c = self.c
            if b.shift[i] or (w is not None and self._scale_gates):
                c = drawn_bands(c, int(b.shift[i]), None if w is None else w[self.top_of])
            g = grade(c, index[i], ns.points, ns.max, ns.applicable, self.base.group_codes, self.flags,
                      self.base.unscored)
            band[i], rank[i] = g.band, g.rank
        return index, band, rank

    def _nodes(self, resample: np.ndarray) -> NodeScores:
        """Leaves and tree scored again for every draw, draws stacked as extra units (leaf-major arrays): the survey
        bootstrap where a survey leaf sits under a capped, best-k or floored node (`_linear` false)."""
        c, sel, k = self.c, self.base.selected, resample.shape[1]
        n, n_leaves = sel.value.shape
        value = np.tile(sel.value.T, (1, k))  # leaves × (draws · units), contiguous
        status = np.tile(sel.status.T, (1, k))
        by_draw = (n_leaves, k, n)
        v, st = self._asked_values(resample)
        at = self.asked_at
        value.reshape(by_draw)[at[1], :, at[0]] = v
        status.reshape(by_draw)[at[1], :, at[0]] = st
        groups = (self.base.group_codes[None, :] + len(c.group_ids) * np.arange(k)[:, None]).ravel()
        applies_by_leaf = np.tile(c.applies_by_leaf, (1, k))
        if fused.available():
            leaves = fused.score_values(c, value, status, groups, applies_by_leaf, len(c.group_ids) * k)
            return fused.aggregate(c, leaves)
        stacked = Selected(sel.stage, value.T, status.T, np.tile(sel.stage_used, (k, 1)), sel.adjustment,
                           sel.adjustment_stage)
        many = replace(c, group_ids=c.group_ids * k, applies=np.tile(c.applies, (k, 1)),
                       leaf_applies=np.tile(c.leaf_applies, (k, 1)), applies_by_leaf=applies_by_leaf,
                       applies_everywhere=c.applies_everywhere)
        return aggregate(c, leaf_points(many, stacked, groups, self.base.inputs))

    # ------------------------------------------------------------ survey bootstrap
    def _asked_values(self, resample: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values and status of the `asked_at` cells in each draw (cells × K) for multiplicities respondents × K."""
        k = resample.shape[1]
        mean, count = self.survey.aggregate(resample)
        cell = self._asked_cell  # −1 (no counted answer): the padding row
        pad = np.zeros((1, k))
        return self.survey_values(np.vstack([mean, pad + np.nan])[cell], np.vstack([count, pad])[cell])

    def _survey_moves(self, resample: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Changes of points, maximum and count of applicable leaves of the needed columns (K × units × columns)
        when the asked cells take their resampled values: the leaves' points (`survey_points`) passed up sums."""
        k = resample.shape[1]
        n, m = self._pts0.shape[0], self._survey_cols.size
        if mc_kernels.available() and self._survey_args is not None:
            moves = mc_kernels.survey_moves(self._survey_args, resample, n * m)
            return moves[0].reshape(k, n, m), moves[1].reshape(k, n, m), moves[2].reshape(k, n, m)
        v, st = self._asked_values(resample)
        pts, app = self.survey_points(v, st)
        dp = (pts - self._asked_pts[:, None]).astype(float)
        da = app.astype(np.int64) - self._asked_app[:, None]
        dm = (da * self._asked_max[:, None]).astype(float)
        up = self._survey_narrow.T
        out = [np.ascontiguousarray(np.rint(up @ x).T.astype(np.int64)).reshape(k, n, m)
               for x in (dp, dm, da.astype(float))]
        return out[0], out[1], out[2]



# ---------------------------------------------------------------- helpers
def index_nano(c: Compiled, ns: NodeScores, adjust: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """The index (nano) as `engine.score.index_points` computes it, optionally with top-level weights.

    A unit with nothing applicable gets 0 here (the engine refuses to score it: E402).
    """
    earned, possible = ns.points[:, c.top], ns.max[:, c.top]
    if weights is None:
        num, den = earned.sum(axis=1).astype(float), possible.sum(axis=1).astype(float)
    else:
        num, den = earned @ weights, possible @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        base = nano(np.where(den > 0, num / den, 0.0) * (c.scale_nano / NANO))
    return np.clip(base + adjust, 0, c.scale_nano)


def drawn_bands(c: Compiled, shift: int, factor: np.ndarray | None = None) -> Compiled:
    """The compiled rulebook with every band minimum above 0 moved by `shift` nano-points and, when the
    weights scale node `n`'s points by `factor[n]`, each gate in points (`min`) on `n` met exactly when
    the scaled points reach it: points · f ≥ min ⟺ points ≥ ⌈min ÷ f⌉ (points are whole nano-points)."""

    def gate(g: CompiledGate) -> CompiledGate:
        if factor is None or g.kind != "min":
            return g
        return replace(g, threshold_nano=int(np.ceil(g.threshold_nano / factor[g.node])))

    def band(b: CompiledBand) -> CompiledBand:
        moved = b.min_nano + shift if b.min_nano > 0 else b.min_nano
        scaled = factor is not None and any(g.kind == "min" for g in b.gates)
        if moved == b.min_nano and not scaled:
            return b  # unchanged: no copy
        return replace(b, min_nano=moved, gates=tuple(gate(g) for g in b.gates) if scaled else b.gates)

    tables = tuple(tuple(band(b) for b in table) for table in c.band_tables)
    return replace(c, band_tables=tables)


def _slice(ns: NodeScores, i: int, n: int) -> NodeScores:
    block = slice(i * n, (i + 1) * n)
    return NodeScores(ns.points[block], ns.max[block], ns.applicable[block])


def _check_parameters(draws: int, chunk: int, spread: float, shift: float, noise: Any) -> None:
    """Every bad parameter at once (A880)."""
    problems = Problems()
    for name, value in (("draws", draws), ("chunk", chunk)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            problems.add(BAD_PARAMETER, path=f"uncertainty/{name}", name=name, value=value,
                         expected_vi="một số nguyên dương", expected_en="a positive whole number")
    most = limits.value(limits.DRAWS)
    if isinstance(draws, (int, np.integer)) and draws > most:
        problems.add(BAD_PARAMETER, path="uncertainty/draws", name="draws", value=draws,
                     expected_vi=f"nhiều nhất {most} lượt (nâng giới hạn bằng biến môi trường {limits.DRAWS.env})",
                     expected_en=f"at most {most} draws (raise the limit with the environment variable "
                                 f"{limits.DRAWS.env})")
    if not 0 <= spread < 1:
        problems.add(BAD_PARAMETER, path="uncertainty/weight_spread", name="weight_spread", value=spread,
                     expected_vi="một số từ 0 đến dưới 1 (ví dụ 0.1 là ±10%)",
                     expected_en="a number from 0 to below 1 (e.g. 0.1 for ±10%)")
    if not shift >= 0:
        problems.add(BAD_PARAMETER, path="uncertainty/threshold_shift", name="threshold_shift", value=shift,
                     expected_vi="một số điểm không âm (ví dụ 1.0)",
                     expected_en="a non-negative number of points (e.g. 1.0)")
    if not (noise == "calibrated" or (isinstance(noise, (int, float)) and not isinstance(noise, bool) and noise >= 0)):
        problems.add(BAD_PARAMETER, path="uncertainty/appraisal_noise", name="appraisal_noise", value=noise,
                     expected_vi="một độ lệch chuẩn không âm (điểm) hoặc \"calibrated\"",
                     expected_en="a non-negative standard deviation (points) or \"calibrated\"")
    problems.raise_if_errors()
