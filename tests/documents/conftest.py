"""Shared fixtures of the documents tests: a small rulebook using every rule kind, and a dataset for it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cchc_rules.dsl.load import load_rulebook

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def rulebook():
    return load_rulebook(FIXTURES / "small.yaml")


def make_dataset(changes: dict[tuple[str, str], str] | None = None):
    """Three units: two departments (one disciplined) and one district; two stages; survey answers for D1.

    `changes` sets or adds self-assessment values: {(unit, criterion): value}.
    """
    from cchc_rules.data.load import dataset_from_frames

    units = pd.DataFrame(
        {
            "unit_id": ["D1", "D2", "H1"],
            "name": ["Sở Tư pháp", "Sở Tài chính", "UBND huyện A"],
            "group": ["department", "department", "district"],
            "flags": ["", "discipline", ""],
        }
    )
    rows = [
        ("D1", "1.1", "có", None, "Kế hoạch số 12/KH", "đủ"),
        ("D1", "1.2", "85", "95", None, None),
        ("D1", "1.3", "75", None, None, None),
        ("D1", "2.1", "9/10", None, None, None),
        ("D1", "2.2", "đầy đủ", "tốt", None, None),
        ("D1", "2.3", None, "2", None, None),
        ("D1", "3.1", "1.5", None, None, None),
        ("D1", "3.2", "2", None, None, None),
        ("D1", "4.1", "không", None, None, None),
        ("D1", "4.2", "30", None, None, None),
        ("D1", "5.2", "12", None, None, None),
        ("D1", "bonus", "1", None, None, None),
        ("D1", "late", None, "3", None, None),
        ("D2", "1.1", "x", "không", None, None),
        ("D2", "1.2", "100", None, None, None),
        ("D2", "2.1", "0/0", None, None, None),
        ("D2", "2.2", "NA", None, None, None),
        ("D2", "3.1", "2", None, None, None),
        ("D2", "5.1", "0.5", None, None, None),
        ("D2", "5.2", "8", None, None, None),
        ("H1", "1.1", "1", None, None, None),
        ("H1", "1.2", "79.9", None, None, None),
        ("H1", "5.1", "NA", None, None, None),
        ("H1", "5.2", "3", None, None, None),
    ]
    changes = dict(changes or {})
    rows = [(u, c, changes.pop((u, c), s), *rest) for u, c, s, *rest in rows]
    rows += [(u, c, s, None, None, None) for (u, c), s in changes.items()]
    assessments = pd.DataFrame(rows, columns=["unit_id", "criterion_id", "self", "appraisal", "evidence", "note_self"])
    survey = pd.DataFrame(
        [
            ("R1", "P01", "D1", "5.1", "A"),
            ("R2", "P01", "D1", "5.1", "B"),
            ("R3", "P02", "D1", "5.1", "X"),
            ("R4", "P02", "D1", "5.1", "C"),
        ],
        columns=["respondent_id", "form", "unit_id", "criterion_id", "answer"],
    )
    return dataset_from_frames(units, assessments, survey, {"year": 2024}, source="dataset")


@pytest.fixture
def dataset():
    return make_dataset()
