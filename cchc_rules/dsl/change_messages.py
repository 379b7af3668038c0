"""Message codes of derived rulebooks (X2xx) and the words for what a change's value should be."""

from typing import TypedDict

from cchc_rules.problems import define

KEY_BESIDE_CHANGES = define(
    "X200",
    "Khoá '{key}' không được đặt cạnh 'extends' và 'changes'",
    "Key '{key}' may not stand beside 'extends' and 'changes'",
    "Chỉ dùng siêu dữ liệu ({allowed}); đổi nội dung bằng một thay đổi, ví dụ {{set: {key}/..., to: ...}}.",
    "Use only metadata ({allowed}); change content with a change, e.g. {{set: {key}/..., to: ...}}.",
)
EXTENDS_MISSING = define(
    "X201",
    "Không tìm thấy bộ tiêu chí gốc '{extends}' (tìm tại {looked})",
    "The base rulebook '{extends}' does not exist (looked at {looked})",
    "Ghi đường dẫn tới tệp gốc, tính từ thư mục của tệp này.",
    "Write the path of the base file relative to this file's folder.",
)
EXTENDS_CYCLE = define(
    "X202",
    "Các bộ tiêu chí kế thừa nhau thành vòng: {chain}",
    "Rulebooks extend each other in a cycle: {chain}",
    "Một bộ tiêu chí không thể kế thừa chính nó, trực tiếp hay gián tiếp; "
    "sửa 'extends' để chuỗi kết thúc ở một bộ đầy đủ.",
    "A rulebook cannot extend itself, directly or not; fix 'extends' so that the chain ends at a full rulebook.",
)
EXTENDS_NOT_TEXT = define(
    "X203",
    "'{key}' phải là {expected_vi}",
    "'{key}' must be {expected_en}",
    "Ví dụ: extends: par-departments-2024.yaml và changes: [{{set: bands/excellent/min, to: 92}}].",
    "For example: extends: par-departments-2024.yaml and changes: [{{set: bands/excellent/min, to: 92}}].",
)
KIND_UNKNOWN = define(
    "X204",
    "Thay đổi #{index}: không rõ loại thay đổi (các khoá: {found})",
    "Change #{index}: unknown kind of change (keys: {found})",
    "Mỗi thay đổi có đúng một trong các loại {kinds}; gần nhất: {nearest}.",
    "Each change has exactly one of the kinds {kinds}; nearest: {nearest}.",
)
KIND_SEVERAL = define(
    "X205",
    "Thay đổi #{index} có nhiều loại cùng lúc: {found}",
    "Change #{index} has several kinds at once: {found}",
    "Tách thành các thay đổi riêng, mỗi thay đổi một loại.",
    "Split it into separate changes, one kind each.",
)
KEY_MISSING = define(
    "X206",
    "Thay đổi #{index} ({kind}) thiếu khoá '{key}'",
    "Change #{index} ({kind}) lacks the key '{key}'",
    "Dạng đúng: {form}",
    "The right form: {form}",
)
KEY_UNKNOWN = define(
    "X207",
    "Thay đổi #{index} ({kind}) có khoá không dùng được '{key}'",
    "Change #{index} ({kind}) has a key it cannot use: '{key}'",
    "Các khoá dùng được: {allowed}; dạng đúng: {form}",
    "Keys it can use: {allowed}; the right form: {form}",
)
BAD_VALUE = define(
    "X208",
    "Thay đổi #{index} ({kind}): '{key}' phải là {expected_vi}, không phải {found}",
    "Change #{index} ({kind}): '{key}' must be {expected_en}, not {found}",
    "Dạng đúng: {form}",
    "The right form: {form}",
)
UNKNOWN_NODE = define(
    "X210",
    "Thay đổi #{index} ({kind}): không có tiêu chí mã '{id}'",
    "Change #{index} ({kind}): there is no criterion with id '{id}'",
    "Mã gần nhất: {nearest}.",
    "Nearest ids: {nearest}.",
)
UNKNOWN_BAND = define(
    "X211",
    "Thay đổi #{index} ({kind}): không có mức xếp loại '{id}' trong {where}",
    "Change #{index} ({kind}): there is no band '{id}' in {where}",
    "Mức gần nhất: {nearest}.",
    "Nearest bands: {nearest}.",
)
UNKNOWN_ADJUSTMENT = define(
    "X212",
    "Thay đổi #{index} ({kind}): không có điểm cộng/trừ '{id}'",
    "Change #{index} ({kind}): there is no adjustment '{id}'",
    "Mã gần nhất: {nearest}.",
    "Nearest ids: {nearest}.",
)
UNKNOWN_GROUP = define(
    "X213",
    "Thay đổi #{index} ({kind}): bands_by_group không có nhóm '{id}'",
    "Change #{index} ({kind}): bands_by_group has no group '{id}'",
    "Nhóm gần nhất: {nearest}.",
    "Nearest groups: {nearest}.",
)
BAD_SEGMENT = define(
    "X214",
    "Thay đổi #{index} ({kind}): đường dẫn '{written}' sai ở đoạn '{segment}' (dưới '{at}')",
    "Change #{index} ({kind}): path '{written}' goes wrong at '{segment}' (under '{at}')",
    "Ở đó có: {existing}.",
    "What exists there: {existing}.",
)
INDEX_RANGE = define(
    "X215",
    "Thay đổi #{index} ({kind}): chỉ số {item} vượt quá danh sách '{at}' ({size} mục)",
    "Change #{index} ({kind}): index {item} is beyond the list '{at}' ({size} items)",
    "Chỉ số tính từ 0: dùng 0 đến {last}.",
    "Indices count from 0: use 0 to {last}.",
)
ID_EXISTS = define(
    "X216",
    "Thay đổi #{index} ({kind}): mã '{id}' đã có (tại {where})",
    "Change #{index} ({kind}): the id '{id}' already exists (at {where})",
    "Chọn một mã chưa dùng, hoặc đổi/bỏ mục đang có trước.",
    "Choose an unused id, or rename or remove the existing item first.",
)
MOVE_INTO_ITSELF = define(
    "X217",
    "Thay đổi #{index} ({kind}): không thể chuyển '{id}' vào dưới '{under}', là chính nó hoặc mục con của nó",
    "Change #{index} ({kind}): cannot move '{id}' under '{under}', which is itself or one of its descendants",
    "Chọn một tiêu chí cha nằm ngoài nhánh của '{id}'.",
    "Choose a parent outside the branch of '{id}'.",
)
DANGLING = define(
    "X218",
    "Thay đổi #{index} ({kind}) bỏ '{id}' nhưng {ref} (tại {where}) vẫn tham chiếu tới nó",
    "Change #{index} ({kind}) removes '{id}' but {ref} (at {where}) still refers to it",
    "Bỏ hoặc sửa tham chiếu đó bằng một thay đổi khác, hoặc giữ lại '{id}'.",
    "Remove or change that reference with another change, or keep '{id}'.",
)
NEGATIVE = define(
    "X219",
    "Thay đổi #{index} ({kind}): '{key}' là {value}, không được âm",
    "Change #{index} ({kind}): '{key}' is {value}, which is negative",
    "Dùng một số ≥ 0.",
    "Use a number ≥ 0.",
)
TRANSFER_TOO_MUCH = define(
    "X220",
    "Thay đổi #{index} ({kind}): chuyển {amount} điểm nhưng '{id}' chỉ có tối đa {max}",
    "Change #{index} ({kind}): transfers {amount} points but '{id}' has a maximum of only {max}",
    "Chuyển nhiều nhất {max} điểm từ '{id}'.",
    "Transfer at most {max} points from '{id}'.",
)
ZERO_MAX = define(
    "X221",
    "Thay đổi #{index} ({kind}): '{id}' có điểm tối đa 0 nên không thể co giãn",
    "Change #{index} ({kind}): '{id}' has a maximum of 0, so it cannot be scaled",
    "Đặt điểm tối đa và điểm trong cách chấm bằng 'set' thay vì 'reweight'/'transfer'.",
    "Set its maximum and rule points with 'set' instead of 'reweight'/'transfer'.",
)
SET_ID = define(
    "X222",
    "Thay đổi #{index} ({kind}): đổi mã bằng 'set' ({written}) sẽ làm hỏng các tham chiếu",
    "Change #{index} ({kind}): changing an id with 'set' ({written}) would break the references to it",
    "Dùng {{rename: {target}, to: <mã mới>}}: mọi tham chiếu được sửa theo.",
    "Use {{rename: {target}, to: <new id>}}: every reference follows.",
)
TRANSFER_NESTED = define(
    "X223",
    "Thay đổi #{index} ({kind}): '{from_}' và '{to}' nằm trong nhau",
    "Change #{index} ({kind}): '{from_}' and '{to}' contain one another",
    "Chuyển điểm giữa hai tiêu chí không nằm trong nhau.",
    "Transfer points between two criteria neither of which contains the other.",
)
REFERENCE_EXISTS = define(
    "X224",
    "Nguồn trích dẫn '{key}' đã có trong bộ tiêu chí gốc",
    "The reference '{key}' already exists in the base rulebook",
    "'references' cạnh 'changes' chỉ thêm nguồn mới: chọn khoá khác, "
    "hoặc sửa bằng {{set: references/{key}/..., to: ...}}.",
    "'references' beside 'changes' only adds sources: choose another key, "
    "or edit with {{set: references/{key}/..., to: ...}}.",
)
BAD_TARGET = define(
    "X225",
    "Thay đổi #{index} ({kind}) áp dụng cho {expected_vi}, không cho '{written}'",
    "Change #{index} ({kind}) works on {expected_en}, not on '{written}'",
    "Dạng đúng: {form}",
    "The right form: {form}",
)
EQUAL_SHARE = define(
    "X226",
    "Thay đổi #{index} ({kind}): '{id}' nhận phần bằng nhau của '{parent}' (split: equal) nên không co giãn riêng được",
    "Change #{index} ({kind}): '{id}' takes an equal share of '{parent}' (split: equal), so it cannot be scaled alone",
    "Co giãn '{parent}' (mọi phần đều theo), hoặc bỏ chia đều: {{set: criteria/{parent}/split, to: null}} "
    "rồi ghi 'max' cho từng tiêu chí con.",
    "Scale '{parent}' (every share follows), or stop the equal split: {{set: criteria/{parent}/split, to: null}} "
    "and give each child its 'max'.",
)
SCALED = define(
    "X291",
    "Thay đổi #{index} ({kind}): '{id}' nhân với {factor} ({old} → {new} điểm); "
    "mỗi điểm số bên dưới giữ nguyên tỷ lệ: {what_vi}",
    "Change #{index} ({kind}): '{id}' scaled by {factor} ({old} → {new} points); every amount in points beneath it "
    "keeps its share: {what_en}",
    "Điểm người chấm nhập cho tiêu chí 'points' vẫn theo thang cũ (out_of) và được quy đổi: giá trị ÷ out_of × max; "
    "điều kiện xếp loại theo điểm (min) không đổi. Muốn khác thì dùng 'set'.",
    "Values assessors entered for 'points' criteria stay on the old scale (out_of) and are converted: value ÷ out_of "
    "× max; band gates in points (min) are not scaled. Use 'set' for another reading.",
)
GATE_NOT_SCALED = define(
    "X292",
    "Thay đổi #{index} ({kind}) nhân '{id}' với {factor}, nhưng điều kiện xếp loại {gate} (ít nhất {min} điểm của "
    "'{node}') giữ nguyên",
    "Change #{index} ({kind}) scales '{id}' by {factor}, but the band gate {gate} (at least {min} points of '{node}') "
    "stays as written",
    "Nếu điều kiện phải giữ nguyên tỷ lệ, sửa nó: {{set: {gate}/min, to: {scaled}}}, hoặc dùng min_share.",
    "If the gate should keep its share, change it: {{set: {gate}/min, to: {scaled}}}, or use min_share.",
)
NO_OWN_ID = define(
    "X290",
    "Bộ tiêu chí kế thừa không có 'id' riêng nên mang mã của bộ gốc '{base_id}'",
    "The derived rulebook has no 'id' of its own, so it carries its base's id '{base_id}'",
    "Thêm 'id' riêng, ví dụ id: {base_id}-draft.",
    "Give it its own 'id', e.g. id: {base_id}-draft.",
)

EXPECTED = {  # what a value should have been, in both languages
    "id": ("một mã viết trong ngoặc kép", "a quoted id"),
    "new_id": ("một mã trong ngoặc kép, không chứa '/'", "a quoted id without '/'"),
    "path": ("một đường dẫn như criteria/3.1/max", "a path such as criteria/3.1/max"),
    "item": ("một ánh xạ có id trong ngoặc kép, không chứa '/'", "a mapping with a quoted id without '/'"),
    "add_to": ("bands, bands_by_group/<nhóm> hoặc adjustments", "bands, bands_by_group/<group> or adjustments"),
    "number": ("một số", "a number"),
    "points": ("một số điểm", "a number of points"),
    "changes": ("một danh sách các thay đổi", "a list of changes"),
    "extends": ("đường dẫn tới bộ tiêu chí gốc, tính từ tệp này", "the base rulebook's path, relative to this file"),
    "criterion": ("một tiêu chí (criteria/<mã>)", "a criterion (criteria/<id>)"),
    "any": (
        "một tiêu chí, mức xếp loại hoặc điểm cộng/trừ (criteria/<mã>, bands/<mã>, adjustments/<mã>)",
        "a criterion, band or adjustment (criteria/<id>, bands/<id>, adjustments/<id>)",
    ),
}


SCALED_WORDS = {  # kind of amount → (vi, en), in the order listed in the note
    "points": ("{n} tiêu chí chấm điểm trực tiếp (points, thêm out_of)", "{n} points leaves (out_of added)"),
    "ladder": ("{n} bậc thang điểm", "{n} ladder steps"),
    "levels": ("{n} mức điểm", "{n} level points"),
    "deduct": ("{n} mức trừ mỗi lỗi", "{n} deductions per fault"),
    "cap": ("{n} mức trần (capped)", "{n} caps"),
}


def scaled_words(tally: dict[str, int]) -> dict[str, str]:
    """What a reweight scaled, as `what_vi`/`what_en` for the SCALED note."""
    parts = [(vi.format(n=tally[k]), en.format(n=tally[k])) for k, (vi, en) in SCALED_WORDS.items() if tally.get(k)]
    if not parts:
        return {"what_vi": "chỉ điểm tối đa", "what_en": "the maxima only"}
    return {"what_vi": "; ".join(p[0] for p in parts), "what_en": "; ".join(p[1] for p in parts)}


class Expected(TypedDict):
    """The message fields saying what a change key expects, in both languages."""

    expected_vi: str
    expected_en: str


def expect(what: str) -> Expected:
    vi, en = EXPECTED[what]
    return Expected(expected_vi=vi, expected_en=en)

