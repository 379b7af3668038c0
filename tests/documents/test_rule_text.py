"""Each rule kind, adjustment, band, gate and quota in plain words, in both languages."""

from __future__ import annotations

import pytest

from cchc_rules.documents import rule_text as rt
from cchc_rules.i18n import stage_label


def leaf(rulebook, node_id):
    return rulebook.node(node_id)


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [(2.0, "vi", "2"), (2.5, "vi", "2,5"), (2.5, "en", "2.5"), (0.1 + 0.2, "en", "0.3"), (9.415, "vi", "9,415")],
)
def test_numbers_are_written_as_people_write_them(value, lang, text):
    assert rt.num(value, lang) == text


def test_ladder_reads_as_ranges(rulebook):
    assert rt.rule_text(leaf(rulebook, "1.2"), "vi") == "≥ 100 → 2 điểm; 80 – < 100 → 1 điểm; dưới 80 → 0 điểm"
    assert rt.rule_text(leaf(rulebook, "1.2"), "en") == "≥ 100 → 2 points; 80 – < 100 → 1 point; below 80 → 0 points"


def test_ladder_with_shares_and_no_catch_all(rulebook):
    # 4.2: max 1, share 1 from 50, share 0.5 from 20, nothing below 20 → 0.
    assert rt.rule_text(leaf(rulebook, "4.2"), "vi") == "≥ 50 → 1 điểm; 20 – < 50 → 0,5 điểm; dưới 20 → 0 điểm"


def test_binary(rulebook):
    assert rt.rule_text(leaf(rulebook, "1.1"), "vi") == "Đạt (có) → 2 điểm; không đạt → 0 điểm"
    assert rt.rule_text(leaf(rulebook, "1.1"), "en") == "Done (yes) → 2 points; not done → 0 points"


def test_linear(rulebook):
    text = rt.rule_text(leaf(rulebook, "1.3"), "en")
    assert text.startswith("Points = 1 × (value − 50) ÷ (100 − 50)")
    assert "≤ 50 → 0 points; ≥ 100 → 1 point" in text


def test_ratio_says_how_to_type_it_and_what_a_zero_total_does(rulebook):
    text = rt.rule_text(leaf(rulebook, "2.1"), "vi")
    assert "3 × số đã thực hiện ÷ tổng số" in text and "9/10" in text
    assert text.endswith("tổng số bằng 0 → không đánh giá (NA)")


def test_levels(rulebook):
    assert (
        rt.rule_text(leaf(rulebook, "2.2"), "vi")
        == "tốt → 2,5 điểm; đầy đủ → 2 điểm; một phần → 1 điểm; không → 0 điểm"
    )


def test_deduct(rulebook):
    assert rt.rule_text(leaf(rulebook, "2.3"), "vi") == "1 điểm, trừ 0,25 điểm cho mỗi lỗi (vi phạm), không thấp hơn 0"


def test_points(rulebook):
    assert rt.rule_text(leaf(rulebook, "3.1"), "en") == "The appraisal council gives the points directly, from 0 to 2"


def test_survey_lists_the_weights_and_skipped_answers(rulebook):
    text = rt.rule_text(leaf(rulebook, "5.1"), "vi")
    assert "A = 100%, B = 60%, C = 20%, D = 0%" in text
    assert "không tính: X" in text


def test_relative_says_it_depends_on_other_units(rulebook):
    text = rt.rule_text(leaf(rulebook, "5.2"), "en")
    assert "(value − lowest) ÷ (highest − lowest)" in text
    assert "depend on the other units" in text


def test_english_one_point_is_singular_but_a_tenth_is_not():
    assert rt._singular("0.1 points; 1 points; 11 points", "en") == "0.1 points; 1 point; 11 points"


def test_parents_capped_and_best_of(rulebook):
    assert rt.parent_text(rulebook.node("3"), "vi") == "Cộng điểm các tiêu chí thành phần, tối đa 3 điểm"
    assert rt.parent_text(rulebook.node("4"), "en") == "The 1 best-scored sub-criteria count"
    assert rt.parent_text(rulebook.node("1"), "en") == ""


def test_adjustments(rulebook):
    bonus, late = rulebook.adjustments
    assert (
        rt.adjustment_text(bonus, "vi") == "Cộng điểm do hội đồng thẩm định cho; tối đa 2 điểm; tính trên điểm chỉ số"
    )
    assert rt.adjustment_text(late, "en") == "Subtract 0.5 points each time; at most 1 point; in index points"


def test_bands_gates_and_quota(rulebook):
    bands = rulebook.bands
    assert rt.band_range(bands, 0, "vi") == "Chỉ số ≥ 90"
    assert rt.band_range(bands, 1, "en") == "80 ≤ index < 90"
    flag, node = bands[0].when
    assert rt.gate_text(flag, rulebook, "vi") == "không thuộc trường hợp: Có cán bộ bị kỷ luật"
    assert rt.gate_text(node, rulebook, "en") == "1 Direction reaches at least 80% of its maximum"
    assert rt.quota_text(bands[0].quota, bands, "en") == (
        "at most 50% of the group's ranked units graded Excellent or Good (rounded down); "
        "units tied in rank at the limit all fall to the next band"
    )


def test_missing_policies_in_words():
    assert rt.missing_text("max", "vi") == "Không có số liệu → đủ điểm"
    assert rt.missing_text("na", "en") == "No data → not assessed (NA)"


def test_stage_labels():
    assert stage_label("appraisal_1", "vi") == "Thẩm định vòng 1"
    assert stage_label("self", "en") == "Self-assessment"
    assert stage_label("council", "en") == "council"
