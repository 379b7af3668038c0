"""Panel files: several years of data, each with the rulebook in force, read and checked with located problems.

A panel file (YAML):

    id: sample-province          # optional
    title: {vi: ..., en: ...}    # optional
    stage: appraisal_2           # optional: score every year at this stage (default: the final values)
    rulebooks: [../rulebooks/par-province-2024.yaml, ../rulebooks/par-province-2025.yaml]  # optional
    years:
      - year: 2023
        dataset: ../datasets/sample-province-2023
        rulebook: ../rulebooks/par-province-2024.yaml     # or chosen from `rulebooks`
      - year: 2025
        dataset: ../datasets/sample-province-2025
        crosswalk: ../datasets/sample-province-2025/crosswalk.csv   # optional: default the dataset's own

Paths are relative to the panel file and must lie inside its project (`places`; `--allow-path`).
A year without `rulebook` takes, among `rulebooks`, the one whose `year` is the latest at or before
the data year (rulebooks carry the year they come into force). Years must increase. A crosswalk maps
the previous year's units (`old_unit_id`) to this year's (`new_unit_id`); without one, units keep
their ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

import cchc_rules.places as places
from cchc_rules.data.load import load_dataset
from cchc_rules.data.model import Dataset
from cchc_rules.data.read import read_crosswalk
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.dsl.models import Rulebook
from cchc_rules.dsl.source import LDict, LList, read_yaml
from cchc_rules.problems import CchcError, Pos, Problems, define, nearest

PANEL_KEYS = ("id", "title", "stage", "rulebooks", "years")
YEAR_KEYS = ("year", "dataset", "rulebook", "crosswalk")
BAD_PANEL = define(
    "S640",
    "Tệp bảng nhiều năm: {what_vi}",
    "Panel file: {what_en}",
    "Tệp có dạng: years: [{{year: 2023, dataset: THƯ_MỤC, rulebook: TỆP.yaml}}, ...], các năm tăng dần; khoá "
    "được dùng: {keys}.",
    "A panel reads: years: [{{year: 2023, dataset: FOLDER, rulebook: FILE.yaml}}, ...], years increasing; "
    "its keys: {keys}.",
)
NO_RULEBOOK = define(
    "S641",
    "Năm {year}: không có bộ tiêu chí nào có hiệu lực (các bộ trong 'rulebooks' áp dụng từ năm {years})",
    "Year {year}: no rulebook in force (the rulebooks listed apply from the years {years})",
    "Ghi rulebook: TỆP.yaml cho năm này, hoặc thêm vào 'rulebooks' một bộ có year không sau {year}.",
    "Write rulebook: FILE.yaml for this year, or add to 'rulebooks' one whose year is {year} or earlier.",
)


@dataclass
class PanelYear:
    year: int
    rulebook: Rulebook
    dataset: Dataset
    crosswalk: pd.DataFrame | None
    files: list[Path] = field(default_factory=list)


@dataclass
class PanelFile:
    path: Path
    id: str
    title: object
    stage: str | None
    years: list[PanelYear]

    @property
    def inputs(self) -> list[Path]:
        return [self.path, *(f for y in self.years for f in y.files)]


def _bad(problems: Problems, pos: Pos | None, vi: str, en: str, keys: tuple[str, ...] = PANEL_KEYS) -> None:
    problems.add(BAD_PANEL, pos, what_vi=vi, what_en=en, keys=", ".join(keys))


def _path(raw: LDict, key: str, file: Path, problems: Problems) -> Path | None:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        _bad(problems, raw.where(key), f"'{key}' phải là một đường dẫn", f"'{key}' must be a path", YEAR_KEYS)
        return None
    target = (file.parent / value).resolve()
    if not target.exists():
        _bad(problems, raw.where(key), f"không có '{value}'", f"'{value}' does not exist", YEAR_KEYS)
        return None
    if not places.allowed(target, file):
        problems.add(places.OUTSIDE, raw.where(key), key, written=value, looked=target)
        return None
    return target


def read_panel(path: Path | str) -> PanelFile:
    """Read, check and load every year (rulebooks and datasets); raises one `CchcError` with every problem."""
    file = Path(path)
    problems = Problems()
    raw = read_yaml(file, problems)
    if not isinstance(raw, LDict):
        if not problems.errors:
            _bad(problems, Pos(str(file), 1), "không phải một bảng khoá: giá trị", "not a map of keys to values")
        raise CchcError(problems.items)
    for key in raw:
        if key not in PANEL_KEYS:
            _bad(problems, raw.key_pos.get(key, raw.pos), f"khoá '{key}' không dùng được (gần nhất: "
                 f"{', '.join(nearest(str(key), PANEL_KEYS))})", f"the key '{key}' is not known (nearest: "
                 f"{', '.join(nearest(str(key), PANEL_KEYS))})")
    pool: list[tuple[int, Rulebook, Path]] = []
    for i, item in enumerate(raw.get("rulebooks") or []):
        target = _path(LDict({"rulebook": item}), "rulebook", file, problems) if isinstance(item, str) else None
        rb = _attempt(load_rulebook, problems, target) if target is not None else None
        if rb is not None and rb.year is not None and target is not None:
            pool.append((rb.year, rb, target))
        elif rb is not None:
            where = raw["rulebooks"].where(i) if isinstance(raw["rulebooks"], LList) else raw.where("rulebooks")
            _bad(problems, where, f"bộ tiêu chí '{item}' không ghi year", f"the rulebook '{item}' has no year")
    years_raw = raw.get("years")
    if not isinstance(years_raw, LList) or len(years_raw) < 2:
        _bad(problems, raw.where("years"), "'years' phải liệt kê ít nhất hai năm",
             "'years' must list two years or more")
        raise CchcError(problems.items)
    years: list[PanelYear] = []
    loaded: dict[Path, Rulebook] = {p: rb for _, rb, p in pool}
    last = None
    for i, item in enumerate(years_raw):
        where = years_raw.where(i)
        if not isinstance(item, LDict):
            _bad(problems, where, "mỗi năm là một bảng khoá: giá trị", "each year is a map of keys to values",
                 YEAR_KEYS)
            continue
        for key in item:
            if key not in YEAR_KEYS:
                _bad(problems, item.key_pos.get(key, where), f"khoá '{key}' không dùng được", f"the key '{key}' is "
                     "not known", YEAR_KEYS)
        year = item.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or (last is not None and year <= last):
            _bad(problems, item.where("year"), f"năm '{year}' không hợp lệ hoặc không tăng dần",
                 f"the year '{year}' is not a year or not after the previous one", YEAR_KEYS)
            continue
        last = year
        files: list[Path] = []
        if "rulebook" in item:
            rb_path = _path(item, "rulebook", file, problems)
            rb = None
            if rb_path is not None:
                rb = loaded.get(rb_path) or _attempt(load_rulebook, problems, rb_path)
                if rb is not None:
                    loaded[rb_path] = rb
                    files.append(rb_path)
        else:
            in_force = [p for p in pool if p[0] <= year]
            if not in_force:
                problems.add(NO_RULEBOOK, where, year=year, years=sorted(p[0] for p in pool) or "—")
                rb = None
            else:
                _, rb, rb_path = max(in_force, key=lambda p: p[0])
                files.append(rb_path)
        ds_path = _path(item, "dataset", file, problems)
        dataset = _attempt(load_dataset, problems, ds_path, rb) if ds_path is not None and rb is not None else None
        if ds_path is not None:
            files.append(ds_path)
        crosswalk = None
        if "crosswalk" in item:
            cw_path = _path(item, "crosswalk", file, problems)
            if cw_path is not None:
                crosswalk = read_crosswalk(cw_path, item.where("crosswalk"), problems, file)
                files.append(cw_path)
        elif dataset is not None:
            crosswalk = dataset.meta.crosswalk
        if rb is not None and dataset is not None:
            years.append(PanelYear(year, rb, dataset, crosswalk, files))
    stage = raw.get("stage")
    problems.raise_if_errors()
    return PanelFile(file, str(raw.get("id") or file.stem), raw.get("title") or file.stem,
                     None if stage is None else str(stage), years)


def _attempt(fn, problems: Problems, *args):  # noqa: ANN001, ANN202 - a loader and its arguments
    try:
        return fn(*args)
    except CchcError as exc:
        problems.extend(exc.problems)
        return None
