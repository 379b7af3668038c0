"""Seeded synthetic data for any rulebook, and a rulebook that uses every feature of the language.

`synthesize(rulebook, n_units, seed)` makes the text tables a province would send (units,
assessments, survey answers) from a latent quality per unit: each unit × leaf gets a quality
around the unit's, turned into a value by the leaf's rule kind. Earlier stages (the
self-assessment) sit a little above the last one (appraisal): about +2 points on 100 on average,
as in Nam Định 2020. Some cells are `NA`, some empty, some intermediate stages left empty (the
value carries over). Survey leaves get answers from several respondent forms (or, with
`with_survey=False`, a mean weight in assessments). Leaves whose missing policy is `error` are
never left empty, so the data always scores. Everything is vectorised per leaf and seeded with
a numpy Generator: the same seed gives identical tables.

`synthetic_rulebook(n_leaves, seed)` is the benchmark's rulebook: every rule kind, capped and
best-of-k parents, floors, applies_to, missing policies, adjustments, bands with every gate kind,
per-group bands, quotas, tie-breaks and an exclude flag. Top-level maxima add up to 100.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cchc_rules.data.model import Dataset, DatasetMeta
from cchc_rules.dsl.models import Node, Rulebook
from cchc_rules.problems import CchcError, Problems

SOURCE = "<synthetic>"
SELF_GAP = 0.03  # mean quality added to the first stage over the last (≈ +2 index points on 100)


# ---------------------------------------------------------------- the data
def synthesize(
    rulebook: Rulebook,
    n_units: int,
    seed: int,
    group: str | None = None,
    stages: list[str] | None = None,
    na_share: float = 0.02,
    empty_share: float = 0.01,
    with_survey: bool = True,
    quality: np.ndarray | None = None,
) -> Dataset:
    """A synthetic dataset for `rulebook`: `n_units` units (all of `group`, or spread over the
    rulebook's groups), values at `stages` (default: every stage of the rulebook). `quality`
    (0–1 per unit) replaces the drawn latent quality, e.g. to carry units from year to year."""
    rng = np.random.default_rng(seed)
    stages = list(stages or rulebook.stages)
    unknown = [s for s in stages if s not in rulebook.stages]
    if unknown:
        raise ValueError(f"stages {unknown} are not stages of the rulebook ({rulebook.stages})")
    units = _units(rulebook, n_units, group, rng)
    drawn = rng.beta(5, 2, n_units)  # drawn even when given: the rest of the stream stays the same
    if quality is not None and np.shape(quality) != (n_units,):
        raise ValueError(f"quality must hold one number per unit ({n_units})")
    quality = drawn if quality is None else np.clip(np.asarray(quality, dtype=float), 0, 1)
    groups = units["group"].to_numpy()
    leaf_rows: list[pd.DataFrame] = []
    survey_rows: list[pd.DataFrame] = []
    for leaf in rulebook.leaves():
        applies = np.array([rulebook.applies(leaf.id, g) for g in rulebook.groups])
        mask = applies[pd.Categorical(groups, categories=list(rulebook.groups)).codes]
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            continue
        p = np.clip(quality[idx] + rng.normal(0, 0.15, idx.size), 0, 1)
        if leaf.rule.kind == "survey" and with_survey:
            survey_rows.append(_survey_answers(leaf, units, idx, p, rng))
            continue
        cells = _stage_cells(rulebook, leaf, p, stages, rng)
        _blank(cells, rulebook.missing_for(leaf), na_share, empty_share, rng)
        leaf_rows.append(_rows(units["unit_id"].to_numpy()[idx], leaf.id, rulebook.stages, stages, cells))
    leaf_rows.extend(_adjustments(rulebook, units, stages, rng))
    assessments = pd.concat(leaf_rows, ignore_index=True)
    assessments["_file"] = f"{SOURCE}/assessments.csv"
    assessments["_row"] = np.arange(2, len(assessments) + 2)
    survey = None
    if survey_rows:
        survey = pd.concat(survey_rows, ignore_index=True)
        survey["_file"] = f"{SOURCE}/survey.csv"
        survey["_row"] = np.arange(2, len(survey) + 2)
    meta = DatasetMeta(source="cchc_rules.data.synthetic", description=f"synthetic, seed {seed}")
    return Dataset(units=units, assessments=assessments, survey=survey, meta=meta)


def _units(rulebook: Rulebook, n: int, group: str | None, rng: np.random.Generator) -> pd.DataFrame:
    group_ids = list(rulebook.groups)
    if group is not None and group not in group_ids:
        raise ValueError(f"group {group!r} is not a group of the rulebook ({group_ids})")
    groups = np.full(n, group, dtype=object) if group else np.array(group_ids, dtype=object)[
        rng.integers(0, len(group_ids), n)
    ]
    width = len(str(n))
    ids = [f"U{i:0{width}d}" for i in range(1, n + 1)]
    flag_ids = list(rulebook.flags)
    has = rng.random((n, len(flag_ids))) < 0.04
    flags = [tuple(f for f, on in zip(flag_ids, row) if on) for row in has]
    return pd.DataFrame(
        {"unit_id": ids, "name": [f"Đơn vị {i}" for i in ids], "group": groups, "flags": flags,
         "_file": f"{SOURCE}/units.csv", "_row": np.arange(2, n + 2)}
    )


def _stage_cells(
    rulebook: Rulebook, leaf: Node, p: np.ndarray, stages: list[str], rng: np.random.Generator
) -> np.ndarray:
    """Text cells (units × stages): the last stage from `p`, earlier stages a little higher; an
    intermediate stage left empty now and then (the earlier value carries over)."""
    n, k = p.size, len(stages)
    cells = np.empty((n, k), dtype=object)
    gap = rng.normal(SELF_GAP, 0.04, n)
    for j in range(k):
        lift = gap * (k - 1 - j) / (k - 1) if k > 1 else 0.0
        cells[:, j] = _values(rulebook, leaf, np.clip(p + lift, 0, 1), rng)
    if k > 2:
        skip = rng.random((n, k - 2)) < 0.3
        cells[:, 1:-1][skip] = None
    return cells


def _values(rulebook: Rulebook, leaf: Node, p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The text a unit would write for a leaf of quality `p` (0 worst, 1 best)."""
    rule, kind, n, top = leaf.rule, leaf.rule.kind, p.size, leaf.max or 0.0
    if kind == "binary":
        yes = rng.random(n) < p
        return np.where(yes, np.where(rng.random(n) < 0.8, "1", "có"), np.where(rng.random(n) < 0.8, "0", "không"))
    if kind == "ladder":
        mins = [s.min for s in rule.ladder if s.min is not None]
        hi, lo = (max(mins), min(mins)) if mins else (100.0, 0.0)
        span = max(hi - lo, 1.0)
        v = np.round(lo - 0.3 * span + p * 1.4 * span, 1)
        return _text(np.where(v >= hi, hi, v))
    if kind == "linear":
        a, b = rule.linear.from_, rule.linear.to
        return _text(np.round(a + (b - a) * (p * 1.2 - 0.1), 2))
    if kind == "ratio":
        total = rng.integers(0, 40, n)
        done = rng.binomial(total, p)
        as_fraction = rng.random(n) < 0.2
        frac = np.divide(done, total, out=np.zeros(n), where=total > 0)
        return np.where(as_fraction & (total > 0), _text(np.round(frac, 4)), _join(done, total))
    if kind == "levels":
        names = sorted(rule.levels, key=rule.levels.get)
        pick = np.minimum((p * len(names)).astype(int), len(names) - 1)
        return np.array(names, dtype=object)[pick]
    if kind == "deduct":
        return _text(rng.poisson((1 - p) * 2.5 * max(top, rule.deduct.per) / rule.deduct.per / 4))
    if kind == "points":
        return _text(np.round(p * top, 2))
    if kind == "survey":
        return _text(np.round(p, 3))
    if kind == "relative":
        v = 50 + 50 * p if rule.relative.better == "higher" else 50 - 40 * p
        return _text(np.round(v, 2))
    raise ValueError(f"unknown rule kind {kind}")


def _text(values: np.ndarray) -> np.ndarray:
    """Numbers as the text a spreadsheet would hold: 2.0 → '2', 0.1 → '0.1'."""
    out = np.asarray(values, dtype=float).astype(str)
    ends = np.char.endswith(out, ".0")
    out = out.astype(object)
    out[ends] = [s[:-2] for s in out[ends]]
    return out


def _join(done: np.ndarray, total: np.ndarray) -> np.ndarray:
    return np.char.add(np.char.add(done.astype(str), "/"), total.astype(str)).astype(object)


def _blank(cells: np.ndarray, missing: str, na_share: float, empty_share: float, rng: np.random.Generator) -> None:
    """Mark some unit × leaf cells NA (every stage) and some empty (every stage, unless the
    leaf's missing policy is `error`)."""
    n = cells.shape[0]
    draw = rng.random(n)
    cells[draw < na_share] = "NA"
    if missing != "error":
        cells[(draw >= na_share) & (draw < na_share + empty_share)] = None


def _rows(unit_ids: np.ndarray, criterion: str, all_stages: list[str], stages: list[str], cells: np.ndarray):
    frame = pd.DataFrame({"unit_id": unit_ids, "criterion_id": criterion})
    for stage in all_stages:
        frame[stage] = cells[:, stages.index(stage)] if stage in stages else None
    return frame


def _adjustments(rulebook: Rulebook, units: pd.DataFrame, stages: list[str], rng: np.random.Generator):
    """A value at the last stage for about one unit in eight, per adjustment."""
    out = []
    for adj in rulebook.adjustments:
        idx = np.flatnonzero(rng.random(len(units)) < 0.125)
        if adj.rule.points is not None:
            top = adj.cap if adj.cap is not None else 2.0
            values = _text(np.round(rng.uniform(0, top * 1.2, idx.size), 2))
        else:
            values = _text(rng.integers(1, 5, idx.size))
        cells = np.full((idx.size, len(stages)), None, dtype=object)
        cells[:, -1] = values
        out.append(_rows(units["unit_id"].to_numpy()[idx], adj.id, rulebook.stages, stages, cells))
    return out


def _survey_answers(leaf: Node, units: pd.DataFrame, idx: np.ndarray, p: np.ndarray, rng: np.random.Generator):
    """Answers from 8 distinct respondents per unit, drawn from a pool spread over the rule's
    forms; the chosen option is the one whose weight is nearest the unit's quality (plus noise);
    one answer in twenty is a `skip` answer when the rule has one."""
    rule = leaf.rule.survey
    per_unit = max(8, rule.min_respondents + 3)
    pool = max(4 * per_unit, len(units) // 25)
    forms = list(rule.forms) or ["F1", "F2"]
    forms = forms + ["OTHER"] if len(forms) < 3 else forms
    resp_form = np.array(forms, dtype=object)[np.arange(pool) % len(forms)]
    resp_unit = units["unit_id"].to_numpy()[rng.integers(0, len(units), pool)]
    start = rng.integers(0, pool, idx.size)
    who = (start[:, None] + np.arange(per_unit)[None, :]) % pool
    options = np.array(list(rule.options), dtype=object)
    weights = np.array([rule.options[o] for o in options])
    target = np.clip(p[:, None] + rng.normal(0, 0.2, who.shape), 0, 1)
    answers = options[np.abs(target[..., None] - weights).argmin(axis=-1)]
    if rule.skip:
        answers[rng.random(who.shape) < 0.05] = rule.skip[0]
    flat = who.ravel()
    return pd.DataFrame(
        {
            "respondent_id": np.char.add("R", flat.astype(str)).astype(object),
            "form": resp_form[flat],
            "unit_id": np.repeat(units["unit_id"].to_numpy()[idx], per_unit),
            "criterion_id": leaf.id,
            "answer": answers.ravel(),
            "respondent_unit": resp_unit[flat],
        }
    )


# ---------------------------------------------------------------- the rulebook
FIELD_MAXIMA = (10.0, 13.0, 10.5, 12.0, 9.5, 7.0, 22.0, 16.0)  # adds up to 100
RULE_CYCLE = ("binary", "ladder", "linear", "ratio", "levels", "deduct", "points", "ladder", "binary", "linear")


def synthetic_rulebook(n_leaves: int = 150, seed: int = 0) -> Rulebook:
    """A valid rulebook with `n_leaves` leaves (at least 40) in 8 fields using every feature."""
    from cchc_rules.dsl import validate

    if n_leaves < 40:
        raise ValueError("the synthetic rulebook needs at least 40 leaves")
    rng = np.random.default_rng(seed)
    counts = np.full(8, n_leaves // 8)
    counts[: n_leaves % 8] += 1
    criteria = [_field(f, int(counts[f]), rng) for f in range(8)]
    doc = {
        "dsl": 1,
        "id": f"synthetic-{n_leaves}-{seed}",
        "title": {"vi": f"Bộ tiêu chí tổng hợp ({n_leaves} tiêu chí thành phần)",
                  "en": f"Synthetic rulebook ({n_leaves} leaves)"},
        "year": 2024,
        "illustrative": True,
        "groups": {
            "department": {"vi": "Sở, ban, ngành", "en": "Departments"},
            "commune": {"vi": "UBND cấp xã", "en": "Commune committees"},
        },
        "flags": {
            "discipline": {"vi": "Có cán bộ bị kỷ luật trong năm", "en": "Disciplinary sanction in the year"},
            "not_ranked": {"vi": "Không xếp hạng", "en": "Scored but not ranked"},
        },
        "stages": ["self", "appraisal_1", "appraisal_2"],
        "scale": 100,
        "not_applicable": "rescale",
        "missing": "zero",
        "criteria": criteria,
        "adjustments": [
            {"id": "bonus", "name": {"vi": "Điểm thưởng", "en": "Bonus"}, "sign": 1, "cap": 2, "rule": {"points": {}}},
            {
                "id": "late_reports",
                "name": {"vi": "Báo cáo trễ hạn", "en": "Late reports"},
                "sign": -1,
                "cap": 3,
                "rule": {"deduct_each": 0.5},
            },
        ],
        "bands": [
            _band("excellent", "Xuất sắc", "Excellent", 90, [{"flag": "discipline", "is": False},
                                                               {"node": "F7", "min_share": 0.6}],
                  {"max_share": 0.2, "of": ["excellent", "good"], "ties": "drop_all"}),
            _band("good", "Tốt", "Good", 80, [{"node": "F2", "max_zero_leaves": 6}]),
            _band("fair", "Khá", "Fair", 70, [{"node": "F1", "min": 3}]),
            _band("average", "Trung bình", "Average", 50),
            _band("weak", "Yếu", "Weak", 0),
        ],
        "bands_by_group": {
            "commune": [
                _band("excellent", "Xuất sắc", "Excellent", 85, [{"flag": "discipline", "is": False}],
                      {"max_share": 0.15, "ties": "keep_all"}),
                _band("good", "Tốt", "Good", 75),
                _band("fair", "Khá", "Fair", 60),
                _band("weak", "Yếu", "Weak", 0),
            ]
        },
        "ranking": {"within": "group", "tie_break": ["F8", "F2"], "ties": "min", "exclude_flag": "not_ranked"},
    }
    problems = Problems()
    rulebook = validate.build(doc, problems)
    if rulebook is None or problems.errors:
        raise CchcError(problems.items)
    return rulebook


def _band(bid: str, vi: str, en: str, lo: float, when: list | None = None, quota: dict | None = None) -> dict:
    band: dict[str, Any] = {"id": bid, "label": {"vi": vi, "en": en}, "min": lo}
    if when:
        band["when"] = when
    if quota:
        band["quota"] = quota
    return band


def _quarters(total: float, n: int) -> list[float]:
    """`total` split into `n` maxima that are multiples of 0.25 and differ by at most 0.25."""
    q = round(total * 4)
    base, extra = divmod(q, n)
    return [(base + (i < extra)) / 4 for i in range(n)]


_FIELD_NAMES = (
    ("Công tác chỉ đạo, điều hành CCHC", "Direction of administrative reform"),
    ("Cải cách thể chế", "Institutional reform"),
    ("Cải cách thủ tục hành chính", "Administrative procedures"),
    ("Cải cách tổ chức bộ máy", "Organisation"),
    ("Cải cách chế độ công vụ", "Civil service"),
    ("Cải cách tài chính công", "Public finance"),
    ("Khảo sát sự hài lòng", "Satisfaction survey"),
    ("Tác động của CCHC", "Impact of the reform"),
)


def _field(f: int, n: int, rng: np.random.Generator) -> dict:
    """Field F{f+1}: criteria of up to five sub-criteria. Special features by field: F1 capped,
    F2 holds a best-of-2 criterion, F3 departments only, F4 a communes-only criterion and a
    floor, F7 survey leaves, F8 relative leaves."""
    fid = f"F{f + 1}"
    budget = FIELD_MAXIMA[f] + (2.0 if f == 0 else 0.0)  # capped: children add up to more
    sizes = [min(5, n - i) for i in range(0, n, 5)]
    slots = _quarters(budget, len(sizes))
    children = []
    for c, (size, slot) in enumerate(zip(sizes, slots)):
        cid = f"{f + 1}.{c + 1}"
        best_k = f == 1 and c == 0 and size >= 3
        maxima = [slot / 2] * size if best_k else _quarters(slot, size)
        leaves = [_leaf(f, f"{cid}.{j + 1}", m, rng) for j, m in enumerate(maxima)]
        node: dict[str, Any]
        if size == 1:
            node = leaves[0] | {"id": cid}
        else:
            node = {"id": cid, "name": {"vi": f"Tiêu chí {cid}", "en": f"Criterion {cid}"}, "children": leaves}
        if best_k:
            node["aggregate"] = {"best": 2}
        if f == 3 and c == 0:
            node["floor"] = 0.5
        if f == 3 and c == 1:
            node["applies_to"] = ["commune"]
        children.append(node)
    vi, en = _FIELD_NAMES[f]
    field: dict[str, Any] = {"id": fid, "code": str(f + 1), "name": {"vi": vi, "en": en}, "children": children}
    field["component"] = "survey" if f == 6 else ("impact" if f == 7 else "appraisal")
    if f == 0:
        field["aggregate"], field["max"] = "capped", FIELD_MAXIMA[0]
    if f == 2:
        field["applies_to"] = ["department"]
    return field


_MISSING_CYCLE = (None, None, None, "max", None, "na", None, None, None, "error", None, None)


def _leaf(f: int, lid: str, top: float, rng: np.random.Generator) -> dict:
    serial = int(rng.integers(0, 1 << 30))
    if f == 6:
        kind = "survey"
    elif f == 7 and serial % 3 == 0:
        kind = "relative"
    else:
        kind = RULE_CYCLE[serial % len(RULE_CYCLE)]
    leaf: dict[str, Any] = {"id": lid, "name": {"vi": f"Tiêu chí thành phần {lid}", "en": f"Sub-criterion {lid}"},
                            "max": top, "rule": _rule(kind, top, serial)}
    missing = _MISSING_CYCLE[serial % len(_MISSING_CYCLE)]
    if missing:
        leaf["missing"] = missing
    return leaf


def _rule(kind: str, top: float, serial: int) -> dict:
    if kind == "binary":
        return {"binary": {}}
    if kind == "ladder":
        if serial % 2:
            return {"ladder": [{"min": 100, "points": top}, {"min": 80, "share": 0.5}, {"points": 0}]}
        return {"ladder": [{"min": 90, "share": 1}, {"min": 70, "share": 0.6}, {"min": 50, "share": 0.25}]}
    if kind == "linear":
        return {"linear": {"from": 50, "to": 100} if serial % 2 else {"from": 10, "to": 0}}
    if kind == "ratio":
        return {"ratio": {"if_zero_total": ("na", "max", "zero")[serial % 3]}}
    if kind == "levels":
        return {"levels": {"good": top, "full": round(top * 0.8, 6), "partial": round(top * 0.4, 6), "none": 0}}
    if kind == "deduct":
        return {"deduct": {"per": top / 4}}
    if kind == "points":
        return {"points": {}}
    if kind == "survey":
        return {"survey": {
            "options": {"A": 1, "B": 0.6, "C": 0.2, "D": 0},
            "skip": ["X"],
            "forms": {"P01": 2, "P02": 1, "P03": 1},
            "aggregate": "by_form" if serial % 2 else "pooled",
            "min_respondents": 3,
            "exclude_own_unit": True,
        }}
    return {"relative": {"better": "lower" if serial % 2 else "higher"}}
