"""Reading located YAML: positions, round trips, duplicate keys, YAML 1.2 scalars, encodings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from cchc_rules.dsl.source import LDict, LList, locate, parse_yaml, plain, read_yaml
from cchc_rules.problems import Problems

FIXTURES = Path(__file__).parent / "fixtures" / "validate"


def parse(text: str) -> tuple[object, Problems]:
    problems = Problems()
    return parse_yaml(text, "t.yaml", problems), problems


def test_round_trip_through_plain_data(tmp_path):
    problems = Problems()
    first = read_yaml(FIXTURES / "valid.yaml", problems)
    again = tmp_path / "again.yaml"
    again.write_text(yaml.safe_dump(plain(first), allow_unicode=True, sort_keys=False), encoding="utf-8")
    second = read_yaml(again, problems)
    assert list(problems) == []
    assert plain(second) == plain(first)
    assert plain(first)["decision"]["signed"] == dt.date(2023, 10, 9)


def test_positions_of_nested_nodes():
    text = "a: 1\nlist:\n  - {x: 1}\n  - y: [10, 20]\n    z: two\n"
    data, problems = parse(text)
    assert isinstance(data, LDict) and isinstance(data["list"], LList)
    assert data.key_pos["list"].line == 2
    assert data["list"].where(1).line == 4
    second = data["list"][1]
    assert (second.where("z").line, second.where("z").col) == (5, 8)  # the value 'two' on line 5, column 8
    assert locate(data, ("list", 1, "y", 1)).line == 4
    assert locate(data, ("list", 1, "y", 1)).col == 13  # '20' in "  - y: [10, 20]": 2 spaces, '- y: [10, ' → 13
    assert locate(data, ("list", 7)).line == 3  # the deepest existing part: the list, which starts on line 3
    assert list(problems) == []


def test_duplicate_keys_are_refused_with_both_lines():
    data, problems = parse("id: a\ntitle: x\nid: b\n")
    (problem,) = list(problems)
    assert problem.code == "Y002" and problem.pos.line == 3
    assert problem.what("en") == "Key 'id' appears twice (first at line 1)"
    assert problem.what("vi") == "Khoá 'id' xuất hiện hai lần (lần đầu ở dòng 1)"
    assert data["id"] == "a"


def test_yaml_12_scalars():
    data, _ = parse("a: no\nb: yes\nc: on\nd: true\ne: False\nf: 010\ng: 8:30\nh: 1e3\ni: 0x1F\nj: 1.10\nk: 0o17\n")
    assert data["a"] == "no" and data["b"] == "yes" and data["c"] == "on"
    assert data["d"] is True and data["e"] is False
    assert data["f"] == 10  # decimal ten, not octal eight
    assert data["g"] == "8:30"  # text, not 510 (YAML 1.1 sexagesimal)
    assert data["h"] == 1000.0 and data["i"] == 31 and data["k"] == 15
    assert data["j"] == 1.1 and data.raw["j"] == "1.10"  # the source text is kept for messages


def test_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffdsl: 1\nname: Sở Nội vụ\n".encode())
    problems = Problems()
    data = read_yaml(path, problems)
    assert list(problems) == [] and data["name"] == "Sở Nội vụ"


def test_latin1_file_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("dsl: 1\nname: café\n".encode("latin-1"))
    problems = Problems()
    assert read_yaml(path, problems) is None
    (problem,) = list(problems)
    assert (problem.code, problem.pos.line) == ("Y005", 2)
    assert problem.what("en") == "The file is not UTF-8: byte 0xe9 on line 2 cannot be read"
    assert "UTF-8" in problem.fix("vi")


def test_missing_file(tmp_path):
    problems = Problems()
    assert read_yaml(tmp_path / "nope.yaml", problems) is None
    assert [p.code for p in problems] == ["Y006"]


def test_syntax_error_is_located():
    data, problems = parse("a: [1, 2\nb: 3\n")
    (problem,) = list(problems)
    assert data is None and problem.code == "Y001" and problem.pos.line is not None


def test_an_impossible_date_stays_text_for_the_model_to_report():
    data, problems = parse("signed: 2023-13-01\n")
    assert data["signed"] == "2023-13-01" and list(problems) == []


def test_an_unknown_tag_is_a_located_problem_not_a_crash():
    data, problems = parse("a: 1\nb: !!python/object:os.system x\n")
    assert [(p.code, p.pos.line) for p in problems] == [("Y001", 2)]
    assert data["b"] is None


def test_document_must_be_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    problems = Problems()
    assert read_yaml(path, problems) is None
    assert [p.code for p in problems] == ["Y004"]
