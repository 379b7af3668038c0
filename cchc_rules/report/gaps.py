"""What a person reads about gaps in the data: the console note, the report's tables, the warnings.

`gap_lines(result, lang)` is the short note a command prints (how many values a `missing`
policy filled, per criterion and per unit, the largest first) followed by every warning of the
result (unscored units, criteria without data). `criterion_table` and `unit_table` are the
report's tables. Every text exists in Vietnamese and English.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cchc_rules.display import count, counted
from cchc_rules.i18n import pick, resolve_lang
from cchc_rules.labels import by_language
from cchc_rules.labels.report import GAPS

if TYPE_CHECKING:
    from cchc_rules.engine.result import Result
    from cchc_rules.problems import Problem

TEXT = by_language(GAPS)
SHOWN = 8  # items listed per line of the console note


def gap_lines(result: Result, lang: str | None = None, warnings: list[Problem] | None = None) -> list[str]:
    """The console note (nothing when no value was filled) and every warning, in `lang`."""
    lang = resolve_lang(lang)
    t = TEXT[lang]
    filled = result.filled
    lines: list[str] = []
    total = int(filled.sum())
    if total:
        per_unit = filled.sum(axis=1)
        lines.append(t["note"].format(values=counted(total, t["value"], t["values"], lang),
                                      units=counted(int((per_unit > 0).sum()), t["unit"], t["units"], lang)))
        per_leaf = filled.sum(axis=0)
        codes = [result.compiled.nodes[n].label for n in result.compiled.leaf_node]
        lines.append(t["by_criterion"].format(items=_largest(codes, per_leaf, lang)))
        lines.append(t["by_unit"].format(items=_largest(result.units["unit_id"].astype(str).tolist(), per_unit,
                                                        lang)))
    for problem in result.warnings if warnings is None else warnings:
        lines.append(problem.format(lang))
    return lines


def _largest(names: list[str], counts: np.ndarray, lang: str) -> str:
    order = [i for i in np.argsort(-counts, kind="stable") if counts[i] > 0]
    items = [f"{names[i]} {count(int(counts[i]), lang)}" for i in order[:SHOWN]]
    if len(order) > SHOWN:
        items.append(TEXT[lang]["more"].format(n=len(order) - SHOWN))
    return ", ".join(items)


def criterion_table(result: Result, lang: str | None = None) -> pd.DataFrame:
    """Per criterion and group with a filled value: code, name, group, policy, filled, of, no data at all."""
    lang = resolve_lang(lang)
    t = TEXT[lang]
    nodes = result.rulebook.nodes()
    g = result.gaps
    return pd.DataFrame({
        t["criterion"]: g["code"],
        t["name"]: [pick(nodes[i].name, lang) for i in g["leaf_id"]],
        t["group"]: [pick(result.rulebook.groups.get(x, x), lang) for x in g["group"]],
        t["policy"]: [t.get(p, p) for p in g["policy"]],
        t["filled"]: [count(int(n), lang) for n in g["filled"]],
        t["of"]: [count(int(n), lang) for n in g["units"]],
        t["no_data"]: [t["yes"] if f == n and n > 0 else t["no"] for f, n in zip(g["filled"], g["units"])],
    })


def unit_table(result: Result, lang: str | None = None) -> pd.DataFrame:
    """Per unit with a filled value: id, name, how many values the missing policy gave, which criteria."""
    lang = resolve_lang(lang)
    t = TEXT[lang]
    filled = result.filled
    codes = np.array([result.compiled.nodes[n].label for n in result.compiled.leaf_node], dtype=object)
    rows = np.flatnonzero(filled.any(axis=1))
    u = result.units
    return pd.DataFrame({
        t["unit_id"]: u["unit_id"].astype(str).to_numpy()[rows],
        t["unit_name"]: u["name"].astype(str).to_numpy()[rows],
        t["filled"]: [count(int(filled[r].sum()), lang) for r in rows],
        t["criterion"]: [", ".join(codes[filled[r]]) for r in rows],
    })
