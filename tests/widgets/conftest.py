"""A tiny rulebook and dataset whose scores are worked out by hand in the tests.

Field 1 (max 40): 1.1 binary 16; 1.2 ladder ≥100 → 24, ≥80 → half (12), else 0.
Field 2 (max 60): 2.1 levels good 20 / partial 8 / none 0; 2.2 ratio 40, `missing: na`.
Scale 100, so the index is the points won over the applicable maximum × 100.
Bands: good ≥ 80, fair ≥ 50, weak ≥ 0. Stages: self, appraisal.

Unit A: self 1.1 yes, 1.2 100, 2.1 good, 2.2 10/10 → 16 + 24 + 20 + 40 = 100;
        appraisal 1.1 yes, 1.2 90, 2.1 good, 2.2 8/10 → 16 + 12 + 20 + 32 = 80 (good, rank 1).
Unit B: self only: 1.1 no, 1.2 100, 2.1 partial, 2.2 5/10 → 0 + 24 + 8 + 20 = 52 (fair, rank 3).
Unit C: appraisal only: 1.1 yes, 1.2 80, 2.1 none, 2.2 10/10 → 16 + 12 + 0 + 40 = 68 (fair, rank 2).
"""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_rules.data.load import dataset_from_frames
from cchc_rules.dsl.load import load_rulebook

RULEBOOK = """\
dsl: 1
id: tiny
title: {vi: "Bộ tiêu chí nhỏ", en: "Tiny rulebook"}
groups: {dept: {vi: "Sở", en: "Departments"}}
stages: [self, appraisal]
criteria:
  - id: "1"
    name: {vi: "Chỉ đạo, điều hành", en: "Direction"}
    children:
      - {id: "1.1", name: {vi: "Kế hoạch", en: "Plan"}, max: 16, rule: {binary: {}}}
      - id: "1.2"
        name: {vi: "Tỷ lệ hoàn thành", en: "Completion rate"}
        max: 24
        rule: {ladder: [{min: 100, points: 24}, {min: 80, share: 0.5}, {points: 0}]}
  - id: "2"
    name: {vi: "Thủ tục hành chính", en: "Procedures"}
    children:
      - {id: "2.1", name: {vi: "Tuyên truyền", en: "Outreach"}, max: 20,
         rule: {levels: {good: 20, partial: 8, none: 0}}}
      - {id: "2.2", name: {vi: "Hồ sơ đúng hạn", en: "Files on time"}, max: 40, missing: na, rule: {ratio: {}}}
bands:
  - {id: good, label: {vi: "Tốt", en: "Good"}, min: 80}
  - {id: fair, label: {vi: "Khá", en: "Fair"}, min: 50}
  - {id: weak, label: {vi: "Yếu", en: "Weak"}, min: 0}
"""

ROWS = [  # unit, criterion, self, appraisal
    ("A", "1.1", "1", "1"), ("A", "1.2", "100", "90"), ("A", "2.1", "good", "good"), ("A", "2.2", "10/10", "8/10"),
    ("B", "1.1", "0", None), ("B", "1.2", "100", None), ("B", "2.1", "partial", None), ("B", "2.2", "5/10", None),
    ("C", "1.1", None, "1"), ("C", "1.2", None, "80"), ("C", "2.1", None, "none"), ("C", "2.2", None, "10/10"),
]


@pytest.fixture()
def tiny_path(tmp_path):
    path = tmp_path / "rulebooks" / "tiny.yaml"
    path.parent.mkdir()
    path.write_text(RULEBOOK, encoding="utf-8")
    return path


@pytest.fixture()
def tiny(tiny_path):
    return load_rulebook(tiny_path)


@pytest.fixture()
def tiny_data():
    units = pd.DataFrame({"unit_id": ["A", "B", "C"], "name": ["Sở A", "Sở B", "Sở C"], "group": ["dept"] * 3})
    assessments = pd.DataFrame(ROWS, columns=["unit_id", "criterion_id", "self", "appraisal"])
    return dataset_from_frames(units, assessments)
