"""Many years at once: every year scored with its rulebook, year-on-year changes, trends through crosswalks.

`panel(path_or_file)` reads a panel file (`data.panel_file`) and returns a `Panel`:

- `units`: per year and unit: name, group, index, published, band, rank, pool (ranked units of the
  unit's ranking pool) and pct_rank (rank ÷ pool: 1/pool is the best place; comparable across years
  whose groups differ in size);
- `changes`: per pair of consecutive years and unit of the later year, `analysis.compare` between
  them (the crosswalk re-expresses merged units: the mean index of the predecessors): index_prev,
  index_delta, rank_prev, rank_shift (positive = up), pct_prev, pct_shift (positive = up), band_prev,
  band_changed, predecessors;
- `lineage`: per unit of the last year and every year, its ancestors in that year through the chained
  crosswalks (an old unit the crosswalk does not name is its own successor), their mean index and mean
  percentile rank: the trend of a 2025 commune back through its 2023 district, and (reading the
  ancestors) where a 2023 district went;
- `movers`: per unit of the last year, the change in percentile rank from the first year it has
  ancestors in to the last year (positive = up), sorted: the biggest risers first, the fallers last.

`warnings`: A845 when the years' rulebooks differ in scale or in their bands (then index changes are
not like for like: read percentile ranks), A846 when a unit of a later year has no ancestor. Numbers
are unrounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cchc_rules.analysis.compare import compare
from cchc_rules.analysis.jsonable import json_value
from cchc_rules.analysis.matching import mapping_of, pool_sizes
from cchc_rules.data.panel_file import PanelFile, read_panel
from cchc_rules.engine.result import Result
from cchc_rules.engine.score import score
from cchc_rules.i18n import pick
from cchc_rules.json_types import JsonObject
from cchc_rules.problems import Problem, Problems, define

NOT_LIKE = define(
    "A845",
    "Các năm {years} được chấm theo các bộ tiêu chí khác nhau ({rulebooks}): thay đổi chỉ số giữa các năm đó "
    "không hoàn toàn tương đương",
    "The years {years} are scored with different rulebooks ({rulebooks}): index changes between them are not "
    "like for like",
    "Đọc thứ hạng theo phần trăm (pct_rank) và xếp loại khi so sánh qua các năm đó.",
    "Read the percentile ranks (pct_rank) and bands when comparing across those years.",
)
NO_ANCESTOR = define(
    "A846",
    "{n} đơn vị năm {year} không có đơn vị tiền thân năm {before} (ví dụ {unit}): xu hướng của họ bắt đầu từ "
    "năm {year}",
    "{n} units of {year} have no predecessor in {before} (e.g. {unit}): their trend starts in {year}",
    "Bổ sung bảng chuyển đổi (crosswalk) nếu các đơn vị này được lập từ đơn vị cũ.",
    "Complete the crosswalk if these units were formed from older ones.",
)


@dataclass
class Panel:
    file: PanelFile
    results: dict[int, Result]
    units: pd.DataFrame
    changes: pd.DataFrame
    lineage: pd.DataFrame
    movers: pd.DataFrame
    warnings: list[Problem]

    @property
    def years(self) -> list[int]:
        return list(self.results)

    def title(self, lang: str) -> str:
        return pick(self.file.title, lang)  # type: ignore[arg-type]

    def to_json(self) -> JsonObject:
        def rows(t: pd.DataFrame) -> list[dict[str, Any]]:
            return [{k: json_value(v) for k, v in r.items()} for r in t.to_dict("records")]

        return {"id": self.file.id, "years": self.years,
                "rulebooks": {str(y): r.rulebook.id for y, r in self.results.items()},
                "units": rows(self.units), "changes": rows(self.changes), "lineage": rows(self.lineage),
                "movers": rows(self.movers),
                "warnings": [{"code": p.code, "path": p.path, "vi": p.what("vi"), "en": p.what("en")}
                             for p in self.warnings]}


def panel(path: Path | str | PanelFile) -> Panel:
    """Score every year of a panel file and follow its units across years (see the module's docstring)."""
    file = path if isinstance(path, PanelFile) else read_panel(path)
    results = {y.year: score(y.rulebook, y.dataset, file.stage) for y in file.years}
    units = pd.concat([_year_units(y, r) for y, r in results.items()], ignore_index=True)
    years = list(results)
    changes = []
    for (y0, r0), (y1, r1), py in zip(list(results.items())[:-1], list(results.items())[1:], file.years[1:]):
        comp = compare(r0, r1, py.crosswalk)
        u = comp.units[comp.units["present"] != "base"]
        changes.append(pd.DataFrame({
            "year": y1, "year_prev": y0, "unit_id": u["unit_id"].astype(str).to_numpy(),
            "index_prev": u["index_base"].to_numpy(dtype=float), "index": u["index_variant"].to_numpy(dtype=float),
            "index_delta": u["index_delta"].to_numpy(dtype=float),
            "rank_prev": u["rank_base"].astype("Int64").array, "rank": u["rank_variant"].astype("Int64").array,
            "rank_shift": u["rank_shift"].astype("Int64").array,
            "pct_prev": u["pct_rank_base"].astype("Float64").array, "pct_rank": u["pct_rank_variant"].astype(
                "Float64").array,
            "band_prev": u["band_base"].astype(object).to_numpy(), "band": u["band_variant"].astype(object).to_numpy(),
            "band_changed": u["band_changed"].astype("boolean").array,
            "predecessors": [", ".join(p) if isinstance(p, tuple) else "" for p in u["predecessors"]],
        }))
    changes_t = pd.concat(changes, ignore_index=True)
    changes_t["pct_shift"] = changes_t["pct_prev"] - changes_t["pct_rank"]
    lineage, orphans = _lineage(file, results, units)
    warnings = _warnings(results, orphans)
    return Panel(file, results, units, changes_t, lineage, _movers(lineage, units, years[-1]), warnings)


def _year_units(year: int, r: Result) -> pd.DataFrame:
    u = r.units
    table = pd.DataFrame({
        "year": year, "unit_id": u["unit_id"].astype(str).to_numpy(), "name": u["name"].astype(str).to_numpy(),
        "group": u["group"].astype(str).to_numpy(), "index": u["index"].to_numpy(dtype=float),
        "published": u["published"].astype(str).to_numpy(),
        "band": u["band"].astype(object).where(u["band"].notna(), None).to_numpy(),
        "rank": u["rank"].astype("Int64").array,
    })
    pools = pool_sizes(table, r.compiled.rank_within_group)
    table["pool"] = table["unit_id"].map(pools).astype("Int64")
    table["pct_rank"] = table["rank"].astype("Float64") / table["pool"].astype("Float64")
    return table


def _predecessors(crosswalk: pd.DataFrame | None, old_ids: set[str]) -> tuple[dict[str, set[str]], set[str]]:
    """new id → old ids (crosswalk rows), and the old ids the crosswalk names."""
    if crosswalk is None:
        return {}, set()
    m = mapping_of(crosswalk)
    out: dict[str, set[str]] = {}
    for old, new in zip(m["old_unit_id"], m["new_unit_id"]):
        if old in old_ids:
            out.setdefault(new, set()).add(old)
    return out, set(m["old_unit_id"])


def _lineage(file: PanelFile, results: dict[int, Result], units: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple]]:
    years = list(results)
    ids = {y: set(units.loc[units["year"] == y, "unit_id"]) for y in years}
    by_year = {y: units[units["year"] == y].set_index("unit_id") for y in years}
    last = years[-1]
    current = {u: {u} for u in sorted(ids[last], key=list(by_year[last].index).index)}
    rows, orphans = [], []
    for k in range(len(years) - 1, -1, -1):
        y = years[k]
        table = by_year[y]
        for unit, anc in current.items():
            present = sorted(a for a in anc if a in table.index)
            rows.append({"unit_id": unit, "year": y, "ancestors": ", ".join(present), "n_ancestors": len(present),
                         "index": float(table.loc[present, "index"].mean()) if present else np.nan,
                         "pct_rank": float(table.loc[present, "pct_rank"].astype(float).mean()) if present
                         else np.nan})
        if k == 0:
            break
        preds, named = _predecessors(file.years[k].crosswalk, ids[years[k - 1]])
        nxt = {}
        for unit, anc in current.items():
            before = set()
            for a in anc:
                before |= preds.get(a, set())
                if a in ids[years[k - 1]] and a not in named:
                    before.add(a)
            nxt[unit] = before
        lost = [u for u, b in nxt.items() if not b and current[u]]
        if lost:
            orphans.append((years[k - 1], y, lost))
        current = nxt
    table = pd.DataFrame(rows).sort_values(["unit_id", "year"], kind="stable").reset_index(drop=True)
    return table, orphans


def _movers(lineage: pd.DataFrame, units: pd.DataFrame, last: int) -> pd.DataFrame:
    now = units[units["year"] == last].set_index("unit_id")
    rows = []
    for unit, g in lineage.groupby("unit_id", sort=False):
        seen = g.dropna(subset=["pct_rank"])
        if len(seen) < 2:
            continue
        first = seen.iloc[0]
        end = seen.iloc[-1]
        rows.append({"unit_id": unit, "name": now.loc[unit, "name"], "group": now.loc[unit, "group"],
                     "from_year": int(first["year"]), "ancestors": first["ancestors"],
                     "pct_from": float(first["pct_rank"]), "pct_to": float(end["pct_rank"]),
                     "pct_shift": float(first["pct_rank"] - end["pct_rank"]),
                     "index_from": float(first["index"]), "index_to": float(end["index"]),
                     "index_delta": float(end["index"] - first["index"])})
    table = pd.DataFrame(rows, columns=["unit_id", "name", "group", "from_year", "ancestors", "pct_from", "pct_to",
                                        "pct_shift", "index_from", "index_to", "index_delta"])
    return table.sort_values(["pct_shift", "index_delta", "unit_id"], ascending=[False, False, True],
                             kind="stable").reset_index(drop=True)


def _warnings(results: dict[int, Result], orphans: list[tuple]) -> list[Problem]:
    problems = Problems()
    books = {y: r.rulebook for y, r in results.items()}
    years = list(books)
    differ = [(a, b) for a, b in zip(years[:-1], years[1:]) if _shape(books[a]) != _shape(books[b])]
    if differ:
        problems.add(NOT_LIKE, None, "years", "warning", years=", ".join(f"{a}–{b}" for a, b in differ),
                     rulebooks=", ".join(dict.fromkeys(books[y].id for pair in differ for y in pair)))
    for before, year, lost in orphans:
        problems.add(NO_ANCESTOR, None, f"years/{year}", "warning", n=len(lost), year=year, before=before,
                     unit=lost[0])
    return list(problems)


def _shape(rb: Any) -> tuple:
    """What makes indices comparable: the scale and every band list (ids and minima)."""
    return (float(rb.scale), tuple((b.id, b.min, b.quantile) for b in rb.all_bands()))
