"""Invariants of scoring, checked on generated datasets (hypothesis)."""

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

LEAVES = {  # id → (rule, max, value strategy); every rule here is monotone (a higher value never scores less)
    "bin": ({"binary": {}}, 1, st.sampled_from([0, 1])),
    "lad": ({"ladder": [{"min": 100, "points": 2}, {"min": 80, "share": 0.5}, {"points": 0}]}, 2,
            st.floats(0, 120, allow_nan=False)),
    "lin": ({"linear": {"from": 20, "to": 90}}, 2, st.floats(0, 100, allow_nan=False)),
    "rat": ({"ratio": {}}, 3, st.floats(0, 1, allow_nan=False)),
    "pts": ({"points": {}}, 2.5, st.floats(0, 2.5, allow_nan=False)),
    "sur": ({"survey": {"options": {"A": 1, "B": 0.5, "C": 0}}}, 1.5, st.floats(0, 1, allow_nan=False)),
}
FIELDS = {"f1": ["bin", "lad", "lin"], "f2": ["rat", "pts", "sur"]}
BANDS = [{"id": b, "label": {"vi": b, "en": b}, "min": m} for b, m in
         (("excellent", 90), ("good", 70), ("fair", 50), ("weak", 0))]
ADJUSTMENTS = [{"id": "bonus", "name": "bonus", "sign": 1, "cap": 2, "rule": {"points": {}}},
               {"id": "late", "name": "late", "sign": -1, "cap": 3, "rule": {"deduct_each": 0.5}}]


def criteria(reverse: bool = False) -> list[dict]:
    order = (lambda xs: list(reversed(xs))) if reverse else list
    return [{"id": f, "name": f, "children": [
        {"id": lid, "name": lid, "max": LEAVES[lid][1], "rule": LEAVES[lid][0]} for lid in order(FIELDS[f])
    ]} for f in order(list(FIELDS))]


@st.composite
def datasets(draw):
    n = draw(st.integers(1, 7))
    units = [(f"U{i}", draw(st.sampled_from(["a", "b"]))) for i in range(n)]
    values = {}
    for lid, (_, _, strategy) in LEAVES.items():
        cell = st.one_of(strategy, strategy, strategy, st.just(None), st.just("NA"))
        values[lid] = [draw(cell) for _ in range(n)]
    values["bin"][0] = 1  # every unit keeps one applicable leaf: U0 here, the others below
    for i in range(1, n):
        values["pts"][i] = draw(LEAVES["pts"][2])
    adjustments = {"bonus": [draw(st.one_of(st.none(), st.floats(0, 5))) for _ in range(n)],
                   "late": [draw(st.one_of(st.none(), st.integers(0, 10))) for _ in range(n)]}
    return units, values, adjustments


def run(eng, units, values, adjustments=None, reverse=False):
    rb = eng.rulebook(criteria(reverse), bands=BANDS, adjustments=ADJUSTMENTS)
    return eng.run(rb, units, values, adjustments or {})


def per_unit(result):
    return result.units.set_index("unit_id")[["index", "published", "band", "rank", "points", "max"]].sort_index()


SETTINGS = settings(max_examples=40, deadline=None)


@SETTINGS
@given(datasets())
def test_index_within_scale(eng, data):
    units, values, adjustments = data
    index = run(eng, units, values, adjustments).units["index"]
    assert ((index >= 0) & (index <= 100)).all()


@SETTINGS
@given(datasets(), st.data())
def test_raising_a_value_never_lowers_the_index(eng, data, draw):
    units, values, adjustments = data
    before = run(eng, units, values, adjustments).units["index"]
    lid = draw.draw(st.sampled_from(list(LEAVES)))
    i = draw.draw(st.integers(0, len(units) - 1))
    old = values[lid][i]
    if old is None or old == "NA":
        return
    higher = draw.draw(LEAVES[lid][2].filter(lambda v: v >= old))
    raised = copy.deepcopy(values)
    raised[lid][i] = higher
    after = run(eng, units, raised, adjustments).units["index"]
    assert after[i] >= before[i]


@SETTINGS
@given(datasets())
def test_band_and_rank_agree_with_the_index(eng, data):
    units, values, _ = data
    u = run(eng, units, values).units
    codes = u["band"].cat.codes.to_numpy()
    for i in range(len(u)):
        for j in range(len(u)):
            if u["group"][i] == u["group"][j] and u["index"][i] > u["index"][j]:
                assert codes[i] <= codes[j]
                assert u["rank"][i] < u["rank"][j]


@SETTINGS
@given(datasets(), st.randoms(use_true_random=False))
def test_permuting_units_changes_nothing(eng, data, rnd):
    units, values, adjustments = data
    order = list(range(len(units)))
    rnd.shuffle(order)
    shuffled = run(eng, [units[k] for k in order], {lid: [v[k] for k in order] for lid, v in values.items()},
                   {a: [v[k] for k in order] for a, v in adjustments.items()})
    assert per_unit(shuffled).equals(per_unit(run(eng, units, values, adjustments)))


@SETTINGS
@given(datasets())
def test_permuting_leaves_changes_nothing(eng, data):
    units, values, adjustments = data
    straight = run(eng, units, values, adjustments)
    reversed_ = run(eng, units, values, adjustments, reverse=True)
    assert per_unit(reversed_).equals(per_unit(straight))


@SETTINGS
@given(datasets())
def test_same_input_twice_gives_the_same_result(eng, data):
    units, values, adjustments = data
    first = run(eng, units, values, adjustments)
    second = run(eng, units, values, adjustments)
    assert first.to_json() == second.to_json()
    assert first.units.equals(second.units)
