"""sample-province-2023 and -2024: 19 departments and 8 districts of the synthetic province.

Also the respondents of a province (council delegates and unit leaders), which the 2025 province reuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cchc_rules.data.load import dataset_from_frames
from cchc_rules.data.model import Dataset
from cchc_rules.data.sample_tables import Draws, Respondent, assessments_table, meta, survey_table, units_frame
from cchc_rules.data.sample_units import DEPARTMENTS, DISTRICTS, NO_PROCEDURES, Unit
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.dsl.models import Rulebook
from cchc_rules.shipped import shipped_root

SEED = 2023

FLAGS: dict[int, dict[str, tuple[str, ...]]] = {
    2023: {"so-tttt": ("discipline",), "h-nam-binh": ("discipline",), "thanh-tra": ("not_ranked",)},
    2024: {"so-tu-phap": ("discipline",), "thanh-tra": ("not_ranked",)},
}
PROVINCE_2024 = "par-province-2024"
COUNCIL_DELEGATES = 10


def shipped_rulebook(name: str, root: Path | None = None) -> Rulebook:
    """A rulebook of `root`/rulebooks (default: the shipped rulebooks)."""
    return load_rulebook((shipped_root() if root is None else root) / "rulebooks" / f"{name}.yaml")


def province_units(year: int) -> list[Unit]:
    flags = FLAGS.get(year, {})
    column = 2 if year == 2023 else 3
    departments = [
        Unit(row[0], row[1], "department", float(row[column]), flags.get(row[0], ()), row[0] not in NO_PROCEDURES)
        for row in DEPARTMENTS
    ]
    districts = [Unit(row[0], row[1], "district", float(row[column]), flags.get(row[0], ())) for row in DISTRICTS]
    return departments + districts


def province_respondents(units: Sequence[Unit], leaders: dict[str, str]) -> list[Respondent]:
    """Provincial council delegates (form HDND), and one leader of each unit of the groups in
    `leaders` (group → form); each rates every unit (their own unit's answers are left out by the
    rule's exclude_own_unit)."""
    rates = tuple(dict.fromkeys(u.group for u in units))
    out = [Respondent(f"HDND-{i:02d}", "HDND", "", rates) for i in range(1, COUNCIL_DELEGATES + 1)]
    for group, form in leaders.items():
        members = [u for u in units if u.group == group]
        out += [Respondent(f"{form}-{i:02d}", form, u.unit_id, rates) for i, u in enumerate(members, 1)]
    return out


def province(root: Path | None = None, seed: int = SEED) -> dict[str, Dataset]:
    """sample-province-2023 and -2024: 19 departments and 8 districts scored with par-province-2024;
    2024 leaf by leaf correlated with 2023."""
    rulebook = shipped_rulebook(PROVINCE_2024, root)
    rng = np.random.default_rng([seed, 1])
    out = {}
    draws = Draws.new(len(DEPARTMENTS) + len(DISTRICTS), rulebook.leaves(), rng)
    for year in (2023, 2024):
        if year == 2024:
            draws = draws.next_year(rng)
        units = province_units(year)
        out[f"sample-province-{year}"] = dataset_from_frames(
            units_frame(units),
            assessments_table(rulebook, units, draws, rng),
            survey_table(rulebook, units, province_respondents(units, {"department": "LDSO", "district": "LDHUYEN"}),
                         rng),
            meta(year, seed, rulebook, (
                f"Tỉnh mẫu năm {year}: 19 sở, ban, ngành và 8 UBND cấp huyện; tự chấm, thẩm định vòng 1 và 2; "
                "phiếu khảo sát của đại biểu HĐND, lãnh đạo sở và lãnh đạo huyện",
                f"Sample province, {year}: 19 departments and 8 district committees; self-assessment, "
                "appraisal rounds 1 and 2; survey answers of council delegates, department and district leaders",
            )),
        )
    return out


