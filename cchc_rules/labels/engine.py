"""Bilingual labels: the ledger of a unit's score, the report of the golden cases."""

from __future__ import annotations

from cchc_rules.labels.label import Catalogue, Label

# The ledger of a unit's score (used by cchc_rules/engine/explain.py).
LEDGER: Catalogue = {
    "yes": Label("có", "yes"),
    "no": Label("không", "no"),
    "none": Label("—", "—"),
    "ladder_rest": Label("còn lại", "the rest"),
    "leaf": Label("tiêu chí", "criterion"),
    "adjustment": Label("điều chỉnh", "adjustment"),
    "index": Label("chỉ số", "index"),
    "band": Label("xếp loại", "band"),
    "gate": Label("điều kiện", "gate"),
    "quota": Label("hạn mức", "quota"),
    "tie_break": Label("phân định đồng điểm", "tie-break"),
    "rank": Label("thứ hạng", "rank"),
    "structural": Label("không áp dụng cho nhóm", "does not apply to the group"),
    "na_rescale": Label("NA: loại khỏi điểm tối đa", "NA: out of the maximum"),
    "zt_na": Label("tổng bằng 0: loại khỏi điểm tối đa", "zero total: out of the maximum"),
    "miss_na": Label("không có giá trị: coi như NA", "no value: treated as NA"),
    "na_zero": Label("NA: tính 0 điểm", "NA: counts 0"),
    "zt_max": Label("tổng bằng 0: tính điểm tối đa", "zero total: counts the max"),
    "zt_zero": Label("tổng bằng 0: tính 0 điểm", "zero total: counts 0"),
    "miss_zero": Label("không có giá trị: 0 điểm", "no value: 0 points"),
    "miss_max": Label("không có giá trị: điểm tối đa", "no value: the max"),
    "relative": Label("so với nhóm: kém nhất {low}, tốt nhất {high}", "against the group: worst {low}, best {high}"),
    "linear": Label("{share} của khoảng {lo} → {hi}", "{share} of the span {lo} → {hi}"),
    "deduct": Label("{count} × {per}", "{count} × {per}"),
    "index_calc": Label(
        "{earned} / {possible} × {scale} = {base}; điều chỉnh {adj}; chỉ số {index} → công bố {published}",
        "{earned} / {possible} × {scale} = {base}; adjustments {adj}; index {index} → published {published}",
    ),
    "band_got": Label("xếp loại: {band}", "band: {band}"),
    "band_none": Label("không đạt mức xếp loại nào", "no band qualifies"),
    "below": Label("mức {band}: chỉ số {key} < ngưỡng {min}", "band {band}: index {key} < threshold {min}"),
    "gate_flag": Label(
        "mức {band}: cần cờ '{flag}' = {want}, thực tế {got}",
        "band {band}: needs flag '{flag}' = {want}, has {got}",
    ),
    "gate_share": Label(
        "mức {band}: nút {node} đạt {share} < tỉ lệ tối thiểu {min}",
        "band {band}: node {node} has share {share} < minimum {min}",
    ),
    "gate_min": Label(
        "mức {band}: nút {node} đạt {points} < {min} điểm",
        "band {band}: node {node} has {points} < {min} points",
    ),
    "gate_zero": Label(
        "mức {band}: nút {node} có {zeros} tiêu chí 0 điểm > tối đa {max}",
        "band {band}: node {node} has {zeros} zero leaves > at most {max}",
    ),
    "demoted": Label(
        "hạn mức mức {band}: được {allowed}/{count} đơn vị; thứ hạng {rank}{tied} → {to}",
        "quota of band {band}: {allowed} of {count} units allowed; rank {rank}{tied} → {to}",
    ),
    "tied": Label(" (đồng hạng tại ranh giới)", " (tied at the boundary)"),
    "tb_won": Label(
        "cùng chỉ số với {other}: phân định bằng nút {node} ({mine} > {theirs})",
        "same index as {other}: separated by node {node} ({mine} > {theirs})",
    ),
    "tb_lost": Label(
        "cùng chỉ số với {other}: phân định bằng nút {node} ({mine} < {theirs})",
        "same index as {other}: separated by node {node} ({mine} < {theirs})",
    ),
    "tb_equal": Label(
        "cùng chỉ số và cùng điểm các nút phân định với {other}: đồng hạng",
        "same index and tie-break points as {other}: they share the place",
    ),
    "rank_is": Label("thứ hạng {rank}", "rank {rank}"),
    "unranked": Label("không xếp hạng", "not ranked"),
    "node": Label("tổng", "subtotal"),
    "sum_of": Label("tổng các tiêu chí con {sum}", "children add up to {sum}"),
    "capped": Label("giới hạn tối đa {max}: {sum} → {points}", "capped at {max}: {sum} → {points}"),
    "best": Label(
        "lấy {k} tiêu chí tốt nhất trong {n}: giữ {kept}; bỏ {dropped}",
        "best {k} of {n} children: kept {kept}; dropped {dropped}",
    ),
    "floor": Label("điểm sàn {floor}: {sum} → {points}", "floor {floor}: {sum} → {points}"),
    "node_out": Label("không tính vào điểm tối đa của đơn vị", "out of the unit's maximum"),
    "excluded": Label(
        "không xếp hạng: đơn vị mang cờ '{flag}' (ranking.exclude_flag)",
        "not ranked: the unit carries the flag '{flag}' (ranking.exclude_flag)",
    ),
    "unscored": Label(
        "không được chấm điểm: không có tiêu chí nào được tính, nên không xếp loại, không xếp hạng",
        "unscored: no criterion counts, so no band and no rank",
    ),
    "head": Label(
        "Đơn vị {unit} ({name}), nhóm {group}, giai đoạn {stage}: chỉ số {published}, {band}, {rank}",
        "Unit {unit} ({name}), group {group}, stage {stage}: index {published}, {band}, {rank}",
    ),
}

# The report of the golden cases (used by cchc_rules/golden/run.py).
GOLDEN: Catalogue = {
    "expected": Label("mong đợi", "expected"),
    "got": Label("nhận được", "got"),
    "differs": Label("KHÁC", "DIFFERS"),
    "ledger": Label("Sổ tính điểm của đơn vị", "Ledger of unit"),
}
