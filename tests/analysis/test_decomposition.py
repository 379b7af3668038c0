"""Decomposition of each unit's change to any depth, and the warnings and percentile ranks of `compare`.

Rulebook (scale 100, one stage): field 1 `capped` at 6 over 1.1 and 1.2 (points, max 4 each),
field 2 a sum over 2.1 (points, max 4): applicable maximum 6 + 4 = 10, so f = 100 ÷ 10 = 10
index points per point on both sides.
Year 1 → year 2 (same rulebook):
  A: 1.1 4 → 4, 1.2 3 → 4 (field 1: 7 → 8, capped 6 → 6), 2.1 2 → 3. Index 80 → 90, change +10:
     field 1: 0; 1.1: 0; 1.2: +1 × 10 = +10; field 1's cap keeps none of it: aggregation −10;
     field 2: +10; 2.1: +10; aggregation 0. Applicable max, adjustments, clamping: 0.
  B: 1.1 2 → 1, 1.2 2 → 1 (field 1: 4 → 2), 2.1 4 → 4. Index 80 → 60, change −20:
     field 1: −20 (1.1 −10, 1.2 −10, aggregation 0); field 2: 0.
"""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_rules.analysis.compare import compare
from cchc_rules.cli import main
from cchc_rules.data.load import dataset_from_frames
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.engine.rounding import NANO
from cchc_rules.engine.score import score

RULEBOOK = """
dsl: 1
id: deep
title: {vi: "Cây hai tầng", en: "Two-level tree"}
groups: {department: {vi: "Sở", en: "Departments"}}
stages: [final]
criteria:
  - id: "1"
    name: {vi: "Lĩnh vực một", en: "Field one"}
    aggregate: capped
    max: 6
    children:
      - {id: "1.1", name: {vi: "Một một", en: "One one"}, max: 4, rule: {points: {}}}
      - {id: "1.2", name: {vi: "Một hai", en: "One two"}, max: 4, rule: {points: {}}}
  - id: "2"
    name: {vi: "Lĩnh vực hai", en: "Field two"}
    children:
      - {id: "2.1", name: {vi: "Hai một", en: "Two one"}, max: 4, rule: {points: {}}}
bands:
  - {id: good, label: {vi: "Tốt", en: "Good"}, min: 70}
  - {id: weak, label: {vi: "Yếu", en: "Weak"}, min: 0}
"""


def data(values: dict[str, dict[str, float]]):
    units = pd.DataFrame({"unit_id": list(values), "name": list(values), "group": "department"})
    rows = [(u, leaf, v) for u, leaves in values.items() for leaf, v in leaves.items()]
    return dataset_from_frames(units, pd.DataFrame(rows, columns=["unit_id", "criterion_id", "final"]))


YEAR1 = {"A": {"1.1": 4, "1.2": 3, "2.1": 2}, "B": {"1.1": 2, "1.2": 2, "2.1": 4}}
YEAR2 = {"A": {"1.1": 4, "1.2": 4, "2.1": 3}, "B": {"1.1": 1, "1.2": 1, "2.1": 4}}


@pytest.fixture
def rulebook_file(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text(RULEBOOK, encoding="utf-8")
    return path


@pytest.fixture
def comparison(rulebook_file):
    rb = load_rulebook(rulebook_file)
    return compare(score(rb, data(YEAR1)), score(rb, data(YEAR2)))


def test_every_node_of_a_change_worked_out_by_hand(comparison):
    d = comparison.decomposition
    a = d[d["unit_id"] == "A"].set_index(["item", "kind"])["delta_nano"] / NANO
    assert comparison.units.set_index("unit_id")["index_delta"].to_dict() == {"A": 10, "B": -20}
    assert a[("1", "node")] == 0 and a[("1.1", "node")] == 0 and a[("1.2", "node")] == 10
    assert a[("1", "aggregation")] == -10  # the cap of field 1 kept the gain of 1.2
    assert a[("2", "node")] == 10 and a[("2.1", "node")] == 10 and a[("2", "aggregation")] == 0
    assert a[("applicable_max", "applicable_max")] == 0 and a[("clamping", "clamping")] == 0
    b = d[d["unit_id"] == "B"].set_index(["item", "kind"])["delta_nano"] / NANO
    assert (b[("1", "node")], b[("1.1", "node")], b[("1.2", "node")], b[("1", "aggregation")]) == (-20, -10, -10, 0)


def test_the_parts_add_up_exactly_in_nano_points(comparison):
    d = comparison.decomposition
    total = comparison.units.set_index("unit_id")["index_delta"]
    for unit, rows in d.groupby("unit_id"):
        top = rows[(rows["depth"] == 0) & (rows["kind"] != "aggregation")]
        assert int(top["delta_nano"].sum()) == round(total[unit] * NANO)  # exact, integers
        for parent, kids in rows[rows["parent"].notna()].groupby("parent"):
            own = rows[(rows["item"] == parent) & (rows["kind"] == "node")]["delta_nano"].iat[0]
            assert int(kids["delta_nano"].sum()) == int(own)


def test_order_is_the_tree_depth_first(comparison):
    a = comparison.decomposition.query("unit_id == 'A'")
    assert list(zip(a["item"], a["kind"])) == [
        ("1", "node"), ("1.1", "node"), ("1.2", "node"), ("1", "aggregation"),
        ("2", "node"), ("2.1", "node"), ("2", "aggregation"),
        ("applicable_max", "applicable_max"), ("adjustments", "adjustments"), ("clamping", "clamping")]


def test_compare_by_criterion_prints_the_tree(rulebook_file, tmp_path, capsys):
    for name, values in (("y1", YEAR1), ("y2", YEAR2)):
        folder = tmp_path / name
        folder.mkdir()
        ds = data(values)
        ds.units.drop(columns=[c for c in ds.units if c.startswith("_") or c == "flags"]).to_csv(
            folder / "units.csv", index=False)
        pd.DataFrame([(u, k, v) for u, leaves in values.items() for k, v in leaves.items()],
                     columns=["unit_id", "criterion_id", "final"]).to_csv(folder / "assessments.csv", index=False)
    code = main(["compare", str(rulebook_file), str(rulebook_file), str(tmp_path / "y1"), str(tmp_path / "y2"),
                 "--by", "criterion", "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0
    assert "A" in out and "1.2" in out and "+10.00" in out and "-10.00" in out
    assert "Caps, floors, best-k and rounding: -10.00" in out  # field 1's cap kept the gain of 1.2


def adds_up(comparison) -> None:
    d = comparison.decomposition
    total = comparison.units.set_index("unit_id")["index_delta"]
    assert set(d["unit_id"]) == set(comparison.units.loc[comparison.units["present"] == "both", "unit_id"])
    for unit, rows in d.groupby("unit_id"):
        top = rows[(rows["depth"] == 0) & (rows["kind"] != "aggregation")]
        assert int(top["delta_nano"].sum()) == round(total[unit] * NANO), unit
        own = rows[rows["kind"] == "node"].set_index("item")["delta_nano"]
        for parent, kids in rows[rows["parent"].notna()].groupby("parent"):
            assert int(kids["delta_nano"].sum()) == int(own[parent]), (unit, parent)


def test_adds_up_for_a_proposal_that_adds_removes_and_moves_criteria():
    # The digital draft removes 7.4, adds 7.7, moves 3.5 under 7 as 7.8 (matched through `was`).
    from pathlib import Path

    from cchc_rules.data.load import load_dataset

    root = Path(__file__).resolve().parents[2]
    base = load_rulebook(root / "rulebooks" / "par-province-2024.yaml")
    draft = load_rulebook(root / "rulebooks" / "proposals" / "digital-2025.yaml")
    data = load_dataset(root / "datasets" / "sample-province-2024", base)
    comparison = compare(score(base, data), score(draft, data))
    adds_up(comparison)
    d = comparison.decomposition
    assert {"7.4", "7.7", "7.8"} <= set(d["item"])
    assert (d.loc[d["item"] == "7.7", "delta_nano"] == 0).all()  # no data: it changes nobody


def test_adds_up_across_a_merger():
    from pathlib import Path

    from cchc_rules.data.load import load_dataset

    root = Path(__file__).resolve().parents[2]
    rb24 = load_rulebook(root / "rulebooks" / "par-province-2024.yaml")
    rb25 = load_rulebook(root / "rulebooks" / "par-province-2025.yaml")
    before = score(rb24, load_dataset(root / "datasets" / "sample-province-2024", rb24))
    after_data = load_dataset(root / "datasets" / "sample-province-2025", rb25)
    comparison = compare(before, score(rb25, after_data), after_data.meta.crosswalk)
    assert (comparison.units["predecessors"].map(len) > 1).any()  # some units merged
    adds_up(comparison)
