"""Sobol indices: which uncertain input of spec §10 drives each unit's rank and the share of each band.

`sobol(rulebook, dataset, samples, seed, weight_spread, threshold_shift, appraisal_noise)` treats
as independent inputs ("factors"): the weight of each top-level node (a multiplier U(1 − s, 1 + s),
weights renormalised to the scale, as `uncertainty` draws them), the shift of every band minimum
(U(−h, +h), the same for all) and the appraisal noise (a "trigger" factor U(0, 1) that picks one
realisation of the noise of every numeric leaf, as `uncertainty` draws it, σ fixed or calibrated).
Each evaluation is one draw of the Monte Carlo kernel (`MonteCarlo.run_draws`: the engine's own
index, gates, quotas and ranks); outputs are each unit's rank and each band's share of the units.

The estimator is `scipy.stats.sobol_indices` (Saltelli 2010 for the first-order index, Jansen for
the total), on `samples` base points (a power of 2) of a scrambled Sobol' sequence: `samples ×
(factors + 2)` evaluations, at most `CCHC_MAX_SOBOL_EVALUATIONS` (65,536 by default; A931 beyond).
Confidence intervals (90 % by default) are percentile bootstrap intervals (the points resampled,
seeded; scipy's own bootstrap draws unseeded numbers). With a `distributed.Client`, the
evaluations are split into contiguous ranges run as Dask tasks, the prepared study sent to each
worker once: the indices are those computed here (same seed, same points).

The indices are estimates: with few samples they can fall below 0 or above 1 and the first-order
index above the total one; the interval says how far to trust them (`reliable` is False when
the 90 % interval of the total index is wider than 0.2). A unit whose rank never moves, or is
not ranked, has no index (NaN).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from cchc_rules.analysis.on_dask import map_shared
from cchc_rules.analysis.uncertainty import Draw, MonteCarlo, _check_parameters
from cchc_rules.cluster import ranges, workers
from cchc_rules.data.model import Dataset, Inputs
from cchc_rules.dsl.models import Rulebook
from cchc_rules.engine.rounding import NANO, nano1
from cchc_rules.i18n import pick
from cchc_rules.labels import by_key
from cchc_rules.labels.sensitivity import SOBOL_CHART
from cchc_rules.limits import Limit, value
from cchc_rules.problems import Problems, define

if TYPE_CHECKING:
    from distributed import Client

EVALUATIONS = Limit("sobol_evaluations", 65_536)  # model evaluations of one Sobol study
WIDE = 0.2  # a total index whose interval is wider than this is flagged as not reliable
FACTOR_NAMES = by_key(SOBOL_CHART)  # the inputs' names: thresholds, noise, weight_named

BAD_SOBOL = define(
    "A930",
    "Tham số phân tích Sobol '{name}' không hợp lệ: {value}",
    "The Sobol parameter '{name}' is not valid: {value}",
    "Dùng {expected_vi}.",
    "Use {expected_en}.",
)
TOO_MANY = define(
    "A931",
    "Phân tích Sobol cần {n} lần chấm điểm ({samples} mẫu × ({factors} yếu tố + 2)), quá giới hạn {limit}",
    "The Sobol study needs {n} scorings ({samples} samples × ({factors} factors + 2)), more than the limit of "
    "{limit}",
    "Giảm số mẫu (samples), hoặc nâng giới hạn bằng biến môi trường {env}.",
    "Use fewer samples, or raise the limit with the environment variable {env}.",
)
NO_FACTOR = define(
    "A932",
    "Phân tích Sobol không có yếu tố bất định nào: weight_spread, threshold_shift và appraisal_noise đều bằng 0",
    "The Sobol study has no uncertain input: weight_spread, threshold_shift and appraisal_noise are all 0",
    "Cho ít nhất một trong ba một giá trị dương (ví dụ weight_spread=0.1).",
    "Give at least one of the three a positive value (e.g. weight_spread=0.1).",
)


@dataclass(frozen=True)
class Factor:
    """One uncertain input: its name (a top-level node id, `thresholds` or `noise`) and its uniform range."""

    name: str
    low: float
    high: float

    @property
    def dist(self) -> stats.rv_continuous:
        return stats.uniform(loc=self.low, scale=self.high - self.low)


def indices(func: Callable[[np.ndarray], np.ndarray], factors: Sequence[Factor], samples: int, seed: int,
            confidence: float = 0.9, resamples: int = 200) -> dict[str, np.ndarray]:
    """First-order and total Sobol indices of every output of `func` (inputs factors × points → outputs ×
    points) with their bootstrap intervals: arrays outputs × factors under first, first_low, first_high,
    total, total_low, total_high. NaN for an output that never varies (or is NaN: a unit not ranked).
    Intervals are percentile bootstrap intervals over `resamples` resamples of the points (seeded).

    The points (A, B and the d matrices AB⁽ⁱ⁾ of Saltelli's scheme, as `scipy.stats.sobol_indices` makes
    them: a scrambled Sobol' sequence of dimension 2d seeded with `seed`) are evaluated in one call of
    `func`, so that a cluster gets them all at once.
    """
    d, n = len(factors), samples
    rng = np.random.default_rng(seed)
    unit = stats.qmc.Sobol(2 * d, scramble=True, rng=rng).random(n)
    a = np.stack([f.dist.ppf(unit[:, i]) for i, f in enumerate(factors)])
    b = np.stack([f.dist.ppf(unit[:, d + i]) for i, f in enumerate(factors)])
    ab = np.repeat(a[None], d, axis=0)
    for i in range(d):
        ab[i, i] = b[i]
    y = np.atleast_2d(func(np.concatenate([a, b, *ab], axis=1)))
    ab_part = y[:, :2 * n]  # the points the variance is estimated on: constant there, the indices are undefined
    finite = np.isfinite(ab_part).all(axis=1)
    flat = np.where(finite[:, None], ab_part, 0.0)
    fixed = ~finite | (flat.max(axis=1) == flat.min(axis=1))
    y = np.where(np.isfinite(y), y, 0.0)
    f_ab = np.stack([y[:, (2 + i) * n:(3 + i) * n] for i in range(d)])
    f_a, f_b = y[:, :n], y[:, n:2 * n]
    first, total = _estimate(f_a, f_b, f_ab)
    boot = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))
    draws = [_estimate(f_a[:, i], f_b[:, i], f_ab[..., i]) for i in boot.integers(0, n, (resamples, n))]
    tail = (1 - confidence) / 2
    found = {"first": first, "total": total}
    for k, name in enumerate(("first", "total")):
        stack = np.stack([d[k] for d in draws])
        found[f"{name}_low"], found[f"{name}_high"] = np.quantile(stack, [tail, 1 - tail], axis=0)
    return {key: np.where(fixed[:, None], np.nan, np.asarray(v, dtype=float)) for key, v in found.items()}


def _estimate(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First-order (Saltelli 2010) and total (Jansen) indices, outputs × factors, by `scipy.stats.sobol_indices`."""
    with np.errstate(invalid="ignore", divide="ignore"):
        res = stats.sobol_indices(func={"f_A": f_a, "f_B": f_b, "f_AB": f_ab}, n=f_a.shape[1])
    return res.first_order, res.total_order


def sobol(
    rulebook: Rulebook,
    dataset: Dataset | Inputs,
    samples: int = 256,
    seed: int = 0,
    weight_spread: float = 0.1,
    threshold_shift: float = 0.0,
    appraisal_noise: float | str = 0.0,
    stage: str | None = None,
    confidence: float = 0.9,
    client: Client | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Per output (each unit's rank, each band's share) × factor: first-order and total Sobol indices with
    their `confidence` intervals.

    Columns: output (`rank` or `share`), unit_id, name, group (empty for a share), band (empty for a
    rank), factor, first, first_low, first_high, total, total_low, total_high, reliable. `attrs` holds
    the parameters, the factors, the number of evaluations and the appraisal σ.
    """
    _check(samples, confidence)
    _check_parameters(1, 1, weight_spread, threshold_shift, appraisal_noise)
    mc = MonteCarlo(rulebook, dataset, seed, weight_spread, threshold_shift, appraisal_noise, False, stage)
    factors = factors_of(mc)
    n_eval = samples * (len(factors) + 2)
    if n_eval > value(EVALUATIONS):
        problems = Problems()
        problems.add(TOO_MANY, path="sobol/samples", n=n_eval, samples=samples, factors=len(factors),
                     limit=value(EVALUATIONS), env=EVALUATIONS.env)
        problems.raise_if_errors()
    kernel = Kernel(mc, [f.name for f in factors], seed)
    func = kernel.outputs if client is None else _on_client(client, kernel, progress)
    found = indices(func, factors, samples, seed, confidence)
    return _table(mc, factors, found, {
        "samples": samples, "seed": seed, "weight_spread": weight_spread, "threshold_shift": threshold_shift,
        "appraisal_noise": appraisal_noise, "appraisal_sd": mc.sigma, "confidence": confidence,
        "evaluations": n_eval, "factors": [f.name for f in factors], "stage": mc.base.stage,
        "factor_names": {f.name: _factor_name(mc, f.name) for f in factors},
        "band_names": {b.id: {lang: pick(b.label, lang) for lang in ("vi", "en")} for b in rulebook.all_bands()},
    })


def _factor_name(mc: MonteCarlo, factor: str) -> dict[str, str]:
    """A factor as a reader reads it, in both languages: the weight of a named field, the thresholds, the noise."""
    if factor in ("thresholds", "noise"):
        return dict(FACTOR_NAMES[factor])
    node = mc.c.nodes[mc.c.node_ids.index(factor)]
    return {lang: FACTOR_NAMES["weight_named"][lang].format(node=factor, name=pick(node.name, lang))
            for lang in ("vi", "en")}


def factors_of(mc: MonteCarlo) -> list[Factor]:
    """The uncertain inputs of a prepared study: a weight per top-level node, the threshold shift, the noise."""
    out = []
    if mc.spread > 0:
        out += [Factor(mc.c.node_ids[t], 1 - mc.spread, 1 + mc.spread) for t in mc.c.top]
    if mc.shift > 0:
        out.append(Factor("thresholds", -mc.shift, mc.shift))
    if mc.noise_cells.size:
        out.append(Factor("noise", 0.0, 1.0))
    if not out:
        problems = Problems()
        problems.add(NO_FACTOR, path="sobol")
        problems.raise_if_errors()
    return out


class Kernel:
    """Inputs (factors × points) → outputs (units' ranks, then bands' shares × points), through the engine."""

    def __init__(self, mc: MonteCarlo, names: list[str], seed: int, chunk: int = 50):
        self.mc, self.names, self.seed, self.chunk = mc, names, seed, chunk
        self.n_top = int(mc.c.top.size) if mc.spread > 0 else 0
        self.ranked = mc.base.graded.ranked

    def draw(self, x: np.ndarray) -> Draw:
        """The drawn parameters of one point."""
        mc, k = self.mc, self.n_top
        weights = None
        if k:
            w = x[:k]
            weights = w * (mc.c.scale_nano / NANO) / float(np.dot(w, mc._top_declared))
        at = k
        shift = 0
        if "thresholds" in self.names:
            shift, at = nano1(float(x[at])), at + 1
        noise = None
        if "noise" in self.names:
            realisation = int(min(float(x[at]), 1.0 - 1e-12) * 2**32)
            rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(realisation, 3)))
            noise = rng.standard_normal(mc.noise_cells.size, dtype=np.float32)
        return Draw(weights, shift, noise, None)

    def outputs(self, x: np.ndarray) -> np.ndarray:
        """Ranks (NaN where not ranked) and band shares for every point (column) of `x`."""
        x = np.atleast_2d(x)
        n_units, n_bands = len(self.mc.base.units), len(self.mc.c.band_ids)
        out = np.empty((n_units + n_bands, x.shape[1]))
        for start in range(0, x.shape[1], self.chunk):
            cols = range(start, min(start + self.chunk, x.shape[1]))
            _, band, rank = self.mc.run_draws([self.draw(x[:, j]) for j in cols])
            out[:n_units, cols.start:cols.stop] = np.where(self.ranked[:, None], rank.T, np.nan)
            for b in range(n_bands):
                out[n_units + b, cols.start:cols.stop] = (band == b).mean(axis=1)
        return out


def _evaluate(kernel: Kernel, x: np.ndarray) -> np.ndarray:
    return kernel.outputs(x)


def _on_client(client: Client, kernel: Kernel, progress: bool) -> Callable[[np.ndarray], np.ndarray]:
    """`kernel.outputs` with the points split into ranges run as Dask tasks (the kernel scattered once)."""
    handle = client.scatter([kernel], broadcast=True, hash=False)[0]

    def func(x: np.ndarray) -> np.ndarray:
        pieces = ranges(x.shape[1], 4 * workers(client), kernel.chunk)
        parts: list[np.ndarray] = [np.empty(0)] * len(pieces)
        for i, part in map_shared(client, _evaluate, handle, [x[:, r.start:r.stop] for r in pieces], progress,
                                  "Sobol"):
            parts[i] = part
        return np.concatenate(parts, axis=1)

    return func


def _table(mc: MonteCarlo, factors: list[Factor], found: dict[str, np.ndarray], attrs: dict[str, object]
           ) -> pd.DataFrame:
    u = mc.base.units
    n_units = len(u)
    names = [f.name for f in factors]
    rows = []
    outputs = [("rank", str(u["unit_id"].iat[i]), str(u["name"].iat[i]), str(u["group"].iat[i]), "")
               for i in range(n_units)]
    outputs += [("share", "", "", "", bid) for bid in mc.c.band_ids]
    for o, (kind, unit, name, group, band) in enumerate(outputs):
        for j, factor in enumerate(names):
            cell = {key: float(found[key][o, j]) for key in found}
            width = cell["total_high"] - cell["total_low"]
            rows.append({"output": kind, "unit_id": unit, "name": name, "group": group, "band": band,
                         "factor": factor, **{k: cell[k] for k in ("first", "first_low", "first_high", "total",
                                                                   "total_low", "total_high")},
                         "reliable": bool(np.isfinite(width) and width <= WIDE)})
    table = pd.DataFrame(rows)
    table.attrs.update(attrs)
    return table


def drivers(table: pd.DataFrame) -> pd.DataFrame:
    """Per output, the factor with the largest total index (NaN-free rows only), its index and interval."""
    known = table[table["total"].notna()]
    if known.empty:
        return known.assign(driver=pd.Series(dtype=str))
    best = known.loc[known.groupby(["output", "unit_id", "band"], sort=False)["total"].idxmax()]
    return best.rename(columns={"factor": "driver"}).reset_index(drop=True)


def _check(samples: int, confidence: float) -> None:
    problems = Problems()
    ok = isinstance(samples, (int, np.integer)) and not isinstance(samples, bool) and samples >= 2
    if not ok or samples & (samples - 1):
        problems.add(BAD_SOBOL, path="sobol/samples", name="samples", value=samples,
                     expected_vi="một luỹ thừa của 2, từ 2 trở lên (ví dụ 256)",
                     expected_en="a power of 2, at least 2 (e.g. 256)")
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        problems.add(BAD_SOBOL, path="sobol/confidence", name="confidence", value=confidence,
                     expected_vi="một số giữa 0 và 1 (ví dụ 0.9)", expected_en="a number between 0 and 1 (e.g. 0.9)")
    problems.raise_if_errors()
