"""A seeded national synthetic panel: 34 provinces, their departments and communes, three years.

`national_panel(seed)` makes, for each year (2022, 2023, 2024), two datasets: every province's
departments (15–20 each, scored with `rulebooks/par-province-2024.yaml`, group `department`) and
every province's communes (about 100 each, 60–140, scored with `rulebooks/par-communes-2024.yaml`),
all 34 provinces in one dataset, so that a national grid ranks about 3,400 communes at once. The
values come from the synthetic generator (`data.synthetic.synthesize`); each unit keeps a latent
quality from year to year (q₍ₜ₊₁₎ = 0.8·qₜ + 0.2·q̄ + N(0, 0.05), clipped to [0, 1]), so the years
form a panel. Unit ids say where a unit is: `t07-xa-012` is commune 12 of province 7,
`t07-so-03` department 3. Provinces are named "Tỉnh 01" … "Tỉnh 34" on purpose: the figures are
synthetic and must not be read as any real province's.

`write_panel(out, seed)` writes `out/<year>/departments` and `out/<year>/communes` through the
output guard (a folder it did not write is refused unless `force`). It is generated on demand
(`make national`, or `python -m cchc_rules.data.national --out out/national`), not committed:
about 20 MB (3,400 communes and 600 departments a year). The shipped grid
`scenarios/national/*.yaml` reads it from `out/national`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_rules.data.load import write_dataset
from cchc_rules.data.model import Dataset
from cchc_rules.data.synthetic import synthesize
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.dsl.models import Rulebook
from cchc_rules.i18n import resolve_lang
from cchc_rules.outputs import output_folder
from cchc_rules.problems import CchcError
from cchc_rules.shipped import shipped_root

REPO = shipped_root()
PROVINCES = 34
YEARS = (2022, 2023, 2024)
SEED = 34
PERSIST = 0.8  # how much of last year's latent quality a unit keeps
KINDS = {  # dataset folder → (rulebook file, group, id word, name word vi / en)
    "departments": ("par-province-2024.yaml", "department", "so", ("Sở", "Department")),
    "communes": ("par-communes-2024.yaml", "commune", "xa", ("Xã", "Commune")),
}


@dataclass(frozen=True)
class Unit:
    """One unit of the panel: its province (1–34) and its number within the province."""

    province: int
    number: int
    kind: str

    @property
    def unit_id(self) -> str:
        return f"t{self.province:02d}-{KINDS[self.kind][2]}-{self.number:03d}"

    @property
    def name(self) -> str:
        word = KINDS[self.kind][3][0]
        return f"{word} {self.number:03d}, Tỉnh {self.province:02d}"


def panel_units(seed: int = SEED, communes: int = 100) -> dict[str, list[Unit]]:
    """Every province's departments (15–20) and communes (about `communes` each, ±40 %), the same every year."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    out: dict[str, list[Unit]] = {"departments": [], "communes": []}
    for p in range(1, PROVINCES + 1):
        n_dep = int(rng.integers(15, 21))
        n_com = int(np.clip(rng.normal(communes, 0.2 * communes), 0.6 * communes, 1.4 * communes))
        out["departments"] += [Unit(p, i, "departments") for i in range(1, n_dep + 1)]
        out["communes"] += [Unit(p, i, "communes") for i in range(1, max(n_com, 1) + 1)]
    return out


def qualities(n: int, seed: int, kind: str) -> dict[int, np.ndarray]:
    """Each unit's latent quality per year: drawn for the first year, then carried with persistence."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, list(KINDS).index(kind))))
    q = rng.beta(5, 2, n)
    mean = 5 / 7
    out = {}
    for year in YEARS:
        out[year] = q
        q = np.clip(PERSIST * q + (1 - PERSIST) * mean + rng.normal(0, 0.05, n), 0, 1)
    return out


def national_panel(seed: int = SEED, communes: int = 100, root: Path = REPO) -> dict[tuple[int, str], Dataset]:
    """(year, kind) → the dataset of every province's units of that kind in that year."""
    units = panel_units(seed, communes)
    out = {}
    for kind, members in units.items():
        rulebook = load_rulebook(root / "rulebooks" / KINDS[kind][0])
        q = qualities(len(members), seed, kind)
        for year in YEARS:
            out[(year, kind)] = _dataset(rulebook, kind, members, q[year], year, seed)
    return out


def _dataset(rulebook: Rulebook, kind: str, members: list[Unit], quality: np.ndarray, year: int,
             seed: int) -> Dataset:
    """The synthetic generator's dataset, its placeholder ids and names replaced by the panel's."""
    group = KINDS[kind][1]
    year_seed = int(np.random.SeedSequence(seed, spawn_key=(2, year, list(KINDS).index(kind))).generate_state(1)[0])
    data = synthesize(rulebook, len(members), seed=year_seed, group=group, quality=quality)
    ids = dict(zip(data.units["unit_id"], (u.unit_id for u in members)))
    data.units["unit_id"] = data.units["unit_id"].map(ids)
    data.units["name"] = [u.name for u in members]
    data.assessments["unit_id"] = data.assessments["unit_id"].map(ids)
    if data.survey is not None:
        for column in ("unit_id", "respondent_unit"):
            if column in data.survey.columns:
                data.survey[column] = data.survey[column].map(ids).fillna(data.survey[column])
    word_vi, word_en = {"departments": ("sở", "departments"), "communes": ("xã", "communes")}[kind]
    data.meta.year = year
    data.meta.source = f"cchc_rules.data.national (seed {seed})"
    data.meta.description = (
        f"Bảng tổng hợp toàn quốc (số liệu giả lập, không phải của tỉnh nào): {len(members)} {word_vi} của "
        f"{PROVINCES} tỉnh, năm {year}, chấm theo {rulebook.id}. / National synthetic panel (made-up figures, "
        f"no real province's): {len(members)} {word_en} of {PROVINCES} provinces, {year}, scored with {rulebook.id}."
    )
    return data


def write_panel(out: Path | str, seed: int = SEED, communes: int = 100, force: bool = False,
                root: Path = REPO) -> list[Path]:
    """Write `out/<year>/<kind>` for every year and kind, all or nothing, through the output guard."""
    out = Path(out)
    panel = national_panel(seed, communes, root)
    with output_folder(out, [], force) as tmp:
        for (year, kind), data in panel.items():
            write_dataset(data, tmp / str(year) / kind)
    return [out / str(year) / kind for year, kind in panel]


def summary(panel: dict[tuple[int, str], Dataset]) -> pd.DataFrame:
    """Units per year and kind (what was written)."""
    return pd.DataFrame([{"year": y, "kind": k, "units": len(d.units)} for (y, k), d in panel.items()])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cchc_rules.data.national",
        description="Viết bảng tổng hợp toàn quốc giả lập (34 tỉnh, 3 năm) / Write the national synthetic panel "
                    "(34 provinces, 3 years).",
    )
    parser.add_argument("--out", type=Path, default=Path("out/national"),
                        help="thư mục đích (mặc định out/national) / target folder (default out/national)")
    parser.add_argument("--seed", type=int, default=SEED, help="seed (mặc định / default 34)")
    parser.add_argument("--communes", type=int, default=100,
                        help="số xã trung bình mỗi tỉnh / mean communes per province (default 100)")
    parser.add_argument("--force", action="store_true",
                        help="ghi đè thư mục không do cchc-rules tạo / replace a folder cchc-rules did not write")
    args = parser.parse_args(argv)
    if args.communes < 1:
        parser.error("--communes ≥ 1")
    try:
        written = write_panel(args.out, args.seed, args.communes, args.force)
    except CchcError as exc:  # a refused or unwritable folder: located, in both languages
        print(exc.format(resolve_lang(None)), file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
