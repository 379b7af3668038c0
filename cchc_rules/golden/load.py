"""Finding golden files and checking them against their rulebook (every problem at once)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cchc_rules.dsl.models import Rulebook
from cchc_rules.dsl.source import LDict, LList, read_yaml
from cchc_rules.golden.cases import (
    CASE_KEYS,
    EXPECT_KEYS,
    FILE_KEYS,
    GROUP_KEYS,
    NODE_TEXT_KEYS,
    NUMBER_KEYS,
    SINGLE_ID,
    UNIT_KEYS,
    Approx,
    Case,
    GoldenFile,
    UnitCase,
)
from cchc_rules.golden.messages import (
    BAD_RULEBOOK,
    BAD_VALUE,
    DUPLICATE_UNIT,
    MISSING_KEY,
    NO_CASES,
    NOT_A_FILE,
    UNIT_FORM,
    UNKNOWN_BAND,
    UNKNOWN_FLAG,
    UNKNOWN_GROUP,
    UNKNOWN_KEY,
    UNKNOWN_LEAF,
    UNKNOWN_NODE,
    UNKNOWN_STAGE,
    UNKNOWN_UNIT,
)
from cchc_rules.problems import Pos, Problems, nearest


def collect(paths: list[Path | str]) -> list[Path]:
    """Golden files: each file given, and every *.yaml / *.yml under each folder given (sorted)."""
    out: list[Path] = []
    problems = Problems()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        elif path.is_file():
            out.append(path)
        else:
            problems.add(NOT_A_FILE, Pos(str(path)), target=str(path))
    problems.raise_if_errors()
    return out


def load_golden(path: Path | str, rulebooks: dict[Path, Rulebook] | None = None) -> GoldenFile:
    """A checked golden file; raises `CchcError` with every problem (G5xx, and the rulebook's own).

    `rulebooks` caches rulebooks already loaded (by resolved path) across files.
    """
    from cchc_rules.dsl.load import check_rulebook

    path = Path(path)
    problems = Problems()
    raw = read_yaml(path, problems)
    problems.raise_if_errors()
    _keys(raw, FILE_KEYS, "the file", problems)
    for key, example in (("rulebook", "../my-rulebook.yaml"), ("cases", "[{name: ..., unit: ..., values: best}]")):
        if key not in raw:
            problems.add(MISSING_KEY, raw.pos, key=key, where="the file", example=example)
    rulebook = None
    if isinstance(raw.get("rulebook"), str):
        target = (path.parent / raw["rulebook"]).resolve()
        cache = rulebooks if rulebooks is not None else {}
        rulebook = cache.get(target)
        if rulebook is None:
            found, found_problems = check_rulebook(target) if target.is_file() else (None, [])
            if found is None:
                reason = "không có tệp / no such file" if not target.is_file() else "xem dưới / see below"
                problems.add(BAD_RULEBOOK, raw.where("rulebook"), "rulebook", target=raw["rulebook"], reason=reason)
                problems.extend(p for p in found_problems if p.severity == "error")
            else:
                rulebook = cache[target] = found
    elif "rulebook" in raw:
        _bad(problems, raw, "rulebook", "a path to a rulebook file")
    cases: list[Case] = []
    items = raw.get("cases")
    if "cases" in raw and not isinstance(items, LList):
        _bad(problems, raw, "cases", "a list of cases")
    elif isinstance(items, LList):
        if not items:
            problems.add(NO_CASES, raw.where("cases"), "cases")
        if rulebook is not None:
            for i, item in enumerate(items):
                case = _case(item, items.where(i), f"cases/{i}", rulebook, problems)
                if case is not None:
                    cases.append(case)
    problems.raise_if_errors()
    return GoldenFile(path, rulebook, cases)


def _keys(doc: LDict, allowed: tuple[str, ...], where: str, problems: Problems, path: str = "") -> None:
    for key in doc:
        if key not in allowed:
            problems.add(UNKNOWN_KEY, doc.key_pos.get(key, doc.pos), f"{path}/{key}".strip("/"), key=key, where=where,
                         allowed=list(allowed), near=nearest(str(key), allowed, 1)[0])


def _bad(problems: Problems, doc: Any, key: Any, expected: str, path: str = "") -> None:
    value = doc[key]
    problems.add(BAD_VALUE, doc.where(key), f"{path}/{key}".strip("/"), key=key, found=repr(value), expected=expected)


def _case(item: Any, pos: Pos, path: str, rb: Rulebook, problems: Problems) -> Case | None:
    if not isinstance(item, LDict):
        problems.add(BAD_VALUE, pos, path, key=path, found=repr(item), expected="a case {name, unit, values, expect}")
        return None
    before = len(problems.errors)
    _keys(item, CASE_KEYS, "a case", problems, path)
    for key, example in (("name", "'what the case shows'"), ("expect", "{index: 100}")):
        if key not in item:
            problems.add(MISSING_KEY, item.pos, path, key=key, where="a case", example=example)
    name = str(item.get("name", f"case {path}"))
    stage = item.get("stage")
    if stage is not None and stage not in rb.stages:
        problems.add(UNKNOWN_STAGE, item.where("stage"), f"{path}/stage", stage=stage, stages=rb.stages)
    units = _units(item, path, rb, problems)
    single = "unit" in item
    expect: dict[str, dict[str, Any]] = {}
    raw_expect = item.get("expect")
    if isinstance(raw_expect, LDict) and units:
        if single:
            expect[SINGLE_ID] = _expectations(raw_expect, f"{path}/expect", rb, problems)
        else:
            ids = [u.id for u in units]
            for uid, sub in raw_expect.items():
                where = raw_expect.key_pos.get(uid, raw_expect.pos)
                if str(uid) not in ids:
                    problems.add(UNKNOWN_UNIT, where, f"{path}/expect/{uid}", unit=uid, near=nearest(str(uid), ids))
                elif not isinstance(sub, LDict):
                    _bad(problems, raw_expect, uid, "a map of expectations {index, band, rank, ...}", f"{path}/expect")
                else:
                    expect[str(uid)] = _expectations(sub, f"{path}/expect/{uid}", rb, problems)
    elif "expect" in item and not isinstance(raw_expect, LDict):
        _bad(problems, item, "expect", "a map of expectations {index, band, rank, ...}", path)
    groups = _group_expectations(item, path, rb, problems) if "groups" in item else {}
    if len(problems.errors) > before:
        return None
    return Case(name, pos, units, expect, stage, single, groups)


def _group_expectations(item: LDict, path: str, rb: Rulebook, problems: Problems) -> dict[str, dict[str, Any]]:
    """`groups: {group: {count, mean, bands: {band: n}}}` (extension): the ranked units of a group, their
    mean index, and how many units of the group have each band."""
    raw = item["groups"]
    if not isinstance(raw, LDict):
        _bad(problems, item, "groups", "a map group → {count, mean, bands}", path)
        return {}
    out: dict[str, dict[str, Any]] = {}
    for group, spec in raw.items():
        where = f"{path}/groups/{group}"
        if group not in rb.groups:
            problems.add(UNKNOWN_GROUP, raw.key_pos.get(group, raw.pos), where, group=group, groups=list(rb.groups),
                         near=nearest(str(group), rb.groups, 1)[0])
            continue
        if not isinstance(spec, LDict):
            _bad(problems, raw, group, "{count: n, mean: x, bands: {band: n}}", f"{path}/groups")
            continue
        _keys(spec, GROUP_KEYS, "a group's expectations", problems, where)
        got: dict[str, Any] = {}
        if "count" in spec:
            if isinstance(spec["count"], bool) or not isinstance(spec["count"], int):
                _bad(problems, spec, "count", "a whole number of ranked units", where)
            got["count"] = spec["count"]
        if "mean" in spec:
            got["mean"] = _number(spec, "mean", where, problems)
        if "bands" in spec:
            bands = spec["bands"]
            known = [b.id for b in rb.bands_for(str(group))]
            if not isinstance(bands, LDict):
                _bad(problems, spec, "bands", "a map band id → number of units", where)
            else:
                for band in bands:
                    if band not in known:
                        problems.add(UNKNOWN_BAND, bands.key_pos.get(band, bands.pos), f"{where}/bands/{band}",
                                     band=band, bands=known)
                got["bands"] = {str(k): v for k, v in bands.items()}
        out[str(group)] = got
    return out


def _units(item: LDict, path: str, rb: Rulebook, problems: Problems) -> list[UnitCase]:
    has_one, has_many = "unit" in item, "units" in item
    if has_one == has_many:
        found = "unit, units" if has_one else "—"
        problems.add(UNIT_FORM, item.pos, path, found=found)
        return []
    case_values = item.get("values")
    if has_one:
        spec = item["unit"]
        if not isinstance(spec, LDict):
            _bad(problems, item, "unit", "{group: ..., flags: [...]}", path)
            return []
        _keys(spec, ("group", "flags", "name"), "'unit'", problems, f"{path}/unit")
        if "values" not in item:
            problems.add(MISSING_KEY, item.pos, path, key="values", where="a case", example="best")
            return []
        unit = _unit(spec, SINGLE_ID, case_values, item.where("values"), f"{path}/unit", rb, problems)
        return [unit] if unit else []
    specs = item["units"]
    if not isinstance(specs, LList) or not specs:
        _bad(problems, item, "units", "a list of units [{id, group, values, flags}]", path)
        return []
    out: list[UnitCase] = []
    seen: set[str] = set()
    for i, spec in enumerate(specs):
        where = f"{path}/units/{i}"
        if not isinstance(spec, LDict):
            _bad(problems, specs, i, "{id: ..., group: ..., values: ...}", f"{path}/units")
            continue
        _keys(spec, UNIT_KEYS, "a unit", problems, where)
        if "id" not in spec:
            problems.add(MISSING_KEY, spec.pos, where, key="id", where="a unit", example="A")
            continue
        uid = str(spec["id"])
        if uid in seen:
            problems.add(DUPLICATE_UNIT, spec.where("id"), f"{where}/id", unit=uid)
        seen.add(uid)
        own = "values" in spec
        values, vpos = (spec["values"], spec.where("values")) if own else (case_values, item.where("values"))
        if values is None and "values" not in spec and "values" not in item:
            problems.add(MISSING_KEY, spec.pos, where, key="values", where="a unit (or the case)", example="best")
            continue
        unit = _unit(spec, uid, values, vpos, where, rb, problems)
        if unit:
            out.append(unit)
    return out


def _unit(spec: LDict, uid: str, values: Any, vpos: Pos, path: str, rb: Rulebook, problems: Problems):
    group = spec.get("group")
    if group is None:
        problems.add(MISSING_KEY, spec.pos, path, key="group", where="a unit", example=", ".join(rb.groups))
        return None
    if group not in rb.groups:
        problems.add(UNKNOWN_GROUP, spec.where("group"), f"{path}/group", group=group, groups=list(rb.groups),
                     near=nearest(str(group), rb.groups, 1)[0])
        return None
    flags = spec.get("flags", [])
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        _bad(problems, spec, "flags", "a list of flag names, e.g. [discipline]", path)
        return None
    for i, flag in enumerate(flags):
        if flag not in rb.flags:
            where = flags.where(i) if isinstance(flags, LList) else spec.where("flags")
            problems.add(UNKNOWN_FLAG, where, f"{path}/flags/{i}", flag=flag, flags=list(rb.flags))
    _check_values(values, vpos, path, rb, problems)
    return UnitCase(uid, group, tuple(flags), values, str(spec.get("name", uid)))


def _check_values(values: Any, pos: Pos, path: str, rb: Rulebook, problems: Problems) -> None:
    if values in ("best", "worst"):
        return
    if not isinstance(values, dict):
        problems.add(BAD_VALUE, pos, f"{path}/values", key="values", found=repr(values),
                     expected="best, worst, or a map {base: best|worst, leaf id: value}")
        return
    ids = [leaf.id for leaf in rb.leaves()] + [a.id for a in rb.adjustments]
    for key, value in values.items():
        where = values.key_pos.get(key, pos) if isinstance(values, LDict) else pos
        if key == "base":
            if value not in ("best", "worst"):
                _bad(problems, values, key, "best or worst", f"{path}/values")
            continue
        if str(key) not in ids:
            problems.add(UNKNOWN_LEAF, where, f"{path}/values/{key}", id=key, near=nearest(str(key), ids))
            continue
        cells = value if isinstance(value, dict) else {None: value}
        for stage, cell in cells.items():
            if stage is not None and stage not in rb.stages:
                spot = value.key_pos.get(stage, where) if isinstance(value, LDict) else where
                problems.add(UNKNOWN_STAGE, spot, f"{path}/values/{key}/{stage}", stage=stage, stages=rb.stages)
            if isinstance(cell, (dict, list)):
                _bad(problems, values, key, "a number, a text, true/false, null or a map stage → value",
                     f"{path}/values")


def _expectations(doc: LDict, path: str, rb: Rulebook, problems: Problems) -> dict[str, Any]:
    _keys(doc, EXPECT_KEYS, "'expect'", problems, path)
    out: dict[str, Any] = {}
    for key in NUMBER_KEYS:
        if key in doc:
            out[key] = _number(doc, key, path, problems)
    if "band" in doc:
        bands = list(dict.fromkeys(b.id for b in rb.all_bands()))
        if doc["band"] not in bands:
            problems.add(UNKNOWN_BAND, doc.where("band"), f"{path}/band", band=doc["band"], bands=bands)
        out["band"] = doc["band"]
    if "rank" in doc:
        rank = doc["rank"]
        if rank is not None and (isinstance(rank, bool) or not isinstance(rank, int) or rank < 1):
            _bad(problems, doc, "rank", "a whole number ≥ 1, or null for a unit not ranked", path)
        out["rank"] = rank
    if "published" in doc:
        if not isinstance(doc["published"], str):
            raw = getattr(doc, "raw", {}).get("published", doc["published"])
            _bad(problems, doc, "published", f'a quoted text such as "{raw}" (a number loses its trailing zeros)', path)
        out["published"] = doc["published"]
    if "nodes" in doc:
        nodes = doc["nodes"]
        if not isinstance(nodes, LDict):
            _bad(problems, doc, "nodes", "a map node id → points", path)
        else:
            known = rb.nodes()
            out["nodes"] = {}
            for nid in nodes:
                if str(nid) not in known:
                    problems.add(UNKNOWN_NODE, nodes.key_pos.get(nid, nodes.pos), f"{path}/nodes/{nid}", node=nid,
                                 near=nearest(str(nid), known))
                elif nodes[nid] is None:
                    out["nodes"][str(nid)] = None
                else:
                    out["nodes"][str(nid)] = _number(nodes, nid, f"{path}/nodes", problems)
    for key in NODE_TEXT_KEYS:
        if key not in doc:
            continue
        texts = doc[key]
        if not isinstance(texts, LDict):
            _bad(problems, doc, key, 'a map node id → a quoted figure such as "9.42"', path)
            continue
        known = rb.nodes()
        out[key] = {}
        for nid, text in texts.items():
            if str(nid) not in known:
                problems.add(UNKNOWN_NODE, texts.key_pos.get(nid, texts.pos), f"{path}/{key}/{nid}", node=nid,
                             near=nearest(str(nid), known))
            elif not isinstance(text, str):
                raw = getattr(texts, "raw", {}).get(nid, text)
                _bad(problems, texts, nid, f'a quoted text such as "{raw}" (a number loses its trailing zeros)',
                     f"{path}/{key}")
            else:
                out[key][str(nid)] = text
    return out


def _number(doc: LDict, key: Any, path: str, problems: Problems) -> Approx | None:
    value = doc[key]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Approx(float(value))
    if isinstance(value, dict) and set(value) == {"approx", "abs"} and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values()
    ):
        return Approx(float(value["approx"]), float(value["abs"]))
    _bad(problems, doc, key, "a number, or {approx: number, abs: tolerance}", path)
    return None

