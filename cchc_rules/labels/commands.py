"""Bilingual labels: the table of `cchc score`."""

from __future__ import annotations

from cchc_rules.labels.label import Catalogue, Label

# The table of `cchc score` (used by cchc_rules/commands/score.py).
SCORE: Catalogue = {
    "unit_id": Label("Mã", "ID"),
    "name": Label("Đơn vị", "Unit"),
    "group": Label("Nhóm", "Group"),
    "published": Label("Chỉ số", "Index"),
    "band": Label("Xếp loại", "Band"),
    "rank": Label("Hạng", "Rank"),
    "title": Label("Kết quả chấm điểm", "Scores"),
    "stage": Label("giai đoạn", "stage"),
    "units": Label("đơn vị", "units"),
}
