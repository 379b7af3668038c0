"""The editor's messages warn when the proposal's new criterion has no data (the digital draft's 7.7)."""

from __future__ import annotations

from pathlib import Path

from cchc_rules.data.load import load_dataset
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.widgets.editor import EditorApp
from cchc_rules.widgets.edits import Editor

ROOT = Path(__file__).resolve().parents[2]


def test_a_criterion_without_data_is_a_warning_in_the_editor():
    base = ROOT / "rulebooks" / "par-province-2024.yaml"
    data = load_dataset(ROOT / "datasets" / "sample-province-2024", load_rulebook(base))
    editor = Editor(base, data, start=ROOT / "rulebooks" / "proposals" / "digital-2025.yaml")
    warned = [p for p in editor.evaluation.problems if p.code == "A810"]
    assert len(warned) == 1 and warned[0].severity == "warning"
    for lang, words in (("en", "7.7: no data for 27 of 27 units: this comparison does not show its effect"),
                        ("vi", "7.7: không có dữ liệu cho 27 trên 27 đơn vị")):
        app = EditorApp(editor, lang=lang)
        app.refresh()
        assert words in app.messages.value
