"""The same leaf points and index computed by OpenFisca-Core, for the side-by-side benchmark.

A minimal TaxBenefitSystem: one entity (`unit`), two input variables per leaf (its final value
and a state code prepared from the parsed data: 0 a value, 1 out of the maximum, 2 zero points,
3 max points), then one variable per node for its points and one for its applicable maximum,
vectorised numpy formulas following the tree (sum, capped, best of k, floors, relative rules
within groups, 9-decimal rounding), and `index` with the adjustments. Bands, quotas and ranks
are not modelled (OpenFisca has no cross-unit grading): the engine does more in its time.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cchc_rules.data.model import EMPTY, NA, VALUE, ZERO_TOTAL, Inputs
from cchc_rules.dsl.models import Node, Rulebook

PERIOD = "2024"
OUT, ZERO, FULL = 1, 2, 3


def _r9(x: np.ndarray) -> np.ndarray:
    return np.rint(x * 1e9) / 1e9


def build_system(rulebook: Rulebook) -> tuple[Any, dict[str, str]]:
    """The TaxBenefitSystem and the map node id → variable suffix."""
    from openfisca_core.entities import build_entity
    from openfisca_core.periods import DateUnit
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable

    unit = build_entity(key="unit", plural="units", label="Unit", is_person=True)
    system = TaxBenefitSystem([unit])
    names = {node.id: f"n{i}" for i, node in enumerate(rulebook.nodes().values())}

    def add(name: str, value_type: type, formula: Any = None, default: Any = 0) -> None:
        attrs = {"value_type": value_type, "entity": unit, "definition_period": DateUnit.YEAR, "label": name,
                 "default_value": default}
        if formula is not None:
            attrs["formula"] = formula
        system.add_variable(type(name, (Variable,), attrs))

    add("group", int)
    for adj in rulebook.adjustments:
        add(f"adj_{adj.id}", float, default=np.nan)
    for node, _, _ in rulebook.walk():
        n = names[node.id]
        if node.is_leaf:
            add(f"x_{n}", float, default=np.nan)
            add(f"s_{n}", int)
            add(f"p_{n}", float, _leaf_formula(node, n))
            add(f"m_{n}", float, _leaf_max(node, n))
        else:
            kids = [names[c.id] for c in node.children]
            add(f"p_{n}", float, _parent_points(node, kids, n))
            add(f"m_{n}", float, _parent_max(node, kids))
    add("index", float, _index(rulebook, [names[t.id] for t in rulebook.criteria]))
    return system, names


def _leaf_points(node: Node, x: np.ndarray, groups: np.ndarray, live: np.ndarray) -> np.ndarray:
    rule, top, kind = node.rule, node.max or 0.0, node.rule.kind
    if kind == "binary":
        return np.where(x == 1, top, 0.0)
    if kind == "ladder":
        out = np.zeros_like(x)
        done = np.zeros(x.shape, dtype=bool)
        for step in rule.ladder:
            hit = ~done & (True if step.min is None else x >= step.min)
            out = np.where(hit, step.points if step.points is not None else step.share * top, out)
            done |= hit
        return out
    if kind == "linear":
        a, b = rule.linear.from_, rule.linear.to
        return top * np.clip((x - a) / (b - a), 0, 1)
    if kind in ("ratio", "survey"):
        return top * x
    if kind == "levels":
        points = np.array(list(rule.levels.values()))
        return points[np.nan_to_num(x).astype(int)]
    if kind == "deduct":
        return np.maximum(top - rule.deduct.per * x, 0)
    if kind == "points":
        return x
    out = np.full_like(x, top)  # relative: within each group, among units with a value
    for g in np.unique(groups):
        sel = live & (groups == g)
        if not sel.any():
            continue
        lo, hi = x[sel].min(), x[sel].max()
        if hi > lo:
            share = (x - lo) / (hi - lo) if rule.relative.better == "higher" else (hi - x) / (hi - lo)
            out = np.where(sel, top * share, out)
    return out


def _leaf_formula(node: Node, n: str):
    top = node.max or 0.0

    def formula(unit, period, parameters):
        x, s = unit(f"x_{n}", period), unit(f"s_{n}", period)
        live = s == 0
        raw = _leaf_points(node, np.where(live, x, 0.0), unit("group", period), live)
        return _r9(np.clip(np.where(live, raw, np.where(s == FULL, top, 0.0)), 0, top))

    return formula


def _leaf_max(node: Node, n: str):
    top = node.max or 0.0

    def formula(unit, period, parameters):
        return np.where(unit(f"s_{n}", period) == OUT, 0.0, top)

    return formula


def _top_k(stack: np.ndarray, k: int) -> np.ndarray:
    return np.sort(stack, axis=0)[::-1][:k].sum(axis=0)


def _parent_points(node: Node, kids: list[str], n: str):
    def formula(unit, period, parameters):
        pts = np.stack([unit(f"p_{k}", period) for k in kids])
        top = unit(f"m_{n}", period)
        if node.aggregate == "sum":
            got = pts.sum(axis=0)
        elif node.aggregate == "capped":
            got = np.minimum(pts.sum(axis=0), node.max)
        else:
            got = _top_k(pts, node.aggregate.best)
        return _r9(np.clip(got, np.minimum(node.floor, top), top))

    return formula


def _parent_max(node: Node, kids: list[str]):
    def formula(unit, period, parameters):
        mx = np.stack([unit(f"m_{k}", period) for k in kids])
        if node.aggregate == "sum":
            return _r9(mx.sum(axis=0))
        if node.aggregate == "capped":
            return _r9(np.minimum(mx.sum(axis=0), node.max))
        return _r9(_top_k(mx, node.aggregate.best))

    return formula


def _index(rulebook: Rulebook, tops: list[str]):
    def formula(unit, period, parameters):
        earned = sum(unit(f"p_{t}", period) for t in tops)
        possible = sum(unit(f"m_{t}", period) for t in tops)
        index = earned / possible * rulebook.scale
        for adj in rulebook.adjustments:
            v = unit(f"adj_{adj.id}", period)
            amount = v if adj.rule.points is not None else v * adj.rule.deduct_each
            if adj.cap is not None:
                amount = np.minimum(adj.cap, amount)
            index = index + adj.sign * np.nan_to_num(amount)
        return _r9(np.clip(index, 0, rulebook.scale))

    return formula


def final_inputs(rulebook: Rulebook, inputs: Inputs, names: dict[str, str]) -> dict[str, np.ndarray]:
    """The values OpenFisca starts from: per leaf the final value and a state code (missing
    policies, NA and zero totals resolved from the parsed data), the group, the adjustments."""
    status = inputs.status
    has = status != EMPTY
    last = status.shape[2] - 1 - np.argmax(has[:, :, ::-1], axis=2)
    found = has.any(axis=2)
    take = last[..., None]
    value = np.take_along_axis(inputs.value, take, axis=2)[..., 0]
    st = np.where(found, np.take_along_axis(status, take, axis=2)[..., 0], EMPTY)
    groups = inputs.units["group"].astype(str).to_numpy()
    group_ids = list(rulebook.groups)
    out: dict[str, np.ndarray] = {"group": np.array([group_ids.index(g) for g in groups])}
    for j, leaf in enumerate(rulebook.leaves()):
        applies = np.array([rulebook.applies(leaf.id, g) for g in group_ids])[out["group"]]
        state = np.zeros(len(groups), dtype=int)
        missing = {"zero": ZERO, "max": FULL, "na": OUT, "error": ZERO}[rulebook.missing_for(leaf)]
        state[st[:, j] == EMPTY] = missing
        state[st[:, j] == NA] = OUT if rulebook.not_applicable == "rescale" else ZERO
        if leaf.rule.kind == "ratio":
            state[st[:, j] == ZERO_TOTAL] = {"na": OUT, "max": FULL, "zero": ZERO}[leaf.rule.ratio.if_zero_total]
        state[~applies] = OUT
        out[f"x_{names[leaf.id]}"] = np.where(st[:, j] == VALUE, value[:, j], np.nan)
        out[f"s_{names[leaf.id]}"] = state
    adj_has = ~np.isnan(inputs.adjustment)
    adj_last = inputs.adjustment.shape[2] - 1 - np.argmax(adj_has[:, :, ::-1], axis=2)
    adj_value = np.take_along_axis(inputs.adjustment, adj_last[..., None], axis=2)[..., 0]
    for k, adj_id in enumerate(inputs.adjustment_ids):
        out[f"adj_{adj_id}"] = adj_value[:, k]
    return out


def simulate(system: Any, values: dict[str, np.ndarray]) -> Any:
    """A simulation of len(units) units with the inputs set."""
    from openfisca_core.simulations import SimulationBuilder

    n = len(values["group"])
    sim = SimulationBuilder().build_default_simulation(system, n)
    for name, array in values.items():
        sim.set_input(name, PERIOD, array)
    return sim


def index(sim: Any) -> np.ndarray:
    return sim.calculate("index", PERIOD)
