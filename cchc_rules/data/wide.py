"""Wide tables: one row per unit, one column per criterion (and stage), as provinces keep them.

`read_wide(path, rulebook, mapping=None, stage=None, sheet=None)` reads a CSV file or an XLSX sheet
and returns the same `Dataset` the long form gives (units and assessments), checked against the
rulebook by the data layer's own parser. Headers are matched, ignoring case, spaces and brackets:

- unit columns: `unit_id` (also `mã`, `mã đơn vị`, `id`), `name` (`tên`, `tên đơn vị`, `đơn vị`,
  `unit`), `group` (`nhóm`), `flags` (`cờ`);
- a criterion column by the leaf's id, its code, or its name in Vietnamese or English (adjustments by
  id or name), alone (then the value belongs to `stage`, by default the rulebook's last stage) or
  with a stage before or after it: the stage's id or its name (`1.1 tự đánh giá`, `1.1 (Thẩm định
  vòng 1)`, `self 1.1`); `tự đánh giá`/`tự chấm`/`self` name the first stage and `thẩm định`/
  `appraised` the last when no stage has that id;
- anything else through a mapping (`--map MAP.yaml`): `columns: {header: unit_id | name | group |
  flags | ignore | CRITERION | "CRITERION @ STAGE"}`, plus optional `sheet`, `stage` and `group`
  (the group of every unit when the table has no group column).

Every header that matches nothing (or two things), every repeated criterion × stage and every cell
the parser cannot read is reported at once, located at its sheet and Excel cell (F12); level cells
take level ids and their labels in either language (`data.parse`).
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import cchc_rules.places as places
from cchc_rules.data import problems as dp
from cchc_rules.data.model import Dataset, DatasetMeta
from cchc_rules.data.parse import parse
from cchc_rules.data.read import (
    SURVEY,
    _cached_results,  # the workbook reader's own handling of formula cells
    _has_formulas,
    read_crosswalk,
    read_csv,
    read_sheet,
    require,
    shape,
    unpacked_size,
    within_size,
)
from cchc_rules.dsl.models import Rulebook
from cchc_rules.dsl.source import LDict, read_yaml
from cchc_rules.i18n import LANGS, pick, stage_label
from cchc_rules.problems import CchcError, Pos, Problem, Problems, define, nearest
from cchc_rules.safe_text import clean

UNMATCHED = define(
    "D370",
    "Không nhận ra cột '{header}': không phải mã, số hiệu hay tên của tiêu chí nào (có thể kèm giai đoạn), cũng "
    "không phải cột đơn vị",
    "Column '{header}' matches nothing: not the id, code or name of a criterion (with or without a stage), nor a "
    "unit column",
    "Đổi tiêu đề thành mã tiêu chí (ví dụ {near}), kèm giai đoạn nếu cần ('1.1 tự đánh giá'), hoặc khai báo nó trong "
    "tệp ánh xạ --map (columns: {{'{header}': MÃ_TIÊU_CHÍ}} hoặc ignore).",
    "Rename the header to a criterion id (e.g. {near}), with a stage if needed ('1.1 self'), or map it in a "
    "--map file (columns: {{'{header}': CRITERION_ID}} or ignore).",
)
AMBIGUOUS_HEADER = define(
    "D371",
    "Cột '{header}' có thể là nhiều tiêu chí: {found}",
    "Column '{header}' could be several criteria: {found}",
    "Dùng mã tiêu chí làm tiêu đề, hoặc khai báo cột trong tệp ánh xạ --map.",
    "Use the criterion id as the header, or map the column in a --map file.",
)
REPEATED = define(
    "D372",
    "Tiêu chí '{criterion}' ở giai đoạn '{stage}' có hai cột: '{first}' và '{header}'",
    "Criterion '{criterion}' at stage '{stage}' has two columns: '{first}' and '{header}'",
    "Giữ một cột cho mỗi tiêu chí và giai đoạn; xoá cột kia hoặc khai báo ignore cho nó trong tệp ánh xạ.",
    "Keep one column per criterion and stage; delete the other or map it to ignore.",
)
NO_UNIT_COLUMN = define(
    "D373",
    "Bảng không có cột {column}",
    "The table has no {column} column",
    "Thêm cột '{column}' (tiêu đề: {names}), hoặc khai báo cột nào là {column} trong tệp ánh xạ --map"
    "{group_vi}.",
    "Add a '{column}' column (header: {names}), or say which column is {column} in a --map file{group_en}.",
)
BAD_MAP = define(
    "D374",
    "Tệp ánh xạ: {what_vi}",
    "Mapping file: {what_en}",
    "Ánh xạ có dạng: columns: {{'Tiêu đề cột': unit_id | name | group | flags | ignore | MÃ_TIÊU_CHÍ | "
    "'MÃ_TIÊU_CHÍ @ GIAI_ĐOẠN'}}; có thể thêm sheet, stage, group.",
    "A mapping reads: columns: {{'Header': unit_id | name | group | flags | ignore | CRITERION | "
    "'CRITERION @ STAGE'}}; optionally sheet, stage, group.",
)
NOT_A_TABLE = define(
    "D375",
    "'{path}' không phải bảng CSV hay XLSX{sheet_vi}",
    "'{path}' is not a CSV or XLSX table{sheet_en}",
    "Cho một tệp .csv hoặc .xlsx (trang đầu tiên, hoặc trang ghi trong tệp ánh xạ: sheet: TÊN).",
    "Give a .csv or .xlsx file (its first sheet, or the one a mapping names: sheet: NAME).",
)

PARENT_COLUMN = define(
    "D376",
    "Cột '{header}' là tiêu chí '{criterion}', có tiêu chí con: giá trị chỉ ghi cho tiêu chí không có tiêu chí con",
    "Column '{header}' is criterion '{criterion}', which has sub-criteria: values go on criteria without any",
    "Điểm của '{criterion}' được tính từ các tiêu chí con ({leaves}); xoá cột này hoặc khai báo ignore cho nó trong "
    "tệp ánh xạ --map.",
    "The points of '{criterion}' are computed from its sub-criteria ({leaves}); delete this column or map it to "
    "ignore in a --map file.",
)
UNKNOWN_STAGE = define(
    "D377",
    "Không có giai đoạn '{stage}' trong bộ tiêu chí (các giai đoạn: {stages})",
    "The rulebook has no stage '{stage}' (its stages: {stages})",
    "Chọn một trong các giai đoạn: {stages}.",
    "Choose one of the stages: {stages}.",
)
ROW_NUMBERS = ("stt", "tt", "no", "no.", "#")  # a column of row numbers, as most Vietnamese sheets have: left out
UNIT_COLUMNS = {
    "unit_id": ("unit_id", "unit id", "mã", "mã đơn vị", "id", "ma don vi"),
    "name": ("name", "tên", "tên đơn vị", "đơn vị", "unit", "unit name"),
    "group": ("group", "nhóm", "nhóm đơn vị"),
    "flags": ("flags", "cờ"),
}
SELF_WORDS = ("self", "tự đánh giá", "tự chấm", "tự chấm điểm", "self-assessed", "self-assessment", "tđg")
FINAL_WORDS = ("appraisal", "appraised", "thẩm định", "điểm thẩm định", "final")
SEPARATORS = " -–—|/:_,;"
_MARK = "#wide"  # the file of the long table built here; its rows are renumbered back to the wide cells


def fold(text: str) -> str:
    """A header for matching: NFC, brackets as spaces, spaces collapsed, in any case."""
    text = unicodedata.normalize("NFC", clean(str(text)))
    text = re.sub(r"[()\[\]]", " ", text)
    return " ".join(text.split()).casefold()


@dataclass
class Mapping:
    columns: dict[str, str | None] = field(default_factory=dict)  # folded header → target (None: ignore)
    sheet: str | None = None
    stage: str | None = None
    group: str | None = None


@dataclass
class Column:
    """What a wide column holds: a unit column (`unit`) or a criterion at a stage."""

    index: int  # 1-based, as Excel counts
    header: str
    unit: str | None = None
    criterion: str | None = None
    stage: str | None = None


def read_mapping(path: Path, problems: Problems) -> Mapping:
    raw = read_yaml(path, problems)
    out = Mapping()
    if raw is None:
        return out
    if not isinstance(raw, LDict):
        problems.add(BAD_MAP, Pos(str(path), 1), what_vi="không phải một bảng khoá: giá trị",
                     what_en="not a map of keys to values")
        return out
    for key, value in raw.items():
        pos = raw.where(key)
        if key == "columns" and isinstance(value, dict):
            for header, target in value.items():
                if target is not None and not isinstance(target, str):
                    problems.add(BAD_MAP, value.where(header) if isinstance(value, LDict) else pos,
                                 what_vi=f"cột '{header}' phải ánh xạ tới một chuỗi",
                                 what_en=f"column '{header}' must map to a text")
                    continue
                out.columns[fold(str(header))] = None if target in (None, "ignore") else str(target).strip()
        elif key in ("sheet", "stage", "group") and isinstance(value, (str, int)):
            setattr(out, key, str(value))
        else:
            problems.add(BAD_MAP, pos, what_vi=f"khoá '{key}' không dùng được", what_en=f"the key '{key}' is not known")
    return out


class Matcher:
    """Header → unit column, or criterion and stage, for one rulebook."""

    def __init__(self, rulebook: Rulebook, default_stage: str | None):
        self.rulebook = rulebook
        stages = list(rulebook.stages)
        self.default_stage = default_stage or stages[-1]
        self.criteria: dict[str, set[str]] = {}
        for leaf in rulebook.leaves():
            for spelling in (leaf.id, str(leaf.code) if leaf.code is not None else None, leaf.label,
                             *(pick(leaf.name, lang) for lang in LANGS)):
                if spelling:
                    self.criteria.setdefault(fold(spelling), set()).add(leaf.id)
        for adj in rulebook.adjustments:
            for spelling in (adj.id, *(pick(getattr(adj, "name", None), lang) for lang in LANGS)):
                if spelling:
                    self.criteria.setdefault(fold(spelling), set()).add(adj.id)
        self.parent_of: dict[str, str] = {}
        for n in rulebook.nodes().values():
            if not n.is_leaf:
                for spelling in (n.id, n.label, *(pick(n.name, lang) for lang in LANGS)):
                    if spelling:
                        self.parent_of.setdefault(fold(spelling), n.id)
        self.stages: dict[str, str] = {}
        for s in stages:
            for spelling in (s, *(stage_label(s, lang) for lang in LANGS)):
                self.stages.setdefault(fold(spelling), s)
        for words, s in ((SELF_WORDS, stages[0]), (FINAL_WORDS, stages[-1])):
            for w in words:
                self.stages.setdefault(fold(w), s)
        self.units = {fold(a): key for key, aliases in UNIT_COLUMNS.items() for a in aliases}

    def criterion(self, text: str) -> set[str]:
        return self.criteria.get(fold(text), set())

    def split(self, header: str) -> list[tuple[str, str]]:
        """Every (criterion, stage) the header can be read as: whole, or a stage name before or after."""
        h = fold(header)
        found = {(c, self.default_stage) for c in self.criteria.get(h, ())}
        if found:
            return sorted(found)
        for spelling, stage in sorted(self.stages.items(), key=lambda kv: -len(kv[0])):
            for rest in (h[: -len(spelling)] if h.endswith(spelling) else None,
                         h[len(spelling):] if h.startswith(spelling) else None):
                if rest is None or rest == h or not rest or rest[0 if h.startswith(spelling) else -1] not in SEPARATORS:
                    continue
                for c in self.criteria.get(rest.strip(SEPARATORS), ()):
                    found.add((c, stage))
            if found:
                return sorted(found)
        return []

    def parent(self, header: str) -> str | None:
        """The criterion with sub-criteria a header names (alone or with a stage), if any."""
        h = fold(header)
        if h in self.parent_of:
            return self.parent_of[h]
        for spelling in sorted(self.stages, key=len, reverse=True):
            for rest in (h[: -len(spelling)] if h.endswith(spelling) else None,
                         h[len(spelling):] if h.startswith(spelling) else None):
                if rest and rest.strip(SEPARATORS) in self.parent_of:
                    return self.parent_of[rest.strip(SEPARATORS)]
        return None

    def target(self, text: str) -> tuple[str | None, str | None, str | None]:
        """A mapping target: (unit column, criterion, stage); all None when not understood."""
        if text in UNIT_COLUMNS:
            return text, None, None
        crit, _, stage = text.partition("@")
        crit, stage = crit.strip(), stage.strip() or self.default_stage
        ids = {crit} if crit in {*(leaf.id for leaf in self.rulebook.leaves()),
                                 *(a.id for a in self.rulebook.adjustments)} else self.criterion(crit)
        stage_id = stage if stage in self.rulebook.stages else self.stages.get(fold(stage))
        if len(ids) == 1 and stage_id:
            return None, next(iter(ids)), stage_id
        return None, None, None


def read_table(path: Path, sheet: str | None, problems: Problems) -> pd.DataFrame | None:
    """The wide table as tidy text (`_file`, `_row`, `_sheet`; `attrs['header']` in file order)."""
    suffix = path.suffix.lower()
    if suffix == ".csv" and path.is_file():
        with warnings.catch_warnings():  # a wide table has many columns: pandas warns of fragmentation
            warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
            return read_csv(path, problems)
    if suffix == ".xlsx" and path.is_file():
        import openpyxl

        try:
            if not within_size(path, path.stat().st_size, problems) or not within_size(path, unpacked_size(path),
                                                                                          problems):
                return None
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except Exception as exc:  # a damaged or foreign file
            problems.add(dp.UNREADABLE, Pos(str(path)), reason=clean(f"{type(exc).__name__}: {exc}"))
            return None
        try:
            names = wb.sheetnames
            chosen = names[0] if sheet is None else next((n for n in names if fold(n) == fold(sheet)), None)
            if chosen is None:
                problems.add(dp.MISSING_FILE, Pos(str(path)), what="sheet", name=sheet, found=names)
                return None
            # a formula cell is read by its saved result, and one without is a problem (D362), never an empty cell
            cached = _cached_results(path, [chosen]).get(chosen) if _has_formulas(wb[chosen]) else None
            return read_sheet(wb[chosen], str(path), problems, cached)
        finally:
            wb.close()
    problems.add(NOT_A_TABLE, Pos(str(path)), path=str(path), sheet_vi="", sheet_en="")
    return None


def columns_of(table: pd.DataFrame, matcher: Matcher, mapping: Mapping, where: Any,
               problems: Problems) -> list[Column]:
    """What each header holds; a problem for each one that holds nothing, several things, or a repeat."""
    header = table.attrs.get("header") or [c for c in table.columns if not str(c).startswith("_")]
    out: list[Column] = []
    seen: dict[tuple[str, str], str] = {}
    for i, name in enumerate(header, start=1):
        pos = where(i)
        folded = fold(name)
        if folded in mapping.columns:
            target = mapping.columns[folded]
            if target is None:
                continue
            unit, crit, stage = matcher.target(target)
            if unit is None and crit is None:
                problems.add(BAD_MAP, pos, what_vi=f"cột '{name}' ánh xạ tới '{target}', không phải cột đơn vị hay "
                             "tiêu chí (kèm giai đoạn) nào", what_en=f"column '{name}' maps to '{target}', which is "
                             "neither a unit column nor a criterion (with a stage)")
                continue
            column = Column(i, name, unit, crit, stage)
        elif folded in ROW_NUMBERS:
            continue
        elif folded in matcher.units:
            column = Column(i, name, unit=matcher.units[folded])
        else:
            found = matcher.split(name)
            if len(found) > 1:
                problems.add(AMBIGUOUS_HEADER, pos, header=name, found=[f"{c} @ {s}" for c, s in found])
                continue
            if not found:
                parent = matcher.parent(name)
                if parent is not None:
                    leaves = [n.id for n, _, _ in matcher.rulebook.nodes()[parent].walk() if n.is_leaf]
                    problems.add(PARENT_COLUMN, pos, header=name, criterion=parent, leaves=leaves)
                else:
                    problems.add(UNMATCHED, pos, header=name, near=nearest(folded, list(matcher.criteria)) or "1.1")
                continue
            column = Column(i, name, criterion=found[0][0], stage=found[0][1])
        if column.criterion is not None and column.stage is not None:  # a criterion always has a stage
            key = (column.criterion, column.stage)
            if key in seen:
                problems.add(REPEATED, pos, criterion=key[0], stage=key[1], first=seen[key], header=name)
                continue
            seen[key] = name
        elif any(c.unit == column.unit for c in out):
            problems.add(REPEATED, pos, criterion=column.unit, stage="—", first=next(
                c.header for c in out if c.unit == column.unit), header=name)
            continue
        out.append(column)
    return out


def read_wide(path: Path | str, rulebook: Rulebook, mapping: Path | str | None = None, stage: str | None = None,
              sheet: str | None = None, meta: DatasetMeta | None = None) -> Dataset:
    """A wide table as a checked `Dataset`; raises one `CchcError` with every problem (see the module)."""
    path = Path(path)
    problems = Problems()
    mapped = read_mapping(Path(mapping), problems) if mapping is not None else Mapping()
    sheet = sheet or mapped.sheet
    stage = stage or mapped.stage
    if stage is not None and stage not in rulebook.stages:
        problems.add(UNKNOWN_STAGE, Pos(str(mapping)) if mapping is not None and mapped.stage else None, "stage",
                     stage=stage, stages=list(rulebook.stages))
        stage = None
    table = read_table(path, sheet, problems)
    if table is None:
        raise CchcError(dp.limited(problems).items)
    sheet_name = table["_sheet"].iat[0] if "_sheet" in table.columns and len(table) else None
    if sheet_name is None and path.suffix.lower() == ".xlsx":
        sheet_name = sheet
    matcher = Matcher(rulebook, stage)

    def where(col: int, row: int = 1) -> Pos:
        return Pos(str(path), row, col, sheet_name)

    columns = columns_of(table, matcher, mapped, where, problems)
    units_cols = {c.unit: c for c in columns if c.unit}
    for need in ("unit_id", "group"):
        if need not in units_cols and not (need == "group" and (mapped.group or len(rulebook.groups) == 1)):
            problems.add(NO_UNIT_COLUMN, where(1), column=need, names=", ".join(UNIT_COLUMNS[need][:3]),
                         group_vi=", hoặc ghi group: NHÓM trong tệp ánh xạ" if need == "group" else "",
                         group_en=", or write group: GROUP in it" if need == "group" else "")
    if "unit_id" not in units_cols:  # nothing to hang the values on; every header problem is reported
        raise CchcError(dp.limited(problems).items)
    dataset, cells = _long_form(table, columns, rulebook, mapped, path, meta)
    parsed = Problems()  # the cells of the columns that matched, so that every problem comes at once
    parse(dataset, rulebook, parsed)
    problems.extend(_relocated(p, cells, where) for p in parsed)
    dp.limited(problems).raise_if_errors()
    dataset.assessments["_file"] = str(path)  # the long rows now read as the wide file (no cell: see `cells`)
    return dataset


def _long_form(table: pd.DataFrame, columns: list[Column], rulebook: Rulebook, mapped: Mapping, path: Path,
               meta: DatasetMeta | None) -> tuple[Dataset, list[tuple[int, dict[str, int]]]]:
    """Units and long assessments; `cells[k]` = (wide row, stage → wide column) of long row k."""
    header = table.attrs.get("header") or [c for c in table.columns if not str(c).startswith("_")]
    unit_of = {c.unit: header[c.index - 1] for c in columns if c.unit}
    n = len(table)
    only_group = next(iter(rulebook.groups)) if len(rulebook.groups) == 1 else None

    def col(key: str, default: Any = None) -> list[Any]:
        return list(table[unit_of[key]]) if key in unit_of else [default] * n

    units = pd.DataFrame({"unit_id": col("unit_id"), "name": col("name"),
                          "group": col("group", mapped.group or only_group), "flags": col("flags")})
    units["name"] = [nm if nm is not None else uid for nm, uid in zip(units["name"], units["unit_id"])]
    units["_file"], units["_row"] = str(path), table["_row"].to_numpy()
    if "_sheet" in table.columns:
        units["_sheet"] = table["_sheet"].to_numpy()
    positions = {c.unit: c.index for c in columns if c.unit}
    width = max([c.index for c in columns] + [len(header)])
    units.attrs["header"] = [next((k for k, i in positions.items() if i == j), f"\x00{j}") for j in range(1, width + 1)]
    stages = list(rulebook.stages)
    by_criterion: dict[str, dict[str, Column]] = {}
    for c in columns:
        if c.criterion and c.stage:
            by_criterion.setdefault(c.criterion, {})[c.stage] = c
    blocks, order = [], []
    wide_rows = table["_row"].to_numpy()
    for k, (crit, per_stage) in enumerate(by_criterion.items()):
        values = {s: table[header[c.index - 1]].to_numpy(dtype=object) for s, c in per_stage.items()}
        keep = np.logical_or.reduce([pd.notna(v) for v in values.values()])
        rows = np.flatnonzero(keep)
        blocks.append(pd.DataFrame({"unit_id": units["unit_id"].to_numpy(dtype=object)[rows], "criterion_id": crit,
                                    **{s: (values[s][rows] if s in values else None) for s in stages}}))
        order.append(np.column_stack([rows, np.full(rows.size, k)]))
    where = np.concatenate(order) if order else np.empty((0, 2), dtype=np.int64)
    names = ["unit_id", "criterion_id", *stages]
    assessments = pd.concat(blocks, ignore_index=True) if blocks else pd.DataFrame(columns=pd.Index(names))
    by_row = np.lexsort((where[:, 1], where[:, 0]))  # unit by unit, criteria in column order, as the sheet reads
    assessments = assessments.iloc[by_row].reset_index(drop=True)[names]
    where = where[by_row]
    assessments["_file"] = str(path) + _MARK
    assessments["_row"] = np.arange(2, len(assessments) + 2)
    crits = list(by_criterion)
    cols = [{s: c.index for s, c in by_criterion[c_id].items()} for c_id in crits]
    cells = [(int(wide_rows[r]), cols[k]) for r, k in where]
    assessments.attrs["header"] = names
    dataset = Dataset(units=shape("units", units), assessments=assessments, meta=meta or DatasetMeta(), path=path)
    dataset.units.attrs["header"] = units.attrs["header"]
    return dataset, cells


def _relocated(problem: Problem, cells: list[tuple[int, dict[str, int]]], where: Any) -> Problem:
    """A problem of the long table, placed at its wide cell (row of the unit, column of the criterion × stage)."""
    pos = problem.pos
    if pos is None or not pos.file.endswith(_MARK) or pos.line is None:
        return problem
    k = pos.line - 2
    if not 0 <= k < len(cells):
        return replace(problem, pos=where(None, None))
    row, stage_cols = cells[k]
    col = stage_cols.get(problem.column or "") or (min(stage_cols.values()) if stage_cols else None)
    return replace(problem, pos=where(col, row))


def wide_folder_meta(folder: Path) -> dict[str, Any] | None:
    """dataset.yaml of a folder when it says `layout: wide` (else None)."""
    file = folder / "dataset.yaml"
    if not file.is_file():
        return None
    raw = read_yaml(file, Problems())
    if isinstance(raw, dict) and raw.get("layout") == "wide":
        return dict(raw)
    return None


WIDE_KEYS = ("layout", "table", "map", "stage", "sheet", "year", "source", "description", "decimal", "crosswalk")


def read_wide_folder(folder: Path, rulebook: Rulebook) -> Dataset:
    """A folder whose dataset.yaml says `layout: wide` and `table: FILE` (optional map, stage, sheet, year,
    source, description, decimal, crosswalk; survey.csv beside it is read as in the folder form)."""
    problems = Problems()
    file = folder / "dataset.yaml"
    raw = read_yaml(file, problems)
    meta = DatasetMeta()
    if not isinstance(raw, LDict):
        raise CchcError(problems.items)
    for key, value in raw.items():
        pos = raw.where(key)
        if key not in WIDE_KEYS:
            problems.add(dp.META_KEY, raw.key_pos.get(key, pos), key=key, allowed=list(WIDE_KEYS),
                         nearest=nearest(str(key), WIDE_KEYS))
        elif key == "year" and isinstance(value, int):
            meta.year = value
        elif key == "decimal" and value in (",", "."):
            meta.decimal = value
        elif key in ("source", "description") and value is not None:
            setattr(meta, key, str(value))
        elif key == "crosswalk" and isinstance(value, str):
            meta.crosswalk = read_crosswalk(folder / value, pos, problems, file)
    table = raw.get("table")
    if not isinstance(table, str):
        problems.add(dp.META_VALUE, raw.where("layout"), key="table", value=table,
                     right_vi="Ghi table: TỆP (bảng rộng .csv hoặc .xlsx trong thư mục).",
                     right_en="Write table: FILE (the wide .csv or .xlsx table in the folder).")
    named = {key: folder / raw[key] for key in ("table", "map") if isinstance(raw.get(key), str)}
    for key, target in named.items():
        if target.exists() and not places.allowed(target, file):
            problems.add(places.OUTSIDE, raw.where(key), key, written=str(raw[key]), looked=target)
    problems.raise_if_errors()
    stage, sheet = raw.get("stage"), raw.get("sheet")
    dataset = read_wide(named["table"], rulebook, named.get("map"), None if stage is None else str(stage),
                        None if sheet is None else str(sheet), meta)
    survey = folder / "survey.csv"
    if survey.is_file():
        add_survey(dataset, survey, rulebook)
    dataset.path = folder
    return dataset


def add_survey(dataset: Dataset, file: Path, rulebook: Rulebook) -> None:
    """Survey answers in the long form (survey.csv) added to a dataset read from a wide table, and checked."""
    problems = Problems()
    table = read_csv(file, problems)
    if table is not None and require(table, SURVEY, Pos(str(file), 1), problems):
        dataset.survey = shape("survey", table)
        dataset._inputs.clear()
        parse(dataset, rulebook, problems)
    dp.limited(problems).raise_if_errors()
