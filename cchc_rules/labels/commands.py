"""Bilingual labels: the tables of `cchc score`, `cchc uncertainty`, `cchc remove-one`, `cchc dead-criteria`."""

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

# The columns of `cchc uncertainty`, `remove-one`, `dead-criteria` (used by cchc_rules/commands/analyses.py).
ANALYSES_COLUMNS: Catalogue = {
    "unit_id": Label("Mã", "ID"),
    "name": Label("Tên", "Name"),
    "group": Label("Nhóm", "Group"),
    "index": Label("Chỉ số", "Index"),
    "band": Label("Xếp loại", "Band"),
    "rank": Label("Hạng", "Rank"),
    "rank_median": Label("Hạng trung vị", "Median rank"),
    "rank_p05": Label("Hạng (5%)", "Rank (5%)"),
    "rank_p95": Label("Hạng (95%)", "Rank (95%)"),
    "index_median": Label("Chỉ số trung vị", "Median index"),
    "index_p05": Label("Chỉ số (5%)", "Index (5%)"),
    "index_p95": Label("Chỉ số (95%)", "Index (95%)"),
    "node_id": Label("Mã nút", "Node"),
    "code": Label("Số hiệu", "Code"),
    "depth": Label("Cấp", "Level"),
    "parent": Label("Thuộc", "Under"),
    "max": Label("Điểm tối đa", "Maximum"),
    "units": Label("Số đơn vị", "Units"),
    "mean_abs_rank_shift": Label("Thay đổi hạng TB (trị tuyệt đối)", "Mean abs. rank shift"),
    "max_abs_rank_shift": Label("Thay đổi hạng lớn nhất", "Largest rank shift"),
    "band_changes": Label("Số đơn vị đổi xếp loại", "Band changes"),
    "mean_index_delta": Label("Thay đổi chỉ số TB", "Mean index change"),
    "referenced_by": Label("Được nhắc đến ở", "Referenced by"),
    "leaf": Label("Tiêu chí lá", "Leaf"),
    "points": Label("Điểm chung", "Common points"),
    "parent_dead": Label("Nút cha cũng không phân biệt", "Parent also dead"),
}

# Their titles (used by cchc_rules/commands/analyses.py).
ANALYSES_TITLES: Catalogue = {
    "uncertainty": Label(
        "Độ bất định: hạng trung vị, khoảng 5–95% và xác suất xếp loại ({draws} lần rút, seed {seed})",
        "Uncertainty: median rank, 5–95% interval and band probabilities ({draws} draws, seed {seed})",
    ),
    "remove-one": Label(
        "Bỏ từng tiêu chí: thứ hạng và xếp loại thay đổi thế nào",
        "Remove one criterion at a time: how ranks and bands move",
    ),
    "dead-criteria": Label(
        "Tiêu chí không phân biệt được các đơn vị (mọi đơn vị của nhóm cùng điểm)",
        "Criteria that do not discriminate (every unit of the group has the same points)",
    ),
}

# Their other words (used by cchc_rules/commands/analyses.py).
ANALYSES: Catalogue = {
    "none": Label("Không có.", "None."),
    "wrote": Label("Đã ghi vào {path}/ ({files})", "Written to {path}/ ({files})"),
    "no_band": Label("không xếp loại", "no band"),
}
