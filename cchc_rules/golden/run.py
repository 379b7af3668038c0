"""Running golden cases: the dataset of a case, scoring it, comparing every expectation."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cchc_rules import display
from cchc_rules.dsl.models import Node, Rulebook
from cchc_rules.engine.result import Result
from cchc_rules.golden.cases import NODE_TEXT_KEYS, NUMBER_KEYS, Case, GoldenFile, UnitCase, _isnan, _num
from cchc_rules.golden.load import load_golden
from cchc_rules.i18n import resolve_lang
from cchc_rules.labels import by_language
from cchc_rules.labels.engine import GOLDEN
from cchc_rules.problems import CchcError, Problem


@dataclass
class Check:
    unit: str
    key: str
    expected: Any
    got: Any
    ok: bool


@dataclass
class Outcome:
    file: GoldenFile
    case: Case
    checks: list[Check] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    result: Any = None

    @property
    def passed(self) -> bool:
        return not self.problems and all(c.ok for c in self.checks)

    def format(self, lang: str | None = None, ledger: bool = True) -> str:
        """One line ✓/✗; for a failure, every expectation against what came out, and the ledgers."""
        lang = resolve_lang(lang)
        mark = "✓" if self.passed else "✗"
        lines = [f"{mark} {self.case.name}  ({self.case.pos})"]
        if self.passed:
            return lines[0]
        for p in self.problems:
            lines.append("    " + p.format(lang).replace("\n", "\n    "))
        words = _WORDS[lang]
        for c in self.checks:
            who = "" if self.case.single else f"{c.unit} "
            state = "ok" if c.ok else words["differs"]
            lines.append(f"    {who}{c.key}: {words['expected']} {_show(c.expected)}, {words['got']} {_show(c.got)}"
                         f"  [{state}]")
        if ledger and self.result is not None:
            for unit in dict.fromkeys(c.unit for c in self.checks if not c.ok):
                lines.append(f"    {words['ledger']} {unit}:")
                text = self.result.explain(unit, lang).format()
                lines.extend("      " + line for line in text.splitlines())
        return "\n".join(lines)


_WORDS = by_language(GOLDEN)


# ---------------------------------------------------------------- values of a case
def extreme(leaf: Node, best: bool) -> str:
    """The cell text that earns a leaf its most (best) or fewest (worst) points."""
    rule, top = leaf.rule, leaf.max or 0.0
    kind = rule.kind
    if kind in ("binary", "ratio", "survey", "relative"):
        return "1" if best else "0"
    if kind == "ladder":
        mins = [s.min for s in rule.ladder if s.min is not None]
        candidates = [*mins, min(mins) - 1] if mins else [0.0]

        def points(v: float) -> float:
            step = next((s for s in rule.ladder if s.min is None or v >= s.min), None)
            return 0.0 if step is None else (step.points if step.points is not None else step.share * top)

        scored = [(points(v), v) for v in candidates]
        pick = max(scored, key=lambda t: t[0]) if best else min(scored, key=lambda t: (t[0], t[1]))
        return _num(pick[1])
    if kind == "linear":
        return _num(rule.linear.to if best else rule.linear.from_)
    if kind == "levels":
        names = list(rule.levels)
        return (max if best else min)(names, key=lambda n: rule.levels[n])
    if kind == "deduct":
        return "0" if best else str(math.ceil(top / rule.deduct.per))
    if kind == "points":
        return _num(leaf.entry_max) if best else "0"
    raise ValueError(f"unknown rule kind {kind}")


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return _num(value)
    return str(value)


def unit_cells(rb: Rulebook, unit: UnitCase) -> dict[str, dict[str, str | None]]:
    """criterion id → stage → cell text for one unit of a case."""
    first = rb.stages[0]
    values = unit.values
    base = values if isinstance(values, str) else values.get("base")
    cells: dict[str, dict[str, str | None]] = {}
    if base in ("best", "worst"):
        for leaf in rb.leaves():
            if rb.applies(leaf.id, unit.group):
                cells[leaf.id] = {first: extreme(leaf, base == "best")}
    if isinstance(values, dict):
        for key, value in values.items():
            if key == "base":
                continue
            per_stage = value if isinstance(value, dict) else {first: value}
            cells[str(key)] = {stage: _cell(v) for stage, v in per_stage.items()}
    return cells


def case_dataset(rb: Rulebook, case: Case, source: str):
    """The dataset of a case (through the data layer, so every data check applies)."""
    import pandas as pd

    from cchc_rules.data.load import dataset_from_frames

    units = pd.DataFrame(
        {
            "unit_id": [u.id for u in case.units],
            "name": [u.name for u in case.units],
            "group": [u.group for u in case.units],
            "flags": [";".join(u.flags) for u in case.units],
        }
    )
    rows = []
    for unit in case.units:
        for criterion, stages in unit_cells(rb, unit).items():
            if any(v is not None for v in stages.values()):
                rows.append({"unit_id": unit.id, "criterion_id": criterion} | {s: stages.get(s) for s in rb.stages})
    assessments = pd.DataFrame(rows, columns=["unit_id", "criterion_id", *rb.stages], dtype=object)
    return dataset_from_frames(units, assessments, source=source)


# ---------------------------------------------------------------- running
def run_case(golden: GoldenFile, case: Case) -> Outcome:
    """Score a case and compare every expectation; data or scoring errors make it fail."""
    from cchc_rules.data.parse import inputs_for
    from cchc_rules.engine.score import score_inputs

    outcome = Outcome(golden, case)
    try:
        dataset = case_dataset(golden.rulebook, case, f"{golden.path}: {case.name}")
        result = score_inputs(golden.compiled, inputs_for(dataset, golden.rulebook), case.stage)
    except CchcError as exc:
        outcome.problems = exc.errors
        return outcome
    outcome.result = result
    table = result.units.set_index(result.units["unit_id"].astype(str))
    nodes = {nid: i for i, nid in enumerate(result.node_ids)}
    for uid, wanted in case.expect.items():
        row = table.loc[uid]
        i = result.row_of(uid)
        for key, expected in wanted.items():
            if key == "nodes":
                for nid, exp in expected.items():
                    got = _value(result.node_points[i, nodes[nid]])
                    ok = got is None if exp is None else exp.matches(got)
                    outcome.checks.append(Check(uid, f"nodes/{nid}", exp, got, ok))
                continue
            if key in NODE_TEXT_KEYS:
                for nid, exp in expected.items():
                    got = _node_figure(result, i, nodes[nid], key)
                    outcome.checks.append(Check(uid, f"{key}/{nid}", exp, got, got == exp))
                continue
            got = _value(row[key])
            if key in NUMBER_KEYS:
                ok = expected.matches(got)
            elif key == "rank":
                ok = got == expected
            else:
                ok = str(got) == str(expected) if got is not None else expected is None
            outcome.checks.append(Check(uid, key, expected, got, ok))
    _check_groups(case, result, outcome)
    return outcome


def _check_groups(case: Case, result: Result, outcome: Outcome) -> None:
    """The case's group expectations (extension): ranked count, mean index of the ranked, bands of all."""
    units = result.units
    for group, wanted in case.groups.items():
        mine = units[units["group"].astype(str) == group]
        ranked = mine[mine["rank"].notna()]
        if "count" in wanted:
            got = len(ranked)
            outcome.checks.append(Check(group, "groups/count", wanted["count"], got, got == wanted["count"]))
        if "mean" in wanted:
            mean = float(ranked["index"].astype(float).mean()) if len(ranked) else None
            outcome.checks.append(Check(group, "groups/mean", wanted["mean"], mean, wanted["mean"].matches(mean)))
        for band, n in wanted.get("bands", {}).items():
            got = int((mine["band"].astype(str) == band).sum())
            outcome.checks.append(Check(group, f"groups/bands/{band}", n, got, got == n))


def _node_figure(result: Result, row: int, node: int, key: str) -> str | None:
    """A node's points (`nodes_published`) or percentage of its applicable maximum (`nodes_percent`),
    rounded as the rulebook publishes (`display.decimals`, half up), written with a decimal point."""
    points, top = _value(result.node_points[row, node]), _value(result.node_max[row, node])
    if points is None or (key == "nodes_percent" and not top):
        return None
    amount = points if key == "nodes_published" else points / top * 100
    return display.number(amount, "en", result.compiled.rulebook.display.decimals, grouping=False)


def run_file(path: Path | str, rulebooks: dict[Path, Rulebook] | None = None) -> list[Outcome]:
    golden = load_golden(path, rulebooks)
    return [run_case(golden, case) for case in golden.cases]


def _value(x: Any) -> Any:
    """A cell of a result as a plain value: None for NA/NaN, int for ranks, float for numbers."""
    if x is None or _isnan(x):
        return None
    if hasattr(x, "item"):
        x = x.item()
    return x


def _show(x: Any) -> str:
    if x is None:
        return "null"
    if isinstance(x, float):
        return _num(x)
    return str(x)
