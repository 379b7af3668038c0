"""Changes and swept parameters in words: the drafter's pending changes, what decides instead of an edited value.

`sentence(change, rulebook, lang)` says one change of the language (set, add, remove, move,
rename, reweight, transfer) in words, naming criteria, bands and groups as the rulebook does;
`decided_elsewhere(change, rulebook, lang)` explains when a group's own thresholds or a band's
quota decide instead of the edited value, so that an edit which changes no one is not a mystery.
"""

from __future__ import annotations

from typing import Any

from cchc_rules.display import number, percent
from cchc_rules.documents.rule_text import gate_text
from cchc_rules.dsl.models import Band, Gate, Rulebook
from cchc_rules.i18n import pick, resolve_lang
from cchc_rules.labels.workbench import CHANGES, PARAMETERS


def _t(key: str, lang: str, **fields: Any) -> str:
    return CHANGES[key].text(lang).format(**fields)


def _num(value: Any, lang: str) -> str:
    return number(float(value), lang, 6, trim=True) if isinstance(value, (int, float)) else str(value)


def node_words(rulebook: Rulebook, ident: str | None, lang: str) -> str:
    """A criterion as people name it: its code and name (its id when the rulebook does not hold it)."""
    if ident is None:
        return _t("top", lang)
    node = rulebook.nodes().get(str(ident))
    if node is None:
        return _t("node", lang, code=ident)
    return _t("named", lang, code=pick(node.code or node.id, lang), name=pick(node.name, lang))


def _band_words(rulebook: Rulebook, band_id: str, group: str | None, lang: str) -> tuple[str, str]:
    bands = rulebook.bands if group is None else rulebook.bands_by_group.get(group, [])
    band = next((b for b in bands if b.id == band_id), None)
    name = pick(band.label, lang) if band is not None else band_id
    where = _t("of_group", lang, group=_group(rulebook, group, lang)) if group else (
        _t("common", lang) if rulebook.bands_by_group else "")
    return name, where


def _group(rulebook: Rulebook, group: str | None, lang: str) -> str:
    return pick(rulebook.groups.get(group or ""), lang) or str(group)


def _band_path(parts: list[str]) -> tuple[str, str | None, str] | None:
    """(band id, group or None, field) of a `set` path into the bands; None for another path."""
    if len(parts) == 3 and parts[0] == "bands":
        return parts[1], None, parts[2]
    if len(parts) == 4 and parts[0] == "bands_by_group":
        return parts[2], parts[1], parts[3]
    return None


def sentence(change: dict[str, Any], rulebook: Rulebook, lang: str | None = None) -> str:
    """One change in plain words, in `lang`."""
    lang = resolve_lang(lang)
    node = lambda path: node_words(rulebook, str(path).removeprefix("criteria/"), lang)  # noqa: E731
    if "reweight" in change:
        return _t("reweight", lang, node=node(change["reweight"]), to=_num(change["to"], lang))
    if "remove" in change:
        return _t("remove", lang, node=node(change["remove"]))
    if "add" in change:
        item = change["add"]
        named = _t("named", lang, code=item.get("code") or item.get("id"), name=pick(item.get("name"), lang))
        return _t("add", lang, node=named, max=_num(item.get("max", 0), lang),
                  under=node_words(rulebook, change.get("under"), lang))
    if "move" in change:
        return _t("move", lang, node=node(change["move"]), under=node_words(rulebook, change.get("under"), lang))
    if "rename" in change:
        return _t("rename", lang, node=node(change["rename"]), to=change["to"])
    if "transfer" in change:
        return _t("transfer", lang, amount=_num(change["transfer"], lang), source=node(f"criteria/{change['from']}"),
                  target=node(f"criteria/{change['to']}"))
    return _set_sentence(change, rulebook, lang)


def _set_sentence(change: dict[str, Any], rulebook: Rulebook, lang: str) -> str:
    path = str(change.get("set", ""))
    parts = path.split("/")
    if parts[0] == "criteria" and len(parts) == 6 and parts[2:4] == ["rule", "ladder"] and parts[5] == "min":
        return _t("threshold", lang, step=int(parts[4]) + 1, node=node_words(rulebook, parts[1], lang),
                  to=_num(change["to"], lang))
    band = _band_path(parts)
    if band is not None and band[2] in ("min", "when"):
        name, where = _band_words(rulebook, band[0], band[1], lang)
        if band[2] == "min":
            return _t("band_min", lang, band=name, group=where, to=_num(change["to"], lang))
        gates = [gate_text(Gate.model_validate(g), rulebook, lang) for g in change.get("to") or []]
        return _t("gates", lang, band=name, group=where, gates="; ".join(gates) or _t("no_gates", lang))
    return _t("set", lang, path=path, to=_num(change.get("to"), lang))


def parameter_words(path: str, rulebook: Rulebook, lang: str | None = None) -> str:
    """A rulebook path a sweep varies, in words ("Ngưỡng Xuất sắc", "Điểm tối đa của tiêu chí 8 «…»");
    a path of another shape as written."""
    lang = resolve_lang(lang)
    parts = str(path).split("/")
    band = _band_path(parts)
    if band is not None and band[2] == "min":
        name, where = _band_words(rulebook, band[0], band[1], lang)
        return PARAMETERS["band_min"].text(lang).format(band=name, group=where)
    if parts[0] == "criteria" and len(parts) == 3 and parts[2] == "max":
        return PARAMETERS["max"].text(lang).format(node=node_words(rulebook, parts[1], lang))
    if parts[0] == "criteria" and len(parts) == 6 and parts[2:4] == ["rule", "ladder"] and parts[5] == "min":
        return PARAMETERS["step"].text(lang).format(step=int(parts[4]) + 1, node=node_words(rulebook, parts[1], lang))
    return str(path)


def decided_elsewhere(change: dict[str, Any], rulebook: Rulebook, lang: str | None = None) -> list[str]:
    """Why an edit of a band may change no one: groups with their own thresholds, a quota on the band."""
    lang = resolve_lang(lang)
    band = _band_path(str(change.get("set", "")).split("/"))
    if band is None or band[2] not in ("min", "when"):
        return []
    band_id, group, _ = band
    notes = []
    if group is None:
        notes += [_t("own_thresholds", lang, group=_group(rulebook, g, lang)) for g in rulebook.bands_by_group]
    bands: list[Band] = rulebook.bands if group is None else rulebook.bands_by_group.get(group, [])
    edited = next((b for b in bands if b.id == band_id), None)
    if edited is not None and edited.quota is not None:
        name, where = _band_words(rulebook, band_id, group, lang)
        notes.append(_t("quota", lang, band=name, group=where, share=percent(edited.quota.max_share, lang, 0)))
    return notes
