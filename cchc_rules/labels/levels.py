"""Bilingual labels: stages of scoring, levels of a `levels` rule."""

from __future__ import annotations

from cchc_rules.labels.label import Catalogue, Label

# Stages of scoring (used by cchc_rules/i18n.py).
STAGES: Catalogue = {
    "self": Label("Tự đánh giá", "Self-assessment"),
    "appraisal": Label("Thẩm định", "Appraisal"),
    "appraisal_1": Label("Thẩm định vòng 1", "Appraisal, round 1"),
    "appraisal_2": Label("Thẩm định vòng 2", "Appraisal, round 2"),
}

# Levels of a `levels` rule (used by cchc_rules/i18n.py).
LEVELS: Catalogue = {
    "good": Label("Tốt", "Good"),
    "full": Label("Đầy đủ", "Full"),
    "partial": Label("Một phần", "Partial"),
    "none": Label("Không", "None"),
}
