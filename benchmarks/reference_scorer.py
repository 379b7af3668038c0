"""A straightforward per-unit scorer: the spec's semantics in plain Python (dicts and loops).

It reads the text tables of a `Dataset` itself (no `data.parse`, no engine), so it is both the
baseline of the benchmark and an independent oracle for tests: tests/test_reference_agreement.py
checks that the engine and this scorer agree on synthetic data. It assumes the data is valid
(it does not collect data problems) and follows the engine's documented decisions where the
spec is silent: the value used per leaf is the last non-empty stage at or before `stage`;
survey answers in survey.csv replace an assessments value; fewer counted answers than
`min_respondents` means no value; the index is the 9-decimal base (earned ÷ applicable × scale)
plus each adjustment rounded to 9 decimals; comparisons use values rounded to 9 decimals.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cchc_rules.data.model import Dataset
from cchc_rules.dsl.models import Band, Node, Rulebook

YES = {"1", "true", "yes", "có", "đạt", "x"}
NO = {"0", "false", "no", "không", "chưa đạt"}
EMPTY, NA, ZERO_TOTAL = "empty", "na", "zero_total"


def nano(x: float) -> int:
    return round(x * 1e9)


def r9(x: float) -> float:
    return nano(x) / 1e9


@dataclass
class UnitScore:
    unit_id: str
    group: str
    flags: tuple[str, ...]
    index: float = 0.0
    published: str = ""
    band: str | None = None
    rank: int | None = None
    nodes: dict[str, float | None] = field(default_factory=dict)  # None: out of the unit's maximum
    node_max: dict[str, float] = field(default_factory=dict)
    zero_leaves: dict[str, int] = field(default_factory=dict)


def score(rulebook: Rulebook, dataset: Dataset, stage: str | None = None) -> dict[str, UnitScore]:
    """Every unit's index, published figure, band, rank and node points."""
    return score_values(rulebook, dataset, read_values(rulebook, dataset, stage))


def read_values(rulebook: Rulebook, dataset: Dataset, stage: str | None = None) -> dict[tuple[str, str], Any]:
    """(unit id, criterion id) → the value used at `stage`: a number, a level name, NA, EMPTY or
    ZERO_TOTAL (the parsing half of the work)."""
    stages = rulebook.stages if stage is None else rulebook.stages[: rulebook.stages.index(stage) + 1]
    decimal = dataset.meta.decimal
    leaves = {leaf.id: leaf for leaf in rulebook.leaves()}
    adjustments = {a.id: a for a in rulebook.adjustments}
    values: dict[tuple[str, str], Any] = {}
    for row in dataset.assessments.to_dict("records"):
        key = (row["unit_id"], row["criterion_id"])
        cell = None
        for s in stages:
            if row.get(s) is not None and not _blank(row[s]):
                cell = row[s]
        if cell is None:
            continue
        if key[1] in leaves:
            values[key] = _parse(leaves[key[1]], cell, decimal)
        elif key[1] in adjustments:
            values[key] = NA if str(cell).strip() == "NA" else _number(cell, decimal)
    if dataset.survey is not None:
        values.update(_survey(leaves, dataset.survey))
    return values


def score_values(rulebook: Rulebook, dataset: Dataset, values: dict[tuple[str, str], Any]) -> dict[str, UnitScore]:
    """The scoring half: points, aggregation, index, bands, ranks, quotas."""
    leaves = {leaf.id: leaf for leaf in rulebook.leaves()}
    applies = {(n, g): rulebook.applies(n, g) for n in rulebook.nodes() for g in rulebook.groups}
    units = {
        r["unit_id"]: UnitScore(r["unit_id"], r["group"], tuple(r["flags"] or ()))
        for r in dataset.units.to_dict("records")
    }
    leaf_points: dict[tuple[str, str], float | None] = {}
    relative: list[Node] = []
    for u in units.values():
        for leaf in leaves.values():
            if not applies[leaf.id, u.group]:
                leaf_points[u.unit_id, leaf.id] = None
            elif leaf.rule.kind == "relative":
                relative.append(leaf)
            else:
                leaf_points[u.unit_id, leaf.id] = _leaf_points(rulebook, leaf, values.get((u.unit_id, leaf.id), EMPTY))
    _relative(rulebook, units, {leaf.id: leaf for leaf in relative}, values, leaf_points, applies)

    for u in units.values():
        for top in rulebook.criteria:
            _aggregate(rulebook, top, u, leaf_points, applies)
        earned = sum(u.nodes[t.id] or 0.0 for t in rulebook.criteria)
        top_max = sum(u.node_max[t.id] for t in rulebook.criteria if u.nodes[t.id] is not None)
        if top_max == 0:
            raise ValueError(f"unit {u.unit_id} has no applicable criterion")
        # exactly, in nano-points, half up: 64.003029255 ÷ 88 × 100 = 72.7307150625 → 72.730715063
        index = (2 * nano(earned) * nano(rulebook.scale) + nano(top_max)) // (2 * nano(top_max))
        for adj in rulebook.adjustments:
            v = values.get((u.unit_id, adj.id))
            if v is None or v == NA:
                continue
            amount = v if adj.rule.points is not None else v * adj.rule.deduct_each
            if adj.cap is not None:
                amount = min(adj.cap, amount)
            index += adj.sign * nano(amount)
        u.index = min(max(index, 0), nano(rulebook.scale)) / 1e9
        u.published = publish(u.index, rulebook.display.decimals)
    _grade(rulebook, units)
    return units


def publish(x: float, decimals: int) -> str:
    """Decimal half-up rounding of the 9-decimal value: 9.415 → '9.42'."""
    exact = Decimal(nano(x)) / Decimal(10**9)
    return str(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------- reading cells
def _blank(text: Any) -> bool:
    return isinstance(text, float) and math.isnan(text) or str(text).strip() == ""


def _number(text: str, decimal: str) -> float:
    text = str(text).strip()
    return float(text.replace(",", ".") if decimal == "," else text)


def _parse(leaf: Node, text: str, decimal: str) -> Any:
    text = unicodedata.normalize("NFC", str(text)).strip()
    if text == "NA":
        return NA
    kind = leaf.rule.kind
    if kind == "binary":
        low = text.lower()
        if low in YES:
            return 1.0
        if low in NO:
            return 0.0
        raise ValueError(f"{leaf.id}: {text!r} is not yes/no")
    if kind == "levels":
        return text
    if kind == "ratio":
        if "/" in text:
            done, total = (int(part) for part in text.split("/"))
            return ZERO_TOTAL if total == 0 else done / total
        return _number(text, decimal)
    return _number(text, decimal)


def _survey(leaves: dict[str, Node], survey) -> dict[tuple[str, str], Any]:
    """Per unit and survey leaf: the aggregated mean weight, or EMPTY under min_respondents."""
    answers: dict[tuple[str, str], list[dict]] = {}
    for row in survey.to_dict("records"):
        answers.setdefault((row["unit_id"], row["criterion_id"]), []).append(row)
    out: dict[tuple[str, str], Any] = {}
    for (unit_id, leaf_id), rows in answers.items():
        rule = leaves[leaf_id].rule.survey
        counted = [
            (r["form"], rule.options[r["answer"]])
            for r in rows
            if r["answer"] not in rule.skip and not (rule.exclude_own_unit and r.get("respondent_unit") == unit_id)
        ]
        if len(counted) < rule.min_respondents:
            out[unit_id, leaf_id] = EMPTY
            continue
        if rule.aggregate == "pooled":
            total = sum(rule.forms.get(f, 1.0) for f, _ in counted)
            out[unit_id, leaf_id] = sum(rule.forms.get(f, 1.0) * w for f, w in counted) / total
        else:
            by_form: dict[str, list[float]] = {}
            for f, w in counted:
                by_form.setdefault(f, []).append(w)
            total = sum(rule.forms.get(f, 1.0) for f in by_form)
            out[unit_id, leaf_id] = sum(rule.forms.get(f, 1.0) * sum(ws) / len(ws) for f, ws in by_form.items()) / total
    return out


# ---------------------------------------------------------------- points
def _leaf_points(rulebook: Rulebook, leaf: Node, value: Any) -> float | None:
    """Points of a leaf (None: out of the unit's maximum)."""
    top = leaf.max or 0.0
    if value == EMPTY:
        policy = rulebook.missing_for(leaf)
        if policy == "error":
            raise ValueError(f"leaf {leaf.id} has no value")
        return {"zero": 0.0, "max": top, "na": None}[policy]
    if value == NA:
        return None if rulebook.not_applicable == "rescale" else 0.0
    rule, kind = leaf.rule, leaf.rule.kind
    if value == ZERO_TOTAL:
        return {"na": None, "max": top, "zero": 0.0}[rule.ratio.if_zero_total]
    if kind == "binary":
        points = top if value == 1.0 else 0.0
    elif kind == "ladder":
        points = 0.0
        for step in rule.ladder:
            if step.min is None or value >= step.min:
                points = step.points if step.points is not None else step.share * top
                break
    elif kind == "linear":
        a, b = rule.linear.from_, rule.linear.to
        points = top * min(max((value - a) / (b - a), 0.0), 1.0)
    elif kind in ("ratio", "survey"):
        points = top * value
    elif kind == "levels":
        points = rule.levels[value]
    elif kind == "deduct":
        points = max(top - rule.deduct.per * value, 0.0)
    else:  # points
        points = value
    return r9(min(max(points, 0.0), top))


def _relative(rulebook, units, leaves: dict[str, Node], values, leaf_points, applies) -> None:
    """max × (v − worst) ÷ (best − worst) among the units of the same group with a value."""
    for leaf in leaves.values():
        top = leaf.max or 0.0
        by_group: dict[str, list[tuple[str, float]]] = {}
        for u in units.values():
            if not applies[leaf.id, u.group]:
                continue
            v = values.get((u.unit_id, leaf.id), EMPTY)
            if isinstance(v, float):
                by_group.setdefault(u.group, []).append((u.unit_id, v))
            else:
                leaf_points[u.unit_id, leaf.id] = _leaf_points(rulebook, leaf, v)
        for members in by_group.values():
            lo, hi = min(v for _, v in members), max(v for _, v in members)
            for unit_id, v in members:
                if hi == lo:
                    share = 1.0
                elif leaf.rule.relative.better == "higher":
                    share = (v - lo) / (hi - lo)
                else:
                    share = (hi - v) / (hi - lo)
                leaf_points[unit_id, leaf.id] = r9(min(max(top * share, 0.0), top))


def _aggregate(rulebook: Rulebook, node: Node, u: UnitScore, leaf_points, applies) -> float | None:
    """Points of `node` for unit `u` (None when out of its maximum); fills u.nodes and u.node_max."""
    if node.is_leaf:
        points = leaf_points[u.unit_id, node.id]
        u.node_max[node.id] = node.max or 0.0
        u.zero_leaves[node.id] = int(points == 0.0)
        u.nodes[node.id] = points
        return points
    kids = [(c, _aggregate(rulebook, c, u, leaf_points, applies)) for c in node.children]
    live = [(c, p) for c, p in kids if p is not None]
    u.zero_leaves[node.id] = sum(u.zero_leaves[c.id] for c, _ in live)
    if not live or not applies[node.id, u.group]:
        u.nodes[node.id] = None
        u.node_max[node.id] = node.max or 0.0
        return None
    maxima = [u.node_max[c.id] for c, _ in live]
    points = [p for _, p in live]
    if node.aggregate == "sum":
        got, top = sum(points), sum(maxima)
    elif node.aggregate == "capped":
        got, top = min(sum(points), node.max), min(sum(maxima), node.max)
    else:
        k = node.aggregate.best
        got, top = sum(sorted(points, reverse=True)[:k]), sum(sorted(maxima, reverse=True)[:k])
    top = r9(top)
    got = r9(min(max(got, min(node.floor, top)), top))
    u.nodes[node.id], u.node_max[node.id] = got, top
    return got


# ---------------------------------------------------------------- bands and ranks
def _key(rulebook: Rulebook, u: UnitScore) -> int:
    """What bands and ranks compare: the 9-decimal index, or the published figure."""
    if rulebook.display.rank_on == "published":
        return nano(float(u.published))
    return nano(u.index)


def _qualifies(rulebook: Rulebook, band: Band, u: UnitScore) -> bool:
    if _key(rulebook, u) < nano(band.min):
        return False
    for gate in band.when:
        if gate.flag is not None:
            if (gate.flag in u.flags) != gate.is_:
                return False
            continue
        points = u.nodes.get(gate.node)
        if points is None:
            continue  # a gate on a node out of the unit's maximum holds
        top = u.node_max[gate.node]
        if gate.min_share is not None and nano(points) < nano(gate.min_share * top):
            return False
        if gate.min is not None and nano(points) < nano(gate.min):
            return False
        if gate.max_zero_leaves is not None and u.zero_leaves[gate.node] > gate.max_zero_leaves:
            return False
    return True


def _first_band(rulebook: Rulebook, bands: list[Band], u: UnitScore, start: int = 0) -> str | None:
    return next((b.id for b in bands[start:] if _qualifies(rulebook, b, u)), None)


def _grade(rulebook: Rulebook, units: dict[str, UnitScore]) -> None:
    ranking = rulebook.ranking
    for u in units.values():
        u.band = _first_band(rulebook, rulebook.bands_for(u.group), u)
    ranked = [u for u in units.values() if ranking.exclude_flag is None or ranking.exclude_flag not in u.flags]
    scopes: dict[str, list[UnitScore]] = {}
    for u in ranked:
        scopes.setdefault(u.group if ranking.within == "group" else "", []).append(u)

    def order(u: UnitScore) -> tuple:
        breaks = tuple(-nano(u.nodes.get(n) or 0.0) for n in ranking.tie_break)
        return (-_key(rulebook, u), *breaks)

    for members in scopes.values():
        members.sort(key=order)
        for i, u in enumerate(members):
            same = i > 0 and order(members[i - 1]) == order(u)
            u.rank = members[i - 1].rank if same else i + 1
    for group in rulebook.groups:
        _quotas(rulebook, rulebook.bands_for(group), sorted((u for u in ranked if u.group == group), key=order))


def _quotas(rulebook: Rulebook, bands: list[Band], members: list[UnitScore]) -> None:
    for i, band in enumerate(bands):
        quota = band.quota
        if quota is None:
            continue
        pool = [u for u in members if quota.of is None or u.band in quota.of]
        allowed = math.floor(Decimal(str(quota.max_share)) * len(pool))
        holders = [u for u in members if u.band == band.id]
        if len(holders) <= allowed:
            continue
        keep = allowed
        if allowed > 0 and holders[allowed].rank == holders[allowed - 1].rank:
            boundary = holders[allowed].rank
            if quota.ties == "keep_all":
                keep = sum(1 for u in holders if u.rank <= boundary)
            else:
                keep = sum(1 for u in holders if u.rank < boundary)
        for u in holders[keep:]:
            u.band = _first_band(rulebook, bands, u, i + 1)
