"""The rulebook validator: one test per problem, with its code, line and path checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc_rules.dsl.load import check_rulebook
from cchc_rules.dsl.source import parse_yaml
from cchc_rules.dsl.validate import build
from cchc_rules.problems import CchcError, Problem, Problems

FIXTURES = Path(__file__).parent / "fixtures" / "validate"

_CRITERIA = """\
  - id: "1"
    name: One
    children:
      - {id: "1.1", name: a, max: 60, rule: {binary: {}}}
      - {id: "1.2", name: b, max: 40, rule: {ladder: [{min: 100, points: 40}, {min: 50, share: 0.5}, {points: 0}]}}
"""
_BANDS = """\
  - {id: good, label: Good, min: 80}
  - {id: weak, label: Weak, min: 0}
"""


def doc(criteria: str = _CRITERIA, bands: str = _BANDS, extra: str = "") -> str:
    """A small valid rulebook, with one part replaced; `# HERE` marks the line a problem must name."""
    return (
        "dsl: 1\nid: t\ntitle: T\n"
        "groups: {department: Sở, district: Huyện}\n"
        "flags: {discipline: Kỷ luật}\n"
        "references: {qd876: {title: QĐ 876}}\n"
        f"{extra}criteria:\n{criteria}bands:\n{bands}"
    )


def check(text: str) -> tuple[object, list[Problem]]:
    problems = Problems()
    raw = parse_yaml(text, "t.yaml", problems)
    model = build(raw, problems)
    return model, list(problems)


def marked_line(text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if "# HERE" in line)


def only(text: str, severity: str = "error") -> Problem:
    """The one problem of `severity` found in `text`, which must stand on the marked line."""
    _, problems = check(text)
    found = [p for p in problems if p.severity == severity]
    assert len(found) == 1, [p.format("en") for p in problems]
    assert found[0].pos is not None and found[0].pos.line == marked_line(text), found[0].format("en")
    return found[0]


def test_the_base_document_is_valid_without_warnings():
    model, problems = check(doc())
    assert model is not None
    assert problems == []


# ---------------------------------------------------------------- shape (pydantic) problems
CRIT_WITH_RULE = """\
  - id: "1"
    name: One
    children:
      - {{id: "1.1", name: a, max: 60, rule: {{binary: {{}}}}}}
      - id: "1.2"
        name: b
        max: 40
        {line}
"""


def leaf(line: str) -> str:
    return CRIT_WITH_RULE.format(line=line)


SHAPE_CASES = [
    # code, document, path
    ("R101", doc(leaf("rule: {binary: {}}\n        maxx: 3  # HERE")), "criteria/1.2/maxx"),
    ("R102", doc(leaf("rule: {ladderr: [{min: 1, points: 40}]}  # HERE")), "criteria/1.2/rule/ladderr"),
    ("R103", doc(leaf("rule: {linear: {to: 100}}  # HERE")), "criteria/1.2/rule/linear/from"),
    ("R104", doc(leaf("rule: {binary: {}}\n        evidence: [a]\n        component: [x]  # HERE")),
     "criteria/1.2/component"),
    ("R105", doc(_CRITERIA.replace('"1.1"', "1.10  # HERE").replace(
        '{id: 1.10  # HERE, name: a, max: 60, rule: {binary: {}}}',
        "id: 1.10  # HERE\n        name: a\n        max: 60\n        rule: {binary: {}}")), "criteria/1.10/id"),
    ("R106", doc(leaf("rule: {ratio: {if_zero_total: none}}  # HERE")), "criteria/1.2/rule/ratio/if_zero_total"),
    ("R107", doc(leaf("rule: {deduct: {per: -1}}  # HERE")), "criteria/1.2/rule/deduct/per"),
    ("R108", doc().replace("id: t\n", "id: Bad Id  # HERE\n"), "id"),
    ("R109", doc(leaf("rule: {binary: {}}\n        reference: qd876  # HERE")), "criteria/1.2/reference"),
    ("R110", doc(leaf("rule: {binary: {}, points: {}}  # HERE")), "criteria/1.2/rule"),
    ("R111", doc(leaf("rule: {ladder: [{min: 1, points: 40, share: 1}]}  # HERE")), "criteria/1.2/rule/ladder/0"),
    ("R112", doc(leaf("rule: {linear: {from: 5, to: 5}}  # HERE")), "criteria/1.2/rule/linear"),
    ("R113", doc(leaf("rule: {survey: {options: {}}}  # HERE")), "criteria/1.2/rule/survey/options"),
    ("R114", doc(leaf("rule: {survey: {options: {A: 60}}}  # HERE")), "criteria/1.2/rule/survey/options"),
    ("R115", doc(bands="  - {id: good, label: Good, min: 80, when: [{is: true}]}  # HERE\n"
                       "  - {id: weak, label: Weak, min: 0}\n"), "bands/good/when/0"),
    ("R116", doc(bands="  - {id: good, label: Good, min: 80, when: [{flag: discipline}]}  # HERE\n"
                       "  - {id: weak, label: Weak, min: 0}\n"), "bands/good/when/0"),
    ("R117", doc(bands='  - {id: good, label: Good, min: 80, when: [{node: "1"}]}  # HERE\n'
                       "  - {id: weak, label: Weak, min: 0}\n"), "bands/good/when/0"),
    ("R118", doc(extra="adjustments:\n  - {id: bonus, name: B, sign: 1, rule: {}}  # HERE\n"),
     "adjustments/bonus/rule"),
    ("R119", doc(leaf("rule: {binary: {}}\n        guidance: [a, b]  # HERE")), "criteria/1.2/guidance"),
    ("R120", doc(leaf("rule: {binary: {}}\n        code: 1.5  # HERE")), "criteria/1.2/code"),
    ("R121", doc(leaf("rule: {binary: {}}\n        children: []  # HERE")), "criteria/1.2/children"),
    ("R122", doc(extra="decision: {number: '1', signed: 2023-13-01}  # HERE\n"), "decision/signed"),
    ("R123", doc(_CRITERIA.replace('"1.1"', '"1/1"  # HERE').replace(
        '{id: "1/1"  # HERE, name: a, max: 60, rule: {binary: {}}}',
        'id: "1/1"  # HERE\n        name: a\n        max: 60\n        rule: {binary: {}}')), "criteria/1/1/id"),
]


@pytest.mark.parametrize(("code", "text", "path"), SHAPE_CASES, ids=[c[0] for c in SHAPE_CASES])
def test_shape_problem(code, text, path):
    problem = only(text)
    assert (problem.code, problem.path) == (code, path)
    assert problem.what("vi") and problem.what("en") and problem.fix("vi") and problem.fix("en")


def test_unknown_key_names_the_nearest_and_the_allowed_keys():
    problem = only(doc(leaf("rule: {binary: {}}\n        maxx: 3  # HERE")))
    assert problem.what("en") == "Unknown key 'maxx' in a node"
    assert problem.what("vi") == "Khoá 'maxx' không có trong một tiêu chí"
    assert problem.fix("en").startswith("Did you mean 'max'? Allowed keys: id, code, name, component, applies_to,")
    assert problem.fix("vi").startswith("Có phải 'max'? Các khoá được phép: id, code,")
    assert problem.pos.col == 9  # the key itself, not its value


def test_unknown_rule_kind_suggests_the_kind():
    problem = only(doc(leaf("rule: {ladderr: [{min: 1, points: 40}]}  # HERE")))
    assert problem.what("en") == "There is no rule kind 'ladderr'"
    assert problem.fix("en").startswith("Did you mean 'ladder'? Rule kinds: binary, ladder, linear,")
    assert problem.fix("vi").startswith("Có phải 'ladder'? Các loại quy tắc: binary, ladder,")


def test_an_unquoted_id_suggests_the_quoted_form_as_written():
    text = doc(_CRITERIA.replace('- id: "1"', "- id: 1.10  # HERE"))
    problem = only(text)
    assert problem.what("en") == "The id 1.10 is not a quoted string: YAML reads it as 1.1"
    assert problem.fix("en") == 'Quote the id: "1.10".'
    assert problem.fix("vi") == 'Viết mã trong ngoặc kép: "1.10".'


def test_choices_are_listed_with_the_nearest():
    problem = only(doc(leaf("rule: {ratio: {if_zero_total: maxx}}  # HERE")))
    assert problem.fix("en") == "Did you mean 'max'? Use one of: na, max, zero."


def test_a_union_with_no_matching_form_lists_the_forms():
    problem = only(doc(_CRITERIA.replace('    name: One\n', "    name: One\n    aggregate: capp  # HERE\n")))
    assert problem.code == "R109"
    assert problem.fix("en") == "Write one of these forms: sum | capped, {best: …}."


def test_a_union_member_that_matched_reports_its_own_problem():
    text = doc(_CRITERIA.replace('    name: One\n', "    name: One\n    aggregate: {best: 0}  # HERE\n"))
    problem = only(text)
    assert (problem.code, problem.path) == ("R107", "criteria/1/aggregate/best")


def test_missing_rule_kind_is_not_reported_twice():
    _, problems = check(doc(leaf("rule: {ladderr: [{min: 1, points: 40}]}")))
    assert [p.code for p in problems] == ["R102"]


def test_a_string_is_not_read_as_a_number():
    problem = only(doc(leaf('rule: {binary: {}}\n        floor: "1"  # HERE')))
    assert problem.code == "R104"
    assert problem.what("en") == "Expected a number, found 1"


# ---------------------------------------------------------------- cross-document problems
def band_list(*lines: str) -> str:
    return "".join(f"  - {line}\n" for line in lines)


CROSS_CASES = [
    ("R130", doc(_CRITERIA + '  - {id: "1.1", name: x, max: 0, rule: {binary: {}}}  # HERE\n'), "criteria/1.1"),
    ("R131", doc(bands=band_list("{id: good, label: G, min: 80}", "{id: good, label: G, min: 0}  # HERE")),
     "bands/good"),
    ("R132", doc(extra="adjustments:\n  - {id: a, name: A, sign: 1, rule: {points: {}}}\n"
                       "  - {id: a, name: B, sign: -1, rule: {points: {}}}  # HERE\n"), "adjustments/a"),
    ("R133", doc(extra='adjustments:\n  - {id: "1.1", name: A, sign: 1, rule: {points: {}}}  # HERE\n'),
     "adjustments/1.1"),
    ("R134", doc(_CRITERIA.replace("    children:\n", "    rule: {binary: {}}  # HERE\n    children:\n")),
     "criteria/1/rule"),
    ("R135", doc(leaf("evidence: [a]").replace('      - id: "1.2"', '      - id: "1.2"  # HERE')), "criteria/1.2"),
    ("R136", doc(leaf("rule: {binary: {}}").replace("        max: 40\n", "").replace(
        '      - id: "1.2"', '      - id: "1.2"  # HERE')), "criteria/1.2"),
    ("R137", doc(_CRITERIA.replace("    name: One\n", "    name: One\n    max: 90  # HERE\n")), "criteria/1/max"),
    ("R138", doc(_CRITERIA.replace("    name: One\n", "    name: One\n    aggregate: capped  # HERE\n")),
     "criteria/1/aggregate"),
    ("R139", doc(_CRITERIA.replace("    name: One\n", "    name: One\n    aggregate: {best: 3}  # HERE\n")),
     "criteria/1/aggregate/best"),
    ("R140", doc(leaf("rule:\n          ladder:\n            - {min: 50, points: 40}\n"
                      "            - {min: 50, points: 20}  # HERE\n            - {points: 0}")),
     "criteria/1.2/rule/ladder/1/min"),
    ("R141", doc(leaf("rule:\n          ladder:\n            - {points: 40}  # HERE\n"
                      "            - {min: 50, points: 20}")), "criteria/1.2/rule/ladder/0"),
    ("R142", doc(leaf("rule:\n          ladder:\n            - {min: 50, points: 45}  # HERE\n"
                      "            - {points: 0}")), "criteria/1.2/rule/ladder/0/points"),
    ("R143", doc(leaf("rule:\n          levels:\n            good: 41  # HERE\n            none: 0")),
     "criteria/1.2/rule/levels/good"),
    ("R145", doc(bands=band_list("{id: good, label: G, min: 80}", "{id: fair, label: F, min: 85}  # HERE",
                                 "{id: weak, label: W, min: 0}")), "bands/fair/min"),
    ("R146", doc(bands=band_list("{id: good, label: G, min: 80}", "{id: weak, label: W, min: 20}  # HERE")),
     "bands/weak/min"),
    ("R147", doc(_CRITERIA.replace("    name: One\n", "    name: One\n    applies_to: [districts]  # HERE\n")),
     "criteria/1/applies_to/0"),
    ("R148", doc(extra="ranking: {exclude_flag: not_rankd}  # HERE\n"), "ranking/exclude_flag"),
    ("R149", doc(leaf("rule: {binary: {}}\n        reference: {ref: qd867}  # HERE")), "criteria/1.2/reference/ref"),
    ("R150", doc(extra='ranking: {tie_break: ["1.3"]}  # HERE\n'), "ranking/tie_break/0"),
    ("R151", doc(bands=band_list('{id: good, label: G, min: 80, when: [{node: "7", min: 1}]}  # HERE',
                                 "{id: weak, label: W, min: 0}")), "bands/good/when/0/node"),
    ("R152", doc(bands=band_list("{id: good, label: G, min: 80, quota: {max_share: 0.2, of: [god]}}  # HERE",
                                 "{id: weak, label: W, min: 0}")), "bands/good/quota/of/0"),
    ("R153", doc(leaf("rule: {survey: {options: {A: 1, B: 0}, skip: [B]}}  # HERE")),
     "criteria/1.2/rule/survey/skip/0"),
    ("R154", doc(leaf("rule: {survey: {options: {A: 1}, forms: {P01: 0}}}  # HERE")),
     "criteria/1.2/rule/survey/forms/P01"),
    ("R155", doc(extra="stages: [self, appraisal, self]  # HERE\n"), "stages/2"),
    ("R156", doc(extra='ranking: {tie_break: ["1", "1"]}  # HERE\n'), "ranking/tie_break/1"),
]


@pytest.mark.parametrize(("code", "text", "path"), CROSS_CASES, ids=[c[0] for c in CROSS_CASES])
def test_cross_document_problem(code, text, path):
    problem = only(text)
    assert (problem.code, problem.path) == (code, path)


def test_sum_mismatch_says_what_the_children_add_up_to():
    problem = only(doc(_CRITERIA.replace("    name: One\n", "    name: One\n    max: 90  # HERE\n")))
    # children: 1.1 max 60 + 1.2 max 40 = 100, not the 90 written
    assert problem.what("en") == "The max of '1' is 90, but its children's maxima add up to 100 (1.1 (60) + 1.2 (40))"
    assert problem.what("vi") == (
        "Điểm tối đa của '1' là 90, nhưng tổng điểm tối đa của các tiêu chí con là 100 (1.1 (60) + 1.2 (40))"
    )


def test_unknown_ids_name_the_nearest_existing_ones():
    problem = only(doc(extra='ranking: {tie_break: ["1.3"]}  # HERE\n'))
    assert problem.fix("en") == "Use the id of a node of the rulebook (nearest: 1.2, 1.1, 1)."
    problem = only(doc(_CRITERIA.replace("    name: One\n", "    name: One\n    applies_to: [districts]  # HERE\n")))
    assert problem.what("vi") == "Không có nhóm đơn vị 'districts'"
    assert problem.fix("en") == "Use a group declared under 'groups' (nearest: district)."


def test_duplicate_id_names_the_first_line():
    text = doc(_CRITERIA + '  - {id: "1.1", name: x, max: 0, rule: {binary: {}}}  # HERE\n')
    problem = only(text)
    first = next(i for i, line in enumerate(text.splitlines(), 1) if '{id: "1.1"' in line)
    assert problem.what("en") == f"Node id '1.1' is used twice (first at line {first})"


def test_bands_by_group_are_checked_like_bands():
    extra = ("bands_by_group:\n  districts:  # HERE\n"
             "    - {id: good, label: G, min: 70}\n    - {id: weak, label: W, min: 0}\n")
    problem = only(doc(extra=extra))
    assert (problem.code, problem.path) == ("R147", "bands_by_group/districts")
    extra = ("bands_by_group:\n  district:\n"
             "    - {id: good, label: G, min: 70}\n    - {id: weak, label: W, min: 5}  # HERE\n")
    problem = only(doc(extra=extra))
    assert (problem.code, problem.path) == ("R146", "bands_by_group/district/weak/min")


# ---------------------------------------------------------------- warnings
WARNING_CASES = [
    ("R190", doc(extra="scale: 90  # HERE\n"), "scale"),
    ("R191", doc(leaf("rule: {relative: {better: lower}}  # HERE")), "criteria/1.2/rule/relative"),
    ("R192", doc(leaf("rule: {levels: {good: 30, none: 0}}").replace("        max: 40", "        max: 40  # HERE")),
     "criteria/1.2/max"),
    ("R193", doc(_CRITERIA.replace("    name: One\n", "    name: One\n    aggregate: capped\n    max: 120  # HERE\n"),
                 extra="scale: 120\n"), "criteria/1/max"),
]


@pytest.mark.parametrize(("code", "text", "path"), WARNING_CASES, ids=[c[0] for c in WARNING_CASES])
def test_warning(code, text, path):
    problem = only(text, "warning")
    assert (problem.code, problem.path) == (code, path)
    model, problems = check(text)
    assert model is not None  # warnings never stop a rulebook
    assert not [p for p in problems if p.severity == "error"]


def test_top_level_maxima_against_scale():
    # top level: field 1 = 60 + 40 = 100, scale 90
    problem = only(doc(extra="scale: 90  # HERE\n"), "warning")
    assert problem.what("en") == "The top-level maxima add up to 100, not to the scale 90"


def test_unreachable_ladder_max():
    # the best step gives share 0.5 × 40 = 20 < 40
    text = doc(leaf("rule: {ladder: [{min: 50, share: 0.5}, {points: 0}]}  # HERE"))
    problem = only(text, "warning")
    assert problem.what("en") == "No value reaches the max 40 of '1.2': the best is 20"


def test_unreachable_survey_max():
    # best option weight 0.8 → 0.8 × 40 = 32
    text = doc(leaf("rule: {survey: {options: {A: 0.8, B: 0}}}").replace("        max: 40", "        max: 40  # HERE"))
    assert only(text, "warning").what("en") == "No value reaches the max 40 of '1.2': the best is 32"


# ---------------------------------------------------------------- all at once
TEN = [  # (code, line) of the ten mistakes in fixtures/validate/ten-mistakes.yaml
    ("R137", 10), ("R105", 12), ("R102", 13), ("R147", 16), ("R140", 18),
    ("R143", 19), ("R130", 20), ("R148", 22), ("R146", 23), ("R150", 24),
]


def test_ten_mistakes_give_ten_located_messages_in_one_run():
    model, problems = check_rulebook(FIXTURES / "ten-mistakes.yaml")
    assert model is None
    errors = sorted((p.code, p.pos.line) for p in problems if p.severity == "error")
    assert errors == sorted(TEN)
    assert [p.code for p in problems if p.severity == "warning"] == ["R190"]  # 50 + 40 = 90, not 100


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_ten_mistakes_read_in_either_language(lang):
    _, problems = check_rulebook(FIXTURES / "ten-mistakes.yaml")
    text = CchcError(problems).format(lang)
    head = {"vi": "10 lỗi:", "en": "10 errors:"}[lang]
    assert text.startswith(head)
    for code, line in TEN:
        assert f"ten-mistakes.yaml:{line}:" in text and code in text
    assert ("Có phải 'ladder'?" if lang == "vi" else "Did you mean 'ladder'?") in text


def test_the_table_has_one_row_per_problem():
    _, problems = check_rulebook(FIXTURES / "ten-mistakes.yaml")
    table = CchcError(problems).table("en")
    assert len(table) == 11
    assert set(table.columns) >= {"file", "line", "path", "what", "fix"}
    assert table.loc[table.code == "R140", "path"].item() == "criteria/2.1/rule/ladder/1/min"


def test_valid_fixture_builds_the_model():
    model, problems = check_rulebook(FIXTURES / "valid.yaml")
    assert problems == []
    # field 1: 20 + 10 + 10 = 40; field 2 capped at 20; field 3 best 2 of (20, 20, 20) = 40
    assert [n.max for n in model.criteria] == [40, 20, 40]
    assert model.criteria[0].children[2].rule.levels == {"tot": 10, "du": 6, "no": 0}


def test_build_accepts_plain_dicts():
    import yaml

    plain = yaml.safe_load(doc(leaf("rule: {binary: {}}\n        maxx: 3")))
    problems = Problems()
    assert build(plain, problems) is None
    assert [(p.code, p.path) for p in problems] == [("R101", "criteria/1.2/maxx")]


def test_every_message_renders_in_both_languages():
    from cchc_rules.problems import CATALOGUE

    codes = [code for code in CATALOGUE if code.startswith(("R", "Y"))]
    assert len(codes) >= 50
    for code in codes:
        problem = Problem(code)
        for lang in ("vi", "en"):
            assert problem.what(lang), code
            problem.fix(lang)  # a literal brace in a template would raise here
