"""Message codes of golden tests (G5xx), in Vietnamese and English."""

from cchc_rules.problems import define

UNKNOWN_KEY = define(
    "G501",
    "Khoá '{key}' không có trong {where} của tệp kiểm thử",
    "Key '{key}' is not allowed in {where} of a golden file",
    "Dùng một trong các khoá: {allowed}; có thể ý bạn là '{near}'.",
    "Use one of the keys: {allowed}; perhaps you meant '{near}'.",
)
MISSING_KEY = define(
    "G502",
    "Thiếu khoá '{key}' trong {where}",
    "Key '{key}' is missing from {where}",
    "Thêm '{key}': {example}.",
    "Add '{key}': {example}.",
)
BAD_RULEBOOK = define(
    "G503",
    "Không nạp được bộ tiêu chí '{target}': {reason}",
    "Cannot load the rulebook '{target}': {reason}",
    "Đường dẫn tính từ thư mục của tệp kiểm thử; sửa các lỗi của bộ tiêu chí (liệt kê kèm theo).",
    "The path is relative to the golden file's folder; fix the rulebook's problems (listed with this one).",
)
UNKNOWN_LEAF = define(
    "G504",
    "Không có tiêu chí thành phần hay điều chỉnh '{id}' trong bộ tiêu chí",
    "The rulebook has no leaf or adjustment '{id}'",
    "Dùng mã của một tiêu chí có quy tắc chấm điểm (lá) hoặc của một điều chỉnh, ví dụ: {near}.",
    "Use the id of a leaf (a criterion with a rule) or of an adjustment, e.g. {near}.",
)
UNKNOWN_STAGE = define(
    "G505",
    "Không có giai đoạn '{stage}' trong bộ tiêu chí",
    "The rulebook has no stage '{stage}'",
    "Dùng một trong các giai đoạn: {stages}.",
    "Use one of the stages: {stages}.",
)
UNKNOWN_GROUP = define(
    "G506",
    "Không có nhóm đơn vị '{group}' trong bộ tiêu chí",
    "The rulebook has no unit group '{group}'",
    "Dùng một trong các nhóm: {groups}; có thể ý bạn là '{near}'.",
    "Use one of the groups: {groups}; perhaps you meant '{near}'.",
)
UNKNOWN_FLAG = define(
    "G507",
    "Không có cờ '{flag}' trong bộ tiêu chí",
    "The rulebook has no flag '{flag}'",
    "Dùng một trong các cờ: {flags}.",
    "Use one of the flags: {flags}.",
)
UNIT_FORM = define(
    "G508",
    "Một trường hợp cần đúng một trong 'unit' hoặc 'units' (thấy: {found})",
    "A case needs exactly one of 'unit' or 'units' (found: {found})",
    "Dùng 'unit: {{group: ...}}' cho một đơn vị, hoặc 'units: [{{id: A, group: ...}}, ...]' cho nhiều đơn vị.",
    "Write 'unit: {{group: ...}}' for one unit, or 'units: [{{id: A, group: ...}}, ...]' for several.",
)
DUPLICATE_UNIT = define(
    "G509",
    "Mã đơn vị '{unit}' xuất hiện hai lần trong trường hợp",
    "Unit id '{unit}' appears twice in the case",
    "Đặt cho mỗi đơn vị một mã riêng.",
    "Give each unit its own id.",
)
UNKNOWN_UNIT = define(
    "G510",
    "Kỳ vọng cho đơn vị '{unit}' nhưng trường hợp không có đơn vị này",
    "An expectation names unit '{unit}', which the case does not have",
    "Dùng mã của một đơn vị trong 'units': {near}.",
    "Use the id of a unit of 'units': {near}.",
)
UNKNOWN_NODE = define(
    "G511",
    "Không có tiêu chí '{node}' trong bộ tiêu chí",
    "The rulebook has no node '{node}'",
    "Dùng mã của một tiêu chí, ví dụ: {near}.",
    "Use the id of a node, e.g. {near}.",
)
UNKNOWN_BAND = define(
    "G512",
    "Không có mức xếp loại '{band}' trong bộ tiêu chí",
    "The rulebook has no band '{band}'",
    "Dùng một trong các mức: {bands}.",
    "Use one of the bands: {bands}.",
)
BAD_VALUE = define(
    "G513",
    "Giá trị của '{key}' không hợp lệ: {found}",
    "The value of '{key}' is not valid: {found}",
    "Cần {expected}.",
    "Expected {expected}.",
)
NO_CASES = define(
    "G514",
    "Tệp kiểm thử không có trường hợp nào",
    "The golden file has no case",
    "Thêm ít nhất một trường hợp vào 'cases'.",
    "Add at least one case under 'cases'.",
)
NOT_A_FILE = define(
    "G515",
    "Không tìm thấy tệp hay thư mục kiểm thử '{target}'",
    "No golden file or folder '{target}'",
    "Kiểm tra đường dẫn (mặc định: rulebooks/tests/).",
    "Check the path (default: rulebooks/tests/).",
)
