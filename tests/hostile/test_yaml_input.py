"""Hostile YAML: every case a located, bilingual problem, never a traceback or a hang (issue 11, items 4, 7)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cchc_rules.cli import main
from cchc_rules.dsl.load import check_rulebook
from cchc_rules.dsl.source import parse_yaml
from cchc_rules.problems import Problems

from .conftest import ROOT

VALID = ROOT / "tests" / "dsl" / "fixtures" / "validate" / "valid.yaml"
LEAF = '- {id: "1.2", name: Báo cáo, max: 10, rule: {deduct: {per: 2.5}}}'


def _check(tmp_path: Path, text: str) -> tuple[object, list]:
    path = tmp_path / "rb.yaml"
    path.write_text(text, encoding="utf-8")
    return check_rulebook(path)


def _variant(old: str, new: str) -> str:
    source = VALID.read_text(encoding="utf-8")
    assert old in source
    return source.replace(old, new, 1)


def _parse(text: str) -> tuple[object, list]:
    problems = Problems()
    return parse_yaml(text, "f.yaml", problems), list(problems)


# nine levels of nine aliases: 9⁸ ≈ 43 million strings once expanded (3 KB of text)
BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9))


def test_an_alias_bomb_is_refused_at_once():
    started = time.perf_counter()
    data, problems = _parse(BOMB)
    assert time.perf_counter() - started < 5  # it took 38 s and 1.2 GB before; the check is one walk of ~80 nodes
    assert data is None and [p.code for p in problems] == ["Y008"]
    assert "CCHC_MAX_YAML_NODES" in problems[0].fix("en")


def test_too_many_aliases_and_too_deep_nesting(monkeypatch):
    monkeypatch.setenv("CCHC_MAX_YAML_ALIASES", "3")
    assert [p.code for p in _parse("a: &a 1\nb: [*a, *a, *a, *a]")[1]] == ["Y008"]
    data, problems = _parse("[" * 600 + "]" * 600)  # a RecursionError at ~490 levels before
    assert data is None and [(p.code, p.pos.col) for p in problems] == [("Y014", 101)]


@pytest.mark.parametrize(("text", "code", "col"), [
    ("a: &a [*a]", "Y009", 4),  # an alias inside its own anchor: endless
    ("a: !!timestamp x", "Y011", 4),
    ("a: !!float ''", "Y011", 4),
    ("<<: 1", "Y001", 5),
    ('a: "\\ud800"', "Y013", 4),  # a lone surrogate cannot be written anywhere
    ("a: .inf", "Y012", 4),
    ("a: .nan", "Y012", 4),
])
def test_broken_values_are_located(text: str, code: str, col: int):
    _, problems = _parse(text)
    assert [(p.code, p.pos.line, p.pos.col) for p in problems] == [(code, 1, col)]
    for lang in ("vi", "en"):
        assert problems[0].what(lang) and problems[0].fix(lang)


def test_control_characters_are_removed_with_a_warning(tmp_path: Path):
    text = _variant("name: Kế hoạch", "name: \"Kế\x07 hoạch\\v\"")  # a BEL as such, a vertical tab escaped
    rulebook, problems = _check(tmp_path, text)
    assert rulebook is not None
    assert rulebook.node("1.1").name == "Kế hoạch"
    assert [p.code for p in problems] == ["Y010", "Y010"] and all(p.severity == "warning" for p in problems)


def test_ids_are_nfc_and_invisible_characters_refused(tmp_path: Path):
    nfd = "Ba\u0301o ca\u0301o"  # "Báo cáo" typed with combining accents
    rulebook, _ = _check(tmp_path, _variant(LEAF, LEAF.replace('"1.2"', f'"{nfd}"').replace("1.2", nfd)))
    assert rulebook is not None and "Báo cáo" in rulebook.nodes()  # NFC: matches NFC data
    _, problems = _check(tmp_path, _variant(LEAF, LEAF.replace('"1.2"', '"1.2\u200b"')))
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.code, p.pos.line) for p in errors] == [("R123", 28)]
    assert "invisible" in errors[0].what("en")


def test_children_null_fails_validate(tmp_path: Path):
    rulebook, problems = _check(tmp_path, _variant(LEAF, '- {id: "1.2", name: Báo cáo, max: 10, children: null}'))
    assert rulebook is None and [p.code for p in problems] == ["R135"]


@pytest.mark.parametrize("value", ["1e308", "1e10", "10000000000", "1000001"])
def test_amounts_beyond_the_engine_are_refused(tmp_path: Path, value: str):
    """Scores are int64 nano-points: past ~9.2·10⁹ points they wrap (every unit 0.00, all rank 1)."""
    _, problems = _check(tmp_path, _variant(LEAF, LEAF.replace("max: 10", f"max: {value}")))
    assert [(p.code, p.path) for p in problems if p.severity == "error"] == [("R107", "criteria/1.2/max")]


def test_a_huge_scale_is_refused(tmp_path: Path):
    _, problems = _check(tmp_path, _variant("scale: 100", "scale: 1e12"))
    assert [(p.code, p.path) for p in problems if p.severity == "error"] == [("R107", "scale")]


def test_a_rulebook_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("CCHC_MAX_YAML_BYTES", "100")
    path = tmp_path / "rb.yaml"
    path.write_text(VALID.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["validate", str(path), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "Y007" in err and "CCHC_MAX_YAML_BYTES" in err and "Traceback" not in err
