"""Reading YAML with the place of every node kept, so every later error can point into it.

Mappings load as `LDict` and sequences as `LList`; both remember their own position and the
position of each key and value. Duplicate keys are refused. Booleans and numbers follow the
YAML 1.2 core schema: only `true`/`false` are booleans (a level or answer named `no` or `yes`
stays a string), `010` is ten (not octal eight) and `8:30` is text (not 510 minutes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from cchc_rules.problems import Pos, Problems, define

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


class _Loader(yaml.SafeLoader):
    pass


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
    def __init__(self, loader: _Loader, file: str, problems: Problems):
        self.loader, self.file, self.problems = loader, file, problems

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
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
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:  # e.g. an unknown tag such as !!python/object
            self.problems.add(YAML_SYNTAX, _pos(self.file, node.start_mark), problem=exc.problem or str(exc))
            return None
        except ValueError:  # an impossible date such as 2023-13-01: keep the text, the model reports it
            return node.value


def parse_yaml(text: str, file: str, problems: Problems) -> Any:
    """Parse YAML text into located containers; syntax and duplicate-key problems go to `problems`."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.add(YAML_SYNTAX, _pos(file, mark) if mark else Pos(file), problem=exc.problem or str(exc))
        return None
    finally:
        loader.dispose()
    if root is None:
        return None
    return _Builder(loader, file, problems).build(root)


def read_yaml(path: Path | str, problems: Problems) -> LDict | None:
    """Read a YAML file whose document must be a mapping."""
    path = Path(path)
    file = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.add(YAML_MISSING_FILE, Pos(file))
        return None
    except OSError as exc:
        problems.add(YAML_UNREADABLE, Pos(file), reason=exc.strerror or str(exc))
        return None
    return parse_document(data, file, problems)


def parse_document(data: bytes, file: str, problems: Problems) -> LDict | None:
    """The mapping that the bytes of a YAML file hold (UTF-8, with or without a BOM)."""
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
