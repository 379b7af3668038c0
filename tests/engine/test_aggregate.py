"""Aggregation (sum, capped, best k), floors, nano sums, adjustments and the index clamp."""


def leaf(lid, mx, rule=None, **extra):
    return {"id": lid, "name": lid, "max": mx, "rule": rule or {"points": {}}, **extra}


def node(nid, *children, **extra):
    return {"id": nid, "name": nid, "children": list(children), **extra}


def test_sum_nested_and_parent_max(eng):
    rb = eng.rulebook([node("1", node("1.1", leaf("a", 1), leaf("b", 2)), leaf("c", 3)), node("2", leaf("d", 4))])
    r = eng.run(rb, [("U", "a")], {"a": [1], "b": [0.5], "c": [2], "d": [4]})
    # 1.1 = 1 + 0.5 = 1.5 of 3; 1 = 1.5 + 2 = 3.5 of 6; 2 = 4 of 4; index (3.5 + 4) / 10 → 75
    pts = dict(zip(r.node_ids, r.node_points[0]))
    assert pts == {"1": 3.5, "1.1": 1.5, "a": 1, "b": 0.5, "c": 2, "2": 4, "d": 4}
    assert r.units["index"][0] == 75
    assert (r.units["1"][0], r.units["2"][0]) == (3.5, 4)


def test_capped(eng):
    rb = eng.rulebook([node("1", leaf("a", 2, {"binary": {}}), leaf("b", 2, {"binary": {}}), max=3,
                            aggregate="capped")])
    r = eng.run(rb, [("U", "a"), ("V", "a"), ("W", "a")], {"a": [1, 1, 1], "b": [1, 0, "NA"]})
    # U: min(4, 3) = 3 of 3 → 100; V: 2 of 3 → 66.666666667; W: b out → max min(3, 2) = 2, 2 of 2 → 100
    assert list(r.units["index"]) == [100, 66.666666667, 100]
    assert list(r.units["max"]) == [3, 3, 2]


def test_best_k(eng):
    rb = eng.rulebook([node("1", leaf("a", 1), leaf("b", 2), leaf("c", 3), aggregate={"best": 2})])
    r = eng.run(rb, [("U", "a"), ("V", "a")], {"a": [1, 1], "b": [2, "NA"], "c": [0, "NA"]})
    # U: two largest points 2 + 1 = 3; max = two largest maxima 3 + 2 = 5 → 60
    # V: only a applies: points 1, max 1 → 100
    assert list(r.units["points"]) == [3, 1]
    assert list(r.units["max"]) == [5, 1]
    assert list(r.units["index"]) == [60, 100]


def test_floor(eng):
    rb = eng.rulebook([
        node("1", leaf("a", 2, {"deduct": {"per": 1}}), leaf("b", 2, {"deduct": {"per": 1}}), floor=1),
        node("2", leaf("c", 6)),
    ])
    r = eng.run(rb, [("U", "a"), ("V", "a")], {"a": [5, 0], "b": [5, 1], "c": [6, 6]})
    # U: 0 + 0 = 0, raised to the floor 1; index (1 + 6) / 10 → 70. V: 2 + 1 = 3 (above floor) → 90
    assert list(r.units["1"]) == [1, 3]
    assert list(r.units["index"]) == [70, 90]


def test_floor_never_exceeds_the_applicable_max(eng):
    rb = eng.rulebook([node("1", leaf("a", 1), leaf("b", 4), floor=2), node("2", leaf("c", 5))])
    r = eng.run(rb, [("U", "a")], {"a": [0], "b": ["NA"], "c": [5]})
    # node 1 applicable max 1 < floor 2 → clamp to [min(2, 1), 1] = 1: points 1 of 1; index 6 / 6 → 100
    assert r.units["1"][0] == 1
    assert r.units["index"][0] == 100


def test_parent_with_no_applicable_leaf_is_out(eng):
    rb = eng.rulebook([node("1", leaf("a", 1), leaf("b", 1)), node("2", leaf("c", 2))])
    r = eng.run(rb, [("U", "a")], {"a": ["NA"], "b": ["NA"], "c": [1]})
    nodes = r.nodes.set_index("node_id")
    assert not nodes.loc["1", "applicable"]
    assert nodes.loc["1", "max"] == 0
    assert r.units["index"][0] == 50


def test_nano_sums_compare_exactly(eng):
    rb = eng.rulebook([node("1", leaf("a", 1), leaf("b", 1), leaf("c", 1))])
    r = eng.run(rb, [("U", "a")], {"a": [0.1], "b": [0.2], "c": [0]})
    # 0.1 + 0.2 is 0.30000000000000004 in floats; in nano-points it is exactly 0.3
    assert r.units["points"][0] == 0.3
    assert r.units["index"][0] == 10  # 0.3 / 3 × 100


def test_adjustments_with_caps_and_clamp(eng):
    adjustments = [
        {"id": "bonus", "name": {"vi": "Điểm thưởng", "en": "Bonus"}, "sign": 1, "cap": 2, "rule": {"points": {}}},
        {"id": "late", "name": "Báo cáo trễ hạn", "sign": -1, "cap": 3, "rule": {"deduct_each": 0.5}},
    ]
    rb = eng.rulebook([node("1", leaf("a", 10))], adjustments=adjustments)
    units = [("U", "a"), ("V", "a"), ("W", "a"), ("X", "a"), ("Y", "a")]
    r = eng.run(rb, units, {"a": [9, 9, 10, 0.1, 9]},
                adjustments={"bonus": [5, 1, 2, None, None], "late": [None, 4, None, 10, (3, None)]})
    # U: 90 + min(5, 2) = 92; V: 90 + 1 − 4 × 0.5 = 89; W: 100 + 2 → clamped 100;
    # X: 1 − min(5, 3) = −2 → clamped 0; Y: late 3 at self stage (last with a value) → 90 − 1.5 = 88.5
    assert list(r.units["index"]) == [92, 89, 100, 0, 88.5]
    assert list(r.units["adjustment"]) == [2, -1, 2, -3, -1.5]


def test_index_scale_and_weights_off_scale(eng):
    rb = eng.rulebook([node("1", leaf("a", 3)), node("2", leaf("b", 2))], scale=10)
    r = eng.run(rb, [("U", "a")], {"a": [3], "b": [1]})
    # (3 + 1) / 5 × 10 = 8
    assert r.units["index"][0] == 8
    assert r.units["published"][0] == "8.00"
