"""Data written for a base rulebook, scored with a derived one: removed rows ignored, renamed followed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cchc_rules.data.load import load_dataset
from cchc_rules.data.model import VALUE
from cchc_rules.data.parse import inputs_for
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.problems import CchcError


@pytest.fixture(scope="module")
def derived():
    from pathlib import Path

    return load_rulebook(Path(__file__).parent / "fixtures" / "derived.yaml")


def test_removed_rows_are_ignored_and_renamed_rows_followed(make_dataset, derived):
    inputs = inputs_for(load_dataset(make_dataset(), derived), derived)
    assert "A.6" not in inputs.leaf_ids
    j = inputs.leaf_ids.index("A.7b")
    assert inputs.value[0, j].tolist() == [1.5, 1.25] and inputs.status[0, j].tolist() == [VALUE, VALUE]
    notes = {p.code: p for p in inputs.notes}
    assert notes["D380"].params == {"n": 1, "criterion": "A.6"}  # one row, D1's
    assert notes["D380"].pos.line == 7 and notes["D380"].severity == "note"
    assert notes["D381"].params == {"n": 1, "criterion": "A.7", "target": "A.7b"}
    assert "A.7b" in notes["D381"].what("vi")


def test_the_same_dataset_serves_base_and_variant(make_dataset, rulebook, derived):
    dataset = load_dataset(make_dataset(), rulebook)
    base, variant = inputs_for(dataset, rulebook), inputs_for(dataset, derived)
    assert len(base.leaf_ids) == 10 and len(variant.leaf_ids) == 9
    assert inputs_for(dataset, rulebook) is base  # each cached under its own key


def test_old_and_new_id_for_the_same_unit_is_a_duplicate(make_dataset, derived):
    with pytest.raises(CchcError) as info:
        load_dataset(make_dataset(extra_assessments="D1,A.7b,1,,,\n"), derived)
    (p,) = info.value.errors
    assert p.code == "D324" and p.pos.line == 18 and p.params["first"] == 8


def test_was_links_carry_old_ids(make_dataset, rulebook):
    # B.1 says was: ["7.9"]: last year's rows under 7.9 count for B.1, with a note
    text = (make_dataset().joinpath("assessments.csv")).read_text(encoding="utf-8").replace("D1,B.1,", "D1,7.9,")
    inputs = inputs_for(load_dataset(make_dataset(assessments=text), rulebook), rulebook)
    assert inputs.value[0, inputs.leaf_ids.index("B.1"), 0] == 70.0
    (note,) = [p for p in inputs.notes if p.code == "D381"]
    assert note.params["target"] == "B.1"


def test_a_derivation_given_by_hand(make_dataset, rulebook):
    """Only `removed` and `renamed` are read from the derivation (any object with them will do)."""
    book = rulebook.model_copy(deep=True)
    book._derivation = SimpleNamespace(removed=["Z.1"], renamed={"A.0": "A.1"})
    extra = "D2,Z.1,1,,,\nH1,Z.1,0,,,\nD2,A.0,1,,,\n"
    with pytest.raises(CchcError) as info:  # D2 already has A.1: A.0 → A.1 repeats it
        load_dataset(make_dataset(extra_assessments=extra), book)
    codes = sorted((p.code, p.severity) for p in info.value.problems if p.code != "D382")  # D382: survey note
    assert codes == [("D324", "error"), ("D380", "note"), ("D381", "note")]
    assert [p.params["n"] for p in info.value.problems if p.code == "D380"] == [2]
