"""The shipped rulebooks: they load, every leaf is documented in both languages, every
criterion cites a reference, proposals together use every kind of change, and every rulebook
has a golden file with at least 8 cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc_rules.dsl.load import load_rulebook
from cchc_rules.dsl.source import read_yaml
from cchc_rules.problems import Problems

ROOT = Path(__file__).resolve().parents[2] / "rulebooks"
RULEBOOKS = sorted(ROOT.glob("*.yaml"))
PROPOSALS = sorted((ROOT / "proposals").glob("*.yaml"))
CHANGE_KINDS = {"set", "remove", "add", "move", "rename", "reweight", "transfer"}
LANGS = ("vi", "en")


def _bilingual(text: object) -> bool:
    return isinstance(text, dict) and all(isinstance(text.get(lang), str) and text[lang].strip() for lang in LANGS)


def test_the_catalogue_is_there() -> None:
    names = {p.stem for p in RULEBOOKS}
    assert {"par-province-2024", "par-communes-2024", "par-provinces-2023", "par-province-2025",
            "clean-strong-agency"} <= names
    assert len(PROPOSALS) >= 3


@pytest.mark.parametrize("path", RULEBOOKS + PROPOSALS, ids=lambda p: p.name)
def test_loads_without_error_and_says_whether_illustrative(path: Path) -> None:
    rulebook = load_rulebook(path)
    raw = read_yaml(path, Problems())
    assert "illustrative" in raw, "every shipped rulebook says whether it is illustrative"
    assert rulebook.illustrative is True  # no annex is available here: every set is a model
    assert _bilingual(rulebook.title)


@pytest.mark.parametrize("path", RULEBOOKS + PROPOSALS, ids=lambda p: p.name)
def test_every_node_is_documented_in_both_languages(path: Path) -> None:
    rulebook = load_rulebook(path)
    undocumented = []
    for node, parent, _ in rulebook.walk():
        if not _bilingual(node.name):
            undocumented.append((node.id, "name"))
        if node.is_leaf:
            if not node.evidence or not all(_bilingual(e) for e in node.evidence):
                undocumented.append((node.id, "evidence"))
            if not _bilingual(node.guidance):
                undocumented.append((node.id, "guidance"))
        if parent is not None:  # every criterion and sub-criterion below a top-level node
            refs = node.references
            if not refs or any(r.ref not in rulebook.references for r in refs):
                undocumented.append((node.id, "reference"))
    for group, label in rulebook.groups.items():
        if not _bilingual(label):
            undocumented.append((group, "group label"))
    for band in rulebook.all_bands():
        if not _bilingual(band.label):
            undocumented.append((band.id, "band label"))
    for adjustment in rulebook.adjustments:
        if not (_bilingual(adjustment.name) and _bilingual(adjustment.guidance) and adjustment.evidence):
            undocumented.append((adjustment.id, "adjustment"))
    assert undocumented == []


def test_the_pre_2025_set_uses_every_rule_kind() -> None:
    rulebook = load_rulebook(ROOT / "par-province-2024.yaml")
    kinds = {leaf.rule.kind for leaf in rulebook.leaves()}
    assert kinds == {"binary", "ladder", "linear", "ratio", "levels", "deduct", "points", "survey", "relative"}


def test_the_post_2025_set_continues_the_pre_2025_ids() -> None:
    before = load_rulebook(ROOT / "par-province-2024.yaml").nodes()
    after = load_rulebook(ROOT / "par-province-2025.yaml")
    links = [(node.id, old) for node, _, _ in after.walk() for old in node.was]
    assert links, "the 2025 set links its criteria to 2024"
    assert [link for link in links if link[1] not in before] == []


def test_proposals_together_use_every_kind_of_change() -> None:
    used = set()
    for path in PROPOSALS:
        changes = load_rulebook(path).derivation.changes
        used |= {change.kind for change in changes}
    assert used == CHANGE_KINDS


@pytest.mark.parametrize("path", RULEBOOKS, ids=lambda p: p.name)
def test_every_rulebook_has_a_golden_file_with_eight_cases(path: Path) -> None:
    golden = ROOT / "tests" / path.name
    assert golden.exists()
    doc = read_yaml(golden, Problems())
    assert (golden.parent / doc["rulebook"]).resolve() == path.resolve()
    assert len(doc["cases"]) >= 8
