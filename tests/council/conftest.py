"""A tiny rulebook and dataset whose every figure can be worked out by hand (used by the council tests)."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_rules.data.frames import dataset_from_frames
from cchc_rules.dsl.models import Rulebook

BANDS = [
    {"id": "good", "label": {"vi": "Tốt", "en": "Good"}, "min": 80},
    {"id": "fair", "label": {"vi": "Khá", "en": "Fair"}, "min": 60},
    {"id": "weak", "label": {"vi": "Yếu", "en": "Weak"}, "min": 0},
]


TINY_YAML = {
    "dsl": 1, "id": "tiny", "title": {"vi": "Thử", "en": "Test"}, "year": 2020,
    "groups": {"g": {"vi": "Nhóm", "en": "Group"}},
    "stages": ["self", "appraisal"], "bands": BANDS,
    "criteria": [
        {"id": "F1", "name": {"vi": "Lĩnh vực 1", "en": "Field 1"}, "children": [
            {"id": "a", "name": {"vi": "Tiêu chí A", "en": "Criterion A"}, "max": 6, "rule": {"points": {}}},
            {"id": "b", "name": {"vi": "Tiêu chí B", "en": "Criterion B"}, "max": 4, "rule": {"binary": {}}},
        ]},
        {"id": "F2", "name": {"vi": "Lĩnh vực 2", "en": "Field 2"}, "children": [
            {"id": "c", "name": {"vi": "Tiêu chí C", "en": "Criterion C"}, "max": 10, "rule": {"points": {}}},
        ]},
    ],
}


def tiny_rulebook() -> Rulebook:
    """Two fields: F1 (a: points of 6, b: yes/no of 4) and F2 (c: points of 10); scale 100, max 20."""
    return Rulebook.model_validate(TINY_YAML)


# unit: {criterion: (self, appraisal)}
VALUES = {
    "u1": {"a": (6, 3), "b": (1, 1), "c": (10, 8)},  # self 6+4+10 = 20/20 → 100; appraised 3+4+8 = 15 → 75
    "u2": {"a": (4, 4), "b": (0, 0), "c": (6, 6)},   # self 4+0+6 = 10 → 50; appraised 50: no gap
    "u3": {"a": (5, 2), "b": (1, 0), "c": (9, 7)},   # self 5+4+9 = 18 → 90; appraised 2+0+7 = 9 → 45
}


def tiny_dataset(values: dict = VALUES):
    units = pd.DataFrame({"unit_id": list(values), "name": [f"Đơn vị {u}" for u in values], "group": "g"})
    rows = [{"unit_id": u, "criterion_id": c, "self": s, "appraisal": a}
            for u, cells in values.items() for c, (s, a) in cells.items()]
    return dataset_from_frames(units, pd.DataFrame(rows))


@pytest.fixture
def tiny():
    return tiny_rulebook(), tiny_dataset()


@pytest.fixture
def make_dataset():
    return tiny_dataset


@pytest.fixture
def tiny_files(tmp_path):
    """Write the tiny rulebook and a dataset (default `VALUES`) as files: returns (rulebook.yaml, folder)."""
    import yaml

    from cchc_rules.data.load import write_dataset

    (tmp_path / ".cchc-project").write_text("", encoding="utf-8")
    rb = tmp_path / "tiny.yaml"
    rb.write_text(yaml.safe_dump(TINY_YAML, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def write(values: dict = VALUES, name: str = "data"):
        return rb, write_dataset(tiny_dataset(values), tmp_path / name)

    return write
