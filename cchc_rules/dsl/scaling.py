"""What `reweight` and `transfer` do to a subtree (spec §7), and keeping stated sums consistent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from cchc_rules.dsl.located_edit import put
from cchc_rules.dsl.source import LDict, LList
from cchc_rules.numbers import number, tidy
from cchc_rules.problems import Pos


def effective_max(node: LDict) -> float:
    """A node's max: stated, or implied by its children (sum, or the k largest)."""
    stated = number(node.get("max"))
    return stated if stated is not None else implied_max(node)


def implied_max(node: LDict) -> float:
    children = node.get("children")
    if not isinstance(children, LList):
        return 0.0
    maxima = sorted((effective_max(c) for c in children if isinstance(c, LDict)), reverse=True)
    aggregate = node.get("aggregate")
    if isinstance(aggregate, LDict) and isinstance(aggregate.get("best"), int):
        maxima = maxima[: aggregate["best"]]
    return float(sum(maxima))


def keeping_sums(branches: list[tuple[LDict, ...]], mutate: Callable[[], None], pos: Pos) -> None:
    """Apply `mutate`, then shift the stated max of each sum/best-k ancestor by the change in its children.

    `branches` are ancestor chains (root first) of the places the change touches; their nodes are
    settled deepest first, so each sees its children's final maxima. A capped ancestor keeps its
    max, and so shields those above it.
    """
    depth = {id(node): (i, node) for chain in branches for i, node in enumerate(chain)}
    before = {key: implied_max(node) for key, (_, node) in depth.items()}
    mutate()
    for key, (_, node) in sorted(depth.items(), key=lambda kv: -kv[1][0]):
        if node.get("aggregate") == "capped" or number(node.get("max")) is None:
            continue
        delta = implied_max(node) - before[key]
        if delta:
            put(node, "max", tidy(number(node["max"]) + delta), pos)


def scale_subtree(node: LDict, factor: float, pos: Pos, tally: Counter[str] | None = None,
                  share: float | None = None) -> Counter[str]:
    """Scale every amount in points in a node and under it, so that a unit keeps its share of the node.

    Stated `max` and `floor` (a capped parent's cap with them), ladder `points`, `levels` values,
    deduct `per`; a `points` leaf gets `out_of: <its max before>` (unless it has one), so the values
    assessors entered on the old scale give the same share of the new max. `tally` counts what was
    scaled, by kind, for the note on the change. `share` is the max of a child of a `split: equal`
    parent (it states none).
    """
    tally = Counter() if tally is None else tally
    old_max = number(node.get("max"))
    if old_max is None:
        old_max = share
    for key in ("max", "floor"):
        if number(node.get(key)) is not None:
            put(node, key, tidy(number(node[key]) * factor), pos)
    if node.get("aggregate") == "capped" and old_max is not None:
        tally["cap"] += 1
    rule = node.get("rule")
    if isinstance(rule, LDict):
        scale_rule(rule, factor, pos, old_max, tally)
    children = node.get("children")
    kids = [c for c in children if isinstance(c, LDict)] if isinstance(children, LList) else []
    equal = old_max / len(kids) if node.get("split") == "equal" and old_max is not None and kids else None
    for child in kids:
        scale_subtree(child, factor, pos, tally, equal)
    return tally


def scale_rule(rule: LDict, factor: float, pos: Pos, old_max: float | None, tally: Counter[str]) -> None:
    """Ladder `points`, `levels` values and deduct `per` are in the leaf's points (`share` is not);
    a `points` leaf's entered values stay on their old scale through `out_of`."""
    ladder, levels, deduct, points = rule.get("ladder"), rule.get("levels"), rule.get("deduct"), rule.get("points")
    for step in ladder if isinstance(ladder, LList) else ():
        if isinstance(step, LDict) and number(step.get("points")) is not None:
            put(step, "points", tidy(number(step["points"]) * factor), pos)
            tally["ladder"] += 1
    for name, value in list(levels.items()) if isinstance(levels, LDict) else ():
        if number(value) is not None:
            put(levels, name, tidy(number(value) * factor), pos)
            tally["levels"] += 1
    if isinstance(deduct, LDict) and number(deduct.get("per")) is not None:
        put(deduct, "per", tidy(number(deduct["per"]) * factor), pos)
        tally["deduct"] += 1
    if isinstance(points, LDict):
        if number(points.get("out_of")) is None and old_max is not None:
            put(points, "out_of", tidy(old_max), pos)
        tally["points"] += 1
