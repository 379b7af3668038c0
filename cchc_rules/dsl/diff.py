"""What differs between two rulebooks: criteria, rules, bands, adjustments and settings.

`compare_rulebooks(base, variant)` works on any two validated rulebooks (a proposal and its
base, this year's set and last year's); `differences(rulebook)` compares a derived rulebook with
the file its `extends` names. Nodes are matched by id, else through the variant's `was` (a
renamed node lists the base id there). A subtree added or removed whole is reported once, at its
top node. Each `Difference` keeps both values side by side and reads as one sentence in
Vietnamese or English (`describe`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from cchc_rules import display
from cchc_rules.dsl.models import Adjustment, Band, Node, Rulebook
from cchc_rules.i18n import pick, resolve_lang
from cchc_rules.labels import by_key
from cchc_rules.labels.analysis import CHANGE_KINDS, DIFF_DETAILS, DIFF_FIELDS, DIFF_SENTENCES, DIFF_SUBJECTS

KIND_LABELS: dict[str, dict[str, str]] = by_key(CHANGE_KINDS)
_SUBJECTS = by_key(DIFF_SUBJECTS)
_QUOTES = {"vi": " «{}»", "en": " “{}”"}
_SENTENCES = by_key(DIFF_SENTENCES)
_ADDED_DETAIL = by_key(DIFF_DETAILS)
_GROUP = {"vi": " của nhóm {}", "en": " of group {}"}
_TOP = {"vi": "cấp cao nhất", "en": "the top level"}
_WORDS = {True: {"vi": "có", "en": "yes"}, False: {"vi": "không", "en": "no"}}
_COLUMNS = {
    "vi": ["Loại", "Đường dẫn", "Mã", "Bản gốc", "Phương án", "Mô tả"],
    "en": ["Kind", "Path", "Id", "Base", "Variant", "Description"],
}
_NODE_FIELDS = ("code", "component", "applies_to", "floor", "aggregate", "missing", "reference", "evidence", "guidance")
_SETTINGS = ("scale", "stages", "missing", "not_applicable", "ranking", "display", "groups", "flags")


@dataclass(frozen=True)
class Difference:
    """One difference. `kind` is one of KIND_LABELS; `subject` says what `id` names (node, band,
    adjustment, or setting); `base` and `variant` are the two values (None where absent)."""

    kind: str
    path: str
    id: str | None
    base: Any = field(default=None, hash=False)
    variant: Any = field(default=None, hash=False)
    subject: str = "node"
    name: Any = field(default=None, compare=False, hash=False)
    group_name: Any = field(default=None, compare=False, hash=False)  # the group of a band list, as named

    def describe(self, lang: str | None = None) -> str:
        """One sentence saying what changed, in Vietnamese (default) or English."""
        lang = resolve_lang(lang)
        named_item = self.subject in ("band", "adjustment") and bool(self.name)  # by its label, not its id
        shown_id = pick(self.name, lang) if named_item else self.id
        bare = _SUBJECTS[self.subject][lang].format(id=shown_id) if self.subject in _SUBJECTS else self.path
        if self.subject == "band" and self.path.startswith("bands_by_group/"):
            bare += _GROUP[lang].format(pick(self.group_name, lang) or self.path.split("/")[1])
        named = bare + (_QUOTES[lang].format(pick(self.name, lang)) if self.name and not named_item else "")
        base, variant = show(self.base, lang), show(self.variant, lang)
        if self.kind == "moved":
            base = base if self.base is not None else _TOP[lang]
            variant = variant if self.variant is not None else _TOP[lang]
        detail = ""
        if self.kind == "added" and self.subject in _ADDED_DETAIL and self.variant is not None:
            detail = _ADDED_DETAIL[self.subject][lang].format(v=variant)
        key = self.kind
        if key in ("attribute", "band", "adjustment"):
            key = "item"
        elif self.subject == "setting":
            key = "setting"
        text = _SENTENCES[key][lang].format(
            subject=named, bare=bare, name=_QUOTES[lang].format(pick(self.name, lang)) if self.name else "",
            base=base, variant=variant, detail=detail, path=self.path, field=self._field(lang),
        )
        return text[:1].upper() + text[1:]

    def _field(self, lang: str = "vi") -> str:
        """The part of the path below the subject (e.g. ladder/1/min of criteria/3.1/rule/ladder/1/min); a
        band's or an adjustment's own field in words (min → ngưỡng)."""
        parts = self.path.split("/")
        head = 2 if parts[0] in ("criteria", "bands", "adjustments") else 3
        rest = parts[head:]
        text = "/".join(rest[1:] if self.kind == "rule" and rest[:1] == ["rule"] else rest) or self.path
        return DIFF_FIELDS[text].text(lang) if self.subject in ("band", "adjustment") and text in DIFF_FIELDS else text


def show(value: Any, lang: str | None = None) -> str:
    """A value of a rulebook as a person reads it (numbers without float noise, texts in `lang`)."""
    lang = resolve_lang(lang)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _WORDS[value][lang]
    if isinstance(value, (int, float)):
        return display.number(value, lang, 4, trim=True)  # 9.999999999 → 10; decimal comma in Vietnamese
    if isinstance(value, dict):
        if value and all(isinstance(v, str) for v in value.values()) and set(value) <= {"vi", "en"}:
            return pick(value, lang)
        return "{" + "; ".join(f"{k}: {show(v, lang)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v, lang) for v in value) + "]"
    return str(value)


def differences_frame(diffs: list[Difference], lang: str | None = None) -> pd.DataFrame:
    """The differences as a table with headers, kinds and values in `lang`."""
    lang = resolve_lang(lang)
    rows = [
        [KIND_LABELS[d.kind][lang], d.path, d.id or "", show(d.base, lang), show(d.variant, lang), d.describe(lang)]
        for d in diffs
    ]
    return pd.DataFrame(rows, columns=_COLUMNS[lang])


def differences(rulebook: Rulebook) -> list[Difference]:
    """A derived rulebook against the base its `extends` names; [] for a rulebook that is not derived."""
    from cchc_rules.dsl.load import load_rulebook

    derivation = rulebook.derivation
    if derivation is None:
        return []
    return compare_rulebooks(load_rulebook(derivation.base_path), rulebook)


def compare_rulebooks(base: Rulebook, variant: Rulebook) -> list[Difference]:
    """Every difference between two rulebooks, criteria first (in the variant's order), then
    removed criteria, adjustments, bands and settings."""
    matched = match_nodes(base.nodes(), variant.nodes())
    back = {old: new for new, old in matched.items()}
    out = list(_nodes(base, variant, matched))
    out += _items(base.adjustments, variant.adjustments, "adjustments", "adjustment")
    out += _items(base.bands, variant.bands, "bands", "band", back)
    for group in [*base.bands_by_group, *(g for g in variant.bands_by_group if g not in base.bands_by_group)]:
        path = f"bands_by_group/{group}"
        old, new = base.bands_by_group.get(group), variant.bands_by_group.get(group)
        if old is None or new is None:
            ids = [[b.id for b in bands] if bands is not None else None for bands in (old, new)]
            out.append(Difference("band", path, group, ids[0], ids[1], subject="setting"))
        else:
            named = variant.groups.get(group) or base.groups.get(group)
            out += [replace(d, group_name=named) for d in _items(old, new, path, "band", back)]
    for name in _SETTINGS:
        before = _dump(getattr(base, name))
        if name == "ranking":
            before = _follow_ranking(before, back)
        for path, old, new in _deep(before, _dump(getattr(variant, name)), name):
            out.append(Difference("setting", path, None, old, new, subject="setting"))
    return out


# ---------------------------------------------------------------- criteria
def match_nodes(base: dict[str, Node], variant: dict[str, Node]) -> dict[str, str]:
    """Variant id → base id: same id first, then the first base id the variant node's `was` names."""
    matched = {vid: vid for vid in variant if vid in base}
    used = set(matched.values())
    for vid, node in variant.items():
        if vid in matched:
            continue
        old = next((w for w in node.was if w in base and w not in used), None)
        if old is not None:
            matched[vid] = old
            used.add(old)
    return matched


def _nodes(base: Rulebook, variant: Rulebook, matched: dict[str, str]) -> Iterator[Difference]:
    old_nodes, new_nodes = base.nodes(), variant.nodes()
    old_parents, new_parents = base.parents(), variant.parents()
    back = {old: new for new, old in matched.items()}
    for vid, node in new_nodes.items():
        path = f"criteria/{vid}"
        if vid not in matched:
            if new_parents[vid] is None or new_parents[vid] in matched:
                yield Difference("added", path, vid, None, node.max, name=node.name)
            continue
        old = old_nodes[matched[vid]]
        if old.id != vid:
            yield Difference("renamed", path, vid, old.id, vid, name=node.name)
        old_parent = old_parents[old.id]
        if (back.get(old_parent) if old_parent is not None else None) != new_parents[vid]:
            yield Difference("moved", path, vid, old_parent, new_parents[vid], name=node.name)
        yield from _node_fields(old, node, path)
    for oid, node in old_nodes.items():
        if oid not in back and (old_parents[oid] is None or old_parents[oid] in back):
            yield Difference("removed", f"criteria/{oid}", oid, node.max, None, name=node.name)


def _node_fields(old: Node, new: Node, path: str) -> Iterator[Difference]:
    if old.name != new.name:
        yield Difference("name", f"{path}/name", new.id, old.name, new.name)
    if not _same(old.max, new.max):
        yield Difference("max", f"{path}/max", new.id, old.max, new.max, name=new.name)
    old_rule, new_rule = _dump(old.rule), _dump(new.rule)
    if old.rule is not None and new.rule is not None and old.rule.kind != new.rule.kind:
        yield Difference("rule", f"{path}/rule", new.id, old_rule, new_rule, name=new.name)
    else:
        for sub, a, b in _deep(old_rule, new_rule, f"{path}/rule"):
            yield Difference("rule", sub, new.id, a, b, name=new.name)
    for name in _NODE_FIELDS:
        a, b = _dump(getattr(old, name)), _dump(getattr(new, name))
        if not _equal(a, b):
            yield Difference("attribute", f"{path}/{name}", new.id, a, b, name=new.name)


# ---------------------------------------------------------------- bands and adjustments
def _items(
    old: list[Band] | list[Adjustment], new: list[Band] | list[Adjustment], where: str, subject: str,
    back: dict[str, str] | None = None,
) -> Iterator[Difference]:
    """Bands (or adjustments) of one list matched by id; gates on renamed nodes follow `back` (base → variant)."""
    before = {item.id: item for item in old}
    after = {item.id: item for item in new}
    for item_id, item in after.items():
        path = f"{where}/{item_id}"
        label = getattr(item, "label", None) or getattr(item, "name", None)
        if item_id not in before:
            yield Difference("added", path, item_id, None, getattr(item, "min", None), subject, label)
            continue
        a, b = _follow_gates(_dump(before[item_id]), back or {}), _dump(item)
        for sub, x, y in _deep(a, b, path):
            yield Difference(subject, sub, item_id, x, y, subject, label)
    for item_id, item in before.items():
        if item_id not in after:
            label = getattr(item, "label", None) or getattr(item, "name", None)
            yield Difference("removed", f"{where}/{item_id}", item_id, getattr(item, "min", None), None, subject, label)


def _follow_gates(band: dict[str, Any], back: dict[str, str]) -> dict[str, Any]:
    """A base band with its gate nodes named as in the variant (a rename is not a change of the gate)."""
    if "when" in band:
        band["when"] = [{**g, "node": back.get(g["node"], g["node"])} if "node" in g else g for g in band["when"]]
    return band


def _follow_ranking(ranking: dict[str, Any], back: dict[str, str]) -> dict[str, Any]:
    ranking["tie_break"] = [back.get(i, i) for i in ranking.get("tie_break", [])]
    return ranking


# ---------------------------------------------------------------- values
def _dump(value: Any) -> Any:
    """A model (or list of models) as plain data in the language's spelling."""
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)
    return a == b


def _equal(a: Any, b: Any) -> bool:
    return not any(True for _ in _deep(a, b, ""))


def _deep(a: Any, b: Any, path: str) -> Iterator[tuple[str, Any, Any]]:
    """(path, old, new) for each differing part: keys of mappings, items of equal-length lists."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            yield from _deep(a.get(key), b.get(key), f"{path}/{key}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from _deep(x, y, f"{path}/{i}")
    elif not _same(a, b):
        yield path, a, b
