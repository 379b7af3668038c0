"""Golden tests of rulebooks (spec §8): load the files, build a dataset per case, score, compare.

A golden file::

    rulebook: ../par-departments-2024.yaml      # relative to this file
    cases:
      - name: every leaf at its best
        unit: {group: department, flags: [discipline]}      # one unit, id "U"
        values: best
        stage: appraisal_1                                   # optional: score at this stage
        expect: {index: 100, band: excellent, rank: 1, points: 100, published: "100.00",
                 nodes: {"3": 20, "3.1": {approx: 1.5, abs: 0.01}}}
      - name: three units
        units:
          - {id: A, group: department, values: best}
          - {id: B, group: department, values: {base: best, "8.1": 60}, flags: [discipline]}
        expect: {A: {rank: 1}, B: {band: good}}

`values` (spec §8, with our extensions):
- `best` or `worst`: every leaf that applies to the unit's group gets the value that earns the
  most (fewest) points, at the FIRST stage, so that scoring at any stage sees it. By rule kind:
  binary 1 / 0; ladder the `min` of the step with the most points / a value that earns the
  fewest (the lowest `min` − 1, which falls to the catch-all step when there is one); linear
  `to` / `from`; ratio 1 / 0; levels the name with the most / fewest points; deduct 0 /
  ceil(max ÷ per); points max / 0; survey the mean weight 1 / 0; relative 1 / 0. A relative
  leaf's points depend on the other units: when every unit of a group has the same value
  (one unit, or all at best, or all at worst) each gets the max, so `worst` gives relative
  leaves their max.
- a map: `{base: best|worst, "1.4": 2, ...}`; without `base` only the leaves named have a value
  (the others follow their `missing` policy). Keys are leaf ids or adjustment ids: adjustments
  get a value only when a case gives one. A value is a number, a text as a dataset cell holds it
  ("3/4", "NA", a level name, "có"), true/false, null (no value at all: extension), or
  (extension) a map stage → value to put values at several stages.
- In `units:` a unit without `values` takes the case's `values`.

`expect`: `index`, `band` (band id), `rank` (null: not ranked), `points` (earned),
`nodes` (id → points, null when out of the unit's maximum), `published` (a quoted string such as
"99.50"). Numbers match to 1e-9 unless given as `{approx: x, abs: tolerance}`. In a case with
`units:` expect maps each unit id to its expectations.

A failing case shows each expectation, what the engine gave, and the ledger of the units
concerned; data or scoring errors of a case make it fail with the problems listed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cchc_rules.dsl.models import Node, Rulebook
from cchc_rules.dsl.source import LDict, LList, read_yaml
from cchc_rules.i18n import resolve_lang
from cchc_rules.problems import CchcError, Pos, Problem, Problems, define, nearest

FILE_KEYS = ("rulebook", "cases")
CASE_KEYS = ("name", "unit", "units", "values", "stage", "expect")
UNIT_KEYS = ("id", "name", "group", "flags", "values")
EXPECT_KEYS = ("index", "band", "rank", "points", "nodes", "published")
NUMBER_KEYS = ("index", "points")
TOLERANCE = 1e-9
SINGLE_ID = "U"

UNKNOWN_KEY = define(
    "G501",
    "Khoá '{key}' không có trong {where} của tệp kiểm thử",
    "Key '{key}' is not allowed in {where} of a golden file",
    "Dùng một trong các khoá: {allowed}; có thể ý bạn là '{near}'.",
    "Use one of the keys: {allowed}; perhaps you meant '{near}'.",
)
MISSING_KEY = define(
    "G502",
    "Thiếu khoá '{key}' trong {where}",
    "Key '{key}' is missing from {where}",
    "Thêm '{key}': {example}.",
    "Add '{key}': {example}.",
)
BAD_RULEBOOK = define(
    "G503",
    "Không nạp được bộ tiêu chí '{target}': {reason}",
    "Cannot load the rulebook '{target}': {reason}",
    "Đường dẫn tính từ thư mục của tệp kiểm thử; sửa các lỗi của bộ tiêu chí (liệt kê kèm theo).",
    "The path is relative to the golden file's folder; fix the rulebook's problems (listed with this one).",
)
UNKNOWN_LEAF = define(
    "G504",
    "Không có tiêu chí thành phần hay điều chỉnh '{id}' trong bộ tiêu chí",
    "The rulebook has no leaf or adjustment '{id}'",
    "Dùng mã của một tiêu chí có quy tắc chấm điểm (lá) hoặc của một điều chỉnh, ví dụ: {near}.",
    "Use the id of a leaf (a criterion with a rule) or of an adjustment, e.g. {near}.",
)
UNKNOWN_STAGE = define(
    "G505",
    "Không có giai đoạn '{stage}' trong bộ tiêu chí",
    "The rulebook has no stage '{stage}'",
    "Dùng một trong các giai đoạn: {stages}.",
    "Use one of the stages: {stages}.",
)
UNKNOWN_GROUP = define(
    "G506",
    "Không có nhóm đơn vị '{group}' trong bộ tiêu chí",
    "The rulebook has no unit group '{group}'",
    "Dùng một trong các nhóm: {groups}; có thể ý bạn là '{near}'.",
    "Use one of the groups: {groups}; perhaps you meant '{near}'.",
)
UNKNOWN_FLAG = define(
    "G507",
    "Không có cờ '{flag}' trong bộ tiêu chí",
    "The rulebook has no flag '{flag}'",
    "Dùng một trong các cờ: {flags}.",
    "Use one of the flags: {flags}.",
)
UNIT_FORM = define(
    "G508",
    "Một trường hợp cần đúng một trong 'unit' hoặc 'units' (thấy: {found})",
    "A case needs exactly one of 'unit' or 'units' (found: {found})",
    "Dùng 'unit: {{group: ...}}' cho một đơn vị, hoặc 'units: [{{id: A, group: ...}}, ...]' cho nhiều đơn vị.",
    "Write 'unit: {{group: ...}}' for one unit, or 'units: [{{id: A, group: ...}}, ...]' for several.",
)
DUPLICATE_UNIT = define(
    "G509",
    "Mã đơn vị '{unit}' xuất hiện hai lần trong trường hợp",
    "Unit id '{unit}' appears twice in the case",
    "Đặt cho mỗi đơn vị một mã riêng.",
    "Give each unit its own id.",
)
UNKNOWN_UNIT = define(
    "G510",
    "Kỳ vọng cho đơn vị '{unit}' nhưng trường hợp không có đơn vị này",
    "An expectation names unit '{unit}', which the case does not have",
    "Dùng mã của một đơn vị trong 'units': {near}.",
    "Use the id of a unit of 'units': {near}.",
)
UNKNOWN_NODE = define(
    "G511",
    "Không có tiêu chí '{node}' trong bộ tiêu chí",
    "The rulebook has no node '{node}'",
    "Dùng mã của một tiêu chí, ví dụ: {near}.",
    "Use the id of a node, e.g. {near}.",
)
UNKNOWN_BAND = define(
    "G512",
    "Không có mức xếp loại '{band}' trong bộ tiêu chí",
    "The rulebook has no band '{band}'",
    "Dùng một trong các mức: {bands}.",
    "Use one of the bands: {bands}.",
)
BAD_VALUE = define(
    "G513",
    "Giá trị của '{key}' không hợp lệ: {found}",
    "The value of '{key}' is not valid: {found}",
    "Cần {expected}.",
    "Expected {expected}.",
)
NO_CASES = define(
    "G514",
    "Tệp kiểm thử không có trường hợp nào",
    "The golden file has no case",
    "Thêm ít nhất một trường hợp vào 'cases'.",
    "Add at least one case under 'cases'.",
)
NOT_A_FILE = define(
    "G515",
    "Không tìm thấy tệp hay thư mục kiểm thử '{target}'",
    "No golden file or folder '{target}'",
    "Kiểm tra đường dẫn (mặc định: rulebooks/tests/).",
    "Check the path (default: rulebooks/tests/).",
)


@dataclass(frozen=True)
class Approx:
    value: float
    tolerance: float = TOLERANCE

    def matches(self, got: Any) -> bool:
        return got is not None and not _isnan(got) and abs(float(got) - self.value) <= self.tolerance + 1e-12

    def __str__(self) -> str:
        return _num(self.value) if self.tolerance == TOLERANCE else f"{_num(self.value)} ± {_num(self.tolerance)}"


@dataclass
class UnitCase:
    id: str
    group: str
    flags: tuple[str, ...]
    values: Any
    name: str = ""


@dataclass
class Case:
    name: str
    pos: Pos
    units: list[UnitCase]
    expect: dict[str, dict[str, Any]]  # unit id → key → expected (numbers as Approx)
    stage: str | None = None
    single: bool = True


@dataclass
class GoldenFile:
    path: Path
    rulebook: Rulebook
    cases: list[Case]

    @cached_property
    def compiled(self) -> Any:
        """The rulebook compiled once for every case of the file."""
        from cchc_rules.engine.compile import compile_rulebook

        return compile_rulebook(self.rulebook)


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


_WORDS = {
    "vi": {"expected": "mong đợi", "got": "nhận được", "differs": "KHÁC", "ledger": "Sổ tính điểm của đơn vị"},
    "en": {"expected": "expected", "got": "got", "differs": "DIFFERS", "ledger": "Ledger of unit"},
}


# ---------------------------------------------------------------- finding and loading files
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
    if len(problems.errors) > before:
        return None
    return Case(name, pos, units, expect, stage, single)


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
        return _num(top) if best else "0"
    raise ValueError(f"unknown rule kind {kind}")


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return _num(value)
    return str(value)


def _num(x: float) -> str:
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


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
            got = _value(row[key])
            if key in NUMBER_KEYS:
                ok = expected.matches(got)
            elif key == "rank":
                ok = got == expected
            else:
                ok = str(got) == str(expected) if got is not None else expected is None
            outcome.checks.append(Check(uid, key, expected, got, ok))
    return outcome


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


def _isnan(x: Any) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _show(x: Any) -> str:
    if x is None:
        return "null"
    if isinstance(x, float):
        return _num(x)
    return str(x)
