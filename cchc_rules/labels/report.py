"""Bilingual labels: the scenario report and index page, the rank-uncertainty chart, values a policy filled."""

from __future__ import annotations

from cchc_rules.labels.label import Catalogue, Label

# The scenario report and the index page (used by cchc_rules/report/html.py).
SCENARIO_REPORT: Catalogue = {
    "report": Label("Báo cáo kịch bản", "Scenario report"),
    "overview": Label("Tổng quan", "Overview"),
    "question": Label("Câu hỏi", "Question"),
    "baseline": Label("Bộ tiêu chí gốc", "Baseline rulebook"),
    "data": Label("Dữ liệu", "Data"),
    "stage": Label("Giai đoạn chấm", "Stage scored"),
    "units": Label("Số đơn vị", "Units"),
    "illustrative": Label(
        "Bộ tiêu chí minh họa và dữ liệu mẫu: không phải kết quả chính thức.",
        "Illustrative rulebook and sample data: not official results.",
    ),
    "headline": Label("Các phương án so với phương án gốc", "Variants against the baseline"),
    "variant": Label("Phương án", "Variant"),
    "band_changes": Label("Đổi xếp loại", "Band changes"),
    "kendall_tau": Label("Kendall tau", "Kendall tau"),
    "spearman": Label("Spearman", "Spearman"),
    "mean_abs_rank_shift": Label("Thay đổi hạng TB", "Mean abs. rank shift"),
    "units_up": Label("Lên hạng", "Moved up"),
    "units_down": Label("Xuống hạng", "Moved down"),
    "bands": Label("Xếp loại theo phương án gốc", "Bands under the baseline"),
    "band": Label("Xếp loại", "Band"),
    "count": Label("Số đơn vị", "Units"),
    "figures": Label("Số liệu chính", "Headline figures"),
    "bins": Label("Lên, xuống hạng", "Up and down"),
    "transitions": Label("Chuyển xếp loại", "Band transitions"),
    "units_table": Label("Từng đơn vị", "Unit by unit"),
    "diff": Label("Khác biệt giữa hai bộ tiêu chí", "How the rulebooks differ"),
    "waterfall_of": Label("Vì sao {name} thay đổi", "Why {name} changed"),
    "by_criterion_of": Label(
        "Thay đổi của {name} theo lĩnh vực, tiêu chí và tiêu chí thành phần",
        "The change of {name} by field, criterion and sub-criterion",
    ),
    "sweep": Label("Quét tham số", "Sweep"),
    "sweep_table": Label("Số đơn vị theo xếp loại ở từng giá trị", "Units per band at each value"),
    "uncertainty": Label("Độ bất định", "Uncertainty"),
    "uncertainty_of": Label("Độ bất định: {side}", "Uncertainty: {side}"),
    "uncertainty_note": Label(
        "{draws} lần rút ngẫu nhiên, seed {seed}; hạng trung vị với khoảng 5–95%.",
        "{draws} random draws, seed {seed}; median rank with its 5–95% interval.",
    ),
    "noise_note": Label(
        "Nhiễu thẩm định: mô phỏng một lần thẩm định thứ hai, độc lập, trên cùng minh chứng. Điểm mỗi tiêu chí dạng số "
        "dịch chuyển theo phân phối chuẩn, độ lệch chuẩn {sd} điểm{calibrated}, làm tròn theo bậc của quy tắc (cả bậc "
        "thang, cả lỗi), tăng hay giảm đều như nhau và theo cặp đối xứng: nhiễu làm rộng khoảng tin cậy nhưng không "
        "dịch chuyển trung vị.",
        "Appraisal noise: what a second, independent appraisal of the same evidence might have given. Each numeric "
        "criterion's points move by a normal amount with a standard deviation of {sd} points{calibrated}, rounded to "
        "the rule's grain (whole ladder steps, whole faults), as likely up as down and in mirrored pairs: the noise "
        "widens the intervals but does not move the medians.",
    ),
    "calibrated": Label(
        "(hiệu chỉnh từ chênh lệch giữa điểm tự chấm và điểm thẩm định trong dữ liệu)",
        "(calibrated from the gaps between self-assessed and appraised values in the data)",
    ),
    "files": Label("Tệp kết quả", "Result files"),
    "index": Label("Các kịch bản", "Scenarios"),
    "scenario": Label("Kịch bản", "Scenario"),
    "status": Label("Trạng thái", "Status"),
    "ok": Label("xong", "done"),
    "failed": Label("lỗi", "failed"),
    "links": Label("Tệp", "Files"),
    "error": Label("Lỗi", "Error"),
    "notebook": Label("sổ tay", "notebook"),
    "summary": Label("tóm tắt", "summary"),
    "html": Label("báo cáo", "report"),
    "generated": Label("Tạo bởi cchc-rules.", "Made by cchc-rules."),
    "rank_median": Label("Hạng trung vị", "Median rank"),
    "rank_p05": Label("Hạng (5%)", "Rank (5%)"),
    "rank_p95": Label("Hạng (95%)", "Rank (95%)"),
    "rank": Label("Hạng gốc", "Baseline rank"),
    "name": Label("Đơn vị", "Unit"),
    "unit_id": Label("Mã", "ID"),
    "gaps_criteria": Label(
        "Giá trị được điền theo quy định khi thiếu dữ liệu, theo tiêu chí",
        "Values filled by the missing policy, by criterion",
    ),
    "gaps_units": Label(
        "Giá trị được điền theo quy định khi thiếu dữ liệu, theo đơn vị",
        "Values filled by the missing policy, by unit",
    ),
    "no_gaps": Label(
        "Không có giá trị nào được điền theo quy định khi thiếu dữ liệu.",
        "No value was filled by a missing policy.",
    ),
    "fact": Label("Thông tin", "About"),
    "fact_value": Label("Nội dung", "Detail"),
}

# The rank-uncertainty chart (used by cchc_rules/report/uncertainty_chart.py).
UNCERTAINTY_CHART: Catalogue = {
    "title": Label("Độ bất định của thứ hạng ({group})", "Rank uncertainty ({group})"),
    "subtitle": Label(
        "Thanh: khoảng 5–95% của hạng; chấm: trung vị; vạch: hạng gốc ({draws} lần mô phỏng)",
        "Bar: 5–95% rank interval; dot: median; tick: baseline rank ({draws} draws)",
    ),
    "unit": Label("Đơn vị", "Unit"),
    "rank": Label("Hạng", "Rank"),
    "rank_median": Label("Hạng trung vị", "Median rank"),
    "rank_p05": Label("Hạng (phân vị 5%)", "Rank (5th percentile)"),
    "rank_p95": Label("Hạng (phân vị 95%)", "Rank (95th percentile)"),
    "baseline": Label("Hạng gốc", "Baseline rank"),
    "band": Label("Xếp loại", "Band"),
    "probability": Label("Xác suất", "Probability"),
    "none": Label("Không xếp loại", "No band"),
    "all": Label("tất cả", "all"),
}

# Values filled by a missing policy (used by cchc_rules/report/gaps.py).
GAPS: Catalogue = {
    "note": Label(
        "Lưu ý: {values} được điền theo quy định khi thiếu dữ liệu (missing), ở {units}.",
        "Note: {values} filled by the missing policy, in {units}.",
    ),
    "none": Label(
        "Không có giá trị nào được điền theo quy định khi thiếu dữ liệu.",
        "No value was filled by a missing policy.",
    ),
    "by_criterion": Label("  theo tiêu chí: {items}", "  by criterion: {items}"),
    "by_unit": Label("  theo đơn vị: {items}", "  by unit: {items}"),
    "more": Label("và {n} mục khác", "and {n} more"),
    "value": Label("giá trị", "value"),
    "values": Label("giá trị", "values"),
    "unit": Label("đơn vị", "unit"),
    "units": Label("đơn vị", "units"),
    "criterion": Label("Tiêu chí", "Criterion"),
    "name": Label("Tên", "Name"),
    "group": Label("Nhóm", "Group"),
    "policy": Label("Quy định khi thiếu", "Missing policy"),
    "filled": Label("Số giá trị được điền", "Values filled"),
    "of": Label("Trên số đơn vị áp dụng", "Of units it applies to"),
    "no_data": Label("Không có dữ liệu nào", "No data at all"),
    "unit_id": Label("Mã", "ID"),
    "unit_name": Label("Đơn vị", "Unit"),
    "yes": Label("có", "yes"),
    "no": Label("không", "no"),
    "zero": Label("0 điểm", "0 points"),
    "max": Label("điểm tối đa", "the maximum"),
    "na": Label("coi như không áp dụng", "treated as not applicable"),
    "error": Label("lỗi", "error"),
}
