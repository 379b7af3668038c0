"""Problem codes of the data layer (D3xx), in Vietnamese and English, and where a cell stands.

Every data problem names the file (or workbook and sheet), the row as a spreadsheet shows it
(the header is row 1), the column, what is wrong and what would be right.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any

import numpy as np

from cchc_rules.data.text_table import Table
from cchc_rules.problems import Count, Pos, Problem, Problems, Severity, define, grouped

# ---------------------------------------------------------------- files, sheets, columns
NOT_UTF8 = define(
    "D301",
    "Tệp không phải UTF-8 (byte lạ ở dòng {line}); có lẽ là bảng mã {guess}",
    "The file is not UTF-8 (unexpected byte on line {line}); it may be {guess}",
    "Lưu lại tệp với bảng mã UTF-8 (Excel: Lưu thành → CSV UTF-8).",
    "Save the file again as UTF-8 (Excel: Save As → CSV UTF-8).",
)
MISSING_FILE = define(
    "D302",
    "Thiếu {what} bắt buộc '{name}'",
    "The required {what} '{name}' is missing",
    "Thêm '{name}' vào bộ dữ liệu (có: {found}).",
    "Add '{name}' to the dataset (found: {found}).",
)
MISSING_COLUMN = define(
    "D303",
    "Thiếu cột bắt buộc '{name}'",
    "The required column '{name}' is missing",
    "Dòng tiêu đề cần các cột: {required} (có: {found}).",
    "The header row needs the columns: {required} (found: {found}).",
)
UNREADABLE = define(
    "D304",
    "Không đọc được tệp: {reason}",
    "Cannot read the file: {reason}",
    "Kiểm tra đường dẫn và định dạng (thư mục CSV hoặc sổ tính .xlsx).",
    "Check the path and the format (a folder of CSV files or an .xlsx workbook).",
)
UNKNOWN_COLUMN = define(
    "D305",
    "Cột '{name}' không phải là giai đoạn, note_<giai đoạn> hay evidence",
    "Column '{name}' is neither a stage, note_<stage> nor evidence",
    "Đặt tên cột theo các giai đoạn của bộ tiêu chí: {stages} (gần nhất: {nearest}), hoặc note_<giai đoạn>, evidence.",
    "Name the column after the rulebook's stages: {stages} (nearest: {nearest}), or note_<stage>, evidence.",
)
NO_STAGE_COLUMN = define(
    "D306",
    "Bảng đánh giá không có cột giai đoạn nào",
    "The assessments table has no stage column",
    "Thêm ít nhất một cột mang tên một giai đoạn: {stages}.",
    "Add at least one column named after a stage: {stages}.",
)
META_KEY = define(
    "D307",
    "Khoá '{key}' không có trong dataset.yaml",
    "Key '{key}' is not allowed in dataset.yaml",
    "Các khoá được phép: {allowed} (gần nhất: {nearest}).",
    "Allowed keys: {allowed} (nearest: {nearest}).",
)
META_VALUE = define(
    "D308",
    "Giá trị '{value}' của '{key}' không hợp lệ",
    "Value '{value}' of '{key}' is not valid",
    "{right_vi}",
    "{right_en}",
)

# ---------------------------------------------------------------- units
UNIT_ID_EMPTY = define(
    "D310",
    "Đơn vị không có mã (unit_id trống)",
    "A unit without an id (unit_id is empty)",
    "Ghi mã đơn vị, ví dụ 'SO_TP'.",
    "Write the unit's id, e.g. 'SO_TP'.",
)
DUPLICATE_UNIT = define(
    "D311",
    "Mã đơn vị '{unit}' trùng (đã có ở dòng {first})",
    "Unit id '{unit}' appears twice (first on row {first})",
    "Mỗi đơn vị một dòng, mã không trùng nhau.",
    "One row per unit, every id different.",
)
NO_GROUP = define(
    "D312",
    "Đơn vị '{unit}' không có nhóm",
    "Unit '{unit}' has no group",
    "Ghi một nhóm của bộ tiêu chí: {groups}.",
    "Write one of the rulebook's groups: {groups}.",
)
UNKNOWN_GROUP = define(
    "D313",
    "Nhóm '{group}' của đơn vị '{unit}' không có trong bộ tiêu chí",
    "Group '{group}' of unit '{unit}' is not in the rulebook",
    "Dùng một nhóm của bộ tiêu chí: {groups} (gần nhất: {nearest}).",
    "Use one of the rulebook's groups: {groups} (nearest: {nearest}).",
)
UNKNOWN_FLAG = define(
    "D314",
    "Dấu hiệu '{flag}' của đơn vị '{unit}' không có trong bộ tiêu chí",
    "Flag '{flag}' of unit '{unit}' is not in the rulebook",
    "Dùng các dấu hiệu của bộ tiêu chí, cách nhau bằng ';': {flags} (gần nhất: {nearest}).",
    "Use the rulebook's flags, separated by ';': {flags} (nearest: {nearest}).",
)

# ---------------------------------------------------------------- rows
UNKNOWN_UNIT = define(
    "D320",
    "Mã đơn vị '{unit}' không có trong bảng đơn vị",
    "Unit id '{unit}' is not in the units table",
    "Dùng mã có trong units (gần nhất: {nearest}) hoặc thêm đơn vị đó.",
    "Use an id from units (nearest: {nearest}) or add that unit.",
)
UNKNOWN_CRITERION = define(
    "D321",
    "Mã tiêu chí '{criterion}' không có trong bộ tiêu chí",
    "Criterion id '{criterion}' is not in the rulebook",
    "Dùng mã một tiêu chí thành phần hoặc điểm thưởng/trừ (gần nhất: {nearest}).",
    "Use the id of a leaf criterion or an adjustment (nearest: {nearest}).",
)
NOT_A_LEAF = define(
    "D322",
    "'{criterion}' có tiêu chí con; giá trị chỉ ghi cho tiêu chí không có tiêu chí con",
    "'{criterion}' has sub-criteria; values go on criteria without sub-criteria",
    "Ghi giá trị cho từng tiêu chí con: {children}.",
    "Write a value for each sub-criterion: {children}.",
)
AMBIGUOUS_WAS = define(
    "D323",
    "Mã cũ '{criterion}' được nhiều tiêu chí tiếp nối ({nodes})",
    "Old id '{criterion}' is continued by several criteria ({nodes})",
    "Dùng mã hiện hành của tiêu chí muốn ghi.",
    "Use the current id of the criterion meant.",
)
DUPLICATE_ROW = define(
    "D324",
    "Đơn vị '{unit}', tiêu chí '{criterion}' đã có ở dòng {first}",
    "Unit '{unit}', criterion '{criterion}' already given on row {first}",
    "Mỗi cặp đơn vị × tiêu chí một dòng; gộp hai dòng làm một.",
    "One row per unit × criterion; merge the two rows.",
)
DUPLICATE_ANSWER = define(
    "D325",
    "Người trả lời '{respondent}' đã trả lời về '{unit}', '{criterion}' ở dòng {first}",
    "Respondent '{respondent}' already answered for '{unit}', '{criterion}' on row {first}",
    "Mỗi người trả lời một câu trả lời cho mỗi đơn vị × câu hỏi.",
    "One answer per respondent × unit × question.",
)
NOT_APPLICABLE_HERE = define(
    "D326",
    "Tiêu chí '{criterion}' không áp dụng cho nhóm '{group}' của đơn vị '{unit}' nhưng có giá trị '{value}'",
    "Criterion '{criterion}' does not apply to group '{group}' of unit '{unit}' but has the value '{value}'",
    "Để trống ô này hoặc ghi NA.",
    "Leave the cell empty or write NA.",
)
NOT_SURVEY = define(
    "D327",
    "Tiêu chí '{criterion}' không chấm bằng điều tra (quy tắc: {kind}) nhưng có câu trả lời trong survey",
    "Criterion '{criterion}' is not scored by survey (rule: {kind}) but has survey answers",
    "Ghi giá trị của nó trong assessments; survey chỉ dành cho tiêu chí điều tra: {survey}.",
    "Give its value in assessments; survey is for survey criteria only: {survey}.",
)
EMPTY_ID = define(
    "D328",
    "Ô '{name}' trống",
    "Cell '{name}' is empty",
    "Ghi mã vào ô này hoặc xoá cả dòng.",
    "Write an id in this cell or delete the whole row.",
)
CROSSWALK_UNKNOWN = define(
    "D329",
    "Mã đơn vị mới '{unit}' trong bảng chuyển đổi không có trong bộ dữ liệu này",
    "New unit id '{unit}' in the crosswalk is not in this dataset",
    "Dùng mã có trong units (gần nhất: {nearest}).",
    "Use an id from units (nearest: {nearest}).",
)

# ---------------------------------------------------------------- values
NOT_A_NUMBER = define(
    "D330",
    "'{value}' không phải là số",
    "'{value}' is not a number",
    "Ghi một số, ví dụ 85 hoặc 1.5; NA nếu không áp dụng; để trống nếu chưa có.",
    "Write a number, e.g. 85 or 1.5; NA if not applicable; leave empty if there is no value yet.",
)
DECIMAL_COMMA = define(
    "D331",
    "'{value}' dùng dấu phẩy thập phân nhưng dataset.yaml không khai báo decimal: \",\"",
    "'{value}' uses a decimal comma but dataset.yaml does not say decimal: \",\"",
    "Ghi {dotted}, hoặc thêm decimal: \",\" vào dataset.yaml.",
    "Write {dotted}, or add decimal: \",\" to dataset.yaml.",
)
DECIMAL_POINT = define(
    "D332",
    "'{value}' dùng dấu chấm nhưng dataset.yaml khai báo decimal: \",\"",
    "'{value}' uses a decimal point but dataset.yaml says decimal: \",\"",
    "Ghi {commaed} (dấu phẩy thập phân, không dùng dấu phân cách hàng nghìn).",
    "Write {commaed} (decimal comma, no thousands separator).",
)
NOT_YES_NO = define(
    "D333",
    "'{value}' không phải là có/không",
    "'{value}' is not yes/no",
    "Ghi một trong: 1, 0, có, không, đạt, chưa đạt, yes, no, true, false, x.",
    "Write one of: 1, 0, có, không, đạt, chưa đạt, yes, no, true, false, x.",
)
UNKNOWN_LEVEL = define(
    "D334",
    "Mức '{value}' không có trong quy tắc của tiêu chí",
    "Level '{value}' is not one of the criterion's levels",
    "Ghi một trong các mức: {levels} (gần nhất: {nearest}).",
    "Write one of the levels: {levels} (nearest: {nearest}).",
)
UNKNOWN_ANSWER = define(
    "D335",
    "Câu trả lời '{value}' không có trong các phương án của câu hỏi",
    "Answer '{value}' is not one of the question's options",
    "Ghi một phương án: {options}; hoặc một câu trả lời không tính: {skip}.",
    "Write an option: {options}; or an answer that is not counted: {skip}.",
)
OUT_OF_RANGE = define(
    "D336",
    "Giá trị {value} nằm ngoài khoảng [{low}, {high}]",
    "Value {value} is outside [{low}, {high}]",
    "{right_vi}",
    "{right_en}",
)
NOT_A_COUNT = define(
    "D337",
    "'{value}' không phải là số đếm (số nguyên ≥ 0)",
    "'{value}' is not a count (a whole number ≥ 0)",
    "Ghi số lần (0, 1, 2, ...).",
    "Write the number of times (0, 1, 2, ...).",
)
BAD_RATIO = define(
    "D338",
    "Tỷ lệ '{value}' không hợp lệ: {reason_vi}",
    "Ratio '{value}' is not valid: {reason_en}",
    "Ghi 'đã làm/tổng số' bằng số nguyên, đã làm ≤ tổng số (ví dụ 45/50), hoặc một phân số trong [0, 1] (ví dụ 0.9).",
    "Write 'done/total' as whole numbers with done ≤ total (e.g. 45/50), or a fraction in [0, 1] (e.g. 0.9).",
)
EMPTY_ANSWER = define(
    "D339",
    "Câu trả lời trống",
    "The answer is empty",
    "Ghi một phương án ({options}), một câu trả lời không tính ({skip}), hoặc xoá dòng.",
    "Write an option ({options}), an answer that is not counted ({skip}), or delete the row.",
)

# ---------------------------------------------------------------- notes and limits
REMOVED_ROWS = define(
    "D380",
    "{n} dòng của tiêu chí '{criterion}' bị bỏ qua: bộ tiêu chí dẫn xuất đã bỏ tiêu chí này",
    "{n} row(s) of criterion '{criterion}' ignored: the derived rulebook removed it",
    "",
    "",
)
RENAMED_ROWS = define(
    "D381",
    "{n} dòng của mã cũ '{criterion}' được tính cho '{target}'",
    "{n} row(s) of old id '{criterion}' count for '{target}'",
    "",
    "",
)
SURVEY_OVERRIDES = define(
    "D382",
    "{n} giá trị của '{criterion}' trong assessments bị thay bằng kết quả điều tra (survey)",
    "{n} value(s) of '{criterion}' in assessments replaced by the survey answers",
    "",
    "",
)
MORE_PROBLEMS = define(
    "D399",
    "Còn {n} lỗi {which} khác ({groups} nhóm) không liệt kê: sửa các lỗi đã liệt kê rồi kiểm tra lại",
    "{n} more {which} problems ({groups} groups) not listed: fix those listed and check again",
)

LIMIT_PER_CODE = 200  # groups of one code listed (a wrong rulebook can make a million problems)


def where(table: Table, i: int | np.integer, column: str | None) -> Pos:
    """The position of row `i` (positional) of a dataset table, at `column` if given."""
    files, rows, sheets, header = _places(table)
    col = header.get(column) if column is not None else None
    return Pos(str(files[i]), int(rows[i]), col, (sheets[i] or None) if sheets is not None else None)


_LAST: dict[str, tuple] = {}  # the last table asked about (a flood of problems asks row by row)


def _places(table: Table) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, dict[str, int]]:
    """A table's `_file`, `_row` and `_sheet` columns as arrays and its header's column numbers, kept for the
    last table (reading a column of a DataFrame copies its attrs, which costs more than the problem)."""
    last = _LAST.get("places")  # one read: another thread may replace it
    if last is not None and last[0]() is table and last[2] is table.index:
        return last[1]
    header = table.attrs.get("header") or [c for c in table.columns if not str(c).startswith("_")]
    numbers = {name: k + 1 for k, name in reversed(list(enumerate(header)))}
    sheets = table["_sheet"].to_numpy(dtype=object) if "_sheet" in table.columns else None
    found = (table["_file"].to_numpy(dtype=object), table["_row"].to_numpy(), sheets, numbers)
    _LAST["places"] = (weakref.ref(table, lambda _: _LAST.clear()), found, table.index)
    return found


def add_at(
    problems: Problems, code: str, table: Table, i: int | np.integer, column: str | None, **params: Any,
) -> None:
    problems.add(code, where(table, i, column), column=column, **params)


def limited(problems: Iterable[Problem], limit: int = LIMIT_PER_CODE) -> Problems:
    """The problems with repeats grouped (`cchc_rules.problems.grouped`: "in 126 rows: 3, 7, …"), at
    most `limit` groups per code, then one D399 per code counting the problems left out.

    Counts stay right: a group counts for each of its rows and a D399 for every problem it
    stands for (`CchcError.total`).
    """
    out, seen, extra = Problems(), dict[str, int](), dict[tuple[str, Severity], tuple[int, int]]()
    for p in grouped(problems):
        seen[p.code] = seen.get(p.code, 0) + 1
        if seen[p.code] <= limit:
            out.items.append(p)
        else:
            n, groups = extra.get((p.code, p.severity), (0, 0))
            extra[(p.code, p.severity)] = (n + p.count, groups + 1)
    for (code, severity), (n, groups) in extra.items():
        params = {"n": Count(n), "which": code, "groups": Count(groups)}
        out.items.append(Problem(MORE_PROBLEMS, params, severity=severity, count=n))
    return out
