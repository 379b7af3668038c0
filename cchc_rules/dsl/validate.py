"""Rulebook validation: shape errors and cross-document checks, all reported in one run.

`build(raw, problems)` checks a raw located document (`dsl.source`) in two passes that do not
depend on each other: (a) the pydantic models, whose errors are translated into located,
bilingual problems (R10x–R12x); (b) checks across the document (ids, references, maxima,
ladders, bands, R13x–R15x), run on the raw document and skipping whatever is malformed (pass
(a) reports that), so a rulebook with ten mistakes gets ten messages at once. Warnings (R19x)
never stop a rulebook from loading. Paths are written like the change paths of spec §7:
`criteria/3.1/rule/ladder/1/min`, `bands/excellent/min`, `adjustments/bonus/cap`.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from cchc_rules.dsl import models
from cchc_rules.dsl.messages import (
    ADJUSTMENT_IS_NODE,
    ADJUSTMENT_RULE,
    BAD_DATE,
    BAD_SLUG,
    BAND_NO_FLOOR,
    BAND_ORDER,
    BAND_THRESHOLD,
    BEST_TOO_MANY,
    CAPPED_UNREACHABLE,
    CAPPED_WITHOUT_MAX,
    CHILDREN_AND_RULE,
    CODE_FORM,
    DUPLICATE_ADJUSTMENT,
    DUPLICATE_BAND,
    DUPLICATE_NODE,
    DUPLICATE_STAGE,
    DUPLICATE_TIE_BREAK,
    FORM_WEIGHT,
    GATE_FLAG,
    GATE_NODE,
    GATE_SUBJECT,
    ID_FORM,
    ID_NOT_TEXT,
    LADDER_ABOVE_MAX,
    LADDER_AMOUNT,
    LADDER_OPEN_STEP,
    LADDER_ORDER,
    LEAF_WITHOUT_MAX,
    LEAF_WITHOUT_RULE,
    LEVEL_ABOVE_MAX,
    LINEAR_SPAN,
    MISSING_KEY,
    NO_FORM,
    NOT_A_CHOICE,
    OUT_OF_RANGE,
    QUANTILE_MIX,
    QUANTILE_NO_FLOOR,
    QUANTILE_ORDER,
    RELATIVE_RULE,
    RULE_KINDS,
    SHAPE,
    SKIP_IS_OPTION,
    SPLIT_CHILD_MAX,
    SPLIT_WITHOUT_MAX,
    SUM_MISMATCH,
    SURVEY_OPTIONS,
    SURVEY_WEIGHT,
    TEXT_FORM,
    TOO_FEW,
    TOP_NOT_SCALE,
    UNKNOWN_FLAG,
    UNKNOWN_GATE_NODE,
    UNKNOWN_GROUP,
    UNKNOWN_KEY,
    UNKNOWN_KIND,
    UNKNOWN_QUOTA_BAND,
    UNKNOWN_REFERENCE,
    UNKNOWN_TIE_BREAK,
    UNREACHABLE_MAX,
    WRONG_TYPE,
)
from cchc_rules.dsl.models import Rulebook
from cchc_rules.dsl.source import LDict, LList, locate, located
from cchc_rules.numbers import number, plain
from cchc_rules.problems import Pos, Problems, nearest

# Maxima made by reweight/transfer are rounded to 9 decimals each, so their sums may be off by
# a few nano-points: sums of maxima are compared to a micro-point.
MAXIMA_TOLERANCE = 1e-6


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


def build(raw: Any, problems: Problems) -> Rulebook | None:
    """The rulebook model of a raw (located) document, or None; every problem goes to `problems`."""
    if not isinstance(raw, LDict):
        raw = located(raw)
    before = len(problems.errors)
    model: Rulebook | None = None
    try:
        model = Rulebook.model_validate(raw)
    except ValidationError as exc:
        _shape(raw, exc.errors(), problems)
    _Checks(raw, problems).run()
    return model if len(problems.errors) == before else None


# ------------------------------------------------------------------ (a) shape
def _shape(raw: LDict, errors: list[Any], problems: Problems) -> None:
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
        problems.add(OUT_OF_RANGE, pos, path, value=_short(value), op=op, limit=plain(ctx.get(key)))
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


def _where(model: type | None, names: dict[type, tuple[str, str]]) -> dict[str, str]:
    vi, en = names.get(model, ("mục này", "this entry"))
    return {"where_vi": vi, "where_en": en}


def _hint(name: str, allowed: list[str]) -> dict[str, str]:
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
            ident = _ident(item)
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


def _ident(item: Any) -> str | None:
    """An item's id as written (the source text of an unquoted id such as 1.10)."""
    if not isinstance(item, dict) or "id" not in item:
        return None
    ident = item["id"]
    if isinstance(ident, str):
        return ident
    raw = getattr(item, "raw", {})
    return raw.get("id") if "id" in raw else None


# ------------------------------------------------------------------ (b) cross-document checks
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


class _Checks:
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
            ident = _ident(d)
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
            ident = _ident(d)
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
        ids = [_ident(d) for _, d in items]
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
