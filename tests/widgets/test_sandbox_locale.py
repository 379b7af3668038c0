"""The trainer's sandbox writes every number in its language: a slider's value beside it, levels as words."""

from __future__ import annotations

from ipywidgets import Dropdown, Widget

from cchc_rules.widgets.walkthrough import walkthrough

PROVINCE, DATA = "rulebooks/par-province-2024.yaml", "datasets/sample-province-2024"


def _find(widget: Widget, css: str) -> list[Widget]:
    found = [widget] if css in getattr(widget, "_dom_classes", ()) else []
    for child in getattr(widget, "children", ()):
        found += _find(child, css)
    return found


def test_slider_values_and_levels_in_words():
    app = walkthrough(rulebook=PROVINCE, dataset=DATA, unit="so-noi-vu", lang="vi").app
    # assessments.csv: so-noi-vu, 8.1 (SIPAS, a slider) = 96.4 at every stage; the slider's readout is off
    assert ">96,4<" in app.states["8.1"].value
    # 1.4 is a `levels` rule: its choices read as words, never the ids good / full / partial / none
    (levels,) = [w for w in _find(app.widget, "cchc-leaf-1-4") if isinstance(w, Dropdown)]
    words = [text.split(" (")[0] for text, _ in levels.options]
    assert words[0] == "Tốt" and not set(words) & {"good", "full", "partial", "none"}
