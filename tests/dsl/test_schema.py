"""The JSON Schema of the language accepts every shipped rulebook and refuses misspelt keys."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from cchc_rules.dsl.schema import json_schema
from cchc_rules.dsl.source import parse_yaml, plain, read_yaml
from cchc_rules.problems import Problems

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures" / "validate"
SHIPPED = sorted(p for p in (ROOT / "rulebooks").rglob("*.yaml") if "tests" not in p.relative_to(ROOT).parts[1:-1])


def as_json(data):
    """Plain data as JSON would carry it: YAML dates become ISO strings."""
    if isinstance(data, dict):
        return {str(k): as_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [as_json(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


@pytest.fixture(scope="module")
def validator():
    schema = json_schema("en")
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def load(path: Path):
    problems = Problems()
    data = read_yaml(path, problems)
    assert data is not None, [p.format("en") for p in problems]
    return as_json(plain(data))


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(ROOT)) for p in SHIPPED])
def test_every_shipped_rulebook_fits_the_schema(validator, path):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(load(path))]
    assert errors == []


@pytest.mark.parametrize("name", ["valid.yaml", "derived.yaml"])
def test_fixtures_fit_the_schema(validator, name):
    assert list(validator.iter_errors(load(FIXTURES / name))) == []


def test_a_misspelt_key_is_refused(validator):
    data = load(FIXTURES / "valid.yaml")
    data["criteria"][0]["children"][0]["rule"] = {"ladderr": [{"min": 1, "points": 2}]}
    assert not validator.is_valid(data)
    data = load(FIXTURES / "valid.yaml")
    data["titel"] = "x"
    assert not validator.is_valid(data)


def test_a_derived_file_may_not_carry_criteria(validator):
    data = load(FIXTURES / "derived.yaml")
    data["criteria"] = []
    assert not validator.is_valid(data)
    data = load(FIXTURES / "derived.yaml")
    data["changes"].append({"sett": "bands/good/min", "to": 1})
    assert not validator.is_valid(data)


def test_descriptions_in_both_languages():
    vi, en = json_schema("vi"), json_schema("en")
    assert vi["$defs"]["Node"]["properties"]["max"]["description"] == "Điểm tối đa."
    assert en["$defs"]["Node"]["properties"]["max"]["description"] == "Maximum points."
    assert en["$defs"]["Rule"]["properties"]["ladder"]["description"]


def test_the_command_prints_utf8_json(tmp_path, capsysbinary):
    from cchc_rules.cli import main

    assert main(["schema", "--lang", "vi"]) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")
    assert json.loads(out)["title"].startswith("Bộ tiêu chí")
    target = tmp_path / "sub" / "rulebook.schema.json"
    assert main(["schema", "--lang", "en", "--out", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == json_schema("en")


def test_yaml_dates_pass_once_written_as_text(validator):
    problems = Problems()
    raw = parse_yaml((FIXTURES / "valid.yaml").read_text(encoding="utf-8"), "v.yaml", problems)
    data = as_json(plain(raw))
    assert data["decision"]["signed"] == "2023-10-09"
    assert validator.is_valid(data)
