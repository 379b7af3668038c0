"""The Inputs layout contract (units × leaves × stages indexing, stage-major storage), the compiled-rulebook
cache, and the engine's vocabulary."""

from __future__ import annotations

import gc

import numpy as np

from cchc_rules.data.model import EMPTY, NA, VALUE, CellStatus, Inputs
from cchc_rules.engine.compile import compiled_for
from cchc_rules.engine.score import score_inputs
from cchc_rules.engine.vocabulary import OUT_OF_MAX, Reason


def _rulebook(eng):
    leaf = lambda lid, mx: {"id": lid, "name": lid, "max": mx, "rule": {"points": {}}}  # noqa: E731
    return eng.rulebook([{"id": "1", "name": "1", "children": [leaf("a", 2), leaf("b", 3)]}])


def test_inputs_are_stored_stage_major_and_indexed_as_before(eng):
    rb = _rulebook(eng)
    inputs = eng.inputs(rb, [("U", "a"), ("V", "a")], {"a": [(1.5, 2), (None, "NA")], "b": [3, None]})
    # indexing is units × leaves × stages, as the data layer and the tests write it
    assert inputs.value[0, 0].tolist() == [1.5, 2.0]
    assert inputs.status[1, 0].tolist() == [EMPTY, NA]
    assert inputs.status[0, 1].tolist() == [EMPTY, VALUE]
    # storage is stage-major: one stage of one leaf for every unit is one contiguous row
    for a in (inputs.value, inputs.status, inputs.adjustment):
        assert a.T.flags.c_contiguous
    assert inputs.status.dtype == np.int8 and inputs.value.dtype == np.float64


def test_same_values_in_either_layout_score_the_same(eng):
    rb = _rulebook(eng)
    inputs = eng.inputs(rb, [("U", "a"), ("V", "a")], {"a": [2, 1], "b": [(3, 1.5), None]})
    units_major = Inputs(inputs.units, inputs.leaf_ids, inputs.stages, np.ascontiguousarray(inputs.value),
                         np.ascontiguousarray(inputs.status), inputs.adjustment_ids,
                         np.ascontiguousarray(inputs.adjustment), inputs.survey_n)
    assert units_major.value.T.flags.c_contiguous  # copied into the layout
    c = compiled_for(rb)
    a, b = score_inputs(c, inputs), score_inputs(c, units_major)
    # U: 2 + 1.5 = 3.5 of 5 → 70; V: 1 + 0 (no value, missing zero) = 1 of 5 → 20
    assert a.units["index"].tolist() == b.units["index"].tolist() == [70, 20]


def test_compiled_once_per_rulebook(eng):
    rb = _rulebook(eng)
    assert compiled_for(rb) is compiled_for(rb)
    other = _rulebook(eng)
    assert compiled_for(other) is not compiled_for(rb)
    assert compiled_for(other).leaf_ids == ["a", "b"]
    del other
    gc.collect()
    assert compiled_for(rb).rulebook is rb


def test_vocabulary_names_every_reason():
    assert [r.name for r in Reason][:3] == ["OK", "STRUCTURAL", "NA_RESCALE"]
    assert {r for r in Reason if r.out_of_max} == set(OUT_OF_MAX)
    assert {r for r in Reason if r.gives_max} == {Reason.MISSING_MAX, Reason.ZERO_TOTAL_MAX}
    assert [s.name for s in CellStatus] == ["EMPTY", "VALUE", "NA", "ZERO_TOTAL"]


def test_ledger_names_reasons_in_words(eng):
    rb = eng.rulebook([{"id": "1", "name": "1", "children": [
        {"id": "a", "name": "a", "max": 1, "rule": {"points": {}}},
        {"id": "b", "name": "b", "max": 1, "rule": {"points": {}}, "applies_to": ["b"]},
        {"id": "c", "name": "c", "max": 1, "rule": {"points": {}}, "missing": "na"},
    ]}])
    r = eng.run(rb, [("U", "a")], {"a": [1], "b": [1], "c": [None]})
    rows = r.explain("U", "en").rows.set_index("id")
    assert rows.loc["b", "out"] == "does not apply to the group"
    assert rows.loc["c", "out"] == "no value: treated as NA"
    assert rows.loc["c", "missing"] == "na"
