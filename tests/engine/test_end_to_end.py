"""Scoring datasets built through the data layer (`dataset_from_frames`), and shipped rulebooks."""

from pathlib import Path

import pandas as pd
import pytest

from cchc_rules.data.load import dataset_from_frames
from cchc_rules.engine.score import score

ROOT = Path(__file__).resolve().parents[2]
CRITERIA = [
    {"id": "1", "name": {"vi": "Chỉ đạo", "en": "Direction"}, "children": [
        {"id": "1.1", "name": "Kế hoạch", "max": 2, "rule": {"binary": {}}},
        {"id": "1.2", "name": "Tỉ lệ", "max": 2, "rule": {"ratio": {}}},
        {"id": "1.3", "name": "Mức", "max": 2.5, "rule": {"levels": {"tốt": 2.5, "đủ": 2, "không": 0}}},
    ]},
    {"id": "2", "name": {"vi": "Khảo sát", "en": "Survey"}, "children": [
        {"id": "2.1", "name": "Hài lòng", "max": 10, "rule": {"survey": {"options": {"A": 1, "B": 0.6, "C": 0.2}}}},
    ]},
]


def test_score_a_dataset_built_from_frames(eng):
    rb = eng.rulebook(CRITERIA)
    units = pd.DataFrame({"unit_id": ["S1", "S2"], "name": ["Sở Tư pháp", "Sở Tài chính"], "group": ["a", "a"]})
    assessments = pd.DataFrame({
        "unit_id": ["S1", "S1", "S1", "S2", "S2", "S2"],
        "criterion_id": ["1.1", "1.2", "1.3", "1.1", "1.2", "1.3"],
        "self": ["có", "3/4", "tốt", "1", "1/2", "đủ"],
        "appraisal": ["không", None, None, None, "0/0", "NA"],
    })
    survey = pd.DataFrame({
        "respondent_id": ["r1", "r2", "r1", "r2"], "form": ["P01"] * 4, "unit_id": ["S1", "S1", "S2", "S2"],
        "criterion_id": ["2.1"] * 4, "answer": ["A", "B", "C", "C"],
    })
    result = score(rb, dataset_from_frames(units, assessments, survey))
    # S1: 1.1 appraisal "không" → 0; 1.2 self 3/4 × 2 = 1.5; 1.3 tốt 2.5; 2.1 10 × (1 + 0.6) / 2 = 8
    #     → 12 / 16.5 × 100 = 72.727272727
    # S2: 1.1 self 1 → 2; 1.2 appraisal 0/0 → if_zero_total na → out; 1.3 NA → out; 2.1 10 × 0.2 = 2
    #     → 4 / 12 × 100 = 33.333333333
    assert list(result.units["index"]) == [72.727272727, 33.333333333]
    assert list(result.units["published"]) == ["72.73", "33.33"]
    assert list(result.units["max"]) == [16.5, 12]
    ledger = result.explain("S1", "vi").rows.set_index("id")
    assert ledger.loc["1.1", "value"] == "không" and ledger.loc["1.1", "stage"] == "appraisal"
    assert ledger.loc["1.2", "stage"] == "self"
    assert ledger.loc["2.1", "value"] == "0,8 (n=2)"  # the Vietnamese ledger writes a decimal comma


@pytest.mark.parametrize("name", ["par-province-2024.yaml", "par-communes-2024.yaml", "par-province-2025.yaml"])
def test_shipped_rulebooks_score_synthetic_data(name):
    from cchc_rules.data.synthetic import synthesize
    from cchc_rules.dsl.load import load_rulebook

    rb = load_rulebook(ROOT / "rulebooks" / name)
    result = score(rb, synthesize(rb, 30, seed=3))
    index = result.units["index"]
    assert ((index >= 0) & (index <= rb.scale)).all()
    assert result.units["band"].notna().all()
    first = result.units["unit_id"].iat[0]
    assert len(result.explain(first, "en").rows) >= len(rb.leaves())
