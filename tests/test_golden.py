"""Golden tests (spec §8): every case of every file under rulebooks/tests/ and
tests/golden_fixtures/cases/ is its own pytest item; plus the golden loader's own checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc_rules import golden
from cchc_rules.problems import CchcError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "golden_fixtures"
FOLDERS = [ROOT / "rulebooks" / "tests", FIXTURES / "cases"]
_RULEBOOKS: dict = {}


def _items() -> list:
    items = []
    for path in golden.collect([f for f in FOLDERS if f.is_dir()]):
        name = path.relative_to(ROOT).as_posix()
        try:
            file = golden.load_golden(path, _RULEBOOKS)
        except CchcError as exc:
            items.append(pytest.param(None, None, exc, id=f"{name}::invalid"))
            continue
        seen: dict[str, int] = {}
        for case in file.cases:
            seen[case.name] = seen.get(case.name, 0) + 1
            suffix = f" ({seen[case.name]})" if seen[case.name] > 1 else ""
            items.append(pytest.param(file, case, None, id=f"{name}::{case.name}{suffix}"))
    return items


@pytest.mark.parametrize(("file", "case", "error"), _items())
def test_golden_case(file, case, error):
    if error is not None:
        pytest.fail(error.format("en"), pytrace=False)
    outcome = golden.run_case(file, case)
    assert outcome.checks or outcome.problems, "a case with no expectation checks nothing"
    if not outcome.passed:
        pytest.fail(outcome.format("en"), pytrace=False)


def test_fixture_cases_are_collected():
    ids = [p.id for p in _items()]
    assert sum("golden_fixtures/cases/mini.yaml::" in i for i in ids) == 15


def _problems(path: Path) -> list:
    with pytest.raises(CchcError) as caught:
        golden.load_golden(path)
    return caught.value.problems


def test_every_mistake_of_a_golden_file_at_once():
    found = [(p.code, p.pos.line) for p in _problems(FIXTURES / "invalid" / "mistakes.yaml")]
    assert found == [
        ("G504", 5),  # unknown leaf "1.4"
        ("G501", 10),  # unknown expect key "indx"
        ("G513", 10),  # published written as a number
        ("G502", 13),  # unit without group
        ("G505", 17),  # unknown stage in a value map
        ("G505", 18),  # unknown case stage
        ("G512", 19),  # unknown band
    ]


def test_an_unknown_leaf_names_the_nearest_ids():
    leaf = next(p for p in _problems(FIXTURES / "invalid" / "mistakes.yaml") if p.code == "G504")
    assert leaf.params["near"][0] in {"1.3", "1.2", "1.1"}
    assert "1.4" in leaf.what("vi") and "1.4" in leaf.what("en")


def test_a_missing_rulebook(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("rulebook: nowhere.yaml\ncases:\n  - {name: x, unit: {group: a}, values: best, expect: {}}\n")
    problems = _problems(path)
    assert [(p.code, p.pos.line) for p in problems] == [("G503", 1)]


def test_an_unknown_unit_in_expect(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        f"rulebook: {FIXTURES / 'rulebooks' / 'mini.yaml'}\n"
        "cases:\n"
        "  - name: x\n"
        "    units: [{id: A, group: department, values: best}]\n"
        "    expect: {B: {rank: 1}}\n"
    )
    problem = _problems(path)[0]
    assert (problem.code, problem.pos.line, problem.params["near"]) == ("G510", 5, ["A"])


def test_best_and_worst_values_per_rule_kind():
    file = golden.load_golden(FIXTURES / "cases" / "mini.yaml")
    leaves = {leaf.id: leaf for leaf in file.rulebook.leaves()}
    best = {k: golden.extreme(v, True) for k, v in leaves.items()}
    worst = {k: golden.extreme(v, False) for k, v in leaves.items()}
    assert best == {"1.1": "1", "1.2": "100", "1.3": "good", "2.1": "0", "2.2": "100", "2.3": "1",
                    "3.1": "10", "3.2": "1", "3.3": "1"}
    # ladder: lowest min 80 − 1 = 79 falls to the catch-all; deduct: ceil(10 ÷ 2.5) = 4 faults
    assert worst == {"1.1": "0", "1.2": "79", "1.3": "none", "2.1": "4", "2.2": "50", "2.3": "0",
                     "3.1": "0", "3.2": "0", "3.3": "0"}


def test_a_failing_case_shows_expected_got_and_the_ledger():
    file = golden.load_golden(FIXTURES / "cases" / "mini.yaml")
    case = file.cases[2]  # one ladder step down: index 95
    case.expect["U"]["index"] = golden.Approx(96.0)
    outcome = golden.run_case(file, case)
    assert not outcome.passed
    text = outcome.format("en")
    assert text.startswith("✗ one ladder step down")
    assert "index: expected 96, got 95  [DIFFERS]" in text
    assert "Ledger of unit U:" in text
    assert "Sổ tính điểm của đơn vị U:" in outcome.format("vi")


def test_a_data_error_fails_the_case():
    file = golden.load_golden(FIXTURES / "cases" / "mini.yaml")
    case = file.cases[2]
    case.units[0].values = {"base": "best", "1.3": "excellent"}  # not a level of 1.3
    outcome = golden.run_case(file, case)
    assert not outcome.passed and outcome.problems
    assert all(p.code.startswith("D3") for p in outcome.problems)
