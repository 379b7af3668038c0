"""Reading YAML with the place of every node kept, so every later error can point into it.

Mappings load as `LDict` and sequences as `LList`; both remember their own position and the
position of each key and value. Duplicate keys are refused. Booleans and numbers follow the
YAML 1.2 core schema: only `true`/`false` are booleans (a level or answer named `no` or `yes`
stays a string), `010` is ten (not octal eight) and `8:30` is text (not 510 minutes).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from cchc_rules import limits
from cchc_rules.problems import Pos, Problems, define
from cchc_rules.safe_text import clean

YAML_SYNTAX = define(
    "Y001",
    "Tệp YAML sai cú pháp: {problem}",
    "The YAML is not well formed: {problem}",
    "Sửa cú pháp YAML tại vị trí này (thụt lề, dấu hai chấm, dấu ngoặc kép).",
    "Fix the YAML syntax here (indentation, colons, quotes).",
)
YAML_DUPLICATE = define(
    "Y002",
    "Khoá '{key}' xuất hiện hai lần (lần đầu ở dòng {first})",
    "Key '{key}' appears twice (first at line {first})",
    "Giữ một khoá '{key}' duy nhất trong mục này.",
    "Keep a single '{key}' in this mapping.",
)
YAML_UNREADABLE = define(
    "Y003",
    "Không đọc được tệp: {reason}",
    "Cannot read the file: {reason}",
    "Kiểm tra đường dẫn và bảng mã (UTF-8).",
    "Check the path and that the file is UTF-8.",
)
YAML_NOT_UTF8 = define(
    "Y005",
    "Tệp không phải UTF-8: byte 0x{byte} ở dòng {line} không đọc được",
    "The file is not UTF-8: byte 0x{byte} on line {line} cannot be read",
    "Lưu lại tệp với bảng mã UTF-8 (trong trình soạn thảo: Save with Encoding → UTF-8).",
    "Save the file again as UTF-8 (in the editor: Save with Encoding → UTF-8).",
)
YAML_MISSING_FILE = define(
    "Y006",
    "Không có tệp này",
    "There is no such file",
    "Kiểm tra đường dẫn (tương đối so với thư mục đang làm việc hoặc tệp gọi đến nó).",
    "Check the path (relative to the working folder, or to the file that names it).",
)
YAML_NOT_MAPPING = define(
    "Y004",
    "Tài liệu phải là một ánh xạ (khoá: giá trị), không phải {found}",
    "The document must be a mapping (key: value), not {found}",
    "Bắt đầu tệp bằng các khoá cấp cao nhất, ví dụ 'dsl: 1'.",
    "Start the file with top-level keys, e.g. 'dsl: 1'.",
)

YAML_TOO_BIG = define(
    "Y007",
    "Tệp quá lớn: {size} byte, giới hạn là {limit} byte",
    "The file is too large: {size} bytes, the limit is {limit} bytes",
    "Kiểm tra đúng tệp chưa; nếu đúng là cần, nâng giới hạn bằng biến môi trường {env}.",
    "Check that this is the right file; if it really must be this large, raise the limit with the "
    "environment variable {env}.",
)
YAML_LIMIT = define(
    "Y008",
    "Tệp YAML vượt giới hạn: {what_vi} (giới hạn {limit})",
    "The YAML goes beyond a limit: {what_en} (the limit is {limit})",
    "Viết thẳng nội dung, bớt bí danh (*tên) và bớt cấp lồng nhau; nếu thật cần, nâng giới hạn bằng biến "
    "môi trường {env}.",
    "Write the content out with fewer aliases (*name) and fewer nested levels; if it is really needed, "
    "raise the limit with the environment variable {env}.",
)
YAML_TOO_DEEP = define(
    "Y014",
    "Tệp YAML lồng nhau quá {limit} cấp",
    "The YAML is nested more than {limit} levels deep",
    "Giảm số cấp lồng nhau (một bộ tiêu chí thật ít khi cần quá 10 cấp).",
    "Use fewer nested levels (a real rulebook rarely needs more than 10).",
)
YAML_ALIAS_LOOP = define(
    "Y009",
    "Bí danh *{anchor} trỏ vào chính mục chứa nó, nên nội dung không bao giờ kết thúc",
    "The alias *{anchor} points into the item that holds it, so the content never ends",
    "Thay bí danh bằng nội dung cụ thể.",
    "Replace the alias with the content itself.",
)
YAML_CONTROL = define(
    "Y010",
    "Ký tự điều khiển {chars} (không nhìn thấy) đã được bỏ",
    "The control character {chars} (invisible) was removed",
    "Xoá ký tự này trong tệp (thường do chép từ Word hoặc trang web).",
    "Delete the character from the file (it usually comes from copying out of Word or a web page).",
)
YAML_BAD_VALUE = define(
    "Y011",
    "Giá trị '{value}' không đọc được theo kiểu {tag}",
    "The value '{value}' cannot be read as {tag}",
    "Bỏ nhãn kiểu (!!...) hoặc viết một giá trị đúng kiểu đó.",
    "Remove the type tag (!!...) or write a value of that type.",
)
YAML_NOT_FINITE = define(
    "Y012",
    "Số '{value}' không phải là một số hữu hạn",
    "The number '{value}' is not a finite number",
    "Ghi một số cụ thể (không dùng .inf hay .nan).",
    "Write an actual number (not .inf or .nan).",
)
YAML_SURROGATE = define(
    "Y013",
    "Văn bản chứa ký tự Unicode không hợp lệ (nửa cặp thay thế {char})",
    "The text holds an invalid Unicode character (a lone surrogate {char})",
    "Xoá chuỗi thoát \\u{char} khỏi văn bản.",
    "Remove the escape \\u{char} from the text.",
)

# What the YAML reader refuses outright (C0 and C1 controls but tab, newlines and NEL; U+FFFE/FFFF).
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class LDict(dict):
    """A mapping that knows where it and each of its keys and values stand."""

    pos: Pos
    key_pos: dict[Any, Pos]
    val_pos: dict[Any, Pos]
    raw: dict[Any, str]  # source text of non-string scalars (for '1.10' read as 1.1)

    def __init__(self, *args: Any, pos: Pos | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.pos = pos or Pos("")
        self.key_pos, self.val_pos, self.raw = {}, {}, {}

    def where(self, key: Any) -> Pos:
        return self.val_pos.get(key) or self.key_pos.get(key) or self.pos


class LList(list):
    """A sequence that knows where it and each of its items stand."""

    pos: Pos
    item_pos: list[Pos]
    raw: dict[int, str]

    def __init__(self, *args: Any, pos: Pos | None = None):
        super().__init__(*args)
        self.pos = pos or Pos("")
        self.item_pos, self.raw = [], {}

    def where(self, index: int) -> Pos:
        return self.item_pos[index] if 0 <= index < len(self.item_pos) else self.pos


class _LimitReached(Exception):
    def __init__(self, mark: yaml.Mark | None, limit: limits.Limit, what_vi: str, what_en: str):
        super().__init__(what_en)
        self.mark, self.limit, self.what_vi, self.what_en = mark, limit, what_vi, what_en


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark | None):
        super().__init__("too deep")
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """The safe loader with a bound on aliases and on nesting, checked while the tree is composed."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.aliases, self.depth = 0, 0
        self.anchor_of: dict[int, str] = {}  # id of an anchored node → its anchor's name
        self.max_aliases, self.max_depth = limits.value(limits.YAML_ALIASES), limits.value(limits.YAML_DEPTH)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > self.max_aliases:
                raise _LimitReached(self.peek_event().start_mark, limits.YAML_ALIASES,
                                    "quá nhiều bí danh (*tên)", "too many aliases (*name)")
        self.depth += 1
        if self.depth > self.max_depth:
            raise _TooDeep(self.peek_event().start_mark)
        anchor = getattr(self.peek_event(), "anchor", None)
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        if anchor:
            self.anchor_of[id(node)] = anchor
        return node


_BOOL, _INT, _FLOAT = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(_INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+.0123456789"),
)


def _int12(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


_Loader.add_constructor(_INT, _int12)


def _pos(file: str, mark: yaml.Mark) -> Pos:
    return Pos(file, mark.line + 1, mark.column + 1)


class _Builder:
    """Located containers from composed nodes; aliases expand, within a bound on the values built."""

    def __init__(self, loader: _Loader, file: str, problems: Problems):
        self.loader, self.file, self.problems = loader, file, problems
        self.open: set[int] = set()  # collections being built: an alias back into one is a loop

    def build_root(self, root: yaml.Node) -> Any:
        """The document, once its size with every alias expanded is known to be within the limit."""
        if _expanded_size(root, {}, set()) > limits.value(limits.YAML_NODES):
            raise _LimitReached(root.start_mark, limits.YAML_NODES, "quá nhiều giá trị sau khi mở các bí danh",
                                "too many values once the aliases are expanded")
        return self.build(root)

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if id(node) in self.open:
            anchor = self.loader.anchor_of.get(id(node), "?")
            self.problems.add(YAML_ALIAS_LOOP, _pos(self.file, node.start_mark), anchor=anchor)
            return None
        self.open.add(id(node))
        try:
            return self.collection(node)
        finally:
            self.open.discard(id(node))

    def collection(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            try:
                self.loader.flatten_mapping(node)
            except yaml.MarkedYAMLError as exc:  # `<<: 1`: a merge of something not a mapping
                mark = exc.problem_mark or node.start_mark
                self.problems.add(YAML_SYNTAX, _pos(self.file, mark), problem=exc.problem or str(exc))
                return None
            except RecursionError:  # a merge of itself
                self.problems.add(YAML_ALIAS_LOOP, _pos(self.file, node.start_mark), anchor="<<")
                return None
            out = LDict(pos=_pos(self.file, node.start_mark))
            for key_node, value_node in node.value:
                key = self.build(key_node)
                if isinstance(key, (dict, list)):
                    key = str(key)
                if key in out:
                    self.problems.add(
                        YAML_DUPLICATE, _pos(self.file, key_node.start_mark), key=key, first=out.key_pos[key].line
                    )
                    continue
                out[key] = self.build(value_node)
                out.key_pos[key] = _pos(self.file, key_node.start_mark)
                out.val_pos[key] = _pos(self.file, value_node.start_mark)
                if isinstance(value_node, yaml.ScalarNode) and not isinstance(out[key], str):
                    out.raw[key] = value_node.value
            return out
        if isinstance(node, yaml.SequenceNode):
            seq = LList(pos=_pos(self.file, node.start_mark))
            for i, item in enumerate(node.value):
                seq.append(self.build(item))
                seq.item_pos.append(_pos(self.file, item.start_mark))
                if isinstance(item, yaml.ScalarNode) and not isinstance(seq[-1], str):
                    seq.raw[i] = item.value
            return seq
        return None  # a node of no known kind

    def scalar(self, node: yaml.ScalarNode) -> Any:
        pos = _pos(self.file, node.start_mark)
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:  # e.g. an unknown tag such as !!python/object
            self.problems.add(YAML_SYNTAX, pos, problem=exc.problem or str(exc))
            return None
        except ValueError:  # an impossible date such as 2023-13-01: keep the text, the model reports it
            return self.text(node.value, pos)
        except (AttributeError, IndexError, TypeError, OverflowError):  # `!!timestamp x`, `!!float ''`
            self.problems.add(YAML_BAD_VALUE, pos, value=clean(node.value)[:80], tag=node.tag.rsplit(":", 1)[-1])
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.problems.add(YAML_NOT_FINITE, pos, value=node.value)
            return None
        if isinstance(value, str):
            return self.text(value, pos)
        return value

    def text(self, value: str, pos: Pos) -> str | None:
        """A text NFC-normalised; control characters removed (a warning), lone surrogates refused."""
        bad = _SURROGATE.search(value)
        if bad:
            self.problems.add(YAML_SURROGATE, pos, char=f"{ord(bad.group()):04x}")
            return None
        cleaned = clean(value)
        if cleaned != unicodedata.normalize("NFC", value):
            removed = sorted({f"U+{ord(c):04X}" for c in value if c not in cleaned and not c.isprintable()
                              and c not in "\t\n"})
            self.problems.add(YAML_CONTROL, pos, severity="warning", chars=", ".join(removed) or "?")
        return cleaned


def _expanded_size(node: yaml.Node, sizes: dict[int, int], open_: set[int]) -> int:
    """How many values `node` holds once aliases are expanded (each shared node counted once per use)."""
    if isinstance(node, yaml.ScalarNode):
        return 1
    if id(node) in sizes:
        return sizes[id(node)]
    if id(node) in open_:  # a loop: `build` reports it
        return 1
    open_.add(id(node))
    parts = [p for pair in node.value for p in pair] if isinstance(node, yaml.MappingNode) else node.value
    size = 1 + sum(_expanded_size(p, sizes, open_) for p in parts)
    open_.discard(id(node))
    sizes[id(node)] = size
    return size


def parse_yaml(text: str, file: str, problems: Problems) -> Any:
    """Parse YAML text into located containers; syntax and duplicate-key problems go to `problems`.

    Characters the YAML reader refuses (BEL, a vertical tab from Word, ...) are removed first,
    each with a located warning; aliases, nesting and the expanded size are bounded (`limits`).
    """
    text = _without_controls(text, file, problems)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return None if root is None else _Builder(loader, file, problems).build_root(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.add(YAML_SYNTAX, _pos(file, mark) if mark else Pos(file), problem=exc.problem or str(exc))
    except yaml.YAMLError as exc:  # a reader error without a mark
        problems.add(YAML_SYNTAX, Pos(file), problem=str(exc).splitlines()[0])
    except _LimitReached as exc:
        limit = limits.value(exc.limit)
        problems.add(YAML_LIMIT, _pos(file, exc.mark) if exc.mark else Pos(file), what_vi=exc.what_vi,
                     what_en=exc.what_en, limit=limit, env=exc.limit.env)
    except (_TooDeep, RecursionError) as exc:
        mark = getattr(exc, "mark", None)
        problems.add(YAML_TOO_DEEP, _pos(file, mark) if mark else Pos(file), limit=limits.value(limits.YAML_DEPTH))
    finally:
        loader.dispose()
    return None


def _without_controls(text: str, file: str, problems: Problems) -> str:
    """`text` without the characters YAML forbids, one warning per line that held some."""
    if not _NON_PRINTABLE.search(text):
        return text
    lines = text.split("\n")
    for n, line in enumerate(lines):
        found = list(_NON_PRINTABLE.finditer(line))
        if found:
            chars = sorted({f"U+{ord(m.group()):04X}" for m in found})
            problems.add(YAML_CONTROL, Pos(file, n + 1, found[0].start() + 1), severity="warning",
                         chars=", ".join(chars))
            lines[n] = _NON_PRINTABLE.sub("", line)
    return "\n".join(lines)


def read_yaml(path: Path | str, problems: Problems) -> LDict | None:
    """Read a YAML file whose document must be a mapping."""
    path = Path(path)
    file = str(path)
    try:
        size = path.stat().st_size
        if size > limits.value(limits.YAML_BYTES):
            problems.add(YAML_TOO_BIG, Pos(file), size=size, limit=limits.value(limits.YAML_BYTES),
                         env=limits.YAML_BYTES.env)
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        problems.add(YAML_MISSING_FILE, Pos(file))
        return None
    except (OSError, ValueError) as exc:  # ValueError: a path with a NUL character
        problems.add(YAML_UNREADABLE, Pos(file), reason=getattr(exc, "strerror", None) or str(exc))
        return None
    return parse_document(data, file, problems)


def parse_document(data: bytes, file: str, problems: Problems) -> LDict | None:
    """The mapping that the bytes of a YAML file hold (UTF-8, with or without a BOM)."""
    if len(data) > limits.value(limits.YAML_BYTES):
        problems.add(YAML_TOO_BIG, Pos(file), size=len(data), limit=limits.value(limits.YAML_BYTES),
                     env=limits.YAML_BYTES.env)
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(YAML_NOT_UTF8, Pos(file, line), byte=f"{data[exc.start]:02x}", line=line)
        return None
    before = len(problems.errors)
    data = parse_yaml(text, file, problems)
    if data is None and len(problems.errors) == before:  # no syntax error: nothing at all
        problems.add(YAML_NOT_MAPPING, Pos(file, 1, 1), found="an empty file")
        return None
    if data is not None and not isinstance(data, LDict):
        problems.add(YAML_NOT_MAPPING, Pos(file, 1, 1), found=type(data).__name__)
        return None
    return data


def locate(data: Any, loc: Sequence[Any]) -> Pos | None:
    """The position of the deepest part of `loc` (keys and indices) that exists in `data`."""
    best: Pos | None = getattr(data, "pos", None)
    cur = data
    for part in loc:
        if isinstance(cur, LDict) and part in cur:
            best, cur = cur.where(part), cur[part]
        elif isinstance(cur, LList) and isinstance(part, int) and 0 <= part < len(cur):
            best, cur = cur.where(part), cur[part]
        elif isinstance(cur, LDict):
            continue  # pydantic adds union member names to a loc: skip what is not a key
        else:
            break
    return best


def located(value: Any, pos: Pos | None = None) -> Any:
    """Plain dicts and lists (a document built in code) as located containers, every part at `pos`;
    containers already located are kept as they are."""
    if isinstance(value, (LDict, LList)):
        return value
    pos = pos or Pos("")
    if isinstance(value, Mapping):
        out = LDict({k: located(v, pos) for k, v in value.items()}, pos=pos)
        out.key_pos = dict.fromkeys(out, pos)
        out.val_pos = dict.fromkeys(out, pos)
        return out
    if isinstance(value, (list, tuple)):
        seq = LList([located(v, pos) for v in value], pos=pos)
        seq.item_pos = [pos] * len(seq)
        return seq
    return value


def plain(data: Any) -> Any:
    """Located containers back to plain dicts and lists (for dumping)."""
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data
