"""Result tables, JSON, and the explanation ledger in Vietnamese and English."""

import numpy as np
import pandas as pd
import pytest

from cchc_rules.problems import CchcError

CRITERIA = [
    {"id": "1", "code": "I", "name": {"vi": "Chỉ đạo điều hành", "en": "Direction"}, "children": [
        {"id": "1.1", "name": {"vi": "Kế hoạch", "en": "Plan"}, "max": 2, "rule": {"binary": {}}},
        {"id": "1.2", "name": {"vi": "Tỉ lệ hoàn thành", "en": "Completion"}, "max": 2,
         "rule": {"ladder": [{"min": 100, "points": 2}, {"min": 80, "share": 0.5}, {"points": 0}]}},
        {"id": "1.3", "name": {"vi": "Truyền thông", "en": "Communication"}, "max": 2.5,
         "rule": {"levels": {"good": 2.5, "full": 2, "none": 0}}},
    ]},
    {"id": "2", "name": {"vi": "Thủ tục hành chính", "en": "Procedures"}, "applies_to": ["a"], "children": [
        {"id": "2.1", "name": {"vi": "Hồ sơ đúng hạn", "en": "Files on time"}, "max": 3.5, "rule": {"ratio": {}}},
        {"id": "2.2", "name": {"vi": "Báo cáo", "en": "Reports"}, "max": 1, "rule": {"deduct": {"per": 0.5}},
         "missing": "max"},
    ]},
]
BANDS = [
    {"id": "excellent", "label": {"vi": "Xuất sắc", "en": "Excellent"}, "min": 90,
     "when": [{"flag": "discipline", "is": False}, {"node": "2", "min_share": 0.9}],
     "quota": {"max_share": 0.5}},
    {"id": "good", "label": {"vi": "Tốt", "en": "Good"}, "min": 50},
    {"id": "weak", "label": {"vi": "Yếu", "en": "Weak"}, "min": 0},
]
ADJUSTMENTS = [{"id": "bonus", "name": {"vi": "Điểm thưởng", "en": "Bonus"}, "sign": 1, "cap": 2,
                "rule": {"points": {}}}]


@pytest.fixture(scope="module")
def result(eng):
    rb = eng.rulebook(CRITERIA, bands=BANDS, adjustments=ADJUSTMENTS, ranking={"tie_break": ["1"]})
    units = [("A", "a"), ("B", "a", ["discipline"]), ("C", "a"), ("D", "b"), ("E", "a")]
    values = {
        "1.1": [1, 1, (1, 0), None, 1],
        "1.2": [100, 100, 85, 79.9, 100],
        "1.3": ["good", "good", "full", "NA", "good"],
        "2.1": ["7/7", "7/7", "1/2", None, "6/7"],
        "2.2": [0, 0, 4, None, 0],
    }
    return eng.run(rb, units, values, adjustments={"bonus": [None, None, 1, None, 0.5]})


def test_units_table(result):
    u = result.units
    assert list(u.columns[:10]) == ["unit_id", "name", "group", "index", "published", "band", "rank", "points",
                                    "max", "adjustment"]
    assert list(u.columns[10:]) == ["1", "2", "filled", "note"]
    assert isinstance(u["group"].dtype, pd.CategoricalDtype)
    assert isinstance(u["band"].dtype, pd.CategoricalDtype)
    # A: 2 + 2 + 2.5 + 3.5 + 1 = 11 / 11 → 100
    # B: same points (100) but disciplined → good
    # C: 0 (appraisal) + 1 (85 → half) + 2 (full) + 1.75 (1/2 × 3.5) + 0 (1 − 4 × 0.5 < 0) = 4.75 / 11
    #    = 43.181818182; bonus 1 → 44.181818182 → weak
    # D (group b: field 2 out): 1.1 missing → 0; 1.2 79.9 → 0; 1.3 NA → out: 0 / 4 → 0
    # E: 2 + 2 + 2.5 + 3 + 1 = 10.5 / 11 = 95.454545455 + 0.5 = 95.954545455; but node 2 share (3 + 1) / 4.5
    #    = 0.889 < 0.9 → good
    assert list(u["index"]) == [100, 100, 44.181818182, 0, 95.954545455]
    assert list(u["published"]) == ["100.00", "100.00", "44.18", "0.00", "95.95"]
    # quota: group a ranked A, B, C, E → count 4 → allowed 2; only A holds excellent
    assert list(u["band"]) == ["excellent", "good", "weak", "weak", "good"]
    # ranks within group a: A and B tie at 100 and node 1 (6.5 each) → 1, 1; E 3; C 4; D alone in b → 1
    assert list(u["rank"]) == [1, 1, 4, 1, 3]
    assert list(u["max"]) == [11, 11, 11, 4, 11]
    assert np.isnan(u["2"][3])


def test_nodes_table_and_arrays(result):
    nodes = result.nodes
    assert len(nodes) == 5 * 7
    assert isinstance(nodes["unit_id"].dtype, pd.CategoricalDtype)
    assert isinstance(nodes["node_id"].dtype, pd.CategoricalDtype)
    row = nodes[(nodes["unit_id"] == "C") & (nodes["node_id"] == "2.1")].iloc[0]
    assert (row["points"], row["max"], bool(row["applicable"]), row["share"]) == (1.75, 3.5, True, 0.5)
    out = nodes[(nodes["unit_id"] == "D") & (nodes["node_id"] == "2")].iloc[0]
    assert not out["applicable"] and out["max"] == 0 and np.isnan(out["points"])
    assert result.node_points.shape == (5, 7)
    assert result.leaf_points.shape == (5, 5)
    assert result.node_ids == ["1", "1.1", "1.2", "1.3", "2", "2.1", "2.2"]


def test_to_json(result):
    data = result.to_json()
    assert data["rulebook"] == "test"
    c = data["units"][2]
    assert c == {"unit_id": "C", "group": "a", "index": 44.181818182, "published": "44.18", "band": "weak", "rank": 4,
                 "nodes": {"1": 3.0, "1.1": 0.0, "1.2": 1.0, "1.3": 2.0, "2": 1.75, "2.1": 1.75, "2.2": 0.0}}
    assert data["units"][3]["nodes"]["2"] is None


def test_band_label(result):
    assert result.band_label("good", "vi") == "Tốt"
    assert result.band_label("good", "en") == "Good"
    with pytest.raises(CchcError) as err:
        result.band_label("best", "en")
    assert err.value.problems[0].code == "E406"


def test_ledger_leaves(result):
    rows = result.explain("C", "en").rows.set_index("id")
    assert rows.loc["1.1", "stage"] == "appraisal" and rows.loc["1.1", "value"] == "no"
    assert rows.loc["1.2", "matched"] == "≥ 80" and rows.loc["1.2", "points"] == 1
    assert rows.loc["1.3", "value"] == "Full" and rows.loc["1.3", "points"] == 2
    assert rows.loc["2.1", "value"] == "0.5"
    assert bool(rows.loc["2.2", "clamped"]) and rows.loc["2.2", "points"] == 0
    d = result.explain("D", "en").rows.set_index("id")
    assert d.loc["1.1", "missing"] == "zero" and d.loc["1.1", "out"] == "no value: 0 points"
    assert d.loc["1.3", "out"] == "NA: out of the maximum" and np.isnan(d.loc["1.3", "points"])
    assert d.loc["2.1", "out"] == "does not apply to the group"


def test_ledger_index_gates_quota_and_ties(result):
    c = result.explain("C", "en")
    index = c.rows[c.rows["section"] == "index"]["detail"].iloc[0]
    assert index == "4.75 / 11 × 100 = 43.181818182; adjustments +1; index 44.181818182 → published 44.18"
    assert "bonus" in set(c.rows["id"])
    b = result.explain("B", "en").rows
    gates = list(b[b["section"] == "gate"]["detail"])
    # the flag by its rulebook text (the fixture names it in Vietnamese only), not its id
    assert gates == ["band Excellent: needs flag 'Kỷ luật' = no, has yes"]
    ties = list(b[b["section"] == "tie_break"]["detail"])
    assert ties == ["same index and tie-break points as A: they share the place"]
    e = result.explain("E", "en").rows
    assert list(e[e["section"] == "gate"]["detail"]) == ["band Excellent: node 2 has share 0.888888889 < minimum 0.9"]


def test_ledger_records_quota_demotions(eng):
    bands = [{"id": "top", "label": {"vi": "Cao", "en": "Top"}, "min": 50, "quota": {"max_share": 0.5}},
             {"id": "low", "label": {"vi": "Thấp", "en": "Low"}, "min": 0}]
    crit = [{"id": "1", "name": "F", "children": [{"id": "p", "name": "p", "max": 10, "rule": {"points": {}}}]}]
    r = eng.run(eng.rulebook(crit, bands=bands), [("A", "a"), ("B", "a")], {"p": [9, 8]})
    rows = r.explain("B", "en").rows
    assert list(rows[rows["section"] == "quota"]["detail"]) == [
        "quota of band Top: 1 of 2 units allowed; rank 2 → Low"]
    vi = r.explain("B", "vi").rows
    assert list(vi[vi["section"] == "quota"]["detail"]) == [
        "hạn mức mức Cao: được 1/2 đơn vị; thứ hạng 2 → Thấp"]


def test_ledger_in_both_languages(result):
    en = result.explain("D", "en").format()
    vi = result.explain("D", "vi").format()
    assert en.startswith("Unit D (Đơn vị D), group Group B, stage Appraisal: index 0.00, Weak, rank 1")
    assert vi.startswith("Đơn vị D (Đơn vị D), nhóm Nhóm B, giai đoạn Thẩm định: chỉ số 0,00, Yếu, thứ hạng 1")
    assert "Communication" in en and "Truyền thông" in vi
    assert "không áp dụng cho nhóm" in vi


def test_tie_break_used_is_recorded(eng):
    crit = [{"id": "1", "name": "F1", "children": [{"id": "p", "name": "p", "max": 5, "rule": {"points": {}}}]},
            {"id": "2", "name": "F2", "children": [{"id": "q", "name": "q", "max": 5, "rule": {"points": {}}}]}]
    rb = eng.rulebook(crit, ranking={"tie_break": ["2"]})
    r = eng.run(rb, [("A", "a"), ("B", "a")], {"p": [4, 3], "q": [3, 4]})
    assert list(r.units["rank"]) == [2, 1]
    rows = r.explain("A", "en").rows
    assert list(rows[rows["section"] == "tie_break"]["detail"]) == [
        "same index as B: separated by node 2 (3 < 4)"]


def test_explain_unknown_unit(result):
    with pytest.raises(CchcError) as err:
        result.explain("Z")
    assert err.value.problems[0].code == "E405"
