"""sample-communes-2024 (the communes of two districts) and sample-province-2025 (after the merger, with a crosswalk).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_rules.data.load import dataset_from_frames
from cchc_rules.data.model import Dataset
from cchc_rules.data.sample_province import SEED, province_respondents, shipped_rulebook
from cchc_rules.data.sample_tables import (
    CITIZENS,
    Draws,
    Respondent,
    assessments_table,
    meta,
    survey_table,
    units_frame,
)
from cchc_rules.data.sample_units import (
    COMMUNE_DISTRICTS,
    DEPARTMENTS,
    DEPARTMENTS_2025,
    DISTRICTS,
    NO_PROCEDURES,
    NewCommune,
    Unit,
    commune_lists,
)

COMMUNE_RULEBOOK = "par-communes-2024"
COMMUNE_GROUP = "commune"
COMMUNE_FLAGS = {0: ("discipline",), 17: ("discipline",), 29: ("not_ranked",)}  # by position among the 40
CITIZENS_PER_COMMUNE = 15
DISTRICT_OFFICES = 6  # heads of the district's specialised offices (phòng) answering form PHONG
DISTRICT_LEADERS = 3


def commune_respondents(units: Sequence[Unit], districts: Sequence[str]) -> list[Respondent]:
    """Citizens of each commune (about their own commune only), and the leaders and office heads
    of each district (about the communes of their district)."""
    out = [
        Respondent(f"{CITIZENS}-{i * CITIZENS_PER_COMMUNE + k:04d}", CITIZENS, "", (unit.group,), (unit.unit_id,))
        for i, unit in enumerate(units)
        for k in range(1, CITIZENS_PER_COMMUNE + 1)
    ]
    for district in districts:
        out += [Respondent(f"LDHUYEN-{district}-{i}", "LDHUYEN", district, (COMMUNE_GROUP,), (district,))
                for i in range(1, DISTRICT_LEADERS + 1)]
        out += [Respondent(f"PHONG-{district}-{i}", "PHONG", "", (COMMUNE_GROUP,), (district,))
                for i in range(1, DISTRICT_OFFICES + 1)]
    return out


def communes(root: Path | None = None, seed: int = SEED) -> dict[str, Dataset]:
    """sample-communes-2024 (the communes of two districts, scored by their district with
    par-communes-2024) and sample-province-2025 (the province after the merger: 14 departments
    and the new communes and wards, scored with par-province-2025, with a crosswalk from the
    2024 units)."""
    rng = np.random.default_rng([seed, 2])
    old, new, seat = commune_lists(rng)
    rulebook = shipped_rulebook(COMMUNE_RULEBOOK, root)
    members = [c for c in old if c.district in COMMUNE_DISTRICTS]
    units = [Unit(c.unit_id, c.name, COMMUNE_GROUP, c.quality, COMMUNE_FLAGS.get(i, ()),
                  attributes=(("district", c.district),)) for i, c in enumerate(members)]
    out = {
        "sample-communes-2024": dataset_from_frames(
            units_frame(units),
            assessments_table(rulebook, units, Draws.new(len(units), rulebook.leaves(), rng), rng),
            survey_table(rulebook, units, commune_respondents(units, COMMUNE_DISTRICTS), rng),
            meta(2024, seed, rulebook, (
                "40 xã, thị trấn của hai huyện mẫu, do UBND huyện đánh giá; tự chấm và thẩm định; phiếu của "
                "người dân, lãnh đạo huyện và các phòng chuyên môn",
                "40 communes and towns of two sample districts, assessed by their district; self-assessment and "
                "appraisal; answers of citizens, district leaders and district offices",
            )),
        )
    }
    out["sample-province-2025"] = province_2025(root, seed, rng, new, seat, [u.unit_id for u in units])
    return out


PROVINCE_2025 = "par-province-2025"
FLAGS_2025 = {"so-xay-dung": ("discipline",)}


def province_2025(root: Path | None, seed: int, rng: np.random.Generator, new: Sequence[NewCommune],
                   seat: dict[str, str], old_communes: Sequence[str]) -> Dataset:
    rulebook = shipped_rulebook(PROVINCE_2025, root)
    successor = {row[0]: row[4] for row in DEPARTMENTS}
    quality_2024 = {row[0]: row[3] for row in DEPARTMENTS}
    departments = []
    for unit_id, name in DEPARTMENTS_2025:
        members = [quality_2024[old] for old, new_id in successor.items() if new_id == unit_id]
        q = float(np.clip(np.mean(members) + rng.normal(0, 0.02), 0.3, 0.98))
        flags = FLAGS_2025.get(unit_id, ())
        departments.append(Unit(unit_id, name, "department", q, flags, unit_id not in NO_PROCEDURES))
    merged = [Unit(c.unit_id, c.name, COMMUNE_GROUP, c.quality) for c in new]
    units = departments + merged
    commune_of = {old_id: c.unit_id for c in new for old_id in c.members}
    crosswalk = pd.DataFrame(
        [(old_id, successor[old_id]) for old_id in successor]
        + [(row[0], seat[row[0]]) for row in DISTRICTS]
        + [(old_id, commune_of[old_id]) for old_id in old_communes],
        columns=["old_unit_id", "new_unit_id"],
    )
    return dataset_from_frames(
        units_frame(units),
        assessments_table(rulebook, units, Draws.new(len(units), rulebook.leaves(), rng), rng),
        survey_table(rulebook, units, province_respondents(units, {"department": "LDSO", COMMUNE_GROUP: "LDXA"}), rng),
        meta(2025, seed, rulebook, (
            f"Tỉnh mẫu sau sắp xếp năm 2025: {len(departments)} sở, ngành và {len(merged)} xã, phường "
            "(không còn cấp huyện); crosswalk.csv nối các đơn vị năm 2024 với đơn vị mới",
            f"The sample province after the 2025 merger: {len(departments)} departments and {len(merged)} "
            "communes and wards (no district level); crosswalk.csv maps the 2024 units to the new ones",
        ), crosswalk),
    )

