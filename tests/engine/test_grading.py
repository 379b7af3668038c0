"""Bands with gates, per-group bands, quotas with their tie policy, ranking with tie-breaks."""

import numpy as np
import pandas as pd


def band(bid, vi, en, mn, **extra):
    return {"id": bid, "label": {"vi": vi, "en": en}, "min": mn, **extra}


def bands(excellent=None, excellent_min=90):
    return [
        band("excellent", "Xuất sắc", "Excellent", excellent_min, **(excellent or {})),
        band("good", "Tốt", "Good", 80),
        band("fair", "Khá", "Fair", 0),
    ]


# Two fields: "1" has leaves p (points, max 6) and z (binary, max 1); "2" has leaf q (points, max 3).
CRITERIA = [
    {"id": "1", "name": "F1", "children": [
        {"id": "p", "name": "p", "max": 6, "rule": {"points": {}}},
        {"id": "z", "name": "z", "max": 1, "rule": {"binary": {}}},
    ]},
    {"id": "2", "name": "F2", "children": [{"id": "q", "name": "q", "max": 3, "rule": {"points": {}}}]},
]


def graded(eng, values, units=None, **rb):
    """values: unit → (p, z, q); units default to group a, no flags."""
    ids = list(values)
    units = units or [(u, "a") for u in ids]
    cols = {"p": [values[u][0] for u in ids], "z": [values[u][1] for u in ids], "q": [values[u][2] for u in ids]}
    rulebook = eng.rulebook(CRITERIA, **{"bands": bands(), **rb})
    return eng.run(rulebook, units, cols).units.set_index("unit_id")


def test_thresholds_are_inclusive(eng):
    u = graded(eng, {"A": (6, 1, 2), "B": (6, 0, 2), "C": (4, 1, 2)})
    # A 9/10 → 90 excellent; B 8/10 → 80 good; C 7/10 → 70 fair
    assert list(u["index"]) == [90, 80, 70]
    assert list(u["band"]) == ["excellent", "good", "fair"]
    assert list(u["band"].cat.categories) == ["excellent", "good", "fair"]


def test_flag_gate(eng):
    gate = {"when": [{"flag": "discipline", "is": False}]}
    units = [("A", "a", ["discipline"]), ("B", "a")]
    u = graded(eng, {"A": (6, 1, 3), "B": (6, 1, 2)}, units, bands=bands(gate))
    assert list(u["band"]) == ["good", "excellent"]  # A 100 but disciplined


def test_node_gates(eng):
    share = bands({"when": [{"node": "2", "min_share": 0.8}]})
    # A: q 2/3 = 0.667 < 0.8 → good; B: q 3/3 → excellent (6 + 0 + 3 = 9/10 → 90)
    u = graded(eng, {"A": (6, 1, 2), "B": (6, 0, 3)}, bands=share)
    assert list(u["band"]) == ["good", "excellent"]
    minimum = bands({"when": [{"node": "2", "min": 2.5}]})
    assert list(graded(eng, {"A": (6, 1, 2), "B": (6, 0, 3)}, bands=minimum)["band"]) == ["good", "excellent"]
    zeros = bands({"when": [{"node": "1", "max_zero_leaves": 0}]})
    # B has z = 0 under node 1 → one zero leaf > 0 → good
    assert list(graded(eng, {"A": (6, 1, 2), "B": (6, 0, 3)}, bands=zeros)["band"]) == ["excellent", "good"]


def test_a_gate_on_a_node_out_of_the_maximum_holds(eng):
    gate = bands({"when": [{"node": "2", "min_share": 0.8}]})
    # q is NA → node 2 is out; A: 6 + 1 = 7 / 7 → 100, the gate holds
    u = graded(eng, {"A": (6, 1, "NA")}, bands=gate)
    assert u.loc["A", "band"] == "excellent"


def test_bands_by_group(eng):
    district = [band("top", "Nhất", "Top", 60), band("rest", "Còn lại", "Rest", 0)]
    u = graded(eng, {"A": (4, 1, 2), "B": (4, 1, 2)}, [("A", "a"), ("B", "b")], bands_by_group={"b": district})
    # both 70: group a uses the default list (fair), group b its own (top)
    assert list(u["band"]) == ["fair", "top"]
    assert list(u["band"].cat.categories) == ["excellent", "good", "fair", "top", "rest"]


def quota_run(eng, indices, quota, flags=None):
    """Units U0.. in group a with the given indices (points leaf of max 100)."""
    criteria = [{"id": "1", "name": "F", "children": [{"id": "p", "name": "p", "max": 100, "rule": {"points": {}}}]}]
    units = [(f"U{i}", "a", (flags or {}).get(i, [])) for i in range(len(indices))]
    rb = eng.rulebook(criteria, bands=bands({"quota": quota}), ranking={"exclude_flag": "not_ranked"})
    return eng.run(rb, units, {"p": indices})


def test_quota_keeps_the_best_ranked(eng):
    r = quota_run(eng, [95, 94, 93, 92, 91], {"max_share": 0.2})
    # count 5 ranked → allowed floor(0.2 × 5) = 1: U0 keeps excellent, the others fall to good
    assert list(r.units["band"]) == ["excellent", "good", "good", "good", "good"]
    assert len(r.graded.demotions) == 4


def test_quota_ties_drop_all_and_keep_all(eng):
    values = [95, 95, 92, 91, 90]  # ranks 1, 1, 3, 4, 5; allowed 1; the tie at rank 1 crosses the boundary
    dropped = quota_run(eng, values, {"max_share": 0.2})
    assert list(dropped.units["band"]) == ["good"] * 5
    kept = quota_run(eng, values, {"max_share": 0.2, "ties": "keep_all"})
    assert list(kept.units["band"]) == ["excellent", "excellent", "good", "good", "good"]


def test_quota_of_counts_only_the_listed_bands(eng):
    # excellent: U0, U1; good: U2; fair: U3. count = 3 in [excellent, good] → allowed floor(1.5) = 1
    r = quota_run(eng, [95, 92, 85, 50], {"max_share": 0.5, "of": ["excellent", "good"]})
    assert list(r.units["band"]) == ["excellent", "good", "good", "fair"]


def test_quota_is_computed_in_decimal(eng):
    # 0.29 × 100 is 28.999999999999996 in floats; exactly 29 in decimal
    assert int(0.29 * 100) == 28
    r = quota_run(eng, [99 - i * 0.01 for i in range(100)], {"max_share": 0.29})
    assert (r.units["band"] == "excellent").sum() == 29


def test_unranked_units_keep_their_band_and_are_not_counted(eng):
    # U0 not ranked: keeps excellent; ranked: U1..U4 → count 4 → allowed floor(0.5 × 4) = 2
    r = quota_run(eng, [99, 95, 94, 93, 92], {"max_share": 0.5}, flags={0: ["not_ranked"]})
    assert list(r.units["band"]) == ["excellent", "excellent", "excellent", "good", "good"]
    assert r.units["rank"].isna().tolist() == [True, False, False, False, False]
    assert list(r.units["rank"][1:]) == [1, 2, 3, 4]


def rank_run(eng, values, units, **rb):
    crit = [{"id": "1", "name": "F1", "children": [{"id": "p", "name": "p", "max": 50, "rule": {"points": {}}}]},
            {"id": "2", "name": "F2", "children": [{"id": "q", "name": "q", "max": 50, "rule": {"points": {}}}]}]
    rulebook = eng.rulebook(crit, **rb)
    return eng.run(rulebook, units, {"p": [v[0] for v in values], "q": [v[1] for v in values]})


def test_ranking_within_group_and_all(eng):
    units = [("A", "a"), ("B", "a"), ("C", "b"), ("D", "b")]
    values = [(40, 40), (45, 40), (30, 30), (50, 50)]  # 80, 85, 60, 100
    assert list(rank_run(eng, values, units).units["rank"]) == [2, 1, 2, 1]
    assert list(rank_run(eng, values, units, ranking={"within": "all"}).units["rank"]) == [3, 2, 4, 1]


def test_ties_share_the_best_place_and_tie_breaks(eng):
    units = [("A", "a"), ("B", "a"), ("C", "a"), ("D", "a")]
    values = [(50, 40), (40, 50), (40, 40), (45, 45)]  # 90, 90, 80, 90
    assert list(rank_run(eng, values, units).units["rank"]) == [1, 1, 4, 1]
    # tie-break on node 2 first: B (50) before D (45) before A (40)
    broken = rank_run(eng, values, units, ranking={"tie_break": ["2"]}).units
    assert list(broken["rank"]) == [3, 1, 4, 2]


def test_exclusion_from_ranking(eng):
    units = [("A", "a", ["not_ranked"]), ("B", "a"), ("C", "a")]
    r = rank_run(eng, [(50, 50), (40, 40), (30, 30)], units, ranking={"exclude_flag": "not_ranked"})
    assert r.units["rank"].tolist() == [pd.NA, 1, 2]
    assert str(r.units["rank"].dtype) == "Int64"


def test_rank_on_published_shares_places(eng):
    units = [("A", "a"), ("B", "a")]
    # 43.072 + 43.072 = 86.144 and 43.0724 + 43.0725 = 86.1449: exact ranks differ, both publish "86.14"
    close = [(43.072, 43.072), (43.0724, 43.0725)]
    assert list(rank_run(eng, close, units).units["rank"]) == [2, 1]
    published = rank_run(eng, close, units, display={"rank_on": "published"}).units
    assert list(published["published"]) == ["86.14", "86.14"]
    assert list(published["rank"]) == [1, 1]


def test_rank_on_published_moves_band_thresholds(eng):
    units = [("A", "a")]
    values = [(44.9975, 45)]  # 89.9975 → published "90.00"
    exact = rank_run(eng, values, units, bands=bands())
    assert exact.units["band"][0] == "good"
    published = rank_run(eng, values, units, bands=bands(), display={"rank_on": "published"})
    assert published.units["band"][0] == "excellent"


def test_band_rank_and_index_agree(eng):
    units = [(f"U{i}", "a") for i in range(6)]
    values = [(10, 10), (45, 45), (40, 41), (50, 50), (30, 30), (45, 45)]
    u = rank_run(eng, values, units, bands=bands()).units
    order = u.sort_values("index", ascending=False)
    assert order["rank"].is_monotonic_increasing
    assert order["band"].cat.codes.is_monotonic_increasing


def test_rank_order_is_lexsorts_order():
    """`rank_order` (pool, key and position packed into one sort) gives `np.lexsort`'s order: pool ascending, key
    descending, tie-break columns descending, then position; also for keys too wide to pack."""
    from cchc_rules.engine.grading import rank_order

    # by hand: pool 0 holds positions 0, 2, 3 (keys 5, 7, 5), pool 1 holds 1, 4 (keys 7, 7). Pool 0: 7 first (2),
    # then the two 5s by the tie column (3 has 9 > 1): 3, 0. Pool 1: keys and ties equal: by position 1, 4.
    key = np.array([5, 7, 7, 5, 7])
    tie = np.array([[1], [0], [4], [9], [0]])
    pool = np.array([0, 1, 0, 0, 1])
    assert rank_order(key, tie, pool).tolist() == [2, 3, 0, 1, 4]
    wide = key * 2**60 // 8  # 2⁶⁰ × key range × 5 units does not fit in 63 bits: the lexsort fallback
    assert rank_order(wide, tie, pool).tolist() == [2, 3, 0, 1, 4]
    rng = np.random.default_rng(5)
    for _ in range(300):
        n = int(rng.integers(1, 40))
        key = rng.integers(0, int(rng.integers(1, 5)), n) * int(rng.choice([1, 10**9, 2**60]))
        tie = rng.integers(0, 3, (n, int(rng.integers(0, 3))))
        pool = rng.integers(0, int(rng.integers(1, 4)), n)
        want = np.lexsort([*(-tie[:, j] for j in reversed(range(tie.shape[1]))), -key, pool])
        assert rank_order(key, tie, pool).tolist() == want.tolist()
