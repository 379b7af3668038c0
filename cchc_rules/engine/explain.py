"""The explanation ledger of one unit, built only when asked (`Result.explain`).

Rows, in order: the tree depth first, each parent node as a subtotal row (section `node`: its
points and maximum for the unit, the sum of its children and what its aggregation did: a cap, a
floor, the k best children kept, or that it is out of the unit's maximum) before its children,
and every leaf (value as a person reads it, stage used, matched step or level, points, max,
clamped, missing policy applied, why it is out of the maximum); every adjustment with a value,
the index arithmetic, the unit's band and every failed gate or threshold of the better bands it
missed, every quota demotion, every tie-break that separated it from a unit with the same index,
and why the unit is not ranked (excluded by a flag, or unscored: nothing applicable). Texts in
Vietnamese or English.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from cchc_rules.data.model import NA, VALUE
from cchc_rules.data.model import ZERO_TOTAL as ST_ZERO_TOTAL
from cchc_rules.display import decimal_text, number
from cchc_rules.dsl.models import Best
from cchc_rules.engine.grading import gate_holds, zero_leaves
from cchc_rules.engine.rounding import NANO
from cchc_rules.engine.vocabulary import Reason
from cchc_rules.i18n import level_label, resolve_lang, stage_label
from cchc_rules.i18n import pick as pick_text
from cchc_rules.labels import by_language
from cchc_rules.labels.engine import LEDGER

if TYPE_CHECKING:
    from cchc_rules.data.model import Inputs
    from cchc_rules.dsl.models import Rulebook
    from cchc_rules.engine.compile import Compiled
    from cchc_rules.engine.grading import Graded
    from cchc_rules.engine.vocabulary import IndexScores, LeafScores, NodeScores, Selected


class Result(Protocol):
    """What the ledger reads of a result (`engine.result.Result` has it), so that the ledger needs no import of it."""

    compiled: Compiled
    inputs: Inputs
    totals: IndexScores
    graded: Graded
    group_codes: np.ndarray

    @property
    def node_scores(self) -> NodeScores: ...

    @property
    def selected(self) -> Selected: ...

    @property
    def leaves(self) -> LeafScores: ...

    @property
    def units(self) -> pd.DataFrame: ...

    @property
    def rulebook(self) -> Rulebook: ...

    @property
    def stage(self) -> str: ...

    @property
    def flags(self) -> np.ndarray: ...

    @property
    def unscored(self) -> np.ndarray: ...

    def band_label(self, band_id: str, lang: str | None = None) -> str: ...

COLUMNS = ["section", "id", "code", "name", "kind", "stage", "value", "matched", "points", "max", "clamped",
           "missing", "out", "detail", "depth"]

TEXT: dict[str, dict[str, str]] = by_language(LEDGER)
_MISSING: dict[int, str] = {Reason.MISSING_ZERO: "zero", Reason.MISSING_MAX: "max", Reason.MISSING_NA: "na"}
# The ledger's note (a key of TEXT) for each reason a leaf did not get its points from a value.
_NOTE: dict[int, str] = {
    Reason.STRUCTURAL: "structural", Reason.NA_RESCALE: "na_rescale", Reason.ZERO_TOTAL_NA: "zt_na",
    Reason.MISSING_NA: "miss_na", Reason.NA_ZERO: "na_zero", Reason.ZERO_TOTAL_MAX: "zt_max",
    Reason.ZERO_TOTAL_ZERO: "zt_zero", Reason.MISSING_ZERO: "miss_zero", Reason.MISSING_MAX: "miss_max",
}


@dataclass
class Ledger:
    """How one unit was scored: `rows` (a DataFrame, columns `COLUMNS`) and `format()` text."""

    unit_id: str
    lang: str
    head: str
    rows: pd.DataFrame

    def format(self) -> str:
        token = _LANG.set(self.lang)
        try:
            return self._format()
        finally:
            _LANG.reset(token)

    def _format(self) -> str:
        lines = [self.head]
        for r in self.rows.itertuples(index=False):
            indent = "  " * (int(r.depth) if "depth" in self.rows and pd.notna(r.depth) else 0)
            if r.section == "node":
                amount = "—" if pd.isna(r.points) else f"{plain(r.points)}/{plain(r.max)}"
                lines.append(f"  {indent}{r.code} {r.name}: {amount}  [{TEXT[self.lang]['node']}] {r.detail}".rstrip())
            elif r.section == "leaf":
                amount = "" if pd.isna(r.points) else f"{plain(r.points)}/{plain(r.max)}"
                extra = "; ".join(x for x in (r.matched, r.out, r.detail) if x)
                stage = f"[{stage_label(r.stage, self.lang)}] " if r.stage else ""
                lines.append(f"  {indent}{r.code} {r.name}: {stage}{r.value} → {amount or '—'}"
                             f"{'  ' + extra if extra else ''}")
            else:
                label = TEXT[self.lang][r.section]
                amount = "" if pd.isna(r.points) else f" {plain(r.points)}"
                lines.append(f"  [{label}]{amount} {r.detail}".rstrip())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


_LANG: ContextVar[str] = ContextVar("ledger_lang", default="vi")


def plain(value: float) -> str:
    """A number of the ledger in its language's notation: up to 9 decimals, no trailing zeros (94,24; 94.24)."""
    return number(value, _LANG.get(), 9, trim=True)


def _signed(x: float) -> str:
    return ("+" if x >= 0 else "-") + plain(abs(x))


def build_ledger(result: Result, u: int, lang: str | None = None) -> Ledger:
    lang = resolve_lang(lang)
    token = _LANG.set(lang)
    try:
        return _ledger(result, u, lang)
    finally:
        _LANG.reset(token)


def _ledger(result: Result, u: int, lang: str) -> Ledger:
    t = TEXT[lang]
    rows = [*_tree_rows(result, u, lang), *_adjustment_rows(result, u, lang), _index_row(result, u, t)]
    rows += _band_rows(result, u, lang)
    rows += _tie_rows(result, u, t)
    rows += _unranked_rows(result, u, t)
    unit = result.units.iloc[u]
    band = t["band_none"] if pd.isna(unit["band"]) else result.band_label(unit["band"], lang)
    rank = t["unranked"] if pd.isna(unit["rank"]) else t["rank_is"].format(rank=unit["rank"])
    group = pick_text(result.rulebook.groups.get(str(unit["group"])), lang) or str(unit["group"])
    head = t["head"].format(unit=unit["unit_id"], name=unit["name"], group=group,
                            stage=stage_label(result.stage, lang),
                            published=decimal_text(str(unit["published"]), lang), band=band, rank=rank)
    table = pd.DataFrame([{k: r.get(k) for k in COLUMNS} for r in rows], columns=COLUMNS)
    return Ledger(str(unit["unit_id"]), lang, head, table)


def _leaf_rows(result: Result, u: int, lang: str) -> list[dict[str, Any]]:
    c, sel, lv = result.compiled, result.selected, result.leaves
    t = TEXT[lang]
    g = result.group_codes[u]
    out = []
    for j, leaf_id in enumerate(c.leaf_ids):
        node = c.nodes[c.leaf_node[j]]
        reason = int(lv.reason[u, j])
        stage = int(sel.stage_used[u, j])
        applicable = bool(lv.applicable[u, j])
        out.append({
            "section": "leaf", "id": leaf_id, "code": node.label, "name": pick_text(node.name, lang),
            "kind": node.rule.kind, "stage": c.rulebook.stages[stage] if stage >= 0 else "",
            "value": _value_text(result, u, j, t),
            "matched": _matched(result, u, j, g, t) if reason == Reason.OK else "",
            "points": lv.points[u, j] / NANO if applicable else np.nan,
            "max": c.leaf_max[j] if applicable else np.nan,
            "clamped": bool(lv.clamped[u, j]),
            "missing": _MISSING.get(reason, ""),
            "out": t[_NOTE[reason]] if reason in _NOTE else "",
            "detail": "",
        })
    return out


def _tree_rows(result: Result, u: int, lang: str) -> list[dict[str, Any]]:
    """Leaf rows, with a subtotal row before the children of every parent node, depth first (the leaf order)."""
    leaves = iter(_leaf_rows(result, u, lang))
    col = {nid: j for j, nid in enumerate(result.compiled.node_ids)}
    out = []
    for node, _, depth in result.rulebook.walk():
        if node.children:
            out.append({**_node_row(result, u, col, node, lang), "depth": depth})
        else:
            out.append({**next(leaves), "depth": depth})
    return out


def _node_row(result: Result, u: int, col: dict[str, int], node: Any, lang: str) -> dict[str, Any]:
    """A parent's subtotal: its points of its maximum, and what its aggregation did to its children's sum."""
    t = TEXT[lang]
    ns = result.node_scores
    n = col[node.id]
    row = {"section": "node", "id": node.id, "code": node.label, "name": pick_text(node.name, lang),
           "kind": "node", "points": np.nan, "max": np.nan, "detail": t["node_out"]}
    if not ns.applicable[u, n]:
        return row
    kids = [col[k.id] for k in node.children if ns.applicable[u, col[k.id]]]
    total = int(ns.points[u, kids].sum())
    points, top = int(ns.points[u, n]), int(ns.max[u, n])
    row.update(points=points / NANO, max=top / NANO)
    parts = [t["sum_of"].format(sum=plain(total / NANO))]
    kept = total
    if isinstance(node.aggregate, Best):
        k = node.aggregate.best
        order = sorted(kids, key=lambda j: -int(ns.points[u, j]))
        names = {j: result.compiled.nodes[j].label for j in kids}
        parts = [t["best"].format(k=k, n=len(kids), kept=", ".join(names[j] for j in order[:k]) or t["none"],
                                  dropped=", ".join(names[j] for j in order[k:]) or t["none"])]
        kept = int(sum(ns.points[u, j] for j in order[:k]))
    elif node.aggregate == "capped" and total > points:
        parts.append(t["capped"].format(max=plain(node.max), sum=plain(total / NANO), points=plain(points / NANO)))
    if node.floor and points > kept:
        parts.append(t["floor"].format(floor=plain(node.floor), sum=plain(kept / NANO), points=plain(points / NANO)))
    row["detail"] = "; ".join(parts)
    return row


def _unranked_rows(result: Result, u: int, t: dict[str, str]) -> list[dict[str, Any]]:
    """Why a unit is not ranked: unscored, or excluded by the rulebook's flag."""
    c = result.compiled
    if result.graded.ranked[u]:
        return []
    if result.unscored[u]:
        return [{"section": "rank", "id": "unscored", "detail": t["unscored"]}]
    if c.exclude_flag >= 0 and result.flags[u, c.exclude_flag]:
        return [{"section": "rank", "id": "excluded", "detail": t["excluded"].format(flag=_flag(c, c.exclude_flag, t))}]
    return [{"section": "rank", "id": "unranked", "detail": t["unranked"]}]


def _value_text(result: Result, u: int, j: int, t: dict[str, str]) -> str:
    status = int(result.selected.status[u, j])
    if status == NA:
        return "NA"
    if status == ST_ZERO_TOTAL:
        return "…/0"
    rule = result.compiled.nodes[result.compiled.leaf_node[j]].rule
    if status != VALUE:
        answers = int(result.inputs.survey_n[u, j])
        return f"{t['none']} (n={answers})" if rule.survey is not None and answers else t["none"]
    v = float(result.selected.value[u, j])
    if rule.binary is not None:
        return t["yes"] if v >= 1 else t["no"]
    if rule.levels is not None:
        return level_label(list(rule.levels)[int(v)], _LANG.get())
    if rule.survey is not None:
        return f"{plain(v)} (n={int(result.inputs.survey_n[u, j])})"
    return plain(v)


def _matched(result: Result, u: int, j: int, g: int, t: dict[str, str]) -> str:
    c = result.compiled
    rule = c.nodes[c.leaf_node[j]].rule
    v = float(result.selected.value[u, j])
    if rule.ladder is not None:
        for step in rule.ladder:
            if step.min is None or v >= step.min:
                return f"≥ {plain(step.min)}" if step.min is not None else t["ladder_rest"]
        return t["none"]
    if rule.levels is not None:
        return level_label(list(rule.levels)[int(v)], _LANG.get())
    if rule.linear is not None:
        share = min(max((v - rule.linear.from_) / (rule.linear.to - rule.linear.from_), 0.0), 1.0)
        return t["linear"].format(share=plain(share), lo=plain(rule.linear.from_), hi=plain(rule.linear.to))
    if rule.deduct is not None:
        return t["deduct"].format(count=plain(v), per=plain(rule.deduct.per))
    if rule.relative is not None:
        return t["relative"].format(low=plain(result.leaves.rel_low[g, j]), high=plain(result.leaves.rel_high[g, j]))
    return ""


def _adjustment_rows(result: Result, u: int, lang: str) -> list[dict[str, Any]]:
    c, sel = result.compiled, result.selected
    out = []
    for a, adj in enumerate(c.rulebook.adjustments):
        v = sel.adjustment[u, a]
        if np.isnan(v):
            continue
        stage = c.rulebook.stages[int(sel.adjustment_stage[u, a])]
        out.append({
            "section": "adjustment", "id": adj.id, "code": adj.id, "name": pick_text(adj.name, lang),
            "kind": "points" if adj.rule.points is not None else "deduct_each", "stage": stage, "value": plain(v),
            "points": result.totals.adjustments[u, a] / NANO, "max": adj.cap,
            "detail": f"{pick_text(adj.name, lang)} [{stage_label(stage, lang)}] = {plain(v)}",
        })
    return out


def _index_row(result: Result, u: int, t: dict[str, str]) -> dict[str, Any]:
    c, tot = result.compiled, result.totals
    earned, possible = tot.earned[u] / NANO, tot.possible[u] / NANO
    if possible == 0:
        return {"section": "index", "id": "index", "points": np.nan, "max": c.rulebook.scale, "detail": t["unscored"]}
    base = earned / possible * c.rulebook.scale
    detail = t["index_calc"].format(
        earned=plain(earned), possible=plain(possible), scale=plain(c.rulebook.scale), base=plain(base),
        adj=_signed(tot.adjustments[u].sum() / NANO), index=plain(tot.index[u] / NANO),
        published=result.units["published"].iat[u],
    )
    return {"section": "index", "id": "index", "points": np.nan, "max": c.rulebook.scale,
            "detail": detail}


def _band_rows(result: Result, u: int, lang: str) -> list[dict[str, Any]]:
    c, gr, ns = result.compiled, result.graded, result.node_scores
    t = TEXT[lang]
    table = c.band_tables[result.group_codes[u]]
    final = int(gr.band[u])
    rows: list[dict[str, Any]] = []
    label = (t["band_none"] if final < 0 else
             t["band_got"].format(band=result.band_label(c.band_ids[final], lang)))
    rows.append({"section": "band", "id": c.band_ids[final] if final >= 0 else "", "detail": label})
    pts, mx, app = (x[u: u + 1] for x in (ns.points, ns.max, ns.applicable))
    flags = result.flags[u: u + 1]
    key = int(gr.key[u])
    quantile_mins = gr.minimums.get(int(result.group_codes[u]))
    for b, band in enumerate(table):
        if band.code == final:
            break
        name = pick_text(band.band.label, lang)
        low = band.min_nano if quantile_mins is None else int(quantile_mins[b])  # a quantile band's computed min
        if key < low:
            rows.append({"section": "gate", "id": band.band.id,
                         "detail": t["below"].format(band=name, key=plain(key / NANO), min=plain(low / NANO))})
        for gate in band.gates:
            if not gate_holds(gate, pts, mx, app, flags)[0]:
                rows.append({"section": "gate", "id": band.band.id, "detail": _gate_text(c, gate, name, pts, mx, app,
                                                                                        flags, t)})
    names = {b.code: pick_text(b.band.label, lang) for b in table}
    for d in gr.demotions:
        if d.unit == u:
            rows.append({"section": "quota", "id": c.band_ids[d.band_from], "detail": t["demoted"].format(
                band=names[d.band_from], allowed=d.allowed, count=d.count, rank=d.rank,
                tied=t["tied"] if d.tied else "", to=names.get(d.band_to, t["band_none"]))})
    return rows


def _flag(c, flag: int, t: dict[str, str]) -> str:
    """A flag as people name it (its rulebook text in the ledger's language; its id when it has none)."""
    ident = c.flag_ids[flag]
    return pick_text(c.rulebook.flags.get(ident), _LANG.get()) or ident


def _gate_text(c, gate, band: str, pts, mx, app, flags, t: dict[str, str]) -> str:
    if gate.kind == "flag":
        return t["gate_flag"].format(band=band, flag=_flag(c, gate.flag, t), want=t["yes" if gate.is_ else "no"],
                                     got=t["yes" if flags[0, gate.flag] else "no"])
    node = c.nodes[gate.node].label
    n = gate.node
    if gate.kind == "min_share":
        return t["gate_share"].format(band=band, node=node, share=plain(pts[0, n] / mx[0, n]),
                                      min=plain(gate.threshold))
    if gate.kind == "min":
        return t["gate_min"].format(band=band, node=node, points=plain(pts[0, n] / NANO),
                                    min=plain(gate.threshold_nano / NANO))
    return t["gate_zero"].format(band=band, node=node, zeros=int(zero_leaves(gate, pts, app)[0]),
                                 max=int(gate.threshold))


def _tie_rows(result: Result, u: int, t: dict[str, str]) -> list[dict[str, Any]]:
    c, gr = result.compiled, result.graded
    rows: list[dict[str, Any]] = []
    if not gr.ranked[u]:
        return rows
    same = gr.ranked & (gr.key == gr.key[u])
    if c.rank_within_group:
        same &= result.group_codes == result.group_codes[u]
    same[u] = False
    pts = result.node_scores.points
    ids = result.units["unit_id"]
    for other in np.flatnonzero(same):
        entry = {"section": "tie_break", "id": str(ids.iat[other]),
                 "detail": t["tb_equal"].format(other=ids.iat[other])}
        for n in c.tie_break:
            mine, theirs = pts[u, n], pts[other, n]
            if mine != theirs:
                key = "tb_won" if mine > theirs else "tb_lost"
                entry["detail"] = t[key].format(other=ids.iat[other], node=c.nodes[n].label, mine=plain(mine / NANO),
                                                theirs=plain(theirs / NANO))
                break
        rows.append(entry)
    rows.append({"section": "rank", "id": "rank", "detail": t["rank_is"].format(rank=int(gr.rank[u]))})
    return rows
