"""Derived rulebooks (spec §7): every change kind, every derive error, chains, cycles, all or nothing.

The base is tests/dsl/fixtures/derive/base.yaml: field 1 (max 10 stated) = 1.1 (4, ladder 4/2/share 0.25/0)
+ 1.2 (6, levels 6/4/2/0); field 2 (max 20 stated) = 2.1 (10, floor 2, deduct 0.5) + 2.2 (10, binary);
field 3 (max omitted, so 70) = 3.1 (40, linear) + 3.2 (30, ratio). Bands excellent 90 (gates: flag, node "3"),
good 80, fair 50, weak 0; district bands good 75, weak 0; tie_break ["3", "2"].

A derived file written by `derived()` has 5 header lines, so change #k stands on line 5 + k.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from cchc_rules.dsl import change_messages as codes
from cchc_rules.dsl import derive
from cchc_rules.dsl.load import check_rulebook, load_rulebook
from cchc_rules.dsl.source import plain, read_yaml
from cchc_rules.problems import Problem, Problems

FIXTURES = Path(__file__).parent / "fixtures" / "derive"


def derived(tmp_path: Path, *changes: str, head: str = "", name: str = "draft.yaml") -> Path:
    shutil.copy(FIXTURES / "base.yaml", tmp_path / "base.yaml")
    lines = ["dsl: 1", "id: draft", "extends: base.yaml", "title: Draft", *head.splitlines(), "changes:"]
    lines += [f"  - {c}" for c in changes]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def resolve(path: Path) -> tuple[Any, derive.Derivation | None, list[Problem]]:
    problems = Problems()
    raw = read_yaml(path, problems)
    doc, derivation = derive.resolve(raw, path, problems)
    return doc, derivation, list(problems)


def ok(path: Path) -> tuple[dict, derive.Derivation, Any]:
    """The final document (plain), the derivation and the located document; asserts there is no error."""
    doc, derivation, problems = resolve(path)
    assert [p.format("en") for p in problems if p.severity == "error"] == []
    rulebook, _ = check_rulebook(path)
    assert rulebook is not None
    return plain(doc), derivation, doc


def node(doc: dict, ident: str) -> dict:
    def walk(items: list) -> Any:
        for item in items:
            if item["id"] == ident:
                return item
            found = walk(item.get("children", []))
            if found:
                return found
        return None

    found = walk(doc["criteria"])
    assert found is not None, ident
    return found


def ids(items: list) -> list[str]:
    return [i["id"] for i in items]


def fail(path: Path, code: str) -> Problem:
    """The one error of `code`; the derivation yields nothing and the loader no rulebook."""
    doc, derivation, problems = resolve(path)
    assert doc is None and derivation is None
    assert check_rulebook(path)[0] is None
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, [p.format("en") for p in problems]
    assert found[0].what("vi") and found[0].what("en") and found[0].fix("vi") and found[0].fix("en")
    return found[0]


# ---------------------------------------------------------------- the seven kinds
def test_set_values_bands_group_bands_and_a_new_last_key(tmp_path: Path) -> None:
    path = derived(
        tmp_path,
        "{set: criteria/1.1/rule/ladder/1/min, to: 90}",
        "{set: bands/excellent/min, to: 92}",
        "{set: bands_by_group/district/good/min, to: 78}",
        "{set: criteria/1.1/missing, to: max}",
        "{set: ranking/within, to: all}",
    )
    doc, derivation, located = ok(path)
    assert node(doc, "1.1")["rule"]["ladder"][1] == {"min": 90, "points": 2}
    assert doc["bands"][0]["min"] == 92
    assert doc["bands_by_group"]["district"][0]["min"] == 78
    assert node(doc, "1.1")["missing"] == "max"
    assert doc["ranking"] == {"tie_break": ["3", "2"], "within": "all"}
    # what a change writes carries the change's position (change #2 on line 7); the rest keeps the base's
    assert located["bands"][0].where("min").file == str(path) and located["bands"][0].where("min").line == 7
    assert located["bands"][1].where("min").file.endswith("base.yaml")
    assert [(c.index, c.kind, c.target) for c in derivation.changes][:2] == [
        (1, "set", "criteria/1.1/rule/ladder/1/min"), (2, "set", "bands/excellent/min")]


def test_remove_a_leaf_a_field_and_a_list_item(tmp_path: Path) -> None:
    path = derived(
        tmp_path, "{remove: criteria/2.2}", "{remove: bands/excellent/when/0}", "{remove: adjustments/bonus}"
    )
    doc, derivation, _ = ok(path)
    assert ids(node(doc, "2")["children"]) == ["2.1"]
    assert node(doc, "2")["max"] == 10  # stated max 20 follows its children: 20 − 10
    assert doc["bands"][0]["when"] == [{"node": "3", "min_share": 0.8}]
    assert "adjustments" in doc and doc["adjustments"] == []
    assert derivation.removed == ["2.2", "bonus"]


def test_removing_a_field_removes_its_subtree(tmp_path: Path) -> None:
    path = derived(tmp_path, "{remove: criteria/1}")
    doc, derivation, _ = ok(path)
    assert ids(doc["criteria"]) == ["2", "3"]
    assert derivation.removed == ["1", "1.1", "1.2"]


def test_add_a_node_a_top_level_field_a_band_and_an_adjustment(tmp_path: Path) -> None:
    path = derived(
        tmp_path,
        '{add: {id: "2.3", name: New, max: 1, rule: {binary: {}}}, under: "2", after: "2.1"}',
        '{add: {id: "4", name: Extra, max: 2, rule: {points: {}}}}',
        '{add: {id: very_good, label: Very good, min: 85}, to: bands, after: excellent}',
        '{add: {id: late, name: Late reports, sign: -1, cap: 1, rule: {deduct_each: 0.5}}, to: adjustments}',
        '{add: {id: fair, label: Fair, min: 60}, to: bands_by_group/district, before: weak}',
    )
    doc, _, located = ok(path)
    assert ids(node(doc, "2")["children"]) == ["2.1", "2.3", "2.2"]
    assert node(doc, "2")["max"] == 21  # 20 + 1
    assert ids(doc["criteria"]) == ["1", "2", "3", "4"]
    assert ids(doc["bands"]) == ["excellent", "very_good", "good", "fair", "weak"]
    assert ids(doc["adjustments"]) == ["bonus", "late"]
    assert ids(doc["bands_by_group"]["district"]) == ["good", "fair", "weak"]
    added = located["criteria"][1]["children"][1]
    assert (added.pos.file, added.pos.line) == (str(path), 6)


def test_move_takes_the_points_with_the_node(tmp_path: Path) -> None:
    path = derived(tmp_path, '{move: criteria/1.2, under: "3", after: "3.1"}')
    doc, _, located = ok(path)
    assert ids(node(doc, "1")["children"]) == ["1.1"]
    assert node(doc, "1")["max"] == 4  # stated 10 − 6
    assert ids(node(doc, "3")["children"]) == ["3.1", "1.2", "3.2"]
    assert "max" not in node(doc, "3")  # omitted: it is the sum, 40 + 6 + 30
    moved = located["criteria"][2]["children"][1]
    assert moved.pos.file.endswith("base.yaml") and moved.pos.line == 23  # a moved node keeps its place in base.yaml


def test_move_to_the_top_level(tmp_path: Path) -> None:
    path = derived(tmp_path, '{move: criteria/2.1, before: "1"}')
    doc, _, _ = ok(path)
    assert ids(doc["criteria"]) == ["2.1", "1", "2", "3"]
    assert node(doc, "2")["max"] == 10  # 20 − 10


def test_rename_rewrites_every_reference_and_later_changes(tmp_path: Path) -> None:
    path = derived(
        tmp_path,
        '{rename: criteria/3, to: "3s"}',
        "{set: criteria/3/name, to: Survey and impact}",  # a later change may still say "3"
        '{add: {id: "3.3", name: Extra, max: 1, rule: {binary: {}}}, under: "3"}',
        '{rename: bands/good, to: tot}',
    )
    doc, derivation, _ = ok(path)
    survey = node(doc, "3s")
    assert survey["was"] == ["3"] and survey["name"] == "Survey and impact"
    assert ids(survey["children"]) == ["3.1", "3.2", "3.3"]
    assert doc["ranking"]["tie_break"] == ["3s", "2"]
    assert doc["bands"][0]["when"][1]["node"] == "3s"
    assert doc["bands"][0]["quota"]["of"] == ["excellent", "tot"]
    assert ids(doc["bands_by_group"]["district"]) == ["good", "weak"]  # another band list: untouched
    assert derivation.renamed == {"3": "3s"}


def test_reweight_scales_max_floor_and_absolute_points_not_shares(tmp_path: Path) -> None:
    path = derived(tmp_path, "{reweight: criteria/1, to: 20}", "{reweight: criteria/2.1, to: 5}")
    doc, _, _ = ok(path)
    # field 1: 10 → 20, factor 2
    assert node(doc, "1")["max"] == 20
    assert node(doc, "1.1")["max"] == 8
    assert node(doc, "1.1")["rule"]["ladder"] == [
        {"min": 100, "points": 8}, {"min": 80, "points": 4}, {"min": 50, "share": 0.25}, {"points": 0}]
    assert node(doc, "1.2")["rule"]["levels"] == {"good": 12, "full": 8, "partial": 4, "none": 0}
    # leaf 2.1: 10 → 5, factor 0.5: floor 2 → 1, per 0.5 → 0.25; stated field max 20 → 15
    assert node(doc, "2.1")["floor"] == 1 and node(doc, "2.1")["rule"]["deduct"]["per"] == 0.25
    assert node(doc, "2")["max"] == 15


def test_reweight_under_a_parent_whose_max_is_omitted(tmp_path: Path) -> None:
    path = derived(tmp_path, "{reweight: criteria/3.1, to: 50}")
    doc, _, _ = ok(path)
    assert node(doc, "3.1")["max"] == 50 and "max" not in node(doc, "3")


def test_best_of_k_parents_follow_and_capped_parents_shield(tmp_path: Path) -> None:
    path = derived(
        tmp_path,
        "{set: criteria/1/aggregate, to: {best: 1}}",
        "{set: criteria/1/max, to: 6}",  # the largest of 4 and 6
        "{reweight: criteria/1.2, to: 8}",  # largest now 8: field 1 6 → 8
        "{reweight: criteria/1.1, to: 5}",  # largest still 8: field 1 stays 8
        "{set: criteria/2/aggregate, to: capped}",
        "{reweight: criteria/2.1, to: 15}",  # a capped field keeps its max 20
    )
    doc, _, _ = ok(path)
    assert node(doc, "1")["max"] == 8 and node(doc, "2")["max"] == 20
    assert (node(doc, "1.1")["max"], node(doc, "1.2")["max"], node(doc, "2.1")["max"]) == (5, 8, 15)


def test_rename_an_adjustment(tmp_path: Path) -> None:
    doc, derivation, _ = ok(derived(tmp_path, "{rename: adjustments/bonus, to: thuong}"))
    assert ids(doc["adjustments"]) == ["thuong"] and derivation.renamed == {"bonus": "thuong"}


def test_transfer_within_and_across_fields(tmp_path: Path) -> None:
    path = derived(tmp_path, '{transfer: 5, from: "3.2", to: "3.1"}', '{transfer: 2, from: "2.2", to: "1.1"}')
    doc, derivation, _ = ok(path)
    assert (node(doc, "3.1")["max"], node(doc, "3.2")["max"]) == (45, 25)  # 40 + 5, 30 − 5
    assert node(doc, "2.2")["max"] == 8 and node(doc, "2")["max"] == 18  # 10 − 2, 20 − 2
    assert node(doc, "1.1")["max"] == 6 and node(doc, "1")["max"] == 12  # 4 + 2, 10 + 2
    # 1.1 scaled by 6/4 = 1.5: ladder points 4 → 6, 2 → 3
    assert [s.get("points") for s in node(doc, "1.1")["rule"]["ladder"]] == [6, 3, None, 0]
    assert [c.target for c in derivation.changes] == ["3.2 → 3.1", "2.2 → 1.1"]


def test_metadata_replace_and_references_add(tmp_path: Path) -> None:
    head = "year: 2025\nreferences:\n  qd1187: {title: 'Quyết định 1187/QĐ-BNV'}"
    doc, derivation, _ = ok(derived(tmp_path, "{set: scale, to: 100}", head=head))
    assert doc["year"] == 2025 and doc["id"] == "draft" and doc["title"] == "Draft"
    assert list(doc["references"]) == ["qd876", "qd1187"]
    assert "extends" not in doc and "changes" not in doc
    assert derivation.base_id == "base-2024"


# ---------------------------------------------------------------- chains and cycles
def test_a_chain_of_three_levels() -> None:
    top = FIXTURES / "top.yaml"
    doc, derivation, _ = ok(top)
    # mid: field 1 10 → 20 (1.2: 6 → 12, levels 12/8/4/0); 3.1 → 3.1a; 2.2 removed (field 2: 20 → 10)
    # top: transfer 3 from 1.2 (12 → 9, levels × 0.75 = 9/6/3/0) to 3.1a (40 → 43); field 1 20 → 17
    assert node(doc, "1.2")["max"] == 9
    assert node(doc, "1.2")["rule"]["levels"] == {"good": 9, "full": 6, "partial": 3, "none": 0}
    assert node(doc, "1")["max"] == 17
    assert node(doc, "3.1a")["max"] == 43 and node(doc, "3.1a")["was"] == ["3.1"]
    assert node(doc, "2")["max"] == 10
    assert doc["bands"][0]["min"] == 95
    assert [p.name for p in derivation.chain] == ["base.yaml", "mid.yaml", "top.yaml"]
    assert derivation.base_path.name == "mid.yaml" and derivation.base_id == "mid-2025"
    assert [(Path(c.file).name, c.index, c.kind) for c in derivation.changes] == [
        ("mid.yaml", 1, "reweight"), ("mid.yaml", 2, "rename"), ("mid.yaml", 3, "remove"),
        ("top.yaml", 1, "transfer"), ("top.yaml", 2, "set")]
    assert derivation.removed == ["2.2"] and derivation.renamed == {"3.1": "3.1a"}
    assert load_rulebook(top).derivation.chain == derivation.chain


def test_a_later_file_may_use_an_id_renamed_by_its_base(tmp_path: Path) -> None:
    for name in ("base.yaml", "mid.yaml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    path = tmp_path / "next.yaml"
    path.write_text("dsl: 1\nid: next\nextends: mid.yaml\ntitle: Next\nchanges:\n  - {set: criteria/3.1/max, to: 40}\n")
    doc, _, _ = ok(path)
    assert node(doc, "3.1a")["max"] == 40


def test_cycle_names_the_chain() -> None:
    problem = fail(FIXTURES / "cycle-a.yaml", codes.EXTENDS_CYCLE)
    assert problem.pos.file.endswith("cycle-b.yaml") and problem.pos.line == 3
    assert "cycle-a.yaml → cycle-b.yaml → cycle-a.yaml" in problem.what("en")


def test_a_file_extending_itself(tmp_path: Path) -> None:
    path = tmp_path / "self.yaml"
    path.write_text("dsl: 1\nid: self\nextends: self.yaml\nchanges: []\n")
    assert "self.yaml → self.yaml" in fail(path, codes.EXTENDS_CYCLE).what("vi")


# ---------------------------------------------------------------- all or nothing
def test_all_or_nothing_and_every_failing_change_reported(tmp_path: Path) -> None:
    path = derived(
        tmp_path,
        "{set: bands/excellent/min, to: 92}",
        "{remove: criteria/9.9}",
        "{reweight: criteria/1, to: 20}",
        "{set: bands/excelent/min, to: 92}",
    )
    doc, derivation, problems = resolve(path)
    assert doc is None and derivation is None
    assert [(p.code, p.pos.line, p.path) for p in problems] == [
        (codes.UNKNOWN_NODE, 7, "changes/1"), (codes.UNKNOWN_BAND, 9, "changes/3")]
    assert check_rulebook(path)[0] is None


# ---------------------------------------------------------------- one test per error
def test_key_beside_changes(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, head="groups: {commune: Xã}"), codes.KEY_BESIDE_CHANGES)
    assert problem.pos.line == 5 and problem.params["key"] == "groups"


def test_extends_missing(tmp_path: Path) -> None:
    path = derived(tmp_path)
    path.write_text(path.read_text().replace("base.yaml", "nothere.yaml"))
    problem = fail(path, codes.EXTENDS_MISSING)
    assert problem.pos.line == 3 and "nothere.yaml" in problem.what("en")


def test_changes_not_a_list(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    shutil.copy(FIXTURES / "base.yaml", tmp_path / "base.yaml")
    path.write_text("dsl: 1\nid: d\nextends: base.yaml\nchanges: {set: scale, to: 10}\n")
    assert fail(path, codes.EXTENDS_NOT_TEXT).pos.line == 4


def test_unknown_kind_names_the_nearest(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, "{reweigh: criteria/1, to: 20}"), codes.KIND_UNKNOWN)
    assert problem.pos.line == 6 and problem.params["nearest"][0] == "reweight"
    assert "#1" in problem.what("en")


def test_several_kinds(tmp_path: Path) -> None:
    assert fail(derived(tmp_path, "{remove: criteria/2.2, rename: criteria/2.1}"), codes.KIND_SEVERAL).pos.line == 6


def test_missing_key(tmp_path: Path) -> None:
    doc, _, problems = resolve(derived(tmp_path, "{set: bands/excellent/min}", "{transfer: 1, from: '3.1'}"))
    assert doc is None
    assert [(p.code, p.pos.line, p.params["kind"], p.params["key"]) for p in problems] == [
        (codes.KEY_MISSING, 6, "set", "to"), (codes.KEY_MISSING, 7, "transfer", "to")]
    assert "{set: criteria/3.1/rule/ladder/1/min, to: 90}" in problems[0].fix("en")


def test_key_the_kind_cannot_use(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, "{set: scale, to: 100}", "{remove: criteria/2.2, to: x}"), codes.KEY_UNKNOWN)
    assert (problem.pos.line, problem.params["index"], problem.params["key"]) == (7, 2, "to")
    assert "Change #2 (remove)" in problem.what("en") and "Thay đổi #2 (remove)" in problem.what("vi")


def test_bad_value(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, "{reweight: criteria/1, to: forty}"), codes.BAD_VALUE)
    assert problem.pos.line == 6
    assert problem.what("en") == "Change #1 (reweight): 'to' must be a number, not 'forty'"
    assert problem.what("vi") == "Thay đổi #1 (reweight): 'to' phải là một số, không phải 'forty'"


def test_unknown_node_names_three_nearest(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, "{remove: criteria/3.3}"), codes.UNKNOWN_NODE)
    # ids 1 1.1 1.2 2 2.1 2.2 3 3.1 3.2: "3.1" and "3.2" share 2 of 3 characters (ratio 4/6), "3" shares 1 (2/4)
    assert problem.pos.line == 6 and sorted(problem.params["nearest"]) == ["3", "3.1", "3.2"]
    assert "3.1" in problem.fix("en") and "3.2" in problem.fix("vi")


def test_unknown_band(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, "{set: bands/excelent/min, to: 92}"), codes.UNKNOWN_BAND)
    assert problem.pos.line == 6 and problem.params["nearest"][0] == "excellent"


def test_unknown_adjustment(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, "{remove: adjustments/bonuss}"), codes.UNKNOWN_ADJUSTMENT)
    assert problem.pos.line == 6 and problem.params["nearest"] == ["bonus"]


def test_unknown_group(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, "{set: bands_by_group/distrct/good/min, to: 70}"), codes.UNKNOWN_GROUP)
    assert problem.pos.line == 6 and problem.params["nearest"] == ["district"]


def test_bad_path_segment_says_what_exists(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, "{set: criteria/1.1/rule/ladderr/0/min, to: 1}"), codes.BAD_SEGMENT)
    assert (problem.pos.line, problem.params["segment"], problem.params["at"]) == (6, "ladderr", "criteria/1.1/rule")
    assert problem.params["existing"] == ["ladder"]


def test_bad_root_and_missing_intermediate_key(tmp_path: Path) -> None:
    path = derived(tmp_path, "{set: criterias/1.1/max, to: 1}", "{set: criteria/1.1/reference/ref, to: qd876}")
    doc, _, problems = resolve(path)
    assert doc is None
    assert [(p.code, p.pos.line, p.params["segment"]) for p in problems] == [
        (codes.BAD_SEGMENT, 6, "criterias"), (codes.BAD_SEGMENT, 7, "reference")]


def test_index_out_of_range(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, "{set: criteria/1.1/rule/ladder/7/min, to: 1}"), codes.INDEX_RANGE)
    assert (problem.pos.line, problem.params["size"], problem.params["last"]) == (6, 4, 3)


def test_add_or_rename_to_an_existing_id(tmp_path: Path) -> None:
    path = derived(tmp_path, '{add: {id: "2.1", name: X, max: 1, rule: {binary: {}}}, under: "1"}',
                   '{rename: criteria/3.1, to: "3.2"}')
    doc, _, problems = resolve(path)
    assert doc is None
    assert [(p.code, p.pos.line, p.params["id"]) for p in problems] == [
        (codes.ID_EXISTS, 6, "2.1"), (codes.ID_EXISTS, 7, "3.2")]
    assert "base.yaml:31" in problems[0].what("en")  # where 2.1 already stands


def test_move_under_own_descendant(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, '{move: criteria/3, under: "3.1"}'), codes.MOVE_INTO_ITSELF)
    assert problem.pos.line == 6 and problem.params["under"] == "3.1"


def test_removing_a_referenced_node_leaves_dangling_references(tmp_path: Path) -> None:
    path = derived(tmp_path, "{remove: criteria/3}")
    doc, _, problems = resolve(path)
    assert doc is None
    found = sorted((p.code, p.pos.line, p.params["ref"], p.params["where"].line) for p in problems)
    # the gate stands on base.yaml line 59, the tie-break on line 68
    assert found == [(codes.DANGLING, 6, "bands/excellent/when/1/node", 59),
                     (codes.DANGLING, 6, "ranking/tie_break/0", 68)]


def test_removing_a_band_named_by_a_quota(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, "{remove: bands/good}"), codes.DANGLING)
    assert problem.params["ref"] == "bands/excellent/quota/of/1" and problem.params["where"].line == 60


def test_references_removed_by_other_changes_do_not_dangle(tmp_path: Path) -> None:
    path = derived(
        tmp_path, "{remove: criteria/3}", "{remove: bands/excellent/when/1}", "{set: ranking/tie_break, to: ['2']}"
    )
    doc, _, _ = ok(path)
    assert ids(doc["criteria"]) == ["1", "2"] and doc["ranking"]["tie_break"] == ["2"]


def test_negative_weight_and_amount(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, "{reweight: criteria/1, to: -5}"), codes.NEGATIVE)
    assert problem.pos.line == 6 and problem.params["value"] == -5
    assert fail(derived(tmp_path, '{transfer: -1, from: "3.2", to: "3.1"}'), codes.NEGATIVE).pos.line == 6


def test_transfer_more_than_the_source_has(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, '{transfer: 31, from: "3.2", to: "3.1"}'), codes.TRANSFER_TOO_MUCH)
    assert (problem.pos.line, problem.params["max"], problem.params["amount"]) == (6, 30, 31)


def test_reweight_of_a_zero_max(tmp_path: Path) -> None:
    path = derived(tmp_path, "{set: criteria/2.2/max, to: 0}", "{reweight: criteria/2.2, to: 5}")
    assert fail(path, codes.ZERO_MAX).pos.line == 7


def test_set_of_an_id_asks_for_rename(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, '{set: criteria/3.1/id, to: "3.9"}'), codes.SET_ID)
    assert problem.pos.line == 6 and "rename: criteria/3.1" in problem.fix("en")


def test_transfer_between_nested_nodes(tmp_path: Path) -> None:
    assert fail(derived(tmp_path, '{transfer: 1, from: "3", to: "3.1"}'), codes.TRANSFER_NESTED).pos.line == 6


def test_reference_already_in_base(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, head="references:\n  qd876: {title: Other}"), codes.REFERENCE_EXISTS)
    assert problem.pos.line == 6 and problem.params["key"] == "qd876"


def test_kind_applied_to_the_wrong_target(tmp_path: Path) -> None:
    problem = fail(derived(tmp_path, "{reweight: bands/excellent, to: 3}"), codes.BAD_TARGET)
    assert problem.pos.line == 6
    assert fail(derived(tmp_path, "{rename: criteria/3.1/max, to: x}"), codes.BAD_TARGET).pos.line == 6


def test_a_derived_file_without_its_own_id_is_warned(tmp_path: Path) -> None:
    path = derived(tmp_path, "{set: scale, to: 100}")
    path.write_text(path.read_text().replace("id: draft\n", ""))
    doc, _, problems = resolve(path)
    assert doc is not None
    assert [(p.code, p.severity) for p in problems] == [(codes.NO_OWN_ID, "warning")]


@pytest.mark.parametrize("code", [c for c in codes.__dict__.values() if isinstance(c, str) and c[:2] == "X2"])
def test_every_code_has_both_languages(code: str) -> None:
    from cchc_rules.problems import CATALOGUE

    message = CATALOGUE[code]
    assert all(message.what[lang] and message.fix[lang] for lang in ("vi", "en"))


def test_apply_changes_from_elsewhere() -> None:
    from cchc_rules.dsl.source import parse_yaml

    problems = Problems()
    changes = parse_yaml("- {reweight: criteria/3, to: 35}\n", "scenario.yaml", problems)
    doc, derivation = derive.apply_changes(FIXTURES / "base.yaml", changes, problems)
    assert not problems.errors
    assert node(plain(doc), "3.1")["max"] == 20 and node(plain(doc), "3.2")["max"] == 15  # 40 × 35/70, 30 × 35/70
    assert derivation.base_path == (FIXTURES / "base.yaml").resolve() and derivation.base_id == "base-2024"
    bad = parse_yaml("- {reweight: criteria/33, to: 35}\n", "scenario.yaml", problems)
    assert derive.apply_changes(FIXTURES / "base.yaml", bad, problems) == (None, None)
    assert [(p.code, p.pos.file, p.pos.line) for p in problems] == [(codes.UNKNOWN_NODE, "scenario.yaml", 1)]
