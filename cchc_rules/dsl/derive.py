"""Derived rulebooks (spec §7): a base rulebook plus changes, resolved on the raw located document.

`resolve` reads the base named by `extends` (relative to the derived file; a base may itself be
derived), applies the `changes` in order to a deep copy of the base's located document and
returns the final raw document, which the loader then validates. Nodes copied from the base keep
the base file's positions; whatever a change writes carries the change's position, so a later
validation error points at the change that caused it. All or nothing: when any change fails, no
document is returned, but every failing change is reported (later changes are still tried on
the document as it stands, to find their own errors).

Extensions to the spec's wording (documented in docs/LANGUAGE.md):
- `add` also adds a band, `{add: {...band...}, to: bands, after: good}` (or
  `to: bands_by_group/<group>`), and an adjustment, `{add: {...}, to: adjustments}`.
- `add` and `move` take `before: <id>` as well as `after: <id>`; without `under` they place the
  node at the top level.
- `rename` also renames a band (rewriting quota `of` in the same band list) or an adjustment.
- `add`, `remove` and `move` keep the tree consistent as `reweight` does: ancestors under
  `aggregate: sum` (or best-of-k) that state an explicit `max` are adjusted by the change in
  their children's maxima, so a moved criterion takes its points with it. A `capped` parent stops
  the adjustment (its max does not follow its children).
- `set` paths may also start at `groups`, `flags` and `references` (a new flag for a new gate).
- `references` beside `changes` add to the base's; a key the base already has is an error.
- An id renamed by a change may still be used by later changes, in this file and in files that
  extend it (`under`, `after`, paths), as the spec asks for `after`/`under`.
- Gate `min` (points) is not scaled by `reweight`/`transfer`: it is a threshold the drafter wrote.
- References left dangling (a removed node named by a tie-break or gate, a removed band named by a
  quota) are checked on the final document, so another change may drop the reference. `set` of an
  `id` is refused (use `rename`). A derived file without its own `id` gets a warning (X290).

`apply_changes(base_path, changes, problems)` does the same for changes that live elsewhere (a
scenario variant's inline `changes`, a sweep's generated `set`s).
"""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cchc_rules.places as places
from cchc_rules.dsl.models import METADATA_KEYS
from cchc_rules.dsl.source import LDict, LList, parse_document, read_yaml
from cchc_rules.numbers import number, tidy
from cchc_rules.problems import Pos, Problem, Problems, define, nearest

# ---------------------------------------------------------------- problem codes (X2xx)
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
NO_OWN_ID = define(
    "X290",
    "Bộ tiêu chí kế thừa không có 'id' riêng nên mang mã của bộ gốc '{base_id}'",
    "The derived rulebook has no 'id' of its own, so it carries its base's id '{base_id}'",
    "Thêm 'id' riêng, ví dụ id: {base_id}-draft.",
    "Give it its own 'id', e.g. id: {base_id}-draft.",
)

# ---------------------------------------------------------------- the language of changes
KINDS = ("set", "remove", "add", "move", "rename", "reweight", "transfer")
_REQUIRED = {"set": ("to",), "rename": ("to",), "reweight": ("to",), "transfer": ("from", "to")}
_OPTIONAL = {"add": ("under", "to", "after", "before"), "move": ("under", "after", "before")}
FORMS = {
    "set": "{set: criteria/3.1/rule/ladder/1/min, to: 90}",
    "remove": "{remove: criteria/6.4}",
    "add": '{add: {id: "7.6", name: ..., max: 1, rule: ...}, under: "7", after: "7.5"}',
    "move": '{move: criteria/7.3, under: "3", after: "3.2"}',
    "rename": '{rename: criteria/7.5, to: "7.5b"}',
    "reweight": "{reweight: criteria/8, to: 40}",
    "transfer": '{transfer: 0.5, from: "3.2", to: "3.1"}',
}
ROOTS = (
    "criteria", "bands", "bands_by_group", "adjustments", "ranking", "display", "scale", "stages",
    "missing", "not_applicable", "groups", "flags", "references",
)
_ALLOWED_BESIDE = (*METADATA_KEYS, "extends", "changes")
_EXPECTED = {  # what a value should have been, in both languages
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


def _expect(what: str) -> dict[str, str]:
    vi, en = _EXPECTED[what]
    return {"expected_vi": vi, "expected_en": en}


@dataclass(frozen=True)
class AppliedChange:
    """One change as applied: its file, 1-based index there, kind, what it names and where it stands."""

    file: str
    index: int
    kind: str
    target: str
    pos: Pos


@dataclass
class Derivation:
    """How a derived rulebook was made.

    `chain` lists the files base first (the root full rulebook, any derived bases, this file);
    `changes` holds the changes of every level in the order applied. `removed` and `renamed` are
    relative to the root base (ids of nodes and adjustments, removed subtrees in full; a rename
    chain a → b → c shows as a → c), which is what data written for the root base needs.
    `base_id` is the id of the immediate base (the file named by `extends`).
    """

    chain: list[Path]
    base_id: str
    changes: list[AppliedChange] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)

    @property
    def base_path(self) -> Path:
        """The file named by `extends`."""
        return self.chain[-2]


class _Fail(Exception):
    """A change cannot be applied: reported at the change with `code` and `params`."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass
class _Change:
    """One change item being applied: the item, its 1-based index, kind and position."""

    item: LDict
    index: int
    kind: str
    pos: Pos


# ---------------------------------------------------------------- located containers
def copy_located(value: Any) -> Any:
    """A deep copy that keeps LDict/LList and their positions."""
    if isinstance(value, LDict):
        out = LDict(((k, copy_located(v)) for k, v in value.items()), pos=value.pos)
        out.key_pos, out.val_pos, out.raw = dict(value.key_pos), dict(value.val_pos), dict(value.raw)
        return out
    if isinstance(value, LList):
        seq = LList((copy_located(v) for v in value), pos=value.pos)
        seq.item_pos, seq.raw = list(value.item_pos), dict(value.raw)
        return seq
    return copy.deepcopy(value)


def _put(container: LDict | LList, key: Any, value: Any, pos: Pos, raw: str | None = None) -> None:
    """Write `value` at `key` (an existing index for a list) with the position of the change."""
    container[key] = value
    if isinstance(container, LDict):
        container.key_pos.setdefault(key, pos)
        container.val_pos[key] = pos
    else:
        container.item_pos[key] = pos
    container.raw.pop(key, None)
    if raw is not None:
        container.raw[key] = raw


def _delete(container: LDict | LList, key: Any) -> None:
    if isinstance(container, LDict):
        del container[key]
        for table in (container.key_pos, container.val_pos, container.raw):
            table.pop(key, None)
        return
    del container[key]
    del container.item_pos[key]
    container.raw = {i - (i > key): v for i, v in container.raw.items() if i != key}


def _insert(seq: LList, index: int, value: Any, pos: Pos) -> None:
    seq.insert(index, value)
    seq.item_pos.insert(index, pos)
    seq.raw = {i + (i >= index): v for i, v in seq.raw.items()}


# ---------------------------------------------------------------- the criteria tree
def _nodes(seq: Any, parents: tuple[LDict, ...] = ()) -> Iterator[tuple[LDict, LList, tuple[LDict, ...]]]:
    """Every well-formed node with its sibling list and its ancestors (root first), depth first."""
    if not isinstance(seq, LList):
        return
    for item in seq:
        if isinstance(item, LDict) and isinstance(item.get("id"), str):
            yield item, seq, parents
            yield from _nodes(item.get("children"), (*parents, item))


def _effective_max(node: LDict) -> float:
    """A node's max: stated, or implied by its children (sum, or the k largest)."""
    stated = number(node.get("max"))
    return stated if stated is not None else _implied_max(node)


def _implied_max(node: LDict) -> float:
    children = node.get("children")
    if not isinstance(children, LList):
        return 0.0
    maxima = sorted((_effective_max(c) for c in children if isinstance(c, LDict)), reverse=True)
    aggregate = node.get("aggregate")
    if isinstance(aggregate, LDict) and isinstance(aggregate.get("best"), int):
        maxima = maxima[: aggregate["best"]]
    return float(sum(maxima))


def _keeping_sums(branches: list[tuple[LDict, ...]], mutate: Callable[[], None], pos: Pos) -> None:
    """Apply `mutate`, then shift the stated max of each sum/best-k ancestor by the change in its children.

    `branches` are ancestor chains (root first) of the places the change touches; their nodes are
    settled deepest first, so each sees its children's final maxima. A capped ancestor keeps its
    max, and so shields those above it.
    """
    depth = {id(node): (i, node) for chain in branches for i, node in enumerate(chain)}
    before = {key: _implied_max(node) for key, (_, node) in depth.items()}
    mutate()
    for key, (_, node) in sorted(depth.items(), key=lambda kv: -kv[1][0]):
        if node.get("aggregate") == "capped" or number(node.get("max")) is None:
            continue
        delta = _implied_max(node) - before[key]
        if delta:
            _put(node, "max", tidy(node["max"] + delta), pos)


def _scale_subtree(node: LDict, factor: float, pos: Pos) -> None:
    """Scale a node's stated max, floor and absolute rule points, and those of every node under it."""
    for key in ("max", "floor"):
        if number(node.get(key)) is not None:
            _put(node, key, tidy(node[key] * factor), pos)
    rule = node.get("rule")
    if isinstance(rule, LDict):
        _scale_rule(rule, factor, pos)
    children = node.get("children")
    for child in children if isinstance(children, LList) else ():
        if isinstance(child, LDict):
            _scale_subtree(child, factor, pos)


def _scale_rule(rule: LDict, factor: float, pos: Pos) -> None:
    """Ladder `points`, `levels` values and deduct `per` are in the leaf's points; `share` is not."""
    ladder, levels, deduct = rule.get("ladder"), rule.get("levels"), rule.get("deduct")
    for step in ladder if isinstance(ladder, LList) else ():
        if isinstance(step, LDict) and number(step.get("points")) is not None:
            _put(step, "points", tidy(step["points"] * factor), pos)
    for name, value in list(levels.items()) if isinstance(levels, LDict) else ():
        if number(value) is not None:
            _put(levels, name, tidy(value * factor), pos)
    if isinstance(deduct, LDict) and number(deduct.get("per")) is not None:
        _put(deduct, "per", tidy(deduct["per"] * factor), pos)


# ---------------------------------------------------------------- applying changes
@dataclass
class _State:
    """The document being derived and what is known about its ids."""

    doc: LDict
    origin: dict[str, str]  # current id → root-base id, for nodes and adjustments from the root base
    removed: list[str] = field(default_factory=list)
    changes: list[AppliedChange] = field(default_factory=list)
    aliases: dict[tuple[str, str], str] = field(default_factory=dict)  # (scope, old id) → new id, for later changes

    @classmethod
    def root(cls, doc: LDict) -> _State:
        ids = [node["id"] for node, _, _ in _nodes(doc.get("criteria"))]
        ids += [a["id"] for a in _id_items(doc.get("adjustments"))]
        return cls(doc, {i: i for i in ids})

    def derivation(self, chain: list[Path], base_id: str) -> Derivation:
        renamed = {old: new for new, old in self.origin.items() if new != old}
        return Derivation(chain, base_id, list(self.changes), list(self.removed), renamed)


def _id_items(seq: Any) -> list[LDict]:
    return [i for i in seq if isinstance(i, LDict) and isinstance(i.get("id"), str)] if isinstance(seq, LList) else []


class _Applier:
    """Applies the changes of one file to a state, reporting every failing change."""

    def __init__(self, state: _State, problems: Problems, file: str):
        self.state, self.problems, self.file = state, problems, file
        self.removals: list[tuple[_Change, str, str]] = []  # change, scope, id: checked for dangling refs
        self.failed = False

    @property
    def doc(self) -> LDict:
        return self.state.doc

    def run(self, changes: Any) -> bool:
        for i, item in enumerate(changes):
            pos = changes.where(i) if isinstance(changes, LList) else Pos(self.file)
            change = self._parse(item, i + 1, pos)
            if change is None:
                continue
            try:
                target = getattr(self, f"_{change.kind}")(change)
            except _Fail as fail:
                self._report(change, fail.code, **fail.params)
                continue
            self.state.changes.append(AppliedChange(self.file, change.index, change.kind, target, pos))
        self._check_dangling()
        return not self.failed

    def _report(self, change: _Change, code: str, **params: Any) -> None:
        self.failed = True
        params.setdefault("form", FORMS[change.kind] if change.kind in FORMS else "")
        path = f"changes/{change.index - 1}"
        self.problems.add(code, change.pos, path, index=change.index, kind=change.kind, **params)

    # ------------------------------------------------------------ parsing a change item
    def _parse(self, item: Any, index: int, pos: Pos) -> _Change | None:
        bare = _Change(LDict(pos=pos), index, "?", pos)
        if not isinstance(item, LDict):
            self._report(bare, KIND_UNKNOWN, found=repr(item), kinds=KINDS, nearest=nearest(str(item), KINDS))
            return None
        kinds = [k for k in item if k in KINDS]
        if len(kinds) > 1:
            self._report(bare, KIND_SEVERAL, found=kinds)
            return None
        if not kinds:
            keys = [str(k) for k in item]
            guess = nearest(keys[0], KINDS) if keys else list(KINDS[:3])
            self._report(bare, KIND_UNKNOWN, found=keys, kinds=KINDS, nearest=guess)
            return None
        change = _Change(item, index, kinds[0], pos)
        required, optional = _REQUIRED.get(change.kind, ()), _OPTIONAL.get(change.kind, ())
        ok = True
        for key in item:
            if key != change.kind and key not in required and key not in optional:
                allowed = [change.kind, *required, *optional]
                self._report(change, KEY_UNKNOWN, key=key, allowed=allowed)
                ok = False
        for key in required:
            if key not in item:
                self._report(change, KEY_MISSING, key=key)
                ok = False
        return change if ok else None

    # ------------------------------------------------------------ finding things
    def _resolve(self, scope: str, ident: str, present: Callable[[str], bool]) -> str:
        """An id as it stands now: itself if present, else what an earlier rename made of it."""
        seen = set()
        while not present(ident) and (scope, ident) in self.state.aliases and ident not in seen:
            seen.add(ident)
            ident = self.state.aliases[(scope, ident)]
        return ident

    def _node(self, ident: Any, key: str) -> tuple[LDict, LList, tuple[LDict, ...]]:
        if not isinstance(ident, str):
            raise _Fail(BAD_VALUE, key=key, **_expect("id"), found=repr(ident))
        found = {entry[0]["id"]: entry for entry in _nodes(self.doc.get("criteria"))}
        ident = self._resolve("criteria", ident, found.__contains__)
        if ident not in found:
            raise _Fail(UNKNOWN_NODE, id=ident, nearest=nearest(ident, found))
        return found[ident]

    def _band_list(self, scope: str) -> LList:
        if scope == "bands":
            seq = self.doc.get("bands")
        else:
            groups = self.doc.get("bands_by_group")
            group = scope.split("/", 1)[1]
            if not isinstance(groups, LDict) or group not in groups:
                raise _Fail(UNKNOWN_GROUP, id=group, nearest=nearest(group, groups or ()))
            seq = groups[group]
        if not isinstance(seq, LList):
            raise _Fail(BAD_SEGMENT, written=scope, segment=scope, at="", existing="—")
        return seq

    def _item(self, seq: LList, scope: str, ident: str) -> int:
        """Index of the band or adjustment `ident` in `seq`."""
        ids = [i["id"] for i in _id_items(seq)]
        ident = self._resolve(scope, ident, ids.__contains__)
        for index, item in enumerate(seq):
            if isinstance(item, LDict) and item.get("id") == ident:
                return index
        if scope == "adjustments":
            raise _Fail(UNKNOWN_ADJUSTMENT, id=ident, nearest=nearest(ident, ids))
        raise _Fail(UNKNOWN_BAND, id=ident, where=scope, nearest=nearest(ident, ids))

    def _path(self, change: _Change, key: str) -> list[str]:
        path = change.item.get(key)
        if not isinstance(path, str) or not path.strip("/"):
            raise _Fail(BAD_VALUE, key=key, **_expect("path"), found=repr(path))
        return path.strip("/").split("/")

    def _target(self, change: _Change, key: str, create: bool = False) -> tuple[LDict | LList, Any, str, str]:
        """Container and key named by the change's path; also the item's scope and id when it names one."""
        segs = self._path(change, key)
        path = "/".join(segs)
        root = segs[0]
        if root not in ROOTS:
            raise _Fail(BAD_SEGMENT, written=path, segment=root, at="/", existing=ROOTS)
        scope, ident, rest = "", "", segs[1:]
        container: LDict | LList = self.doc
        name: Any = root
        if root == "criteria" and rest:
            node, siblings, _ = self._node(rest[0], key)
            container, name, scope, ident, rest = siblings, _index_of(siblings, node), "criteria", node["id"], rest[1:]
        elif root in ("bands", "adjustments") and rest:
            seq = self.doc.get(root) if root == "adjustments" else self._band_list("bands")
            if not isinstance(seq, LList):
                raise _Fail(BAD_SEGMENT, written=path, segment=root, at="/", existing=list(self.doc))
            container, name, scope, rest = seq, self._item(seq, root, rest[0]), root, rest[1:]
            ident = seq[name]["id"]
        elif root == "bands_by_group" and len(rest) >= 2:
            scope = f"bands_by_group/{rest[0]}"
            seq = self._band_list(scope)
            container, name, rest = seq, self._item(seq, scope, rest[1]), rest[2:]
            ident = seq[name]["id"]
        if rest:
            scope = ident = ""
        done = segs[: len(segs) - len(rest)]
        for i, seg in enumerate(rest):
            at = "/".join(done) or "/"
            if isinstance(container, LDict) and name not in container:
                raise _Fail(BAD_SEGMENT, written=path, segment=name, at="/", existing=list(container))
            value = container[name]
            last = i == len(rest) - 1
            if isinstance(value, LDict):
                if seg not in value and not (last and create):
                    raise _Fail(BAD_SEGMENT, written=path, segment=seg, at=at, existing=list(value) or "—")
            elif isinstance(value, LList):
                if not seg.isdigit():
                    raise _Fail(BAD_SEGMENT, written=path, segment=seg, at=at, existing=f"0…{len(value) - 1}")
                seg = int(seg)
                if seg >= len(value):
                    raise _Fail(INDEX_RANGE, item=seg, at=at, size=len(value), last=max(len(value) - 1, 0))
            else:
                raise _Fail(BAD_SEGMENT, written=path, segment=seg, at=at, existing=repr(value))
            container, name = value, seg
            done.append(str(seg))
        if isinstance(container, LDict) and name not in container and not create:
            raise _Fail(BAD_SEGMENT, written=path, segment=name, at="/", existing=list(container))
        return container, name, scope, ident

    def _item_target(self, change: _Change, key: str, scopes: tuple[str, ...]) -> tuple[LList, int, str]:
        """A change that acts on a whole node, band or adjustment: its list, index and scope."""
        container, name, scope, _ = self._target(change, key)
        if not any(scope == s or scope.startswith(s + "/") for s in scopes):
            what = "criterion" if scopes == ("criteria",) else "any"
            raise _Fail(BAD_TARGET, written=change.item.get(key), **_expect(what))
        assert isinstance(container, LList)
        return container, name, scope

    def _place(self, change: _Change, seq: LList, scope: str, moving: LDict | None = None) -> int:
        """Where `after`/`before` put an item in `seq` (the end when neither is given)."""
        after, before = change.item.get("after"), change.item.get("before")
        if after is not None and before is not None:
            raise _Fail(KEY_UNKNOWN, key="before", allowed=[k for k in _OPTIONAL[change.kind] if k != "before"])
        sibling = after if after is not None else before
        if sibling is None:
            return len(seq)
        key = "after" if after is not None else "before"
        if not isinstance(sibling, str):
            raise _Fail(BAD_VALUE, key=key, **_expect("id"), found=repr(sibling))
        ids = [i["id"] for i in _id_items(seq) if i is not moving]
        sibling = self._resolve(scope, sibling, ids.__contains__)
        if sibling not in ids:
            code = {"criteria": UNKNOWN_NODE, "adjustments": UNKNOWN_ADJUSTMENT}.get(scope, UNKNOWN_BAND)
            raise _Fail(code, id=sibling, where=scope, nearest=nearest(sibling, ids))
        index = next(i for i, item in enumerate(seq) if isinstance(item, LDict) and item.get("id") == sibling)
        return index + 1 if after is not None else index

    # ------------------------------------------------------------ the seven kinds
    def _set(self, change: _Change) -> str:
        container, name, _, _ = self._target(change, "set", create=True)
        path = change.item["set"]
        if name == "id" and isinstance(container, LDict) and _looks_like_item(path):
            raise _Fail(SET_ID, written=path, target=path.rsplit("/", 1)[0])
        _put(container, name, copy_located(change.item["to"]), change.item.where("to"), change.item.raw.get("to"))
        return path

    def _remove(self, change: _Change) -> str:
        container, name, scope, ident = self._target(change, "remove")
        if scope == "criteria":
            node, _, ancestors = self._node(ident, "remove")
            gone = [node["id"], *(n["id"] for n, _, _ in _nodes(node.get("children")))]
            _keeping_sums([ancestors], lambda: _delete(container, name), change.pos)
            for removed in gone:
                self._forget(change, "criteria", removed)
        else:
            _delete(container, name)
            if scope:
                self._forget(change, scope, ident)
        return change.item["remove"]

    def _forget(self, change: _Change, scope: str, ident: str) -> None:
        self.removals.append((change, scope, ident))
        if scope in ("criteria", "adjustments") and ident in self.state.origin:
            self.state.removed.append(self.state.origin.pop(ident))

    def _add(self, change: _Change) -> str:
        value = change.item["add"]
        if not isinstance(value, LDict) or not isinstance(value.get("id"), str) or "/" in value["id"]:
            raise _Fail(BAD_VALUE, key="add", **_expect("item"), found=repr(value))
        new = copy_located(value)
        if "to" in change.item:
            if "under" in change.item:
                raise _Fail(KEY_UNKNOWN, key="under", allowed=["add", "to", "after", "before"])
            return self._add_item(change, new)
        existing = {n["id"]: n for n, _, _ in _nodes(self.doc.get("criteria"))}
        if new["id"] in existing:
            raise _Fail(ID_EXISTS, id=new["id"], where=existing[new["id"]].pos)
        parent, chain = self._parent(change)
        holder, key = (parent, "children") if parent is not None else (self.doc, "criteria")
        seq = holder.get(key)
        if not isinstance(seq, LList):
            seq = LList(pos=change.pos)
        index = self._place(change, seq, "criteria")

        def mutate() -> None:
            if holder.get(key) is not seq:
                _put(holder, key, seq, change.pos)
            _insert(seq, index, new, change.item.where("add"))

        _keeping_sums([chain], mutate, change.pos)
        return new["id"]

    def _add_item(self, change: _Change, new: LDict) -> str:
        where = change.item["to"]
        if where == "adjustments":
            seq = self.doc.get("adjustments")
            if not isinstance(seq, LList):
                seq = LList(pos=change.pos)
        elif isinstance(where, str) and (where == "bands" or where.startswith("bands_by_group/")):
            seq = self._band_list(where)
        else:
            raise _Fail(BAD_VALUE, key="to", **_expect("add_to"), found=repr(where))
        clash = [i for i in _id_items(seq) if i["id"] == new["id"]]
        if clash:
            raise _Fail(ID_EXISTS, id=new["id"], where=clash[0].pos)
        index = self._place(change, seq, where)
        if where == "adjustments" and self.doc.get("adjustments") is not seq:
            _put(self.doc, "adjustments", seq, change.pos)
        _insert(seq, index, new, change.item.where("add"))
        return f"{where}/{new['id']}"

    def _parent(self, change: _Change) -> tuple[LDict | None, tuple[LDict, ...]]:
        """The node named by `under` and its ancestors with it (root first); none for the top level."""
        if change.item.get("under") is None:
            return None, ()
        parent, _, ancestors = self._node(change.item["under"], "under")
        return parent, (*ancestors, parent)

    def _move(self, change: _Change) -> str:
        siblings, index, _ = self._item_target(change, "move", ("criteria",))
        node = siblings[index]
        _, _, old_chain = self._node(node["id"], "move")
        parent, new_chain = self._parent(change)
        if parent is not None and any(n is node for n in new_chain):
            raise _Fail(MOVE_INTO_ITSELF, id=node["id"], under=parent["id"])
        if parent is None:
            seq = self.doc["criteria"]
        elif isinstance(parent.get("children"), LList):
            seq = parent["children"]
        else:
            seq = LList(pos=change.pos)
        place = self._place(change, seq, "criteria", moving=node)
        pos = siblings.where(index)

        def mutate() -> None:
            _delete(siblings, index)
            target = place - (seq is siblings and place > index)
            if parent is not None and parent.get("children") is not seq:
                _put(parent, "children", seq, change.pos)
            _insert(seq, target, node, pos)

        _keeping_sums([old_chain, new_chain], mutate, change.pos)
        return change.item["move"]

    def _rename(self, change: _Change) -> str:
        seq, index, scope = self._item_target(
            change, "rename", ("criteria", "bands", "bands_by_group", "adjustments")
        )
        item, new = seq[index], change.item["to"]
        old = item["id"]
        if not isinstance(new, str) or "/" in new or not new.strip():
            raise _Fail(BAD_VALUE, key="to", **_expect("new_id"), found=repr(new))
        taken = self._ids(scope)
        if new in taken:
            raise _Fail(ID_EXISTS, id=new, where=taken[new].pos)
        pos = change.item.where("to")
        _put(item, "id", new, pos)
        if scope == "criteria":
            was = item.get("was")
            if not isinstance(was, LList):
                was = LList(pos=pos)
                _put(item, "was", was, pos)
            _insert(was, len(was), old, pos)
        for container, key, _ in self._references(scope, old):
            _put(container, key, new, pos)
        self.state.aliases[(scope, old)] = new
        if old in self.state.origin:
            self.state.origin[new] = self.state.origin.pop(old)
        return f"{change.item['rename']} → {new}"

    def _ids(self, scope: str) -> dict[str, LDict]:
        if scope == "criteria":
            return {n["id"]: n for n, _, _ in _nodes(self.doc.get("criteria"))}
        seq = self.doc.get("adjustments") if scope == "adjustments" else self._band_list(scope)
        return {i["id"]: i for i in _id_items(seq)}

    def _reweight(self, change: _Change) -> str:
        siblings, index, _ = self._item_target(change, "reweight", ("criteria",))
        to = number(change.item["to"])
        if to is None:
            raise _Fail(BAD_VALUE, key="to", **_expect("number"), found=repr(change.item["to"]))
        if to < 0:
            raise _Fail(NEGATIVE, key="to", value=tidy(to))
        self._scale(siblings[index], to, change)
        return change.item["reweight"]

    def _scale(self, node: LDict, to: float, change: _Change) -> None:
        old = _effective_max(node)
        if old == 0:
            raise _Fail(ZERO_MAX, id=node["id"])
        _, _, ancestors = self._node(node["id"], change.kind)

        def mutate() -> None:
            _scale_subtree(node, to / old, change.pos)
            if number(node.get("max")) is not None:
                _put(node, "max", tidy(to), change.pos)

        _keeping_sums([ancestors], mutate, change.pos)

    def _transfer(self, change: _Change) -> str:
        amount = number(change.item["transfer"])
        if amount is None:
            raise _Fail(BAD_VALUE, key="transfer", **_expect("points"), found=repr(change.item["transfer"]))
        if amount < 0:
            raise _Fail(NEGATIVE, key="transfer", value=tidy(amount))
        source, _, source_up = self._node(change.item["from"], "from")
        target, _, target_up = self._node(change.item["to"], "to")
        if source is target or any(n is source for n in target_up) or any(n is target for n in source_up):
            raise _Fail(TRANSFER_NESTED, from_=source["id"], to=target["id"])
        have = _effective_max(source)
        if amount > have:
            raise _Fail(TRANSFER_TOO_MUCH, amount=tidy(amount), id=source["id"], max=tidy(have))
        if _effective_max(target) == 0:
            raise _Fail(ZERO_MAX, id=target["id"])
        gained = _effective_max(target) + amount
        self._scale(source, have - amount, change)
        self._scale(target, gained, change)
        return f"{source['id']} → {target['id']}"

    # ------------------------------------------------------------ references
    def _references(self, scope: str, ident: str) -> list[tuple[LDict | LList, Any, str]]:
        """Every place that refers to `ident` of `scope`: container, key and document path."""
        found: list[tuple[LDict | LList, Any, str]] = []
        if scope == "criteria":
            ranking = self.doc.get("ranking")
            tie_break = ranking.get("tie_break") if isinstance(ranking, LDict) else None
            for i, value in enumerate(tie_break if isinstance(tie_break, LList) else ()):
                if value == ident:
                    found.append((tie_break, i, f"ranking/tie_break/{i}"))
            for path, band in self._bands():
                gates = band.get("when")
                for i, gate in enumerate(gates if isinstance(gates, LList) else ()):
                    if isinstance(gate, LDict) and gate.get("node") == ident:
                        found.append((gate, "node", f"{path}/when/{i}/node"))
        elif scope.startswith("bands"):
            for path, band in self._bands():
                if path.rsplit("/", 1)[0] != scope:
                    continue
                quota = band.get("quota")
                of = quota.get("of") if isinstance(quota, LDict) else None
                for i, value in enumerate(of if isinstance(of, LList) else ()):
                    if value == ident:
                        found.append((of, i, f"{path}/quota/of/{i}"))
        return found

    def _bands(self) -> Iterator[tuple[str, LDict]]:
        for band in _id_items(self.doc.get("bands")):
            yield f"bands/{band['id']}", band
        groups = self.doc.get("bands_by_group")
        for group, seq in groups.items() if isinstance(groups, LDict) else ():
            for band in _id_items(seq):
                yield f"bands_by_group/{group}/{band['id']}", band

    def _check_dangling(self) -> None:
        """A removed id that the final document still refers to (and that was not added back)."""
        for change, scope, ident in self.removals:
            try:
                if ident in self._ids(scope):
                    continue
            except _Fail:
                continue
            for container, key, path in self._references(scope, ident):
                where = container.where(key)
                self._report(change, DANGLING, id=ident, ref=path, where=where)


def _index_of(seq: LList, item: LDict) -> int:
    return next(i for i, x in enumerate(seq) if x is item)


def _looks_like_item(path: str) -> bool:
    """`criteria/<id>/id`, `bands/<id>/id`, `bands_by_group/<g>/<id>/id` or `adjustments/<id>/id`."""
    parts = path.strip("/").split("/")
    return (parts[0] in ("criteria", "bands", "adjustments") and len(parts) == 3) or (
        parts[0] == "bands_by_group" and len(parts) == 4
    )


# ---------------------------------------------------------------- resolving `extends`
def apply_changes(
    base: Path | str, changes: Any, problems: Problems
) -> tuple[LDict | None, Derivation | None]:
    """The raw document of the rulebook at `base` with `changes` (a located list, e.g. a scenario variant's
    inline changes) applied, and its derivation; (None, None) on any error. Validate it with `validate.build`.
    """
    pos = getattr(changes, "pos", None) or Pos("<changes>")
    raw = LDict(extends=str(Path(base).resolve()), changes=changes, pos=pos)
    raw.val_pos = {"extends": pos, "changes": pos}
    resolved = _resolve(raw, Path(pos.file), problems, (), placed=False)  # `base` is named by code, not a file
    if resolved is None:
        return None, None
    state, chain, base_id = resolved
    return state.doc, state.derivation(chain, base_id)


def resolve(raw: LDict, path: Path, problems: Problems) -> tuple[LDict | None, Derivation | None]:
    """The final raw document of a derived rulebook and how it was made; (None, None) on any error."""
    resolved = _resolve(raw, Path(path), problems, ())
    if resolved is None:
        return None, None
    state, chain, base_id = resolved
    if "id" not in raw:
        problems.add(NO_OWN_ID, raw.pos, "id", severity="warning", base_id=base_id)
    return state.doc, state.derivation(chain, base_id)


def _resolve(
    raw: LDict, path: Path, problems: Problems, seen: tuple[Path, ...], placed: bool = True
) -> tuple[_State, list[Path], str] | None:
    file = str(path)
    ok = _check_keys(raw, problems)
    extends, changes = raw.get("extends"), raw.get("changes", LList(pos=raw.pos))
    if not isinstance(changes, LList):
        problems.add(EXTENDS_NOT_TEXT, raw.where("changes"), "changes", key="changes", **_expect("changes"))
        ok = False
    if not isinstance(extends, str) or not extends.strip():
        problems.add(EXTENDS_NOT_TEXT, raw.where("extends"), "extends", key="extends",
                     **_expect("extends"))
        return None
    base_path = Path(os.path.normpath(path.parent / extends))
    here = (*seen, places.real(path))  # realpath: a symlink loop or a too long name is not an exception
    if places.real(base_path) in here:
        names = [p.name for p in here] + [base_path.name]
        problems.add(EXTENDS_CYCLE, raw.where("extends"), "extends", chain=" → ".join(names))
        return None
    if not places.is_file(base_path):
        problems.add(EXTENDS_MISSING, raw.where("extends"), "extends", extends=extends, looked=base_path)
        return None
    base = _read_base(base_path, raw, extends, path if placed else None, problems)
    if base is None:
        return None
    if "extends" in base:
        resolved = _resolve(base, base_path, problems, here)
        if resolved is None:
            return None
        state, chain = resolved[0], resolved[1]
    else:
        state, chain = _State.root(copy_located(base)), [base_path]
    base_id = str(state.doc.get("id", ""))
    ok = _merge_metadata(state.doc, raw, problems) and ok
    ok = _Applier(state, problems, file).run(changes if isinstance(changes, LList) else ()) and ok
    return (state, [*chain, path], base_id) if ok else None


def _read_base(
    path: Path, derived: LDict, written: str, derived_path: Path | None, problems: Problems
) -> LDict | None:
    """A base's document, parsed once per file content: a sweep derives many variants of one base.

    The document is shared between calls, so it is only read: `_State.root` copies the root base
    before any change applies, and changes copy whatever they take from a derived base. A base
    outside the project (`places`) is refused; a file that is not a rulebook is refused without
    showing anything of its content (its own problems could quote it).
    """
    if derived_path is not None and not places.allowed(path, derived_path):
        problems.add(places.OUTSIDE, derived.where("extends"), "extends", written=written, looked=path)
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return read_yaml(path, problems)  # reports why
    raw, found = _parse_base(str(path), data)
    if raw is None or not ("dsl" in raw or "extends" in raw):
        problems.add(places.NOT_RULEBOOK, derived.where("extends"), "extends", written=written)
        return None
    problems.extend(found)
    return raw


@functools.lru_cache(maxsize=16)
def _parse_base(file: str, data: bytes) -> tuple[LDict | None, tuple[Problem, ...]]:
    found = Problems()
    return parse_document(data, file, found), tuple(found)


def _check_keys(raw: LDict, problems: Problems) -> bool:
    bad = [key for key in raw if key not in _ALLOWED_BESIDE]
    for key in bad:
        problems.add(KEY_BESIDE_CHANGES, raw.key_pos.get(key, raw.pos), str(key), key=key, allowed=METADATA_KEYS)
    return not bad


def _merge_metadata(doc: LDict, raw: LDict, problems: Problems) -> bool:
    """The derived file's metadata replace the base's; its references add to them."""
    ok = True
    for key in METADATA_KEYS:
        if key not in raw:
            continue
        if key == "references" and isinstance(raw[key], LDict) and isinstance(doc.get(key), LDict):
            for name, value in raw[key].items():
                if name in doc[key]:
                    problems.add(REFERENCE_EXISTS, raw[key].key_pos.get(name), f"references/{name}", key=name)
                    ok = False
                    continue
                _put(doc[key], name, copy_located(value), raw[key].where(name))
                doc[key].key_pos[name] = raw[key].key_pos.get(name, raw.pos)
            continue
        _put(doc, key, copy_located(raw[key]), raw.where(key), raw.raw.get(key))
        doc.key_pos[key] = raw.key_pos.get(key, raw.pos)
    return ok
