"""One sample dataset's tables from its units and a rulebook: leaf values by rule kind, stages, survey answers.

`data.samples` explains the model: a latent quality per unit, a share per unit × leaf, fixed
uniform draws per cell so that a higher share never gives a lower value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cchc_rules.data.model import DatasetMeta
from cchc_rules.data.sample_units import Unit
from cchc_rules.dsl.models import Node, Rule, Rulebook
from cchc_rules.numbers import plain

SOURCE = (
    "Dữ liệu mẫu tổng hợp, không phải số liệu thật, do cchc_rules.data.samples tạo (seed {seed}) / "
    "Synthetic sample data, not real scores, made by cchc_rules.data.samples (seed {seed})"
)


@dataclass
class Draws:
    """Random numbers per unit × leaf, fixed for every stage (and carried, correlated, to the next
    year): `noise` moves the leaf's share around the unit's quality, `u` decides discrete outcomes
    (a binary yes, a level, a rounding), `total` is a ratio's denominator."""

    noise: np.ndarray
    u: np.ndarray
    total: np.ndarray

    @classmethod
    def new(cls, n_units: int, leaves: Sequence[Node], rng: np.random.Generator) -> Draws:
        shape = (n_units, len(leaves))
        high = np.array([ratio_size(leaf) for leaf in leaves])
        total = np.floor(rng.uniform(0.2, 1.0, shape) * high).astype(int) + 1
        total[rng.random(shape) < 0.03] = 0  # nothing of that kind in the year
        return cls(rng.normal(0, 1, shape), rng.random(shape), total)

    def next_year(self, rng: np.random.Generator, rho: float = 0.7) -> Draws:
        """Next year's draws: leaf shares correlated with this year's (`rho`), same discrete draws."""
        fresh = rng.normal(0, 1, self.noise.shape)
        total = np.maximum(np.rint(self.total * rng.uniform(0.85, 1.2, self.total.shape)), 0).astype(int)
        return Draws(rho * self.noise + math.sqrt(1 - rho**2) * fresh, self.u, total)


def ratio_size(leaf: Node) -> int:
    """The largest denominator of a ratio leaf: thousands for procedure files, hundreds for
    staff, a handful for plans, tasks, documents and targets (guessed from the English name)."""
    name = leaf.name.get("en", "") if isinstance(leaf.name, dict) else leaf.name
    name = name.lower()
    if "file" in name:
        return 3000
    if "staff" in name or "user" in name:
        return 150
    return 12


def typed_numbers(values: np.ndarray, decimals: int) -> np.ndarray:
    """Numbers as a person types them: rounded, no trailing zeros (2.50 → '2.5', 3.0 → '3')."""
    return np.array([plain(v) for v in np.round(np.asarray(values, dtype=float), decimals)], dtype=object)


def leaf_value(leaf: Node, s: np.ndarray, u: np.ndarray, total: np.ndarray) -> np.ndarray:
    """The text a unit writes for `leaf` so that its points come near share `s` of the max; for a
    fixed `u`, a higher `s` never gives fewer points (so self ≥ appraisal holds leaf by leaf)."""
    rule: Rule = leaf.rule  # type: ignore[assignment]
    kind, top = rule.kind, float(leaf.max or 0.0)
    if kind == "binary":
        return np.where(u < s, "1", "0").astype(object)
    if kind == "ladder" and rule.ladder is not None:
        mins = [step.min for step in rule.ladder if step.min is not None]
        hi, lo = max(mins), min(mins)
        base = lo - max(hi - lo, 0.2 * abs(hi), 1.0)
        base = max(base, 0.0) if lo >= 0 else base
        value = base + (hi - base) * np.minimum(1.0, s / 0.9)
        return typed_numbers(value, 0 if hi - base <= 10 else 1)
    if kind == "linear" and rule.linear is not None:
        a, b = rule.linear.from_, rule.linear.to
        return typed_numbers(a + (b - a) * s, 1)
    if kind == "ratio":
        done = np.minimum(total, np.floor(total * s + u * (s < 1))).astype(int)
        return np.array([f"{d}/{t}" for d, t in zip(done, total)], dtype=object)
    if kind == "levels" and rule.levels is not None:
        levels = rule.levels
        names = sorted(levels, key=lambda n: -levels[n])
        shares = np.array([levels[n] / top if top else 0.0 for n in names])
        target = s + (u - 0.5) * 0.2
        return np.array(names, dtype=object)[np.abs(target[:, None] - shares[None, :]).argmin(axis=1)]
    if kind == "deduct" and rule.deduct is not None:
        faults = max(1, math.ceil(top / rule.deduct.per))
        return typed_numbers(np.floor((1 - s) * faults + u * 0.999), 0)
    if kind == "points":
        return typed_numbers(np.minimum(top, np.floor(top * s * 4 + u) / 4), 2)
    if kind == "relative" and rule.relative is not None:
        better = rule.relative.better == "higher"
        return typed_numbers(np.where(better, 40 + 60 * s, 60 - 50 * s), 1)
    raise ValueError(f"leaf {leaf.id}: rule kind {kind} has no value in assessments.csv")


def stage_shares(quality: np.ndarray, draws: Draws, n_stages: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Per stage, the share of each unit × leaf: the last stage (final appraisal) around the
    unit's quality; the self-assessment above it on about a third of the leaves (optimism the
    appraisal removes); intermediate rounds sometimes below the last (cut, then restored after the
    unit's explanation)."""
    final = np.clip(quality[:, None] + 0.08 * draws.noise, 0, 1)
    shape = final.shape
    lift = np.where(rng.random(shape) < 0.3, rng.uniform(0.05, 0.35, shape), 0.0)
    cut = np.where(rng.random(shape) < 0.12, rng.uniform(0.05, 0.25, shape), 0.0)
    if n_stages == 1:
        return [final]
    middle = [np.clip(final - cut, 0, 1)] * (n_stages - 2)
    return [np.clip(final + lift, 0, 1), *middle, final]


# ---------------------------------------------------------------- survey answers
CITIZENS = "NGUOIDAN"  # the form of citizens' answers, for survey questions that list no forms


@dataclass(frozen=True)
class Respondent:
    """Who answers: a form code, the unit they work in (`respondent_unit`, for exclude_own_unit),
    the groups they rate and, when `within` is given, only the units of those ids or districts."""

    respondent_id: str
    form: str
    unit: str
    rates: tuple[str, ...]
    within: tuple[str, ...] = ()

    def rates_unit(self, unit: Unit) -> bool:
        return unit.group in self.rates and (not self.within or bool({unit.unit_id, unit.district} & set(self.within)))

    def asked(self, forms: dict[str, float]) -> bool:
        """A question lists the forms that answer it; one that lists none is asked of citizens."""
        return self.form in forms if forms else self.form == CITIZENS


def survey_table(rulebook: Rulebook, units: Sequence[Unit], respondents: Sequence[Respondent],
            rng: np.random.Generator) -> pd.DataFrame | None:
    """Every respondent asked a question answers it about every unit it rates;
    the answer's weight lands near the unit's quality; one answer in 25 is a skip answer."""
    rows: list[tuple[str, str, str, str, str, str]] = []
    for leaf in rulebook.leaves():
        rule = leaf.rule.survey if leaf.rule is not None else None
        if rule is None:  # not a survey question
            continue
        options = sorted(rule.options, key=lambda o: -rule.options[o])
        weights = np.array([rule.options[o] for o in options])
        for unit in units:
            if not rulebook.applies(leaf.id, unit.group):
                continue
            who = [r for r in respondents if r.rates_unit(unit) and r.asked(rule.forms)]
            target = np.clip(unit.quality + 0.03 + rng.normal(0, 0.18, len(who)), 0, 1)
            picked = np.abs(target[:, None] - weights[None, :]).argmin(axis=1)
            skipped = rng.random(len(who)) < (0.04 if rule.skip else 0.0)
            for r, k, skip in zip(who, picked, skipped):
                answer = rule.skip[0] if skip else options[k]
                rows.append((r.respondent_id, r.form, unit.unit_id, leaf.id, answer, r.unit))
    if not rows:
        return None
    return pd.DataFrame(rows, columns=["respondent_id", "form", "unit_id", "criterion_id", "answer", "respondent_unit"])


# ---------------------------------------------------------------- one dataset's tables
NA_NODES = ("3", "7.3")  # not assessed for units without public procedures (Hà Nam 2023)
CUT_NOTES = (
    "Thiếu tài liệu kiểm chứng",
    "Tài liệu kiểm chứng không thuộc năm đánh giá",
    "Số liệu tự chấm không khớp số liệu trên hệ thống",
    "Thực hiện chưa đúng thời hạn quy định",
)
RESTORED_NOTE = "Chấp nhận giải trình, bổ sung tài liệu kiểm chứng"


def units_frame(units: Sequence[Unit]) -> pd.DataFrame:
    rows = [{"unit_id": u.unit_id, "name": u.name, "group": u.group, "flags": ";".join(u.flags), **dict(u.attributes)}
            for u in units]
    return pd.DataFrame(rows).fillna("")


def not_assessed(rulebook: Rulebook) -> set[str]:
    """Leaves under the nodes of `NA_NODES` (by code)."""
    out: set[str] = set()
    for node, _, _ in rulebook.walk():
        if node.label in NA_NODES:
            out.update(leaf.id for leaf, _, _ in node.walk() if leaf.is_leaf)
    return out


def assessments_table(
    rulebook: Rulebook, units: Sequence[Unit], draws: Draws, rng: np.random.Generator,
) -> pd.DataFrame:
    """One row per unit × applicable leaf (survey leaves come from survey.csv), then adjustments;
    a note at the first appraisal round wherever it changed the self-assessed value, and at the
    last where the unit's explanation was accepted."""
    stages = rulebook.stages
    leaves = rulebook.leaves()
    quality = np.array([u.quality for u in units])
    shares = stage_shares(quality, draws, len(stages), rng)
    texts = [
        [leaf_value(leaf, s[:, j], draws.u[:, j], draws.total[:, j]) for s in shares]
        if leaf.rule is not None and leaf.rule.kind != "survey" else None
        for j, leaf in enumerate(leaves)
    ]
    na = not_assessed(rulebook)
    note_stages = stages[1:2] + stages[-1:] if len(stages) > 1 else []
    note_columns = list(dict.fromkeys(f"note_{stage}" for stage in note_stages))
    note_pick = rng.integers(0, len(CUT_NOTES), draws.u.shape)
    rows = []
    for i, unit in enumerate(units):
        for j, leaf in enumerate(leaves):
            leaf_texts = texts[j]
            if leaf_texts is None or not rulebook.applies(leaf.id, unit.group):
                continue
            values = ["NA"] * len(stages) if (leaf.id in na and not unit.procedures) else [t[i] for t in leaf_texts]
            rows.append([unit.unit_id, leaf.id, *values, *notes_cut(values, CUT_NOTES[note_pick[i, j]])])
        rows.extend(adjustment_rows(rulebook, unit, len(note_columns), rng))
    frame = pd.DataFrame(rows, columns=["unit_id", "criterion_id", *stages, *note_columns])
    return frame.fillna("")


def notes_cut(values: list[str], cut: str) -> list[str]:
    """Notes of the first appraisal round (what it cut) and of the last (explanation accepted)."""
    if len(values) < 2:
        return []
    first = cut if values[1] != values[0] else ""
    return [first, RESTORED_NOTE if values[-1] != values[-2] else ""] if len(values) > 2 else [first]


def adjustment_rows(rulebook: Rulebook, unit: Unit, n_notes: int, rng: np.random.Generator) -> list[list[str]]:
    """Bonus for about one good unit in four (claimed at self-assessment, sometimes halved by the
    council); penalties (counts) for about one weaker unit in six, found by the appraisal."""
    stages = rulebook.stages
    rows = []
    for adj in rulebook.adjustments:
        draw = rng.random()
        if adj.sign > 0 and draw < 0.25 + (unit.quality - 0.85):
            claimed = float(np.floor(rng.uniform(0.5, adj.cap or 1.0) * 4) / 4)
            granted = claimed if rng.random() < 0.6 else claimed / 2
            values = ([typed_numbers(np.array([claimed]), 2)[0]]
                      + [typed_numbers(np.array([granted]), 3)[0]] * (len(stages) - 1))
        elif adj.sign < 0 and draw < 0.45 - unit.quality * 0.4:
            count = str(int(rng.integers(1, 3)))
            values = [""] + [count] * (len(stages) - 1)
        else:
            continue
        rows.append([unit.unit_id, adj.id, *values, *([""] * n_notes)])
    return rows




def meta(year: int, seed: int, rulebook: Rulebook, description: tuple[str, str],
          crosswalk: pd.DataFrame | None = None) -> DatasetMeta:
    text = f"{description[0]} (chấm theo {rulebook.id}). / {description[1]} (scored with {rulebook.id})."
    return DatasetMeta(year=year, source=SOURCE.format(seed=seed), description=text, crosswalk=crosswalk,
                       rulebook=f"{rulebook.id}.yaml")
