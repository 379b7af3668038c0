"""The data layer's compiled passes (`data.load_kernels`) against cases worked by hand, and against their numpy paths.

Every test runs twice: with the compiled pass (numba, however small the input) and with the numpy
path (`available()` False); the random cases then compare the two bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_rules.data import load_kernels
from cchc_rules.data.coded import compact
from cchc_rules.data.survey import Answers, aggregate

numba = pytest.importorskip("numba")


@pytest.fixture(params=["compiled", "numpy"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "numpy":
        monkeypatch.setattr(load_kernels, "available", lambda: False)
    else:
        monkeypatch.setattr(load_kernels, "COMPILED_FROM", 0)  # compiled however small
    return str(request.param)


def _both(function, *args):
    """`function(*args)` by the compiled pass, then by the numpy path."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(load_kernels, "COMPILED_FROM", 0)
        compiled = function(*args)
        mp.setattr(load_kernels, "available", lambda: False)
        return compiled, function(*args)


def test_texts_by_group(path: str) -> None:
    # rows of leaves 0, 1, 2 (groups 0, 1, 0), then a row of no leaf (−1: skipped); texts 0..4; −1 is an empty cell
    cells = np.array([[0, -1], [2, 2], [3, 0], [4, 1]], dtype=np.int32)
    used = load_kernels.texts_by_group(cells, np.array([0, 1, 2, -1]), np.array([0, 1, 0], dtype=np.int16), 2, 5)
    assert used.tolist() == [[True, False, False, True, False], [False, False, True, False, False]]


def test_leaf_cells_write_the_inputs_layout(path: str) -> None:
    # one lookup group, texts "5", "12", "x", then the empty slot; leaf 0 is a points leaf with maximum 10
    u_value = np.array([[5.0, 12.0, np.nan, np.nan]])
    u_status = np.array([[1, 1, 0, 0]], dtype=np.int8)
    u_reason = np.array([[0, 0, 1, 0]], dtype=np.int8)  # "x" is not a number (reason 1)
    cells = np.array([[0, 1], [2, -1], [1, 0], [2, 2]], dtype=np.int32)
    value = np.full((2, 2, 2)[::-1], -7.0).T  # units × leaves × stages, stored stage-major; −7: not written
    status = np.full((2, 2, 2)[::-1], 9, dtype=np.int8).T
    reason = load_kernels.leaf_cells(cells, np.array([0, 0, 1, -1]), np.array([1, 0, 1, 0]),
                                     np.array([0, 0], dtype=np.int16), u_value, u_status, u_reason,
                                     np.array([10.0, np.inf]), 4, value, status)
    # rows: unit 1 leaf 0 ("5", "12"), unit 0 leaf 0 ("x", empty), unit 1 leaf 1 ("12", "5"); 12 is over leaf 0's
    # maximum (reason 4, no value) but fine for leaf 1, which has no bound; the last row is no leaf's (−1): skipped
    assert np.array_equal(value[1, 0], [5.0, np.nan], equal_nan=True) and status[1, 0].tolist() == [1, 0]
    assert np.isnan(value[0, 0]).all() and status[0, 0].tolist() == [0, 0]
    assert value[1, 1].tolist() == [12.0, 5.0] and status[1, 1].tolist() == [1, 1]
    assert value[0, 1].tolist() == [-7.0, -7.0] and status[0, 1].tolist() == [9, 9]  # no row: left as it was
    assert reason.tolist() == [[0, 4], [1, 0], [0, 0], [0, 0]]


def test_repeated_marks_every_repeat_after_the_first(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cell = np.array([0, 1, 0, 0, 1, 2, 0])
    member = np.array([5, 5, 5, 6, 5, 5, 5])
    valid = np.array([True, True, True, True, True, True, False])
    # row 2 repeats row 0 (cell 0, member 5), row 4 repeats row 1; row 6 would repeat row 0 but is not valid
    want = [False, False, True, False, True, False, False]
    assert load_kernels.repeated(cell, member, valid, 3, 7).tolist() == want
    monkeypatch.setattr(load_kernels, "BIT_KEYS_ANYWAY", -10**9)  # the counting sort (compiled) gives the same
    assert load_kernels.repeated(cell, member, valid, 3, 7).tolist() == want


@pytest.mark.parametrize("bits", [True, False], ids=["bit per key", "counting sort"])
def test_repeated_at_random_is_the_same_both_ways(bits: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not bits:
        monkeypatch.setattr(load_kernels, "BIT_KEYS_ANYWAY", -10**9)
    rng = np.random.default_rng(7)
    for n_cells, n_members in ((3, 2), (50, 400), (2000, 3)):
        cell, member = rng.integers(0, n_cells, 5000), rng.integers(0, n_members, 5000)
        valid = rng.random(5000) < 0.9
        compiled, numpy_path = _both(load_kernels.repeated, cell, member, valid, n_cells, n_members)
        assert compiled.tolist() == numpy_path.tolist()
        assert compiled.any() or n_members == 400  # the small ranges repeat for sure


# one unit, one leaf; answers weighing 1, 0.6, 0.2; forms 0 (weight 2), 0, 1 (weight 1): the case of test_survey
ANSWERS = Answers(
    unit=np.array([0, 0, 0]), leaf=np.array([0, 0, 0]), respondent=np.array([0, 1, 2]),
    form=np.array([0, 0, 1]), weight=np.array([1.0, 0.6, 0.2]), form_weight=np.array([2.0, 2.0, 1.0]),
    counted=np.array([True, True, True]),
)


def test_survey_means_pooled_and_by_form(path: str) -> None:
    mean, n = aggregate(ANSWERS, np.array([False]), 1, 1)
    assert mean[0, 0] == pytest.approx(3.4 / 5) and n[0, 0] == 3  # (2·1 + 2·0.6 + 1·0.2) / (2 + 2 + 1)
    mean, n = aggregate(ANSWERS, np.array([True]), 1, 1)
    assert mean[0, 0] == pytest.approx(1.8 / 3) and n[0, 0] == 3  # (2·(1 + 0.6)/2 + 1·0.2) / (2 + 1)


def test_survey_means_at_random_are_the_same_bits_both_ways() -> None:
    rng = np.random.default_rng(11)
    n = 20_000
    answers = Answers(unit=rng.integers(0, 5000, n), leaf=rng.integers(0, 6, n), respondent=rng.integers(0, 50, n),
                      form=rng.integers(0, 4, n), weight=rng.choice([0.0, 0.25, 1 / 3, 0.6, 1.0], n),
                      form_weight=rng.choice([1.0, 1.5, 2.0], n), counted=rng.random(n) < 0.85)
    by_form = np.array([False, True, False, True, True, False])
    (m1, n1), (m2, n2) = _both(aggregate, answers, by_form, 5000, 6)
    assert m1.tobytes() == m2.tobytes() and n1.tolist() == n2.tolist()
    assert np.isnan(m1).any() and not np.isnan(m1).all()  # some cells have no counted answer


def test_assessment_rows_fate(path: str) -> None:
    # 3 units (groups 0, 1 and none), leaves 0 and 1, one adjustment; leaf 1 does not apply to group 0
    unit = np.array([0, 0, 0, 1, 1, -1, 2, 1, 0], dtype=np.int32)
    leaf = np.array([0, 1, 0, -1, -1, 0, 1, -1, 1], dtype=np.int32)
    adj = np.array([-1, -1, -1, 0, 0, -1, -1, -1, -1], dtype=np.int32)
    applies = np.array([[True, True], [True, False], [True, True]]).ravel()  # the first row: no known group
    fate, counts = load_kernels.assessment_rows(unit, leaf, adj, 3, 2, 1, np.array([0, 1, -1]), applies)
    # row 2 repeats row 0, row 4 row 3 (an adjustment), row 8 row 1 (not applicable, yet a row); rows 5 and 7 have
    # an unknown unit or criterion; a unit without a known group takes every leaf (row 6)
    k = load_kernels
    assert fate.tolist() == [k.LEAF_ROW, k.NOT_APPLICABLE_ROW, k.REPEATED_ROW, k.ADJUSTMENT_ROW, k.REPEATED_ROW,
                             k.REPORTED_ROW, k.LEAF_ROW, k.REPORTED_ROW, k.REPEATED_ROW]
    assert counts.tolist() == [2, 1, 1, 3, 2]


def test_assessment_rows_at_random_are_the_same_both_ways() -> None:
    rng = np.random.default_rng(3)
    n, n_u, n_l, n_a = 6000, 30, 8, 2
    leaf = rng.integers(-1, n_l, n)
    adj = np.where(leaf < 0, rng.integers(-1, n_a, n), -1)
    applies = rng.random(4 * n_l) < 0.7
    args = (rng.integers(-1, n_u, n), leaf, adj, n_u, n_l, n_a, rng.integers(-1, 3, n_u), applies)
    (compiled, c_counts), (numpy_path, n_counts) = _both(load_kernels.assessment_rows, *args)
    assert compiled.tolist() == numpy_path.tolist() and c_counts.tolist() == n_counts.tolist()
    assert (c_counts > 0).all()  # every fate happens


def test_survey_rows_flag_each_row_and_keep_the_rest(path: str) -> None:
    # leaf 3 is the one survey leaf (of 4); units 0 and 2 are in group 0, unit 1 in group 1, where leaf 3 does not
    # apply; respondent raw code 1 is an empty cell
    unit, leaf, adj = np.array([0, -1, 1, 0, 2, 1]), np.array([3, 3, -1, 1, 3, 3]), np.array([-1, -1, 0, -1, -1, -1])
    of_survey = np.array([-1, -1, -1, 0, -1], dtype=np.int32)
    resp_raw, resp_lookup = np.array([0, 0, 0, 1, 0, 2], dtype=np.int8), np.array([0, -1, 1, -1], dtype=np.int32)
    applies = np.array([[True] * 4, [False, True, True, True], [True, True, True, False]]).ravel()  # 1 + groups
    flags, rows, at_unit, at_leaf, at_sl, at_resp = load_kernels.survey_rows(
        unit, leaf, adj, of_survey, resp_raw, resp_lookup, np.array([0, 1, 0]), applies)
    # row 1: unknown unit (reported before); row 2: an adjustment; row 3: not a survey leaf and no respondent;
    # row 5: leaf 3 does not apply to unit 1's group; rows 0 and 4 are answers
    assert flags.tolist() == [0, 8, 1, 3, 0, 4]
    assert rows.tolist() == [0, 4] and at_unit.tolist() == [0, 2] and at_leaf.tolist() == [3, 3]
    assert at_sl.tolist() == [0, 0] and at_resp.tolist() == [0, 0]


def test_answer_rows(path: str) -> None:
    # two survey leaves; answer texts A, B, "khác" (not an option), then the empty slot; A, B are options of both
    picked = np.array([[0.0, 1.0, np.nan, np.nan], [0.0, 2.0, np.nan, np.nan]])  # leaf 1: B is its skip (index 2)
    option_weight = np.array([[1.0, 0.5, np.nan, np.nan], [1.0, np.nan, np.nan, np.nan]])
    n_options = np.array([2, 2])
    by_form = np.array([[2.0, 1.0], [1.0, 1.0]])  # survey leaf 0: form 0 weighs 2; the last slot is the empty form
    # five rows, every one an answer: units 0, 1, 0, 2, 1 about leaves 5, 7, 5, 5, 7 (survey leaves 0, 1, 0, 0, 1)
    rows, at_unit = np.array([0, 1, 2, 3, 4]), np.array([0, 1, 0, 2, 1], dtype=np.int32)
    at_leaf, at_sl = np.array([5, 7, 5, 5, 7], dtype=np.int32), np.array([0, 1, 0, 0, 1], dtype=np.int32)
    answer_raw, answer_lookup = np.array([1, 1, 2, 0, -1]), np.array([0, 1, 2, -1], dtype=np.int32)  # B B khác A empty
    form_raw, form_lookup = np.array([0, 1, 0, 0, 0], dtype=np.int8), np.array([0, -1, -1], dtype=np.int32)
    form_number = np.array([0, 1], dtype=np.int32)  # the one form, then the empty one (first met after it)
    # survey leaf 0 leaves out answers about the respondent's own unit: row 3's respondent is of unit 2, its subject
    own_raw, own_lookup = np.array([1, 0, 1, 2, 0]), np.array([-1, 1, 2, -1], dtype=np.int32)
    asked = np.zeros((3, 8), dtype=bool)
    weight, form_weight, counted, form = load_kernels.answer_rows(
        rows, at_unit, at_leaf, at_sl, answer_raw, answer_lookup, form_raw, form_lookup, picked, option_weight,
        n_options, by_form, form_number, own_raw, own_lookup, np.array([True, False]), asked)
    # B under leaf 0 (an option, 0.5); B under leaf 1 (its skip); "khác"; A about the respondent's own unit; empty
    assert np.array_equal(weight, [0.5, np.nan, np.nan, 1.0, np.nan], equal_nan=True)
    assert counted.tolist() == [True, False, False, False, False]
    assert form_weight.tolist() == [2.0, 1.0, 2.0, 2.0, 1.0] and form.tolist() == [0, 1, 0, 0, 0]
    assert sorted(zip(*np.nonzero(asked))) == [(0, 5), (1, 7), (2, 5)]


def test_survey_rows_and_answer_rows_at_random_are_the_same_both_ways() -> None:
    rng = np.random.default_rng(11)
    n, n_u, n_l = 4000, 40, 6
    unit, leaf = rng.integers(-1, n_u, n), rng.integers(-1, n_l, n)
    adj = np.where(leaf < 0, rng.integers(-1, 2, n), -1)
    of_survey = np.array([0, -1, 1, 2, -1, 3, -1], dtype=np.int32)
    resp_raw, resp_lookup = rng.integers(-1, 30, n), np.append(rng.integers(-1, 25, 30), -1).astype(np.int32)
    group_of, applies = rng.integers(-1, 3, n_u), rng.random(4 * n_l) < 0.8
    got = _both(load_kernels.survey_rows, unit, leaf, adj, of_survey, resp_raw, resp_lookup, group_of, applies)
    for compiled, numpy_path in zip(*got, strict=True):
        assert compiled.dtype == numpy_path.dtype and compiled.tolist() == numpy_path.tolist()
    _, rows, at_unit, at_leaf, at_sl, _ = got[0]
    assert len(rows) > 1000  # most rows are answers
    n_sl, n_answers, n_forms = 4, 5, 3
    picked = np.where(rng.random((n_sl, n_answers + 1)) < 0.8, rng.integers(0, 4, (n_sl, n_answers + 1)), np.nan)
    option_weight = np.where(picked < 3, rng.random((n_sl, n_answers + 1)), np.nan)
    texts = (rng.integers(-1, 8, n), np.append(rng.integers(-1, n_answers, 8), -1).astype(np.int32),
             rng.integers(-1, 5, n), np.append(rng.integers(-1, n_forms, 5), -1).astype(np.int32))
    own = (rng.integers(-1, 9, n), np.append(rng.integers(-1, n_u, 9), -1).astype(np.int32))

    def answer_rows(*args):  # a fresh `asked` for each path
        asked = np.zeros((n_u, n_l), dtype=bool)
        return (*load_kernels.answer_rows(*args, asked), asked)

    got = _both(answer_rows, rows, at_unit, at_leaf, at_sl, *texts, picked, option_weight, np.full(n_sl, 3),
                rng.random((n_sl, n_forms + 1)), np.arange(n_forms + 1, dtype=np.int32), *own,
                np.array([True, False, True, False]))
    for compiled, numpy_path in zip(*got, strict=True):
        assert compiled.dtype == numpy_path.dtype and np.array_equal(compiled, numpy_path, equal_nan=True)
    weight, _, counted, _, asked = got[0]
    assert counted.any() and not counted.all() and np.isnan(weight).any() and asked.any()


def test_used_codes_and_recode(path: str) -> None:
    codes = np.array([2, 0, 2], dtype=np.int32)
    assert load_kernels.used_codes(codes, 4).tolist() == [True, False, True, False]
    assert load_kernels.used_codes(np.array([-1, 3, -1]), 4).tolist() == [False, False, False, True]  # −1: no code
    assert load_kernels.recode(codes, np.array([10, 11, 12, 13], dtype=np.int32)).tolist() == [12, 10, 12]
    # a code −1 (an empty cell of a pandas table) reads the last slot
    assert load_kernels.recode(np.array([-1, 1]), np.array([10, 11, 12], dtype=np.int32)).tolist() == [12, 11]


def test_code_counts(path: str) -> None:
    # int8 codes up to 127, the largest that type holds (127 + 1 must not wrap round), and −1 counted last
    codes = np.array([127, 0, -1, 127, 5, 127], dtype=np.int8)
    counts = load_kernels.code_counts(codes, 128)
    assert counts[127] == 3 and counts[0] == 1 and counts[5] == 1 and counts[128] == 1 and counts.sum() == 6


def test_a_columns_codes_are_what_factorize_gives(path: str) -> None:
    """`data.coded.compact` of a reader's column (its dictionary in order of first appearance, the header's text
    first, texts that tidied alike, empty cells) gives `pandas.factorize` of the column's cells."""
    rng = np.random.default_rng(5)
    for _ in range(300):
        cells = list(rng.choice(np.array([None, "a", "b", "c", "d"], dtype=object), size=rng.integers(0, 30)))
        spelled: list[tuple[str | None, int]] = []  # (tidied text, how it was written): two writings, one text
        raw = []
        for text in ["header", *cells]:
            writing = (text, int(rng.integers(0, 2)))
            if writing not in spelled:
                spelled.append(writing)
            raw.append(spelled.index(writing))
        codes, texts = compact(np.array(raw[1:], dtype=np.int32), [t for t, _ in spelled])
        want_codes, want_texts = pd.factorize(pd.Series(cells, dtype=object), use_na_sentinel=True)
        assert codes.tolist() == want_codes.tolist() and list(texts) == list(want_texts)


def test_survey_sums_added_in_turns_are_the_same_bits_as_at_once() -> None:
    """A file's batches: the answers split anywhere (a form first met in a later turn), the same sums in the same
    order, so the means of `survey_means` bit for bit."""
    rng = np.random.default_rng(12)
    n = 20_000
    unit, leaf, form = rng.integers(0, 500, n), rng.integers(0, 6, n), rng.integers(0, 4, n)
    form[: n // 2] = np.minimum(form[: n // 2], 1)  # forms 2 and 3 come only in the second half
    weight, form_weight = rng.choice([0.0, 0.25, 1 / 3, 0.6, 1.0], n), rng.choice([1.0, 1.5, 2.0], n)
    counted = rng.random(n) < 0.85
    by_form = np.array([False, True, False, True, True, False])
    whole_mean, whole_count = load_kernels.survey_means(unit, leaf, weight, form_weight, form, counted, by_form, 500, 6)
    sums = load_kernels.SurveySums(500, np.arange(6), by_form)
    cuts = [0, 1, 777, n // 2, n // 2 + 1, 15_000, n]
    for a, b in zip(cuts, cuts[1:], strict=False):
        sums.add(unit[a:b], leaf[a:b], weight[a:b], form_weight[a:b], form[a:b], counted[a:b])
    mean, count = sums.means()
    assert mean.tobytes() == whole_mean.tobytes() and count.tolist() == whole_count.tolist()


def test_survey_sums_by_hand_across_two_turns() -> None:
    # the answers of ANSWERS, the last (form 1) in a second turn; a second unit with none: NaN, count 0
    sums = load_kernels.SurveySums(2, np.array([0]), np.array([True]))
    a = ANSWERS
    sums.add(a.unit[:2], a.leaf[:2], a.weight[:2], a.form_weight[:2], a.form[:2], a.counted[:2])
    sums.add(a.unit[2:], a.leaf[2:], a.weight[2:], a.form_weight[2:], a.form[2:], a.counted[2:])
    mean, count = sums.means()
    assert mean[0, 0] == pytest.approx(1.8 / 3) and count[0, 0] == 3  # (2·(1 + 0.6)/2 + 1·0.2) / (2 + 1)
    assert np.isnan(mean[1, 0]) and count[1, 0] == 0


def test_repeats_found_across_turns_with_a_bit_per_cell_and_member() -> None:
    # cells 0..2; members met in turn 1: 0, 70 (a second block of 64); turn 2 repeats (1, 70) and (0, 0)
    seen = load_kernels.row_bits(load_kernels.turn_bits(3, 71))
    first = load_kernels.repeated_in_turn(np.array([0, 1, 1, 2]), np.array([0, 70, 0, 70]), 3, seen)
    assert first.tolist() == [False, False, False, False]
    second = load_kernels.repeated_in_turn(np.array([2, 1, 0, 0]), np.array([0, 70, 1, 0]), 3, seen)
    assert second.tolist() == [False, True, False, True]
    assert load_kernels.turn_bits(3, 64) == 3 * 64 and load_kernels.turn_bits(3, 65) == 3 * 128


def test_repeats_found_in_runs_with_a_bit_per_cell() -> None:
    runs = load_kernels.Runs(4)
    # cell 2's run continues into the second turn, where member 1 answers it again; cell 3 then its own run
    first = load_kernels.repeated_in_runs(np.array([0, 0, 2, 2]), np.array([1, 0, 1, 0]), 2, runs)
    assert first is not None and first.tolist() == [False, False, False, False]
    second = load_kernels.repeated_in_runs(np.array([2, 3, 3, 3]), np.array([1, 1, 0, 1]), 2, runs)
    assert second is not None and second.tolist() == [True, False, False, True]
    assert load_kernels.repeated_in_runs(np.array([0]), np.array([0]), 2, runs) is None  # cell 0 came again
