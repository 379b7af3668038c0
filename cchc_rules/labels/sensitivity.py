"""Bilingual labels: Sobol studies, their chart and the `cchc sensitivity` command."""

from __future__ import annotations

from cchc_rules.labels.label import Catalogue, Label

# The Sobol chart and drivers table, and the inputs' names (used by cchc_rules/report/sobol_chart.py and
# cchc_rules/analysis/sobol.py).
SOBOL_CHART: Catalogue = {
    "title": Label(
        "Yếu tố nào quyết định thứ hạng và tỷ lệ xếp loại (chỉ số Sobol)",
        "Which input drives ranks and band shares (Sobol indices)",
    ),
    "note": Label(
        "Thanh: chỉ số tổng; vạch ngang: khoảng tin cậy {conf}%; vạch dọc: chỉ số bậc một. Đây là ước lượng từ "
        "{samples} mẫu: khoảng rộng nghĩa là chưa đủ mẫu để kết luận.",
        "Bar: total index; rule: {conf}% confidence interval; tick: first-order index. These are estimates from "
        "{samples} samples: a wide interval means too few samples to conclude.",
    ),
    "output": Label("Kết quả", "Output"),
    "factor": Label("Yếu tố bất định", "Uncertain input"),
    "total": Label("Chỉ số tổng", "Total index"),
    "first": Label("Chỉ số bậc một", "First-order index"),
    "low": Label("Cận dưới", "Lower bound"),
    "high": Label("Cận trên", "Upper bound"),
    "rank_of": Label("Hạng của {name}", "Rank of {name}"),
    "share_of": Label("Tỷ lệ xếp loại {band}", "Share of {band}"),
    "thresholds": Label("ngưỡng xếp loại", "band thresholds"),
    "noise": Label("nhiễu thẩm định", "appraisal noise"),
    "weight": Label("trọng số {node}", "weight of {node}"),
    "interval": Label("Khoảng tin cậy", "Confidence interval"),
    "reliable": Label("Tin được (khoảng hẹp)", "Reliable (narrow interval)"),
    "driver": Label("Yếu tố quyết định", "Main driver"),
    "yes": Label("có", "yes"),
    "no": Label("không — cần thêm mẫu", "no — more samples needed"),
    "weight_named": Label("trọng số {node} {name}", "weight of {node} {name}"),
}

# The columns of `cchc sensitivity`, in their order (used by cchc_rules/commands/sensitivity.py).
SENSITIVITY_COLUMNS: Catalogue = {
    "output": Label("Kết quả", "Output"),
    "input": Label("Yếu tố", "Input"),
    "total": Label("Chỉ số tổng", "Total index"),
    "interval": Label("Khoảng", "Interval"),
    "first": Label("Bậc một", "First order"),
    "reliable": Label("Tin được", "Reliable"),
}

# The text of `cchc sensitivity` (used by cchc_rules/commands/sensitivity.py).
SENSITIVITY: Catalogue = {
    "title": Label(
        "Chỉ số Sobol ({samples} mẫu, {evaluations} lần chấm; khoảng tin cậy {conf}%): yếu tố quyết định",
        "Sobol indices ({samples} samples, {evaluations} scorings; {conf}% confidence intervals): what drives",
    ),
    "note": Label(
        "Đây là ước lượng: chỉ kết luận khi khoảng tin cậy hẹp (cột 'tin được'); tăng --samples nếu khoảng rộng. Chỉ "
        "số tổng gồm cả tác động qua tương tác với yếu tố khác.",
        "These are estimates: conclude only where the interval is narrow (column 'reliable'); raise --samples when it "
        "is wide. The total index includes effects through interactions with other inputs.",
    ),
    "shares": Label("Tỷ lệ từng xếp loại", "Share of each band"),
    "ranks": Label(
        "Thứ hạng từng đơn vị (yếu tố có chỉ số tổng lớn nhất)",
        "Each unit's rank (the input with the largest total index)",
    ),
    "still": Label(
        "{n} đơn vị không đổi hạng (hoặc không được xếp hạng) trong mọi mẫu: không có chỉ số.",
        "{n} units keep their rank (or are not ranked) in every sample: no index.",
    ),
    "yes": Label("có", "yes"),
    "no": Label("không", "no"),
    "wrote": Label(
        "Đã ghi vào {path}/ (sobol.csv, drivers.csv, sobol.html)",
        "Written to {path}/ (sobol.csv, drivers.csv, sobol.html)",
    ),
}
