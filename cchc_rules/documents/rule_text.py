"""Rules, adjustments, bands, gates and quotas in plain words, in Vietnamese and English.

These are the sentences a trainer reads aloud and a handbook prints, e.g. for a ladder
"≥ 100 → 2 điểm; 80 – < 100 → 1 điểm; dưới 80 → 0 điểm". Values are written without a unit
(a ladder may be on a percentage or on a count; the rulebook does not say which).
"""

from __future__ import annotations

import re

from cchc_rules import display
from cchc_rules.dsl.models import Adjustment, Band, Gate, Node, Quota, Rulebook
from cchc_rules.i18n import level_label, pick, resolve_lang

_W = {
    "vi": {
        "pt": "điểm",
        "below": "dưới {m}",
        "else": "mức khác",
        "yes": "có",
        "no": "không",
        "binary": "Đạt (có) → {max} điểm; không đạt → 0 điểm",
        "linear": (
            "Điểm = {max} × (giá trị − {a}) ÷ ({b} − {a}), trong khoảng 0 – {max}: {low} → 0 điểm; {high} → {max} điểm"
        ),
        "linear_down": " (giá trị càng thấp càng tốt)",
        "ratio": (
            'Điểm = {max} × số đã thực hiện ÷ tổng số (nhập "đã thực hiện/tổng số", ví dụ 9/10, hoặc tỷ lệ 0 – 1)'
        ),
        "ratio_zero": {
            "na": "tổng số bằng 0 → không đánh giá (NA)",
            "max": "tổng số bằng 0 → {max} điểm",
            "zero": "tổng số bằng 0 → 0 điểm",
        },
        "deduct": "{max} điểm, trừ {per} điểm cho mỗi lỗi (vi phạm), không thấp hơn 0",
        "points": "Hội đồng thẩm định cho điểm trực tiếp, từ 0 đến {max} điểm",
        "points_of": "Hội đồng thẩm định cho điểm trên thang 0 đến {of}, quy về {max} điểm (điểm × {max} ÷ {of})",
        "survey": "Điểm = {max} × trọng số bình quân của các câu trả lời điều tra: {options}",
        "survey_skip": "không tính: {skip}",
        "survey_forms": "trọng số phiếu: {forms} (phiếu khác: 1)",
        "survey_by_form": "bình quân của từng loại phiếu rồi bình quân theo trọng số phiếu",
        "survey_min": "ít hơn {n} câu trả lời hợp lệ → coi như không có số liệu",
        "survey_own": "không tính câu trả lời của chính đơn vị được đánh giá",
        "relative": (
            "Điểm = {max} × (giá trị − {worst}) ÷ ({best} − {worst}), so với các đơn vị cùng nhóm trong cùng đợt "
            "chấm điểm; điểm của đơn vị phụ thuộc vào kết quả của đơn vị khác; mọi đơn vị bằng nhau → {max} điểm"
        ),
        "rel_higher": ("thấp nhất", "cao nhất"),
        "rel_lower": ("cao nhất", "thấp nhất"),
        "adj_points": "{sign} điểm do hội đồng thẩm định cho",
        "adj_each": "{sign} {per} điểm cho mỗi lần",
        "adj_plus": "Cộng",
        "adj_minus": "Trừ",
        "adj_cap": "tối đa {cap} điểm",
        "adj_index": "tính trên điểm chỉ số",
        "band_from": "Chỉ số ≥ {lo}",
        "band_range": "{lo} ≤ chỉ số < {hi}",
        "band_from_q": "Chỉ số từ phân vị thứ {lo} của nhóm trở lên (đồng điểm cùng nhóm)",
        "band_range_q": "Chỉ số từ phân vị thứ {lo} đến dưới phân vị thứ {hi} của nhóm (đồng điểm cùng nhóm)",
        "flag_false": "không thuộc trường hợp: {flag}",
        "flag_true": "thuộc trường hợp: {flag}",
        "gate_share": "{node} đạt ít nhất {share}% số điểm tối đa",
        "gate_min": "{node} đạt ít nhất {min} điểm",
        "gate_zero": "{node}: không quá {n} tiêu chí thành phần bị 0 điểm",
        "quota": "tối đa {share}% số đơn vị được xếp hạng trong nhóm{of} (làm tròn xuống)",
        "quota_of": " có xếp loại {bands}",
        "ties_drop_all": "các đơn vị đồng hạng tại ngưỡng đều xuống loại dưới",
        "ties_keep_all": "các đơn vị đồng hạng tại ngưỡng đều giữ loại",
        "missing": {
            "zero": "Không có số liệu → 0 điểm",
            "max": "Không có số liệu → đủ điểm",
            "na": "Không có số liệu → không đánh giá (NA)",
            "error": "Bắt buộc có số liệu",
        },
        "capped": "Cộng điểm các tiêu chí thành phần, tối đa {max} điểm",
        "best": "Tính {k} tiêu chí thành phần có điểm cao nhất",
        "floor": "không thấp hơn {floor} điểm",
        "or": " hoặc ",
    },
    "en": {
        "pt": "points",
        "below": "below {m}",
        "else": "otherwise",
        "yes": "yes",
        "no": "no",
        "binary": "Done (yes) → {max} points; not done → 0 points",
        "linear": (
            "Points = {max} × (value − {a}) ÷ ({b} − {a}), kept within 0 – {max}: "
            "{low} → 0 points; {high} → {max} points"
        ),
        "linear_down": " (lower is better)",
        "ratio": 'Points = {max} × done ÷ total (enter "done/total", e.g. 9/10, or a share 0 – 1)',
        "ratio_zero": {
            "na": "total 0 → not assessed (NA)",
            "max": "total 0 → {max} points",
            "zero": "total 0 → 0 points",
        },
        "deduct": "{max} points, minus {per} points per fault (violation), never below 0",
        "points": "The appraisal council gives the points directly, from 0 to {max}",
        "points_of": "The appraisal council gives points on a scale of 0 to {of}, turned into {max} points "
                     "(points × {max} ÷ {of})",
        "survey": "Points = {max} × the mean weight of the survey answers: {options}",
        "survey_skip": "not counted: {skip}",
        "survey_forms": "form weights: {forms} (other forms: 1)",
        "survey_by_form": "mean of each form's mean, weighted by the form weights",
        "survey_min": "fewer than {n} counted answers → treated as no data",
        "survey_own": "answers about the respondent's own unit are not counted",
        "relative": (
            "Points = {max} × (value − {worst}) ÷ ({best} − {worst}) among the units of the same group scored "
            "together; a unit's points depend on the other units' results; all equal → {max} points"
        ),
        "rel_higher": ("lowest", "highest"),
        "rel_lower": ("highest", "lowest"),
        "adj_points": "{sign} points given by the appraisal council",
        "adj_each": "{sign} {per} points each time",
        "adj_plus": "Add",
        "adj_minus": "Subtract",
        "adj_cap": "at most {cap} points",
        "adj_index": "in index points",
        "band_from": "Index ≥ {lo}",
        "band_range": "{lo} ≤ index < {hi}",
        "band_from_q": "Index at or above the group's {lo}th percentile (ties kept together)",
        "band_range_q": "Index from the group's {lo}th to below its {hi}th percentile (ties kept together)",
        "flag_false": "not the case: {flag}",
        "flag_true": "the case: {flag}",
        "gate_share": "{node} reaches at least {share}% of its maximum",
        "gate_min": "{node} reaches at least {min} points",
        "gate_zero": "{node}: at most {n} sub-criteria with 0 points",
        "quota": "at most {share}% of the group's ranked units{of} (rounded down)",
        "quota_of": " graded {bands}",
        "ties_drop_all": "units tied in rank at the limit all fall to the next band",
        "ties_keep_all": "units tied in rank at the limit all keep the band",
        "missing": {
            "zero": "No data → 0 points",
            "max": "No data → full points",
            "na": "No data → not assessed (NA)",
            "error": "Data required",
        },
        "capped": "Sum of the sub-criteria, at most {max} points",
        "best": "The {k} best-scored sub-criteria count",
        "floor": "never below {floor} points",
        "or": " or ",
    },
}


_ONE_POINTS = re.compile(r"(?<![\d.,])1 points\b")


def _singular(text: str, lang: str) -> str:
    """English '1 points' → '1 point' (Vietnamese has no plural)."""
    return _ONE_POINTS.sub("1 point", text) if lang == "en" else text


def words(lang: str | None = None) -> dict:
    """The phrase table of a language (shared with the workbook for yes/no)."""
    return _W[resolve_lang(lang)]


def num(value: float, lang: str | None = None) -> str:
    """A number as a person writes it: no float noise, no trailing zeros; decimal comma in Vietnamese."""
    return display.number(value, lang, 4, trim=True)


def _pts(value: float, lang: str) -> str:
    return f"{num(value, lang)} {_W[lang]['pt']}"


def rule_text(leaf: Node, lang: str | None = None) -> str:
    """How a leaf is scored, in one line."""
    lang = resolve_lang(lang)
    return _singular(_rule_text(leaf, lang), lang)


def _rule_text(leaf: Node, lang: str) -> str:
    w = _W[lang]
    rule = leaf.rule
    if rule is None:
        raise ValueError(f"node {leaf.id} has no rule")
    kind, spec, mx = rule.kind, rule.spec, leaf.max or 0.0
    m = num(mx, lang)
    if kind == "binary":
        return w["binary"].format(max=m)
    if kind == "ladder":
        return _ladder(spec, mx, lang)
    if kind == "linear":
        a, b = num(spec.from_, lang), num(spec.to, lang)
        low, high = (f"≤ {a}", f"≥ {b}") if spec.to > spec.from_ else (f"≥ {a}", f"≤ {b}")
        text = w["linear"].format(max=m, a=a, b=b, low=low, high=high)
        return text + (w["linear_down"] if spec.to < spec.from_ else "")
    if kind == "ratio":
        return f"{w['ratio'].format(max=m)}; {w['ratio_zero'][spec.if_zero_total].format(max=m)}"
    if kind == "levels":
        return "; ".join(f"{level_label(name, lang)} → {_pts(points, lang)}" for name, points in spec.items())
    if kind == "deduct":
        return w["deduct"].format(max=m, per=num(spec.per, lang))
    if kind == "points":
        if spec.out_of is not None:  # entered on the scale of a base rulebook (reweight, transfer)
            return w["points_of"].format(max=m, of=num(spec.out_of, lang))
        return w["points"].format(max=m)
    if kind == "survey":
        return _survey(spec, m, lang)
    worst, best = w["rel_higher"] if spec.better == "higher" else w["rel_lower"]
    return w["relative"].format(max=m, worst=worst, best=best)


def _ladder(steps: list, mx: float, lang: str) -> str:
    w = _W[lang]
    parts: list[str] = []
    upper: float | None = None
    for step in steps:
        points = step.points if step.points is not None else step.share * mx
        if step.min is None:
            cond = w["below"].format(m=num(upper, lang)) if upper is not None else w["else"]
        elif upper is None:
            cond = f"≥ {num(step.min, lang)}"
        else:
            cond = f"{num(step.min, lang)} – < {num(upper, lang)}"
        parts.append(f"{cond} → {_pts(points, lang)}")
        if step.min is None:
            return "; ".join(parts)
        upper = step.min
    parts.append(f"{w['below'].format(m=num(upper, lang))} → {_pts(0, lang)}")
    return "; ".join(parts)


def _survey(spec, m: str, lang: str) -> str:
    w = _W[lang]
    options = ", ".join(f"{name} = {num(weight * 100, lang)}%" for name, weight in spec.options.items())
    parts = [w["survey"].format(max=m, options=options)]
    if spec.skip:
        parts.append(w["survey_skip"].format(skip=", ".join(spec.skip)))
    if spec.forms:
        parts.append(w["survey_forms"].format(forms=", ".join(f"{f} × {num(x, lang)}" for f, x in spec.forms.items())))
    if spec.aggregate == "by_form":
        parts.append(w["survey_by_form"])
    if spec.min_respondents > 1:
        parts.append(w["survey_min"].format(n=spec.min_respondents))
    if spec.exclude_own_unit:
        parts.append(w["survey_own"])
    return "; ".join(parts)


def parent_text(node: Node, lang: str | None = None) -> str:
    """How a parent adds up its children, when it is not a plain sum ('' for a plain sum)."""
    lang = resolve_lang(lang)
    w = _W[lang]
    parts = []
    if node.aggregate == "capped":
        parts.append(w["capped"].format(max=num(node.max or 0, lang)))
    elif not isinstance(node.aggregate, str):
        parts.append(w["best"].format(k=node.aggregate.best))
    if node.floor:
        parts.append(w["floor"].format(floor=num(node.floor, lang)))
    return _singular("; ".join(parts), lang)


def missing_text(policy: str, lang: str | None = None) -> str:
    return _W[resolve_lang(lang)]["missing"][policy]


def adjustment_text(adj: Adjustment, lang: str | None = None) -> str:
    """A bonus or penalty outside the tree, e.g. 'Trừ 0,5 điểm cho mỗi lần; tối đa 3 điểm; tính trên điểm chỉ số'."""
    lang = resolve_lang(lang)
    w = _W[lang]
    sign = w["adj_plus"] if adj.sign > 0 else w["adj_minus"]
    if adj.rule.deduct_each is not None:
        parts = [w["adj_each"].format(sign=sign, per=num(adj.rule.deduct_each, lang))]
    else:
        parts = [w["adj_points"].format(sign=sign)]
    if adj.cap is not None:
        parts.append(w["adj_cap"].format(cap=num(adj.cap, lang)))
    parts.append(w["adj_index"])
    return _singular("; ".join(parts), lang)


def band_range(bands: list[Band], index: int, lang: str | None = None) -> str:
    """The index range of the band at `index` in a best-first list: '80 ≤ chỉ số < 90'."""
    lang = resolve_lang(lang)
    if bands[index].quantile is not None:  # extension: quantile bands
        lo = num(bands[index].quantile * 100, lang)
        if index == 0:
            return _W[lang]["band_from_q"].format(lo=lo)
        return _W[lang]["band_range_q"].format(lo=lo, hi=num((bands[index - 1].quantile or 0) * 100, lang))
    lo = num(bands[index].min, lang)
    if index == 0:
        return _W[lang]["band_from"].format(lo=lo)
    return _W[lang]["band_range"].format(lo=lo, hi=num(bands[index - 1].min, lang))


def node_label(rulebook: Rulebook, node_id: str, lang: str | None = None) -> str:
    node = rulebook.nodes().get(node_id)
    return f"{node.label} {pick(node.name, lang)}" if node else node_id


def gate_text(gate: Gate, rulebook: Rulebook, lang: str | None = None) -> str:
    lang = resolve_lang(lang)
    w = _W[lang]
    if gate.flag is not None:
        flag = pick(rulebook.flags.get(gate.flag), lang) or gate.flag
        return w["flag_true" if gate.is_ else "flag_false"].format(flag=flag)
    node = node_label(rulebook, gate.node or "", lang)
    parts = []
    if gate.min_share is not None:
        parts.append(w["gate_share"].format(node=node, share=num(gate.min_share * 100, lang)))
    if gate.min is not None:
        parts.append(w["gate_min"].format(node=node, min=num(gate.min, lang)))
    if gate.max_zero_leaves is not None:
        parts.append(w["gate_zero"].format(node=node, n=gate.max_zero_leaves))
    return _singular("; ".join(parts), lang)


def quota_text(quota: Quota, bands: list[Band], lang: str | None = None) -> str:
    lang = resolve_lang(lang)
    w = _W[lang]
    labels = {b.id: pick(b.label, lang) for b in bands}
    of = w["quota_of"].format(bands=w["or"].join(labels.get(b, b) for b in quota.of)) if quota.of else ""
    text = w["quota"].format(share=num(quota.max_share * 100, lang), of=of)
    return f"{text}; {w['ties_' + quota.ties]}"
