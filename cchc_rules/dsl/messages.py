"""The problem codes of rulebook validation (R1xx) with their texts in Vietnamese and English.

`dsl.validate` reports them (and re-exports them: `validate.UNKNOWN_KEY` etc. still work).
"""

from __future__ import annotations

from cchc_rules.problems import define

# ------------------------------------------------------------------ shape problems (pydantic)
SHAPE = define(
    "R100",
    "Giá trị không hợp lệ: {message}",
    "Invalid value: {message}",
    "Sửa giá trị theo đặc tả ngôn ngữ bộ tiêu chí (docs/LANGUAGE.md).",
    "Correct the value as the rulebook language specifies (docs/LANGUAGE.md).",
)
UNKNOWN_KEY = define(
    "R101",
    "Khoá '{key}' không có trong {where_vi}",
    "Unknown key '{key}' in {where_en}",
    "{hint_vi}Các khoá được phép: {allowed}.",
    "{hint_en}Allowed keys: {allowed}.",
)
UNKNOWN_KIND = define(
    "R102",
    "Không có loại quy tắc '{key}'",
    "There is no rule kind '{key}'",
    "{hint_vi}Các loại quy tắc: {allowed}.",
    "{hint_en}Rule kinds: {allowed}.",
)
MISSING_KEY = define(
    "R103",
    "Thiếu khoá bắt buộc '{key}' trong {where_vi}",
    "Required key '{key}' is missing in {where_en}",
    "Thêm '{key}: ...' vào mục này.",
    "Add '{key}: ...' to this entry.",
)
WRONG_TYPE = define(
    "R104",
    "Cần {expected_vi}, nhưng gặp {found}",
    "Expected {expected_en}, found {found}",
    "Viết {expected_vi} ở đây.",
    "Write {expected_en} here.",
)
ID_NOT_TEXT = define(
    "R105",
    "Mã '{raw}' không phải chuỗi trong ngoặc kép: YAML đọc nó thành {found}",
    "The id {raw} is not a quoted string: YAML reads it as {found}",
    'Viết mã trong ngoặc kép: "{raw}".',
    'Quote the id: "{raw}".',
)
NOT_A_CHOICE = define(
    "R106",
    "'{value}' không phải một lựa chọn hợp lệ",
    "'{value}' is not one of the allowed values",
    "{hint_vi}Chọn một trong: {choices}.",
    "{hint_en}Use one of: {choices}.",
)
OUT_OF_RANGE = define(
    "R107",
    "Giá trị {value} nằm ngoài khoảng cho phép",
    "The value {value} is out of range",
    "Giá trị phải {op} {limit}.",
    "The value must be {op} {limit}.",
)
BAD_SLUG = define(
    "R108",
    "Mã bộ tiêu chí '{value}' không hợp lệ",
    "The rulebook id '{value}' is not a valid slug",
    "Chỉ dùng chữ thường không dấu, chữ số, '.', '_' hoặc '-', ví dụ par-departments-2024.",
    "Use lowercase letters, digits, '.', '_' or '-' only, e.g. par-departments-2024.",
)
NO_FORM = define(
    "R109",
    "'{key}' không đúng dạng nào được phép",
    "'{key}' has none of the allowed forms",
    "Viết theo một trong các dạng: {forms}.",
    "Write one of these forms: {forms}.",
)
RULE_KINDS = define(
    "R110",
    "Một quy tắc phải có đúng một loại; ở đây có: {found}",
    "A rule has exactly one kind; this one has: {found}",
    "Giữ đúng một trong: {kinds}.",
    "Keep exactly one of: {kinds}.",
)
LADDER_AMOUNT = define(
    "R111",
    "Một bậc của thang điểm cần đúng một trong 'points' hoặc 'share'",
    "A ladder step needs exactly one of 'points' or 'share'",
    "Viết {{min: 80, points: 1}} (điểm) hoặc {{min: 80, share: 0.5}} (tỉ lệ của điểm tối đa).",
    "Write {{min: 80, points: 1}} (points) or {{min: 80, share: 0.5}} (a share of the max).",
)
LINEAR_SPAN = define(
    "R112",
    "Trong quy tắc tuyến tính 'from' và 'to' bằng nhau",
    "In a linear rule 'from' and 'to' are equal",
    "Chọn hai mốc khác nhau, ví dụ {{from: 50, to: 100}}.",
    "Choose two different ends, e.g. {{from: 50, to: 100}}.",
)
SURVEY_OPTIONS = define(
    "R113",
    "Phiếu khảo sát không có phương án trả lời nào",
    "The survey has no answer options",
    "Liệt kê các phương án với trọng số, ví dụ options: {{A: 1, B: 0.6, C: 0.2, D: 0}}.",
    "List the options with their weights, e.g. options: {{A: 1, B: 0.6, C: 0.2, D: 0}}.",
)
SURVEY_WEIGHT = define(
    "R114",
    "Trọng số của phương án {bad} nằm ngoài [0, 1]",
    "The weight of option(s) {bad} is outside [0, 1]",
    "Trọng số là tỉ lệ: 1 = trọn điểm, 0.6 = 60%, 0 = không điểm.",
    "A weight is a share: 1 = full points, 0.6 = 60%, 0 = none.",
)
GATE_SUBJECT = define(
    "R115",
    "Một điều kiện phải nêu đúng một trong 'flag' hoặc 'node'",
    "A gate names exactly one of 'flag' or 'node'",
    'Viết {{flag: discipline, is: false}} hoặc {{node: "8", min_share: 0.8}}.',
    'Write {{flag: discipline, is: false}} or {{node: "8", min_share: 0.8}}.',
)
GATE_FLAG = define(
    "R116",
    "Điều kiện theo cờ cần 'is' và không có min, min_share, max_zero_leaves",
    "A flag gate needs 'is' and no min, min_share or max_zero_leaves",
    "Viết {{flag: tên_cờ, is: true}} hoặc {{flag: tên_cờ, is: false}}.",
    "Write {{flag: name, is: true}} or {{flag: name, is: false}}.",
)
GATE_NODE = define(
    "R117",
    "Điều kiện theo tiêu chí cần min_share, min hoặc max_zero_leaves (và không có 'is')",
    "A node gate needs min_share, min or max_zero_leaves (and no 'is')",
    'Ví dụ {{node: "8", min_share: 0.8}}.',
    'For example {{node: "8", min_share: 0.8}}.',
)
ADJUSTMENT_RULE = define(
    "R118",
    "Quy tắc điểm thưởng/trừ phải là đúng một trong 'points: {{}}' hoặc 'deduct_each: p'",
    "An adjustment rule is exactly one of 'points: {{}}' or 'deduct_each: p'",
    "Viết rule: {{points: {{}}}} (nhập điểm) hoặc rule: {{deduct_each: 0.5}} (mỗi lỗi trừ 0,5).",
    "Write rule: {{points: {{}}}} (points entered) or rule: {{deduct_each: 0.5}} (0.5 per fault).",
)
TEXT_FORM = define(
    "R119",
    "Cần một đoạn văn bản hoặc bảng ngôn ngữ → văn bản, nhưng gặp {found}",
    "Expected a text or a map language → text, found {found}",
    'Viết "..." hoặc {{vi: "...", en: "..."}}.',
    'Write "..." or {{vi: "...", en: "..."}}.',
)
CODE_FORM = define(
    "R120",
    "Số hiệu {found} không phải chuỗi",
    "The code {found} is not a string",
    'Viết số hiệu trong ngoặc kép, ví dụ code: "1.10".',
    'Quote the code, e.g. code: "1.10".',
)
TOO_FEW = define(
    "R121",
    "Danh sách hoặc bảng này trống",
    "This list or map is empty",
    "Cần ít nhất {min} mục.",
    "At least {min} item(s) needed.",
)
BAD_DATE = define(
    "R122",
    "'{found}' không phải một ngày hợp lệ",
    "'{found}' is not a valid date",
    "Viết ngày theo dạng YYYY-MM-DD, ví dụ 2023-10-09.",
    "Write the date as YYYY-MM-DD, e.g. 2023-10-09.",
)
ID_FORM = define(
    "R123",
    "Mã '{value}' không hợp lệ: mã không được rỗng, chứa '/', có khoảng trắng ở đầu/cuối hoặc ký tự "
    "không nhìn thấy (khoảng trắng độ rộng 0, dấu định hướng)",
    "The id '{value}' is not valid: an id is not empty, has no '/', no surrounding spaces and no invisible "
    "characters (zero-width spaces, direction marks)",
    "Đặt một mã ngắn như \"3.1\" hoặc \"tthc\".",
    'Use a short id such as "3.1" or "tthc".',
)

# ------------------------------------------------------------------ cross-document problems
DUPLICATE_NODE = define(
    "R130",
    "Mã tiêu chí '{id}' trùng (lần đầu ở dòng {first})",
    "Node id '{id}' is used twice (first at line {first})",
    "Mỗi tiêu chí cần một mã riêng trong cả bộ tiêu chí.",
    "Give every node an id of its own, unique in the rulebook.",
)
DUPLICATE_BAND = define(
    "R131",
    "Mã xếp loại '{id}' trùng trong danh sách này (lần đầu ở dòng {first})",
    "Band id '{id}' is used twice in this list (first at line {first})",
    "Mỗi mức xếp loại trong một danh sách cần một mã riêng.",
    "Give every band of a list an id of its own.",
)
DUPLICATE_ADJUSTMENT = define(
    "R132",
    "Mã điểm thưởng/trừ '{id}' trùng (lần đầu ở dòng {first})",
    "Adjustment id '{id}' is used twice (first at line {first})",
    "Mỗi khoản điểm thưởng/trừ cần một mã riêng.",
    "Give every adjustment an id of its own.",
)
ADJUSTMENT_IS_NODE = define(
    "R133",
    "Mã điểm thưởng/trừ '{id}' trùng với mã một tiêu chí (dòng {first})",
    "Adjustment id '{id}' is also a node id (line {first})",
    "Đổi mã: dữ liệu chấm điểm dùng chung một cột criterion_id cho cả hai.",
    "Rename it: assessment data uses one criterion_id column for both.",
)
CHILDREN_AND_RULE = define(
    "R134",
    "Tiêu chí '{id}' có cả 'children' lẫn 'rule'",
    "Node '{id}' has both 'children' and a 'rule'",
    "Tiêu chí có tiêu chí con thì cộng điểm từ các con: bỏ 'rule', hoặc bỏ 'children'.",
    "A parent adds up its children: remove the 'rule', or remove the 'children'.",
)
LEAF_WITHOUT_RULE = define(
    "R135",
    "Tiêu chí '{id}' không có 'children' cũng không có 'rule'",
    "Node '{id}' has neither 'children' nor a 'rule'",
    "Thêm cách chấm, ví dụ rule: {{binary: {{}}}}, hoặc các tiêu chí con.",
    "Add how it is scored, e.g. rule: {{binary: {{}}}}, or its children.",
)
LEAF_WITHOUT_MAX = define(
    "R136",
    "Tiêu chí '{id}' không có điểm tối đa ('max')",
    "Leaf '{id}' has no maximum ('max')",
    "Thêm 'max: ...' (điểm tối đa của tiêu chí).",
    "Add 'max: ...' (the leaf's maximum points).",
)
SUM_MISMATCH = define(
    "R137",
    "Điểm tối đa của '{id}' là {given}, nhưng tổng điểm tối đa của các tiêu chí con là {total} ({parts})",
    "The max of '{id}' is {given}, but its children's maxima add up to {total} ({parts})",
    "Sửa 'max' thành {total}, bỏ 'max' (tự tính), hoặc dùng aggregate: capped nếu có trần điểm.",
    "Set 'max' to {total}, leave it out (it is then computed), or use aggregate: capped for a ceiling.",
)
CAPPED_WITHOUT_MAX = define(
    "R138",
    "'{id}' dùng aggregate: capped nhưng không có 'max'",
    "'{id}' uses aggregate: capped but has no 'max'",
    "Thêm 'max: ...': đó là trần điểm của nhóm này.",
    "Add 'max: ...': it is the ceiling of this group.",
)
BEST_TOO_MANY = define(
    "R139",
    "'{id}' lấy {k} tiêu chí con tốt nhất nhưng chỉ có {n}",
    "'{id}' takes the best {k} children but has only {n}",
    "Đặt best không quá {n}.",
    "Set best to at most {n}.",
)
LADDER_ORDER = define(
    "R140",
    "Thang điểm phải giảm dần theo 'min': bậc này có min {min}, bậc trước có min {previous}",
    "Ladder steps go in strictly descending 'min': this step has min {min}, the one before {previous}",
    "Sắp các bậc từ ngưỡng cao nhất xuống thấp nhất, không trùng ngưỡng.",
    "Order the steps from the highest threshold to the lowest, without repeating one.",
)
LADDER_OPEN_STEP = define(
    "R141",
    "Chỉ bậc cuối của thang điểm được bỏ 'min' (bậc {index} không có 'min')",
    "Only the last ladder step may leave out 'min' (step {index} has none)",
    "Thêm 'min' cho bậc này, hoặc chuyển nó xuống cuối.",
    "Give this step a 'min', or move it to the end.",
)
LADDER_ABOVE_MAX = define(
    "R142",
    "Bậc thang cho {points} điểm, vượt điểm tối đa {max} của '{id}'",
    "The ladder step gives {points} points, above the max {max} of '{id}'",
    "Điểm của một bậc không vượt 'max'; dùng share để tính theo tỉ lệ.",
    "A step's points cannot exceed 'max'; use share for a proportion of it.",
)
LEVEL_ABOVE_MAX = define(
    "R143",
    "Mức '{level}' cho {points} điểm, vượt điểm tối đa {max} của '{id}'",
    "Level '{level}' gives {points} points, above the max {max} of '{id}'",
    "Điểm của một mức không vượt 'max'.",
    "A level's points cannot exceed 'max'.",
)
BAND_ORDER = define(
    "R145",
    "Các mức xếp loại phải giảm dần theo 'min': '{id}' có min {min}, mức trước có min {previous}",
    "Bands go best first in strictly descending 'min': '{id}' has min {min}, the one before {previous}",
    "Sắp các mức từ cao xuống thấp, mỗi mức một ngưỡng riêng.",
    "Order the bands from best to worst, each with its own threshold.",
)
BAND_NO_FLOOR = define(
    "R146",
    "Mức xếp loại cuối '{id}' bắt đầu từ {min}: đơn vị dưới {min} điểm không được xếp loại",
    "The last band '{id}' starts at {min}: a unit below {min} gets no band",
    "Đặt min: 0 cho mức cuối (hoặc thêm một mức 'Yếu' với min: 0).",
    "Set min: 0 on the last band (or add a 'weak' band with min: 0).",
)
UNKNOWN_GROUP = define(
    "R147",
    "Không có nhóm đơn vị '{name}'",
    "There is no unit group '{name}'",
    "Dùng một nhóm khai báo trong 'groups' (gần nhất: {near}).",
    "Use a group declared under 'groups' (nearest: {near}).",
)
UNKNOWN_FLAG = define(
    "R148",
    "Không có cờ '{name}'",
    "There is no flag '{name}'",
    "Dùng một cờ khai báo trong 'flags' (gần nhất: {near}), hoặc khai báo nó.",
    "Use a flag declared under 'flags' (nearest: {near}), or declare it.",
)
UNKNOWN_REFERENCE = define(
    "R149",
    "Không có văn bản tham chiếu '{name}'",
    "There is no reference '{name}'",
    "Dùng một khoá trong 'references' (gần nhất: {near}), hoặc khai báo văn bản đó.",
    "Use a key of 'references' (nearest: {near}), or declare the source there.",
)
UNKNOWN_TIE_BREAK = define(
    "R150",
    "Tiêu chí phân định đồng hạng '{name}' không tồn tại",
    "The tie-break node '{name}' does not exist",
    "Dùng mã một tiêu chí có trong bộ (gần nhất: {near}).",
    "Use the id of a node of the rulebook (nearest: {near}).",
)
UNKNOWN_GATE_NODE = define(
    "R151",
    "Điều kiện xếp loại nêu tiêu chí '{name}' không tồn tại",
    "The gate names node '{name}', which does not exist",
    "Dùng mã một tiêu chí có trong bộ (gần nhất: {near}).",
    "Use the id of a node of the rulebook (nearest: {near}).",
)
UNKNOWN_QUOTA_BAND = define(
    "R152",
    "Hạn mức nêu mức xếp loại '{name}' không có trong danh sách này",
    "The quota names band '{name}', which is not in this band list",
    "Dùng mã các mức trong cùng danh sách (gần nhất: {near}).",
    "Use ids of bands in the same list (nearest: {near}).",
)
SKIP_IS_OPTION = define(
    "R153",
    "Câu trả lời '{answer}' vừa là phương án tính điểm vừa nằm trong 'skip'",
    "Answer '{answer}' is both a scored option and listed in 'skip'",
    "Bỏ nó khỏi 'skip' hoặc khỏi 'options'.",
    "Remove it from 'skip' or from 'options'.",
)
FORM_WEIGHT = define(
    "R154",
    "Trọng số của mẫu phiếu '{form}' là {weight}: phải lớn hơn 0",
    "The weight of respondent form '{form}' is {weight}: it must be above 0",
    "Dùng một trọng số dương, hoặc bỏ mẫu phiếu khỏi 'forms' (mặc định 1).",
    "Use a positive weight, or leave the form out of 'forms' (default 1).",
)
DUPLICATE_STAGE = define(
    "R155",
    "Vòng chấm '{name}' được liệt kê hai lần",
    "Stage '{name}' is listed twice",
    "Mỗi vòng chấm chỉ nêu một lần, theo thứ tự.",
    "List each stage once, in order.",
)
DUPLICATE_TIE_BREAK = define(
    "R156",
    "Tiêu chí phân định đồng hạng '{name}' được nêu hai lần",
    "Tie-break node '{name}' is listed twice",
    "Nêu mỗi tiêu chí một lần.",
    "List each node once.",
)

# ------------------------------------------------------------------ quantile bands, equal shares (extensions)
BAND_THRESHOLD = define(
    "R170",
    "Một mức xếp loại có đúng một trong 'min' hoặc 'quantile'",
    "A band has exactly one of 'min' or 'quantile'",
    "Ngưỡng cố định: min: 80; theo phân vị trong nhóm: quantile: 0.75 (từ phân vị 75 trở lên).",
    "A fixed threshold: min: 80; by quantile within the group: quantile: 0.75 (at or above the 75th percentile).",
)
QUANTILE_MIX = define(
    "R171",
    "Trong một danh sách mức xếp loại, các mức cùng dùng 'min' hoặc cùng dùng 'quantile'; '{id}' khác mức đầu",
    "In one band list every band uses 'min' or every band uses 'quantile'; '{id}' differs from the first band",
    "Dùng quantile cho mọi mức (ví dụ 0.75, 0.5, 0.25, 0), hoặc min cho mọi mức; "
    "điều kiện điểm thêm vào bằng 'when'.",
    "Use quantile on every band (e.g. 0.75, 0.5, 0.25, 0), or min on every band; add a score condition with 'when'.",
)
QUANTILE_ORDER = define(
    "R172",
    "Các mức theo phân vị phải giảm dần: '{id}' có quantile {quantile}, mức trước {previous}",
    "Quantile bands go best first in strictly descending 'quantile': '{id}' has {quantile}, the one before {previous}",
    "Ví dụ bốn nhóm như PAPI: 0.75, 0.5, 0.25, 0.",
    "For example PAPI's four groups: 0.75, 0.5, 0.25, 0.",
)
QUANTILE_NO_FLOOR = define(
    "R173",
    "Mức theo phân vị cuối '{id}' bắt đầu từ phân vị {quantile}: đơn vị thấp hơn không được xếp loại",
    "The last quantile band '{id}' starts at quantile {quantile}: a unit below it gets no band",
    "Đặt quantile: 0 cho mức cuối.",
    "Set quantile: 0 on the last band.",
)
SPLIT_WITHOUT_MAX = define(
    "R174",
    "'{id}' chia đều (split: equal) nhưng không có 'max'",
    "'{id}' splits equally (split: equal) but has no 'max'",
    "Ghi điểm tối đa của tiêu chí cha, ví dụ max: 10: mỗi tiêu chí con được 10 ÷ số tiêu chí con.",
    "Give the parent's maximum, e.g. max: 10: each child gets 10 ÷ the number of children.",
)
SPLIT_CHILD_MAX = define(
    "R175",
    "'{id}' nằm dưới '{parent}' chia đều nên không được ghi 'max' (phần của nó là {share})",
    "'{id}' is under '{parent}', which splits equally, so it must not state 'max' (its share is {share})",
    "Bỏ 'max' của tiêu chí con, hoặc bỏ 'split: equal' ở tiêu chí cha.",
    "Remove the child's 'max', or remove 'split: equal' from the parent.",
)

# ------------------------------------------------------------------ warnings
TOP_NOT_SCALE = define(
    "R190",
    "Tổng điểm tối đa các lĩnh vực là {total}, khác thang điểm {scale}",
    "The top-level maxima add up to {total}, not to the scale {scale}",
    "Chỉ số vẫn quy về {scale}; nếu không chủ ý, hãy sửa điểm tối đa các lĩnh vực.",
    "The index still lands on {scale}; if this is not intended, correct the top-level maxima.",
)
RELATIVE_RULE = define(
    "R191",
    "Điểm của '{id}' phụ thuộc các đơn vị khác trong cùng bộ dữ liệu (quy tắc relative)",
    "The points of '{id}' depend on the other units in the same dataset (relative rule)",
    "Lưu ý khi so sánh giữa các năm hoặc khi chấm một đơn vị riêng lẻ.",
    "Keep this in mind when comparing years or scoring a unit alone.",
)
UNREACHABLE_MAX = define(
    "R192",
    "Không giá trị nào đạt điểm tối đa {max} của '{id}': cao nhất là {best}",
    "No value reaches the max {max} of '{id}': the best is {best}",
    "Sửa 'max' thành {best}, hoặc nâng điểm của bậc/mức/phương án cao nhất.",
    "Set 'max' to {best}, or raise the points of the best step, level or option.",
)
CAPPED_UNREACHABLE = define(
    "R193",
    "Các tiêu chí con của '{id}' cộng lại tối đa {total}, không đạt 'max' {max}",
    "The children of '{id}' add up to at most {total}, below its max {max}",
    "Hạ 'max' xuống {total} hoặc thêm điểm cho các tiêu chí con.",
    "Lower 'max' to {total} or give the children more points.",
)
