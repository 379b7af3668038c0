"""Differences between rulebooks, worked out by hand on tests/dsl/fixtures/derive/base.yaml.

Base: field 1 (max 10 stated) = 1.1 (4) + 1.2 (6); field 2 (max 20 stated) = 2.1 (10) + 2.2 (10);
field 3 (max omitted, so 40 + 30 = 70) = 3.1 (40) + 3.2 (30); bands excellent 90 / good 80 / fair 50 / weak 0.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from cchc_rules.dsl.diff import Difference, compare_rulebooks, differences, differences_frame, show
from cchc_rules.dsl.load import load_rulebook

FIXTURES = Path(__file__).parent / "fixtures" / "derive"


def write(tmp_path: Path, name: str, text: str) -> Path:
    shutil.copy(FIXTURES / "base.yaml", tmp_path / "base.yaml")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(diffs: list[Difference]) -> list[tuple]:
    return [(d.kind, d.path, d.base, d.variant) for d in diffs]


DRAFT = """dsl: 1
id: draft
extends: base.yaml
title: Draft
changes:
  - {set: bands/excellent/min, to: 92}
  - {rename: criteria/3.1, to: "3.1n"}
  - {remove: criteria/2.2}
  - {add: {id: "2.3", name: {vi: "Chữ ký số", en: "Digital signature"}, max: 1, rule: {binary: {}}}, under: "2"}
  - {set: criteria/1.1/rule/ladder/1/min, to: 90}
  - {move: criteria/1.2, under: "3"}
"""


def test_a_derived_rulebook_against_its_base(tmp_path: Path) -> None:
    draft = load_rulebook(write(tmp_path, "draft.yaml", DRAFT))
    assert rows(differences(draft)) == [
        ("max", "criteria/1/max", 10, 4),  # 1.2 (6) moved out: 10 − 6
        ("rule", "criteria/1.1/rule/ladder/1/min", 80, 90),
        ("max", "criteria/2/max", 20, 11),  # 2.2 (10) removed, 2.3 (1) added: 20 − 10 + 1
        ("added", "criteria/2.3", None, 1),
        ("max", "criteria/3/max", 70, 76),  # 1.2 (6) moved in: 70 + 6
        ("renamed", "criteria/3.1n", "3.1", "3.1n"),
        ("moved", "criteria/1.2", "1", "3"),
        ("removed", "criteria/2.2", 10, None),
        ("band", "bands/excellent/min", 90, 92),
    ]


def test_sentences_in_both_languages(tmp_path: Path) -> None:
    diffs = {d.kind: d for d in differences(load_rulebook(write(tmp_path, "draft.yaml", DRAFT)))}
    assert diffs["added"].describe("vi") == "Thêm tiêu chí 2.3 «Chữ ký số», tối đa 1 điểm."
    assert diffs["added"].describe("en") == "Added criterion 2.3 “Digital signature”, maximum 1."
    assert diffs["removed"].describe("en") == "Removed criterion 2.2 “Procedures published”."
    assert diffs["moved"].describe("vi") == "Chuyển tiêu chí 1.2 «Kiểm tra» từ dưới 1 sang dưới 3."
    assert diffs["renamed"].describe("en") == "Renamed 3.1 to 3.1n “Satisfaction”."
    assert diffs["rule"].describe("en") == "Scoring rule of criterion 1.1 “PAR plan”, ladder/1/min: 80 → 90."
    assert diffs["band"].describe("vi") == "Mức xếp loại Xuất sắc, ngưỡng: 90 → 92."  # the band by its label, in words
    group_band = Difference("band", "bands_by_group/district/good/min", "good", 75, 78, "band", {"en": "Good"})
    assert group_band.describe("en") == "Band Good of group district, minimum: 75 → 78."  # no group name given
    named = Difference("band", "bands_by_group/district/good/min", "good", 75, 78, "band", {"en": "Good"},
                       group_name={"vi": "UBND cấp huyện", "en": "District committees"})
    assert named.describe("vi") == "Mức xếp loại Good của nhóm UBND cấp huyện, ngưỡng: 75 → 78."


def test_renames_do_not_show_as_changed_references(tmp_path: Path) -> None:
    text = DRAFT.split("changes:")[0] + 'changes:\n  - {rename: criteria/3, to: "3s"}\n'
    diffs = differences(load_rulebook(write(tmp_path, "draft.yaml", text)))
    # tie_break ["3", "2"] and the gate on "3" follow the rename: only the rename itself differs
    assert rows(diffs) == [("renamed", "criteria/3s", "3", "3s")]


def test_two_rulebooks_written_apart(tmp_path: Path) -> None:
    text = (FIXTURES / "base.yaml").read_text(encoding="utf-8")
    text = text.replace('id: base-2024', 'id: other-2025')
    text = text.replace('      - id: "3.2"\n', '      - id: "3.2x"\n        was: ["3.2"]\n')
    text = text.replace('{vi: "Kế hoạch CCHC", en: "PAR plan"}', '{vi: "Kế hoạch", en: "Plan"}')
    text = text.replace("rule: {binary: {}}", "rule: {ratio: {if_zero_total: max}}")
    text = text.replace("ranking: {tie_break: [\"3\", \"2\"]}", "ranking: {tie_break: [\"3\"]}\ndisplay: {decimals: 1}")
    district_weak = '    - {id: weak, label: {vi: "Yếu", en: "Weak"}, min: 0}\n'
    text = text.split("bands_by_group:")[0] + text.split(district_weak)[-1]  # no district bands
    variant = load_rulebook(write(tmp_path, "other.yaml", text))
    base = load_rulebook(FIXTURES / "base.yaml")
    assert rows(compare_rulebooks(base, variant)) == [
        ("name", "criteria/1.1/name", {"vi": "Kế hoạch CCHC", "en": "PAR plan"}, {"vi": "Kế hoạch", "en": "Plan"}),
        ("rule", "criteria/2.2/rule", {"binary": {}}, {"ratio": {"if_zero_total": "max"}}),
        ("renamed", "criteria/3.2x", "3.2", "3.2x"),
        ("band", "bands_by_group/district", ["good", "weak"], None),
        ("setting", "ranking/tie_break", ["3", "2"], ["3"]),
        ("setting", "display/decimals", 2, 1),
    ]


def test_a_rulebook_that_is_not_derived_has_no_differences() -> None:
    assert differences(load_rulebook(FIXTURES / "base.yaml")) == []


def test_the_table_in_both_languages(tmp_path: Path) -> None:
    diffs = differences(load_rulebook(write(tmp_path, "draft.yaml", DRAFT)))
    vi, en = differences_frame(diffs, "vi"), differences_frame(diffs, "en")
    assert list(vi.columns) == ["Loại", "Đường dẫn", "Mã", "Bản gốc", "Phương án", "Mô tả"]
    assert list(en.columns) == ["Kind", "Path", "Id", "Base", "Variant", "Description"]
    assert len(vi) == len(en) == 9
    assert en.iloc[3].tolist() == ["added", "criteria/2.3", "2.3", "—", "1", diffs[3].describe("en")]
    assert vi.iloc[7, 0] == "bỏ"


def test_values_shown_without_float_noise() -> None:
    # at most 4 decimals, in the reader's notation: 40/3 is "13.3333", three thirds of 10 held to
    # 9 decimals (9.999999999) are "10"
    assert show(45.0, "en") == "45" and show(13.3333333333333, "en") == "13.3333" and show(0.25, "en") == "0.25"
    assert show(9.999999999, "en") == "10" and show(13.3333333333333, "vi") == "13,3333"
    assert show(1234.5, "en") == "1,234.5"
    assert show(True, "vi") == "có" and show(False, "en") == "no"
    assert show({"vi": "Tốt", "en": "Good"}, "en") == "Good"
    assert show({"binary": {}}, "en") == "{binary: {}}" and show(["3", "2"]) == "[3, 2]"
