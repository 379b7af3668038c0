"""Rulebook validation, pass (a): the pydantic models' errors as located, bilingual problems (R10x–R12x).

`report_shape(raw, errors, problems)` translates the errors of `Rulebook.model_validate` (one per
union, the member that matched deepest); `translate` does one error and serves scenario files too;
`doc_path` writes a pydantic location like a change path of spec §7 (`criteria/3.1/rule/ladder/1/min`).
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel

from cchc_rules.dsl import models
from cchc_rules.dsl.messages import (
    ADJUSTMENT_RULE,
    BAD_DATE,
    BAD_SLUG,
    BAND_THRESHOLD,
    CODE_FORM,
    GATE_FLAG,
    GATE_NODE,
    GATE_SUBJECT,
    ID_FORM,
    ID_NOT_TEXT,
    LADDER_AMOUNT,
    LINEAR_SPAN,
    MISSING_KEY,
    NO_FORM,
    NOT_A_CHOICE,
    OUT_OF_RANGE,
    RULE_KINDS,
    SHAPE,
    SURVEY_OPTIONS,
    SURVEY_WEIGHT,
    TEXT_FORM,
    TOO_FEW,
    UNKNOWN_KEY,
    UNKNOWN_KIND,
    WRONG_TYPE,
)
from cchc_rules.dsl.models import Rulebook
from cchc_rules.dsl.source import LDict, LList, locate
from cchc_rules.numbers import plain
from cchc_rules.problems import Problems

_MODEL_NAMES: dict[type, tuple[str, str]] = {
    models.Rulebook: ("bộ tiêu chí", "the rulebook"),
    models.Node: ("một tiêu chí", "a node"),
    models.Rule: ("một quy tắc chấm", "a rule"),
    models.LadderStep: ("một bậc thang điểm", "a ladder step"),
    models.Linear: ("quy tắc tuyến tính", "a linear rule"),
    models.Ratio: ("quy tắc tỉ lệ", "a ratio rule"),
    models.Deduct: ("quy tắc trừ điểm", "a deduct rule"),
    models.Survey: ("quy tắc khảo sát", "a survey rule"),
    models.Relative: ("quy tắc so sánh tương đối", "a relative rule"),
    models.Empty: ("quy tắc không tham số (phải là {})", "a rule without parameters (must be {})"),
    models.PointsRule: ("quy tắc điểm do người chấm nhập", "a points rule"),
    models.NodeReference: ("một trích dẫn", "a reference of a node"),
    models.Best: ("aggregate: {best: k}", "aggregate: {best: k}"),
    models.AdjustmentRule: ("quy tắc điểm thưởng/trừ", "an adjustment rule"),
    models.Adjustment: ("một khoản điểm thưởng/trừ", "an adjustment"),
    models.Gate: ("một điều kiện xếp loại", "a gate"),
    models.Quota: ("một hạn mức", "a quota"),
    models.Band: ("một mức xếp loại", "a band"),
    models.Ranking: ("phần xếp hạng", "the ranking"),
    models.Display: ("phần hiển thị", "the display settings"),
    models.Reference: ("một văn bản tham chiếu", "a reference"),
    models.Decision: ("phần quyết định ban hành", "the decision"),
}

_EXPECTED: dict[str, tuple[str, str]] = {
    "string_type": ("một chuỗi văn bản", "a text"),
    "float_type": ("một số", "a number"),
    "int_type": ("một số nguyên", "a whole number"),
    "bool_type": ("true hoặc false", "true or false"),
    "list_type": ("một danh sách", "a list"),
    "dict_type": ("một bảng khoá: giá trị", "a mapping (key: value)"),
    "model_type": ("một bảng khoá: giá trị", "a mapping (key: value)"),
    "model_attributes_type": ("một bảng khoá: giá trị", "a mapping (key: value)"),
    "finite_number": ("một số hữu hạn", "a finite number"),
}
_RANGE_OPS = {"greater_than": (">", "gt"), "greater_than_equal": ("≥", "ge"), "less_than": ("<", "lt"),
              "less_than_equal": ("≤", "le")}
_CUSTOM = {"ladder_amount": LADDER_AMOUNT, "linear_span": LINEAR_SPAN, "survey_options": SURVEY_OPTIONS,
           "gate_subject": GATE_SUBJECT, "gate_flag": GATE_FLAG, "gate_node": GATE_NODE,
           "adjustment_rule": ADJUSTMENT_RULE, "band_threshold": BAND_THRESHOLD}



def report_shape(raw: LDict, errors: list[Any], problems: Problems) -> None:
    errors = _resolve_unions(errors)
    unknown = {tuple(e["loc"][:-1]) for e in errors if e["type"] == "extra_forbidden"}
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "rule_kinds" and err.get("ctx", {}).get("found") == "none" and loc in unknown:
            continue  # the unknown kind is the real problem, already reported
        translate(raw, err, problems)


def _is_tag(part: Any) -> bool:
    """A union member name pydantic puts in a loc ("literal['a','b']", "function-wrap[...]", "Best")."""
    return isinstance(part, str) and part != "[key]" and ("[" in part or part[:1].isupper())


def _resolve_unions(errors: list[Any]) -> list[Any]:
    """Keep, for each union, the errors of the member that matched deepest, or one 'no form' error."""
    out: list[Any] = []
    groups: dict[tuple, list[Any]] = {}
    for err in errors:
        loc = tuple(err["loc"])
        at = next((i for i, part in enumerate(loc) if _is_tag(part)), None)
        if at is None:
            out.append(err)
        else:
            groups.setdefault(loc[:at], []).append((at, err))
    for prefix, members in groups.items():
        deepest = max(len(err["loc"]) - at for at, err in members)
        if deepest <= 1:
            out.append({"type": "no_form", "loc": prefix, "msg": "", "input": members[0][1].get("input")})
            continue
        branch = next(err["loc"][at] for at, err in members if len(err["loc"]) - at == deepest)
        out.extend(
            {**err, "loc": prefix + tuple(err["loc"][at + 1:])} for at, err in members if err["loc"][at] == branch
        )
    return out


def translate(
    raw: LDict, err: Any, problems: Problems, root: type[BaseModel] = Rulebook,
    names: dict[type, tuple[str, str]] | None = None,
) -> None:
    """One pydantic error as a located bilingual problem. `root` is the model of the whole document and
    `names` says how its models are named in messages (a scenario file passes its own)."""
    names = _MODEL_NAMES if names is None else names
    loc, kind, ctx = tuple(err["loc"]), err["type"], err.get("ctx") or {}
    pos, path = locate(raw, loc), doc_path(raw, loc)
    value = err.get("input")
    if kind == "extra_forbidden":
        key = loc[-1]
        parent = _at(raw, loc[:-1])
        pos = parent.key_pos.get(key, pos) if isinstance(parent, LDict) else pos
        model = _model_at(loc[:-1], root)
        allowed = [f.alias or name for name, f in model.model_fields.items()] if model else []
        code = UNKNOWN_KIND if model is models.Rule else UNKNOWN_KEY
        problems.add(code, pos, path, key=key, allowed=allowed, **_where(model, names), **_hint(key, allowed))
    elif kind == "missing":
        problems.add(MISSING_KEY, pos, path, key=loc[-1], **_where(_model_at(loc[:-1], root), names))
    elif kind == "id_type":
        parent = _at(raw, loc[:-1])
        text = parent.raw.get(loc[-1], _short(value)) if isinstance(parent, (LDict, LList)) else _short(value)
        problems.add(ID_NOT_TEXT, pos, path, raw=text, found=_short(value))
    elif kind == "id_form":
        problems.add(ID_FORM, pos, path, value=value)
    elif kind == "string_pattern_mismatch" and loc == ("id",):
        problems.add(BAD_SLUG, pos, path, value=value)
    elif kind == "literal_error":
        choices = _choices(ctx.get("expected", ""))
        problems.add(NOT_A_CHOICE, pos, path, value=_short(value), choices=choices, **_hint(str(value), choices))
    elif kind in _RANGE_OPS:
        op, key = _RANGE_OPS[kind]
        problems.add(OUT_OF_RANGE, pos, path, value=_short(value), op=op, limit=plain(ctx[key]))
    elif kind == "too_short":
        problems.add(TOO_FEW, pos, path, min=ctx.get("min_length", 1))
    elif kind == "no_form":
        problems.add(NO_FORM, pos, path, key=loc[-1] if loc else "", forms=_forms(loc, root))
    elif kind == "rule_kinds":
        problems.add(RULE_KINDS, pos, path, found=ctx.get("found", ""), kinds=list(models.RULE_KINDS))
    elif kind == "survey_weight":
        problems.add(SURVEY_WEIGHT, pos, path, bad=ctx.get("bad", []))
    elif kind == "text":
        problems.add(TEXT_FORM, pos, path, found=_short(value))
    elif kind == "code_type":
        problems.add(CODE_FORM, pos, path, found=_short(value))
    elif kind.startswith("date"):
        problems.add(BAD_DATE, pos, path, found=_short(value))
    elif kind in _EXPECTED:
        vi, en = _EXPECTED[kind]
        problems.add(WRONG_TYPE, pos, path, expected_vi=vi, expected_en=en, found=_short(value))
    elif kind in _CUSTOM:
        problems.add(_CUSTOM[kind], pos, path)
    else:
        problems.add(SHAPE, pos, path, message=err.get("msg", kind))


def _where(model: type | None, names: dict[type, tuple[str, str]]) -> dict[str, Any]:
    vi, en = names.get(model, ("mục này", "this entry")) if model is not None else ("mục này", "this entry")
    return {"where_vi": vi, "where_en": en}


def _hint(name: str, allowed: list[str]) -> dict[str, Any]:
    close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
    if not close:
        return {"hint_vi": "", "hint_en": ""}
    return {"hint_vi": f"Có phải '{close[0]}'? ", "hint_en": f"Did you mean '{close[0]}'? "}


def _choices(expected: str) -> list[str]:
    return [part.strip().strip("'") for part in re.split(r",\s*|\s+or\s+", expected) if part.strip()]


def _short(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


# ------------------------------------------------------------------ models and paths behind a loc
def _members(tp: Any) -> list[Any]:
    """The alternatives of a type, with Optional, Annotated and unions flattened."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _members(typing.get_args(tp)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [m for arg in typing.get_args(tp) for m in _members(arg)]
    return [] if tp is type(None) else [tp]


def _model_at(loc: tuple[Any, ...], root: type[BaseModel] = Rulebook) -> type[BaseModel] | None:
    """The model class that describes the part of a document at `loc` (None if no model)."""
    current: list[Any] = [root]
    for part in loc:
        if _is_tag(part):
            continue
        step: list[Any] = []
        for tp in (m for c in current for m in _members(c)):
            origin = typing.get_origin(tp)
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                field = next((f for n, f in tp.model_fields.items() if part in (n, f.alias)), None)
                if field is not None:
                    step.append(field.annotation)
            elif origin is list and isinstance(part, int):
                step.append(typing.get_args(tp)[0])
            elif origin is dict:
                step.append(typing.get_args(tp)[1])
        current = step
    return next((m for c in current for m in _members(c) if isinstance(m, type) and issubclass(m, BaseModel)), None)


def _forms(loc: tuple[Any, ...], root: type[BaseModel] = Rulebook) -> list[str]:
    """The allowed forms of a union field, written as YAML (language-neutral)."""
    parent = _model_at(loc[:-1], root)
    field = parent.model_fields.get(str(loc[-1])) if parent and loc else None
    return [_form(m) for m in _members(field.annotation)] if field else []


def _form(tp: Any) -> str:
    if typing.get_origin(tp) is typing.Literal:
        return " | ".join(str(a) for a in typing.get_args(tp))
    if typing.get_origin(tp) is list:
        return f"[{_form(typing.get_args(tp)[0])}, …]"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        keys = [f.alias or n for n, f in tp.model_fields.items()]
        return "{" + ", ".join(f"{k}: …" for k in keys) + "}"
    return getattr(tp, "__name__", str(tp))


def _at(raw: Any, loc: tuple[Any, ...]) -> Any:
    cur = raw
    for part in loc:
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
        elif not _is_tag(part):
            return None
    return cur


def doc_path(raw: Any, loc: tuple[Any, ...]) -> str:
    """A loc written like a change path: nodes, bands and adjustments by id (criteria/3.1/rule)."""
    out: list[str] = []
    cur, lists, node_named = raw, "", False
    for depth, part in enumerate(loc):
        if _is_tag(part):
            continue
        if isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            item = cur[part]
            ident = item_id(item)
            if lists and ident is not None:
                out = ["criteria", ident] if lists == "node" else [*out, ident]
            else:
                out.append(str(part))
            node_named = lists == "node" and ident is not None
            cur, lists = item, ("node-item" if lists == "node" else "")
            continue
        if lists == "node-item" and part == "children":
            if not node_named or depth == len(loc) - 1:
                out.append("children")
            lists = "node"
        elif depth == 0 and part in ("criteria", "bands", "adjustments"):
            out.append(str(part))
            lists = {"criteria": "node", "bands": "band", "adjustments": "adjustment"}[part]
        elif depth == 1 and loc[0] == "bands_by_group":
            out.append(str(part))
            lists = "band"
        else:
            out.append(str(part))
            lists = ""
        cur = cur.get(part) if isinstance(cur, dict) else None
    return "/".join(out)


def item_id(item: Any) -> str | None:
    """An item's id as written (the source text of an unquoted id such as 1.10)."""
    if not isinstance(item, dict) or "id" not in item:
        return None
    ident = item["id"]
    if isinstance(ident, str):
        return ident
    raw = getattr(item, "raw", {})
    return raw.get("id") if "id" in raw else None

