"""Bilingual labels: columns, bins and figures of a comparison, kinds of difference between two rulebooks."""

from __future__ import annotations

from cchc_rules.labels.label import Catalogue, Label

# Columns, bins and figures of a comparison (used by cchc_rules/report/labels.py).
COMPARISON: Catalogue = {
    "unit_id": Label("Mã", "ID"),
    "name": Label("Đơn vị", "Unit"),
    "group": Label("Nhóm", "Group"),
    "index_base": Label("Chỉ số (gốc)", "Index (base)"),
    "index_variant": Label("Chỉ số (phương án)", "Index (variant)"),
    "index_delta": Label("Chênh lệch chỉ số", "Index change"),
    "rank_base": Label("Hạng (gốc)", "Rank (base)"),
    "rank_variant": Label("Hạng (phương án)", "Rank (variant)"),
    "rank_shift": Label("Thay đổi hạng", "Rank shift"),
    "band_base": Label("Xếp loại (gốc)", "Band (base)"),
    "band_variant": Label("Xếp loại (phương án)", "Band (variant)"),
    "band_changed": Label("Đổi xếp loại", "Band changed"),
    "bin": Label("Nhóm thay đổi", "Movement"),
    "present": Label("Có mặt", "Present"),
    "predecessors": Label("Đơn vị trước sáp nhập", "Units before the merger"),
    "up_gt3": Label("Lên hơn 3 bậc", "Up more than 3 places"),
    "up_1_3": Label("Lên 1–3 bậc", "Up 1–3 places"),
    "unchanged": Label("Giữ nguyên", "Unchanged"),
    "down_1_3": Label("Xuống 1–3 bậc", "Down 1–3 places"),
    "down_gt3": Label("Xuống hơn 3 bậc", "Down more than 3 places"),
    "not_comparable": Label("Không so sánh được", "Not comparable"),
    "both": Label("Cả hai", "Both"),
    "base": Label("Chỉ bên gốc", "Base only"),
    "variant": Label("Chỉ bên phương án", "Variant only"),
    "kendall_tau": Label("Hệ số Kendall tau giữa hai thứ hạng", "Kendall tau of the rankings"),
    "spearman": Label("Hệ số Spearman giữa hai thứ hạng", "Spearman correlation of the rankings"),
    "band_changes": Label("Số đơn vị đổi xếp loại", "Units changing band"),
    "mean_abs_rank_shift": Label("Thay đổi hạng trung bình (trị tuyệt đối)", "Mean absolute rank shift"),
    "mean_index_delta": Label("Chênh lệch chỉ số trung bình", "Mean index change"),
    "units_base": Label("Số đơn vị (gốc)", "Units (base)"),
    "units_variant": Label("Số đơn vị (phương án)", "Units (variant)"),
    "units_matched": Label("Số đơn vị có ở cả hai bên", "Units on both sides"),
    "movers_up": Label("Lên hạng nhiều nhất", "Largest moves up"),
    "movers_down": Label("Xuống hạng nhiều nhất", "Largest moves down"),
    "summary": Label("Tóm tắt", "Summary"),
    "figure": Label("Chỉ tiêu", "Figure"),
    "value": Label("Giá trị", "Value"),
    "item": Label("Mục", "Item"),
    "applicable_max": Label("Do thay đổi điểm tối đa áp dụng", "Change of the applicable maximum"),
    "adjustments": Label("Điểm thưởng, điểm trừ", "Bonus and penalty points"),
    "clamping": Label("Giới hạn trong thang điểm (và làm tròn)", "Clamping to the scale (and rounding)"),
    "contribution_base": Label("Đóng góp (gốc)", "Contribution (base)"),
    "contribution_variant": Label("Đóng góp (phương án)", "Contribution (variant)"),
    "delta": Label("Phần chênh lệch", "Share of the change"),
    "points_base": Label("Điểm (gốc)", "Points (base)"),
    "points_variant": Label("Điểm (phương án)", "Points (variant)"),
    "max_base": Label("Tối đa (gốc)", "Maximum (base)"),
    "max_variant": Label("Tối đa (phương án)", "Maximum (variant)"),
    "side_base": Label("Gốc", "Base"),
    "side_variant": Label("Phương án", "Variant"),
    "side": Label("Bên", "Side"),
    "rank": Label("Hạng", "Rank"),
    "index": Label("Chỉ số", "Index"),
    "band": Label("Xếp loại", "Band"),
    "units": Label("Số đơn vị", "Units"),
    "count": Label("Số đơn vị", "Number of units"),
    "moved_up": Label("lên", "up"),
    "moved_down": Label("xuống", "down"),
    "stayed": Label("giữ nguyên", "unchanged"),
    "transitions": Label("Chuyển đổi xếp loại", "Band transitions"),
    "rulebook_diff": Label("Khác biệt giữa hai bộ tiêu chí", "Differences between the rulebooks"),
    "no_diff": Label("Hai bên dùng cùng một bộ tiêu chí.", "Both sides use the same rulebook."),
    "title_slope": Label("Thứ hạng: gốc → phương án", "Ranks: base → variant"),
    "title_slope_top": Label(
        "Thứ hạng: gốc → phương án ({n} đơn vị thay đổi nhiều nhất trên {total})",
        "Ranks: base → variant (the {n} largest movers of {total})",
    ),
    "title_heatmap": Label("Chuyển đổi xếp loại", "Band transitions"),
    "title_bins": Label("Đơn vị lên hạng, xuống hạng", "Winners and losers"),
    "title_waterfall": Label("Vì sao chỉ số của {unit} thay đổi", "Why the index of {unit} changed"),
    "title_sweep": Label("Số đơn vị theo xếp loại khi thay đổi {path}", "Units per band as {path} varies"),
    "start": Label("Chỉ số gốc", "Base index"),
    "end": Label("Chỉ số phương án", "Variant index"),
    "from": Label("Từ", "From"),
    "to": Label("Đến", "To"),
    "variant_id": Label("Phương án", "Variant"),
    "swept_value": Label("Giá trị thử", "Value tried"),
    "units_left_out": Label(
        "Số đơn vị không tính vào các giá trị trung bình và hệ số tương quan (không được xếp hạng ở cả hai bên)",
        "Units left out of the means and correlations (not ranked on both sides)",
    ),
    "pct_rank_base": Label("Hạng theo % (gốc)", "Percentile rank (base)"),
    "pct_rank_variant": Label("Hạng theo % (phương án)", "Percentile rank (variant)"),
    "aggregation": Label("Giới hạn tối đa, điểm sàn, chọn k tốt nhất và làm tròn", "Caps, floors, best-k and rounding"),
    "change_of": Label(
        "{unit} ({name}): {base} → {variant} ({delta})",
        "{unit} ({name}): {base} → {variant} ({delta})",
    ),
    "by_criterion": Label(
        "Thay đổi chỉ số theo lĩnh vực, tiêu chí và tiêu chí thành phần",
        "Index change by field, criterion and sub-criterion",
    ),
    "warnings": Label("Cảnh báo", "Warnings"),
}

# Kinds of difference between two rulebooks (used by cchc_rules/dsl/diff.py).
CHANGE_KINDS: Catalogue = {
    "added": Label("thêm", "added"),
    "removed": Label("bỏ", "removed"),
    "renamed": Label("đổi mã", "renamed"),
    "moved": Label("chuyển chỗ", "moved"),
    "max": Label("điểm tối đa", "maximum"),
    "name": Label("tên", "name"),
    "rule": Label("cách chấm", "scoring rule"),
    "attribute": Label("thuộc tính", "attribute"),
    "band": Label("xếp loại", "band"),
    "adjustment": Label("điểm cộng/trừ", "adjustment"),
    "setting": Label("thiết lập", "setting"),
}

# What a difference between rulebooks is about (used by cchc_rules/dsl/diff.py).
DIFF_SUBJECTS: Catalogue = {
    "node": Label("tiêu chí {id}", "criterion {id}"),
    "band": Label("mức xếp loại {id}", "band {id}"),
    "adjustment": Label("điểm cộng/trừ {id}", "adjustment {id}"),
}

# A difference between rulebooks as a sentence (used by cchc_rules/dsl/diff.py).
DIFF_SENTENCES: Catalogue = {
    "added": Label("Thêm {subject}{detail}.", "Added {subject}{detail}."),
    "removed": Label("Bỏ {subject}.", "Removed {subject}."),
    "renamed": Label("Đổi mã {base} thành {variant}{name}.", "Renamed {base} to {variant}{name}."),
    "moved": Label(
        "Chuyển {subject} từ dưới {base} sang dưới {variant}.",
        "Moved {subject} from under {base} to under {variant}.",
    ),
    "max": Label("Điểm tối đa của {subject}: {base} → {variant}.", "Maximum of {subject}: {base} → {variant}."),
    "name": Label("Tên của {bare}: «{base}» → «{variant}».", "Name of {bare}: “{base}” → “{variant}”."),
    "rule": Label(
        "Cách chấm của {subject}, {field}: {base} → {variant}.",
        "Scoring rule of {subject}, {field}: {base} → {variant}.",
    ),
    "item": Label("{subject}, {field}: {base} → {variant}.", "{subject}, {field}: {base} → {variant}."),
    "setting": Label("{path}: {base} → {variant}.", "{path}: {base} → {variant}."),
}

# The detail of an added criterion or band (used by cchc_rules/dsl/diff.py).
DIFF_DETAILS: Catalogue = {
    "node": Label(", tối đa {v} điểm", ", maximum {v}"),
    "band": Label(", từ {v}", ", from {v}"),
}

# Fields of a band or an adjustment named in a difference (used by cchc_rules/dsl/diff.py).
DIFF_FIELDS: Catalogue = {
    "min": Label("ngưỡng", "minimum"),
    "when": Label("điều kiện", "conditions"),
    "quota": Label("hạn mức", "quota"),
    "quantile": Label("phân vị", "quantile"),
    "label": Label("tên", "label"),
    "points": Label("điểm", "points"),
}
