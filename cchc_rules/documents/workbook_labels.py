"""The words of the self-assessment workbook, in Vietnamese and English."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "code": "Mã",
        "name": "Tiêu chí",
        "max": "Điểm tối đa",
        "how": "Cách chấm điểm",
        "points": "Điểm",
        "remark": "Lưu ý",
        "required": "Tài liệu kiểm chứng cần có, hướng dẫn",
        "evidence": "Tài liệu kiểm chứng đã nộp",
        "note": "Ghi chú: {stage}",
        "value": "Giá trị dùng",
        "appl": "Tối đa áp dụng",
        "unit": "Đơn vị: {name} ({id}) · Nhóm: {group}",
        "index": "Chỉ số (tạm tính)",
        "earned": "Điểm đạt",
        "possible": "Tối đa áp dụng",
        "band": "Xếp loại (tạm tính, chưa xét giới hạn số lượng)",
        "at_export": "Khi lập sổ: chỉ số {index}, xếp loại {band}, hạng {rank}",
        "help": (
            "Nhập vào ô màu vàng: giá trị của từng bước chấm điểm (NA nếu tiêu chí không áp dụng), tài liệu kiểm "
            "chứng và ghi chú. Điểm và chỉ số tự tính lại; điểm chính thức do cchc tính khi chấm."
        ),
        "adjustments": "Điểm thưởng, điểm trừ (điểm chỉ số)",
        "guidance": "Hướng dẫn",
        "sample": "TÀI LIỆU MẪU: bộ tiêu chí minh hoạ",
        "na_help": "Chọn trong danh sách, hoặc NA nếu không áp dụng",
        "num_help": "Nhập một số, hoặc NA nếu không áp dụng",
        "bad": "Giá trị không hợp lệ cho tiêu chí này",
        "no_result": "(chưa tính: cần dữ liệu điều tra / các đơn vị khác)",
        "summary": "Tổng hợp",
        "unit_id": "Mã đơn vị",
        "unit_name": "Tên đơn vị",
        "group": "Nhóm",
    },
    "en": {
        "code": "Code",
        "name": "Criterion",
        "max": "Max points",
        "how": "How it is scored",
        "points": "Points",
        "remark": "Remark",
        "required": "Evidence required, guidance",
        "evidence": "Evidence provided",
        "note": "Note: {stage}",
        "value": "Value used",
        "appl": "Applicable max",
        "unit": "Unit: {name} ({id}) · Group: {group}",
        "index": "Index (running)",
        "earned": "Points earned",
        "possible": "Applicable maximum",
        "band": "Band (running, before quotas)",
        "at_export": "When the workbook was made: index {index}, band {band}, rank {rank}",
        "help": (
            "Type in the yellow cells: the value at each stage (NA when the criterion does not apply), the evidence "
            "and notes. Points and index update as you type; the official score is computed by cchc."
        ),
        "adjustments": "Bonus and penalty (index points)",
        "guidance": "Guidance",
        "sample": "SAMPLE DOCUMENT: an illustrative criteria set",
        "na_help": "Pick from the list, or NA when it does not apply",
        "num_help": "Type a number, or NA when it does not apply",
        "bad": "Not a valid value for this criterion",
        "no_result": "(not computed: needs survey data / the other units)",
        "summary": "Summary",
        "unit_id": "Unit id",
        "unit_name": "Unit",
        "group": "Group",
    },
}
