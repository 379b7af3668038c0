"""Rulebook validation, pass (b): checks across a raw document (ids, references, maxima, ladders, bands).

`CrossChecks(raw, problems).run()` reports R13x–R15x and the warnings R19x on the raw located
document (`dsl.source`), skipping whatever is malformed (pass (a), `validate_shape`, reports that),
so that both passes together report every mistake at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cchc_rules.dsl.messages import (
    ADJUSTMENT_IS_NODE,
    BAND_NO_FLOOR,
    BAND_ORDER,
    BEST_TOO_MANY,
    CAPPED_UNREACHABLE,
    CAPPED_WITHOUT_MAX,
    CHILDREN_AND_RULE,
    DUPLICATE_ADJUSTMENT,
    DUPLICATE_BAND,
    DUPLICATE_NODE,
    DUPLICATE_STAGE,
    DUPLICATE_TIE_BREAK,
    FORM_WEIGHT,
    LADDER_ABOVE_MAX,
    LADDER_OPEN_STEP,
    LADDER_ORDER,
    LEAF_WITHOUT_MAX,
    LEAF_WITHOUT_RULE,
    LEVEL_ABOVE_MAX,
    QUANTILE_MIX,
    QUANTILE_NO_FLOOR,
    QUANTILE_ORDER,
    RELATIVE_RULE,
    SKIP_IS_OPTION,
    SPLIT_CHILD_MAX,
    SPLIT_WITHOUT_MAX,
    SUM_MISMATCH,
    TOP_NOT_SCALE,
    UNKNOWN_FLAG,
    UNKNOWN_GATE_NODE,
    UNKNOWN_GROUP,
    UNKNOWN_QUOTA_BAND,
    UNKNOWN_REFERENCE,
    UNKNOWN_TIE_BREAK,
    UNREACHABLE_MAX,
)
from cchc_rules.dsl.source import LDict, LList
from cchc_rules.dsl.validate_shape import item_id
from cchc_rules.numbers import number, plain
from cchc_rules.problems import Pos, Problems, nearest

# Maxima made by reweight/transfer are rounded to 9 decimals each, so their sums may be off by
# a few nano-points: sums of maxima are compared to a micro-point.
MAXIMA_TOLERANCE = 1e-6


def _sum_text(total: float) -> str:
    """A sum of maxima as a person reads it: sums of 9-decimal shares (3 × 3.333333333) to 6 decimals."""
    return plain(round(total, 6))


def _nonneg(value: Any) -> float | None:
    found = number(value)
    return found if found is not None and found >= 0 else None


def _dicts(value: Any) -> Iterator[tuple[int, LDict]]:
    if isinstance(value, LList):
        yield from ((i, item) for i, item in enumerate(value) if isinstance(item, LDict))


def _strings(value: Any) -> Iterator[tuple[int, str]]:
    if isinstance(value, LList):
        yield from ((i, item) for i, item in enumerate(value) if isinstance(item, str))


@dataclass
class _Node:
    d: LDict
    path: str
    id: str | None
    children: list[_Node]

    @property
    def is_leaf(self) -> bool:
        return self.d.get("children") is None


class CrossChecks:
    """The checks across a raw document; each method skips what is malformed."""

    def __init__(self, raw: LDict, problems: Problems):
        self.raw, self.problems = raw, problems
        self.nodes: list[_Node] = []
        self.top = self._nodes(raw.get("criteria"), "criteria", "criteria")
        self.ids = list(dict.fromkeys(n.id for n in self.nodes if n.id is not None))  # document order
        self.groups = raw.get("groups") if isinstance(raw.get("groups"), LDict) else None
        self.flags = raw.get("flags") if isinstance(raw.get("flags"), LDict) else LDict()
        self.refs = raw.get("references") if isinstance(raw.get("references"), LDict) else LDict()
        self._max: dict[int, float | None] = {}
        self.parent_of = {id(c.d): n for n in self.nodes for c in n.children}

    def add(self, code: str, pos: Pos | None, path: str, severity: str = "error", **params: Any) -> None:
        self.problems.add(code, pos, path, severity, **params)  # type: ignore[arg-type]

    def run(self) -> None:
        self.node_ids()
        for node in self.nodes:
            self.node(node)
        self.adjustments()
        self.bands_all()
        self.ranking()
        self.stages()
        self.scale()

    def _nodes(self, items: Any, prefix: str, list_path: str) -> list[_Node]:
        out = []
        for i, d in _dicts(items):
            ident = item_id(d)
            path = f"criteria/{ident}" if ident is not None else f"{list_path}/{i}"
            node = _Node(d, path, ident, [])
            self.nodes.append(node)
            node.children = self._nodes(d.get("children"), path, f"{path}/children")
            out.append(node)
        return out

    # -- ids
    def node_ids(self) -> None:
        seen: dict[str, Pos] = {}
        for node in self.nodes:
            if node.id is None:
                continue
            if node.id in seen:
                self.add(DUPLICATE_NODE, node.d.where("id"), node.path, id=node.id, first=seen[node.id].line)
            else:
                seen[node.id] = node.d.where("id")
        self.node_pos = seen

    # -- one node
    def node(self, n: _Node) -> None:
        d = n.d
        label = n.id or n.path
        has_children = isinstance(d.get("children"), LList) and len(d["children"]) > 0
        if has_children and d.get("rule") is not None:
            self.add(CHILDREN_AND_RULE, d.where("rule"), f"{n.path}/rule", id=label)
        if n.is_leaf and d.get("rule") is None and d.get("children") is None:  # `children: null` is no children
            self.add(LEAF_WITHOUT_RULE, d.pos, n.path, id=label)
        split_parent = self._split_parent(n)
        if n.is_leaf and d.get("max") is None and d.get("children") is None and split_parent is None:
            self.add(LEAF_WITHOUT_MAX, d.pos, n.path, id=label)
        if split_parent is not None and d.get("max") is not None:
            self.add(SPLIT_CHILD_MAX, d.where("max"), f"{n.path}/max", id=label, parent=split_parent.id or "",
                     share=plain(self.max_of(n) or 0))
        if d.get("split") == "equal" and d.get("max") is None and split_parent is None:
            self.add(SPLIT_WITHOUT_MAX, d.where("split"), f"{n.path}/split", id=label)
        self.applies_to(n)
        self.references(n)
        if has_children:
            self.parent(n)
        elif isinstance(d.get("rule"), LDict):
            self.rule(n, d["rule"])

    def applies_to(self, n: _Node) -> None:
        if self.groups is None:
            return
        groups = n.d.get("applies_to")
        for i, name in _strings(groups):
            if name not in self.groups:
                self.add(UNKNOWN_GROUP, groups.where(i), f"{n.path}/applies_to/{i}", name=name,
                         near=nearest(name, self.groups))

    def references(self, n: _Node) -> None:
        ref = n.d.get("reference")
        items = [(f"{n.path}/reference", ref)] if isinstance(ref, LDict) else [
            (f"{n.path}/reference/{i}", r) for i, r in _dicts(ref)]
        for path, item in items:
            name = item.get("ref")
            if isinstance(name, str) and name not in self.refs:
                self.add(UNKNOWN_REFERENCE, item.where("ref"), f"{path}/ref", name=name, near=nearest(name, self.refs))

    def _split_parent(self, n: _Node) -> _Node | None:
        parent = self.parent_of.get(id(n.d))
        return parent if parent is not None and parent.d.get("split") == "equal" else None

    def max_of(self, n: _Node) -> float | None:
        """A node's maximum as the model will compute it (None when malformed or unknown)."""
        key = id(n.d)
        if key not in self._max:
            self._max[key] = None  # guards against cycles in malformed input
            split_parent = self._split_parent(n)
            if split_parent is not None:
                top = self.max_of(split_parent)
                self._max[key] = None if top is None else top / len(split_parent.children)
                return self._max[key]
            given = _nonneg(n.d.get("max"))
            agg = n.d.get("aggregate", "sum")
            if given is not None or not n.children or agg == "capped":
                self._max[key] = given
            else:
                maxima = [self.max_of(c) for c in n.children]
                if all(m is not None for m in maxima):
                    self._max[key] = sum(sorted(maxima, reverse=True)[: self._best(agg) or len(maxima)])
        return self._max[key]

    @staticmethod
    def _best(agg: Any) -> int | None:
        k = agg.get("best") if isinstance(agg, LDict) else None
        return k if isinstance(k, int) and not isinstance(k, bool) and k >= 1 else None

    def parent(self, n: _Node) -> None:
        d, label = n.d, n.id or n.path
        agg = d.get("aggregate", "sum")
        given = _nonneg(d.get("max"))
        maxima = [self.max_of(c) for c in n.children]
        known = all(m is not None for m in maxima) and len(n.children) == len(d["children"])
        total = sum(m for m in maxima if m is not None)
        if agg == "sum" and given is not None and known and abs(given - total) > MAXIMA_TOLERANCE:
            parts = " + ".join(f"{c.id or c.path} ({_sum_text(m)})" for c, m in zip(n.children, maxima))
            self.add(SUM_MISMATCH, d.where("max"), f"{n.path}/max", id=label, given=plain(given),
                     total=_sum_text(total), parts=parts)
        elif agg == "capped" and d.get("max") is None:
            self.add(CAPPED_WITHOUT_MAX, d.where("aggregate"), f"{n.path}/aggregate", id=label)
        elif agg == "capped" and given is not None and known and total < given - 1e-9:
            self.add(CAPPED_UNREACHABLE, d.where("max"), f"{n.path}/max", "warning", id=label, total=_sum_text(total),
                     max=plain(given))
        k = self._best(agg)
        if k is not None and k > len(d["children"]):
            self.add(BEST_TOO_MANY, agg.where("best"), f"{n.path}/aggregate/best", id=label, k=k,
                     n=len(d["children"]))
        elif k is not None and given is not None and known:
            best = sum(sorted(maxima, reverse=True)[:k])  # type: ignore[type-var]
            if best < given - 1e-9:
                self.add(CAPPED_UNREACHABLE, d.where("max"), f"{n.path}/max", "warning", id=label,
                         total=_sum_text(best), max=plain(given))

    # -- leaf rules
    def rule(self, n: _Node, rule: LDict) -> None:
        top = self.max_of(n)
        path, label = f"{n.path}/rule", n.id or n.path
        if isinstance(rule.get("ladder"), LList):
            self.ladder(rule["ladder"], f"{path}/ladder", label, top)
        if isinstance(rule.get("levels"), LDict):
            levels = rule["levels"]
            points = {k: number(v) for k, v in levels.items() if number(v) is not None}
            for name, value in points.items():
                if top is not None and value > top + 1e-9:
                    self.add(LEVEL_ABOVE_MAX, levels.where(name), f"{path}/levels/{name}", level=name,
                             points=plain(value), max=plain(top), id=label)
            if top is not None and points and max(points.values()) < top - 1e-9:
                self.add(UNREACHABLE_MAX, n.d.where("max"), f"{n.path}/max", "warning", id=label, max=plain(top),
                         best=plain(max(points.values())))
        if isinstance(rule.get("survey"), LDict):
            self.survey(rule["survey"], f"{path}/survey", n, top)
        if "relative" in rule:
            self.add(RELATIVE_RULE, rule.where("relative"), f"{path}/relative", "warning", id=label)

    def ladder(self, steps: LList, path: str, label: str, top: float | None) -> None:
        previous: float | None = None
        best: float | None = None
        for i, step in _dicts(steps):
            low = number(step.get("min"))
            if step.get("min") is None and i != len(steps) - 1:
                self.add(LADDER_OPEN_STEP, steps.where(i), f"{path}/{i}", index=i)
            if low is not None and previous is not None and not low < previous:
                self.add(LADDER_ORDER, step.where("min"), f"{path}/{i}/min", min=plain(low), previous=plain(previous))
            previous = low if low is not None else previous
            points = number(step.get("points"))
            share = number(step.get("share"))
            amount = points if points is not None else (share * top if share is not None and top is not None else None)
            if points is not None and top is not None and points > top + 1e-9:
                self.add(LADDER_ABOVE_MAX, step.where("points"), f"{path}/{i}/points", points=plain(points),
                         max=plain(top), id=label)
            if amount is not None:
                best = amount if best is None else max(best, amount)
        if top is not None and best is not None and best < top - 1e-9:
            self.add(UNREACHABLE_MAX, steps.pos, path, "warning", id=label, max=plain(top), best=plain(best))

    def survey(self, survey: LDict, path: str, n: _Node, top: float | None) -> None:
        options = survey.get("options") if isinstance(survey.get("options"), LDict) else LDict()
        skip = survey.get("skip")
        for i, answer in _strings(skip):
            if answer in options:
                self.add(SKIP_IS_OPTION, skip.where(i), f"{path}/skip/{i}", answer=answer)
        forms = survey.get("forms")
        if isinstance(forms, LDict):
            for form, weight in forms.items():
                if number(weight) is not None and weight <= 0:
                    self.add(FORM_WEIGHT, forms.where(form), f"{path}/forms/{form}", form=form, weight=plain(weight))
        weights = [w for w in (number(v) for v in options.values()) if w is not None and 0 <= w <= 1]
        if top is not None and weights and max(weights) < 1:
            self.add(UNREACHABLE_MAX, n.d.where("max"), f"{n.path}/max", "warning", id=n.id or n.path,
                     max=plain(top), best=plain(top * max(weights)))

    # -- adjustments, bands, ranking, stages, scale
    def adjustments(self) -> None:
        seen: dict[str, Pos] = {}
        for _, d in _dicts(self.raw.get("adjustments")):
            ident = item_id(d)
            if ident is None:
                continue
            path = f"adjustments/{ident}"
            if ident in seen:
                self.add(DUPLICATE_ADJUSTMENT, d.where("id"), path, id=ident, first=seen[ident].line)
            elif ident in self.node_pos:
                self.add(ADJUSTMENT_IS_NODE, d.where("id"), path, id=ident, first=self.node_pos[ident].line)
            seen.setdefault(ident, d.where("id"))

    def bands_all(self) -> None:
        self.bands(self.raw.get("bands"), "bands")
        by_group = self.raw.get("bands_by_group")
        if not isinstance(by_group, LDict):
            return
        for group, bands in by_group.items():
            if self.groups is not None and group not in self.groups:
                self.add(UNKNOWN_GROUP, by_group.key_pos.get(group), f"bands_by_group/{group}", name=group,
                         near=nearest(str(group), self.groups))
            self.bands(bands, f"bands_by_group/{group}")

    def bands(self, bands: Any, prefix: str) -> None:
        items = list(_dicts(bands))
        ids = [item_id(d) for _, d in items]
        seen: dict[str, Pos] = {}
        previous: float | None = None
        first = items[0][1] if items else LDict()
        by_quantile = "quantile" in first and "min" not in first  # the first band sets the list's kind
        if by_quantile:
            self.quantile_bands(items, ids, prefix)
        for (i, d), ident in zip(items, ids):
            path = f"{prefix}/{ident if ident is not None else i}"
            if ident is not None:
                if ident in seen:
                    self.add(DUPLICATE_BAND, d.where("id"), path, id=ident, first=seen[ident].line)
                seen.setdefault(ident, d.where("id"))
            if ("quantile" in first) != ("min" in first) and ("quantile" in d) != ("min" in d) and (
                    ("quantile" in d) != by_quantile):
                self.add(QUANTILE_MIX, d.pos, path, id=ident or i)
            low = number(d.get("min"))
            if low is not None and previous is not None and not low < previous:
                self.add(BAND_ORDER, d.where("min"), f"{path}/min", id=ident or i, min=plain(low),
                         previous=plain(previous))
            previous = low if low is not None else previous
            self.gates(d.get("when"), f"{path}/when")
            self.quota(d.get("quota"), f"{path}/quota", [x for x in ids if x is not None])
        if items and len(items) == len(bands):
            last = items[-1][1]
            low = number(last.get("min"))
            if low is not None and low > 0:
                ident = ids[-1] if ids[-1] is not None else len(items) - 1
                self.add(BAND_NO_FLOOR, last.where("min"), f"{prefix}/{ident}/min", id=ident, min=plain(low))

    def quantile_bands(self, items: list[tuple[int, LDict]], ids: list[str | None], prefix: str) -> None:
        """Quantile bands (extension): strictly descending `quantile`, the last one 0."""
        previous: float | None = None
        for (i, d), ident in zip(items, ids):
            q = number(d.get("quantile"))
            if q is None:
                continue
            if previous is not None and not q < previous:
                self.add(QUANTILE_ORDER, d.where("quantile"), f"{prefix}/{ident or i}/quantile", id=ident or i,
                         quantile=plain(q), previous=plain(previous))
            previous = q
        last_index, last = items[-1]
        q = number(last.get("quantile"))
        if q is not None and q > 0:
            ident = ids[-1] if ids[-1] is not None else last_index
            self.add(QUANTILE_NO_FLOOR, last.where("quantile"), f"{prefix}/{ident}/quantile", id=ident,
                     quantile=plain(q))

    def gates(self, gates: Any, path: str) -> None:
        for i, gate in _dicts(gates):
            flag, node = gate.get("flag"), gate.get("node")
            if isinstance(flag, str) and flag not in self.flags:
                self.add(UNKNOWN_FLAG, gate.where("flag"), f"{path}/{i}/flag", name=flag,
                         near=nearest(flag, self.flags))
            if isinstance(node, str) and node not in self.ids:
                self.add(UNKNOWN_GATE_NODE, gate.where("node"), f"{path}/{i}/node", name=node,
                         near=nearest(node, self.ids))

    def quota(self, quota: Any, path: str, band_ids: list[str]) -> None:
        if not isinstance(quota, LDict):
            return
        for i, name in _strings(quota.get("of")):
            if name not in band_ids:
                self.add(UNKNOWN_QUOTA_BAND, quota["of"].where(i), f"{path}/of/{i}", name=name,
                         near=nearest(name, band_ids))

    def ranking(self) -> None:
        ranking = self.raw.get("ranking")
        if not isinstance(ranking, LDict):
            return
        ties = ranking.get("tie_break")
        seen: set[str] = set()
        for i, name in _strings(ties):
            if name not in self.ids:
                self.add(UNKNOWN_TIE_BREAK, ties.where(i), f"ranking/tie_break/{i}", name=name,
                         near=nearest(name, self.ids))
            elif name in seen:
                self.add(DUPLICATE_TIE_BREAK, ties.where(i), f"ranking/tie_break/{i}", name=name)
            seen.add(name)
        flag = ranking.get("exclude_flag")
        if isinstance(flag, str) and flag not in self.flags:
            self.add(UNKNOWN_FLAG, ranking.where("exclude_flag"), "ranking/exclude_flag", name=flag,
                     near=nearest(flag, self.flags))

    def stages(self) -> None:
        stages = self.raw.get("stages")
        seen: set[str] = set()
        for i, name in _strings(stages):
            if name in seen:
                self.add(DUPLICATE_STAGE, stages.where(i), f"stages/{i}", name=name)
            seen.add(name)

    def scale(self) -> None:
        scale = number(self.raw.get("scale", 100))
        maxima = [self.max_of(n) for n in self.top]
        if scale is None or scale <= 0 or not maxima or any(m is None for m in maxima):
            return
        total = sum(m for m in maxima if m is not None)
        if abs(total - scale) > MAXIMA_TOLERANCE:
            where = self.raw.where("scale") if "scale" in self.raw else self.raw.where("criteria")
            self.add(TOP_NOT_SCALE, where, "scale" if "scale" in self.raw else "criteria", "warning",
                     total=_sum_text(total), scale=plain(scale))
