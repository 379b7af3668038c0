"""A JSON Schema (draft 2020-12) of the rulebook language, for editors that autocomplete YAML.

Made from the pydantic models, so it cannot drift from what the loader accepts: a document is
either a full rulebook (spec §1–§6) or a derived one (§7: `extends`, `changes` and metadata).
Descriptions exist in Vietnamese and English; `json_schema(lang)` picks one. The schema checks
shape only: ids, references and maxima are checked by `cchc validate`.
"""

from __future__ import annotations

import copy
from typing import Any

from cchc_rules.dsl.models import METADATA_KEYS, Rulebook
from cchc_rules.i18n import resolve_lang

_REF = "#/$defs/{model}"

# (model, field) → (vi, en); field None describes the model itself.
DESCRIPTIONS: dict[tuple[str, str | None], tuple[str, str]] = {
    ("Rulebook", None): ("Bộ tiêu chí Chỉ số CCHC.", "A PAR INDEX rulebook (criteria set)."),
    ("Rulebook", "dsl"): ("Phiên bản ngôn ngữ; bắt buộc, là 1.", "Language version; required, 1."),
    ("Rulebook", "id"): ("Mã bộ tiêu chí: chữ thường, số, '.', '_', '-'.", "Rulebook id: a lowercase slug."),
    ("Rulebook", "title"): ("Tên bộ tiêu chí.", "The rulebook's title."),
    ("Rulebook", "year"): ("Năm đánh giá.", "The year assessed."),
    ("Rulebook", "jurisdiction"): ("Địa phương hoặc cơ quan ban hành.", "Province or ministry issuing it."),
    ("Rulebook", "decision"): ("Quyết định ban hành.", "The decision that issues it."),
    ("Rulebook", "illustrative"): (
        "true: bộ minh hoạ, không phải văn bản đã ký.", "true: a sample, not a signed criteria set."),
    ("Rulebook", "references"): ("Văn bản pháp lý được trích dẫn.", "Legal sources cited by nodes."),
    ("Rulebook", "groups"): ("Các nhóm đơn vị được chấm.", "The unit groups scored."),
    ("Rulebook", "flags"): ("Các cờ có/không của đơn vị.", "Yes/no facts about a unit."),
    ("Rulebook", "stages"): ("Các vòng chấm, theo thứ tự.", "Scoring stages, in order."),
    ("Rulebook", "scale"): ("Thang của chỉ số (mặc định 100).", "The index scale (default 100)."),
    ("Rulebook", "not_applicable"): ("Xử lý giá trị NA: rescale | zero.", "What NA does: rescale | zero."),
    ("Rulebook", "missing"): (
        "Tiêu chí không có giá trị: zero | max | na | error.", "A leaf with no value: zero | max | na | error."),
    ("Rulebook", "display"): ("Cách làm tròn khi công bố.", "Rounding for publication."),
    ("Rulebook", "criteria"): ("Cây tiêu chí: lĩnh vực → tiêu chí → tiêu chí thành phần.",
                               "The criteria tree: fields → criteria → sub-criteria."),
    ("Rulebook", "adjustments"): ("Điểm thưởng, điểm trừ ngoài cây.", "Bonus and penalty outside the tree."),
    ("Rulebook", "bands"): ("Các mức xếp loại, tốt nhất trước.", "Grading bands, best first."),
    ("Rulebook", "bands_by_group"): ("Mức xếp loại riêng cho một nhóm.", "Bands of their own for a group."),
    ("Rulebook", "ranking"): ("Cách xếp hạng.", "How units are ranked."),
    ("Node", None): ("Một lĩnh vực, tiêu chí hoặc tiêu chí thành phần: có 'children' hoặc 'rule'.",
                     "A field, criterion or sub-criterion: either 'children' or a 'rule'."),
    ("Node", "id"): ('Mã cố định, trong ngoặc kép, không có "/".', 'Stable id, a quoted string without "/".'),
    ("Node", "code"): ("Số hiệu người đọc thấy (mặc định: id).", "The number people see (default: the id)."),
    ("Node", "name"): ("Tên tiêu chí.", "The node's name."),
    ("Node", "component"): ("Nhãn báo cáo (appraisal, survey, ...).", "Reporting label (appraisal, survey, ...)."),
    ("Node", "applies_to"): ("Các nhóm áp dụng (mặc định: tất cả).", "Groups it applies to (default: all)."),
    ("Node", "was"): ("Mã các tiêu chí năm trước mà tiêu chí này tiếp nối.", "Ids of last year's nodes it continues."),
    ("Node", "max"): ("Điểm tối đa.", "Maximum points."),
    ("Node", "floor"): ("Điểm sàn (mặc định 0).", "Floor (default 0)."),
    ("Node", "aggregate"): (
        "Cộng điểm các con: sum | capped | {best: k}.", "How children add up: sum | capped | {best: k}."),
    ("Node", "children"): ("Các tiêu chí con.", "Child nodes."),
    ("Node", "rule"): ("Cách chấm một tiêu chí lá (đúng một loại).", "How a leaf is scored (exactly one kind)."),
    ("Node", "reference"): ("Trích dẫn văn bản (ref: khoá trong references).", "Legal source (ref: a references key)."),
    ("Node", "evidence"): ("Tài liệu kiểm chứng.", "Evidence documents."),
    ("Node", "guidance"): ("Hướng dẫn chấm.", "How to score it, in words."),
    ("Node", "missing"): ("Ghi đè 'missing' cho tiêu chí này.", "Overrides the rulebook's 'missing' for this leaf."),
    ("Rule", None): ("Quy tắc chấm: đúng một loại.", "A leaf rule: exactly one kind."),
    ("Rule", "binary"): ("Đạt / không đạt: max hoặc 0.", "Done / not done: max or 0."),
    ("Rule", "ladder"): ("Thang điểm theo ngưỡng, giảm dần theo min.", "Steps on a number, descending min."),
    ("Rule", "linear"): (
        "max × (giá trị − from) ÷ (to − from), giới hạn [0, 1].", "max × clamp((value − from) ÷ (to − from))."),
    ("Rule", "ratio"): ("max × hoàn thành ÷ tổng.", "max × done ÷ total."),
    ("Rule", "levels"): ("Mức định tính → điểm.", "Qualitative levels → points."),
    ("Rule", "deduct"): ("max − per × số lỗi, sàn 0.", "max − per × faults, floored at 0."),
    ("Rule", "points"): ("Điểm do người chấm nhập.", "Points given by the assessor."),
    ("Rule", "survey"): ("Điểm từ phiếu khảo sát.", "Points from survey answers."),
    ("Rule", "relative"): ("So với các đơn vị khác cùng nhóm.", "Relative to the other units of the group."),
    ("Band", None): ("Một mức xếp loại.", "A grading band."),
    ("Band", "min"): ("Ngưỡng chỉ số tối thiểu (bao gồm).", "Minimum index, inclusive."),
    ("Band", "when"): ("Điều kiện ngoài điểm: tất cả phải đạt.", "Gates besides the score: all must hold."),
    ("Band", "quota"): ("Hạn mức số đơn vị được mức này.", "A quota on how many units get the band."),
    ("Gate", None): ("Điều kiện: {flag, is} hoặc {node, min_share|min|max_zero_leaves}.",
                     "A gate: {flag, is} or {node, min_share|min|max_zero_leaves}."),
    ("Adjustment", None): (
        "Điểm thưởng (+1) hoặc trừ (−1) ngoài cây.", "A bonus (+1) or penalty (−1) outside the tree."),
    ("Ranking", "tie_break"): ("Mã tiêu chí để phân định đồng hạng.", "Node ids compared to break ties."),
    ("Ranking", "exclude_flag"): ("Cờ của đơn vị không xếp hạng.", "The flag of units left out of the ranking."),
    ("Display", "decimals"): ("Số chữ số thập phân khi công bố.", "Decimals of published figures."),
}

_CHANGES: dict[str, tuple[dict[str, Any], list[str], tuple[str, str]]] = {
    "set": ({"set": {"type": "string"}, "to": {}}, ["set", "to"],
            ("Đặt giá trị tại một đường dẫn.", "Set the value at a path, e.g. bands/excellent/min.")),
    "remove": ({"remove": {"type": "string"}}, ["remove"], ("Bỏ một mục.", "Remove an item, e.g. criteria/6.4.")),
    "add": ({"add": {"anyOf": [{"$ref": "#/$defs/Node"}, {"$ref": "#/$defs/Band"}, {"$ref": "#/$defs/Adjustment"}]},
             "under": {"type": "string"}, "to": {"type": "string"}, "after": {"type": "string"},
             "before": {"type": "string"}}, ["add"],
            ("Thêm một tiêu chí (under), mức xếp loại hoặc điểm thưởng/trừ (to).",
             "Add a node (under), a band or an adjustment (to).")),
    "move": ({"move": {"type": "string"}, "under": {"type": "string"}, "after": {"type": "string"},
              "before": {"type": "string"}}, ["move"], ("Chuyển một tiêu chí.", "Move a node under another.")),
    "rename": ({"rename": {"type": "string"}, "to": {"type": "string"}}, ["rename", "to"],
               ("Đổi mã, cập nhật mọi tham chiếu.", "Rename an id, rewriting every reference.")),
    "reweight": ({"reweight": {"type": "string"}, "to": {"type": "number", "minimum": 0}}, ["reweight", "to"],
                 ("Đổi điểm tối đa, co giãn cả cây con.", "Change a max, scaling its subtree.")),
    "transfer": ({"transfer": {"type": "number", "exclusiveMinimum": 0}, "from": {"type": "string"},
                  "to": {"type": "string"}}, ["transfer", "from", "to"],
                 ("Chuyển điểm tối đa giữa hai tiêu chí.", "Move max points between two nodes.")),
}


def json_schema(lang: str | None = None) -> dict[str, Any]:
    """The JSON Schema of a rulebook file (full or derived), with descriptions in `lang`."""
    which = 0 if resolve_lang(lang) == "vi" else 1
    base = Rulebook.model_json_schema(by_alias=True, ref_template=_REF)
    defs = base.pop("$defs", {})
    defs["Rulebook"] = base
    for (model, field), texts in DESCRIPTIONS.items():
        target = defs[model] if field is None else defs[model]["properties"][field]
        target["description"] = texts[which]
    defs["Change"] = {"oneOf": [_change(kind, which) for kind in _CHANGES]}
    defs["DerivedRulebook"] = _derived(base, which)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:cchc-rules:rulebook:1",
        "title": ["Bộ tiêu chí CCHC (cchc-rules, dsl 1)", "CCHC rulebook (cchc-rules, dsl 1)"][which],
        "anyOf": [{"$ref": "#/$defs/Rulebook"}, {"$ref": "#/$defs/DerivedRulebook"}],
        "$defs": defs,
    }


def _change(kind: str, which: int) -> dict[str, Any]:
    properties, required, texts = _CHANGES[kind]
    return {
        "title": kind,
        "description": texts[which],
        "type": "object",
        "properties": copy.deepcopy(properties),
        "required": required,
        "additionalProperties": False,
    }


def _derived(rulebook: dict[str, Any], which: int) -> dict[str, Any]:
    properties = {key: copy.deepcopy(rulebook["properties"][key]) for key in METADATA_KEYS}
    properties["extends"] = {
        "type": "string",
        "description": ["Tệp bộ tiêu chí gốc (đường dẫn tương đối).", "The base rulebook file (relative path)."][which],
    }
    properties["changes"] = {
        "type": "array",
        "items": {"$ref": "#/$defs/Change"},
        "description": ["Các thay đổi, áp dụng theo thứ tự.", "Changes, applied in order."][which],
    }
    return {
        "type": "object",
        "description": ["Bộ tiêu chí kế thừa: gốc + thay đổi.", "A derived rulebook: a base plus changes."][which],
        "properties": properties,
        "required": ["extends"],
        "additionalProperties": False,
    }
