"""The editor offers every change kind in plain words and says when something else decides.

The tiny rulebook of conftest.py: unit A (appraised) scores 16 + 12 + 20 + 32 = 80 of 100, good.
"""

from __future__ import annotations

import pytest

from cchc_rules.dsl.load import load_rulebook
from cchc_rules.report.change_text import decided_elsewhere, sentence
from cchc_rules.widgets.editor import EditorApp
from cchc_rules.widgets.edits import Editor

PROVINCE = "rulebooks/par-province-2024.yaml"


@pytest.fixture()
def editor(tiny_path, tiny_data):
    return Editor(tiny_path, tiny_data)


def test_every_kind_of_change_from_the_app(editor):
    app = EditorApp(editor, "vi", delay=0)
    tabs = app.tabs.children
    assert len(tabs) == 7 and app.tabs.titles == (
        "Điểm tối đa", "Chuyển điểm", "Ngưỡng bậc thang", "Ngưỡng xếp loại", "Điều kiện xếp loại", "Thêm tiêu chí",
        "Bỏ, chuyển, đổi mã")
    source, target, row = tabs[1].children
    source.value, target.value = "1.1", "1.2"
    row.children[0].value = 4
    row.children[1].click()
    assert editor.changes[-1] == {"transfer": 4, "from": "1.1", "to": "1.2"}
    under, ident, name_vi, name_en, row = tabs[5].children
    under.value, ident.value, name_vi.value, name_en.value = "2", "2.3", "Mới", "New"
    row.children[0].value = 5
    row.children[1].click()
    assert editor.changes[-1] == {"add": {"id": "2.3", "code": "2.3", "name": {"vi": "Mới", "en": "New"}, "max": 5,
                                          "rule": {"binary": {}}}, "under": "2"}
    node, remove, move_row, rename_row = tabs[6].children
    (move_under, move), (new_id, rename) = move_row.children, rename_row.children
    node.value = "2.1"
    new_id.value = "2.1b"
    rename.click()
    assert editor.changes[-1] == {"rename": "criteria/2.1", "to": "2.1b"}
    node.value, move_under.value = "2.2", "1"
    move.click()
    assert editor.changes[-1] == {"move": "criteria/2.2", "under": "1"}
    node.value = "1.1"
    remove.click()
    assert editor.changes[-1] == {"remove": "criteria/1.1"}
    assert not editor.evaluation.errors, [p.what("en") for p in editor.evaluation.errors]
    # the pending changes as sentences, never YAML
    shown = app.edits_html.value
    assert "Bỏ tiêu chí 1.1 «Kế hoạch» (và mọi tiêu chí con)." in shown
    assert "Đổi mã tiêu chí 2.1 «Tuyên truyền» thành 2.1b." in shown
    assert "rename:" not in shown and "criteria/" not in shown


def test_removing_a_criterion_rescored_by_hand(editor):
    editor.remove_node("1.1")
    units = editor.evaluation.result.units.set_index("unit_id")
    # A without 1.1 (16 points): 12 + 20 + 32 = 64 of 84 → 76.19, below good's 80: fair
    assert units.loc["A", "index"] == pytest.approx(64 / 84 * 100, abs=1e-9)
    assert units.loc["A", "band"] == "fair"
    assert editor.evaluation.comparison.summary["band_changes"] == 1


def test_sentences_in_both_languages():
    rb = load_rulebook(PROVINCE)
    assert sentence({"transfer": 0.5, "from": "3.2", "to": "3.1"}, rb, "vi") == (
        "Chuyển 0,5 điểm tối đa từ tiêu chí 3.2 «Kết quả giải quyết thủ tục hành chính» sang tiêu chí 3.1 "
        "«Công bố, công khai thủ tục hành chính».")
    assert sentence({"set": "bands/excellent/min", "to": 92}, rb, "en") == (
        "Band Excellent (common list) starts at 92 points.")
    assert sentence({"set": "criteria/3.1.1/rule/ladder/1/min", "to": 85.5}, rb, "vi") == (
        "Ngưỡng bậc 2 của tiêu chí 3.1.1 «Tỷ lệ TTHC được công bố đúng thời hạn» thành 85,5.")
    assert sentence({"reweight": "criteria/8", "to": 40}, rb, "en").startswith("The maximum of criterion 8 ")


def test_own_thresholds_and_quota_explained():
    """The districts grade on their own list: an edit of the common Excellent changes none of them."""
    rb = load_rulebook(PROVINCE)
    notes = decided_elsewhere({"set": "bands/excellent/min", "to": 92}, rb, "vi")
    assert any(n.startswith("Nhóm UBND cấp huyện có ngưỡng xếp loại riêng") for n in notes)
    assert any("hạn mức: tối đa 20%" in n for n in notes)
    own = decided_elsewhere({"set": "bands_by_group/district/excellent/min", "to": 88}, rb, "en")
    assert len(own) == 1 and own[0].startswith("Band Excellent (group District")
    fair = decided_elsewhere({"set": "bands/fair/min", "to": 65}, rb, "en")  # no quota on Fair: the districts only
    assert len(fair) == 1 and fair[0].startswith("Group District people's committees has its own band thresholds")
    assert decided_elsewhere({"reweight": "criteria/8", "to": 40}, rb, "vi") == []
