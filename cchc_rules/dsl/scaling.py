"""What `reweight` and `transfer` do to a subtree (spec §7), and keeping stated sums consistent."""

from __future__ import annotations

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
            put(node, "max", tidy(node["max"] + delta), pos)


def scale_subtree(node: LDict, factor: float, pos: Pos) -> None:
    """Scale a node's stated max, floor and absolute rule points, and those of every node under it."""
    for key in ("max", "floor"):
        if number(node.get(key)) is not None:
            put(node, key, tidy(node[key] * factor), pos)
    rule = node.get("rule")
    if isinstance(rule, LDict):
        scale_rule(rule, factor, pos)
    children = node.get("children")
    for child in children if isinstance(children, LList) else ():
        if isinstance(child, LDict):
            scale_subtree(child, factor, pos)


def scale_rule(rule: LDict, factor: float, pos: Pos) -> None:
    """Ladder `points`, `levels` values and deduct `per` are in the leaf's points; `share` is not."""
    ladder, levels, deduct = rule.get("ladder"), rule.get("levels"), rule.get("deduct")
    for step in ladder if isinstance(ladder, LList) else ():
        if isinstance(step, LDict) and number(step.get("points")) is not None:
            put(step, "points", tidy(step["points"] * factor), pos)
    for name, value in list(levels.items()) if isinstance(levels, LDict) else ():
        if number(value) is not None:
            put(levels, name, tidy(value * factor), pos)
    if isinstance(deduct, LDict) and number(deduct.get("per")) is not None:
        put(deduct, "per", tidy(deduct["per"] * factor), pos)

