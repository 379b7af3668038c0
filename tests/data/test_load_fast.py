"""The fast CSV path (columnar read, parsing many leaves at once) gives the plain path's Inputs and messages.

A small synthetic dataset is written as a folder and bad cells are placed by hand in many columns
of both tables; their places (file line, column) and codes below are worked out from where they
were written, not taken from the code.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cchc_rules.data import cells as cells_module
from cchc_rules.data import columnar, load_kernels
from cchc_rules.data import parse as parse_module
from cchc_rules.data.coded import coded
from cchc_rules.data.columnar import read_csv_columnar
from cchc_rules.data.load import write_dataset
from cchc_rules.data.model import EMPTY, VALUE, Dataset, Inputs
from cchc_rules.data.read import read_csv, read_csv_plain, read_dataset, read_meta, shape
from cchc_rules.data.survey import Answers, aggregate
from cchc_rules.data.synthetic import synthesize, synthetic_rulebook
from cchc_rules.dsl.models import Rulebook
from cchc_rules.problems import Problem, Problems

STAGE_COLUMN = {"self": 3, "appraisal_1": 4, "appraisal_2": 5}  # unit_id, criterion_id, then the stages
# (unit, criterion, stage, text written, the code it must give or None for a good value)
BAD_ASSESSMENTS = [
    ("U2", "1.1.3", "self", "3", "D336"),  # points, at most 2.5
    ("U2", "1.1.5", "self", "abc", "D330"),  # points: not a number
    ("U2", "1.1.5", "appraisal_2", "2.25", None),  # points: exactly its maximum 2.25
    ("U3", "1.1.4", "appraisal_1", "maybe", "D333"),  # binary
    ("U4", "3.1.4", "appraisal_2", "excellent", "D334"),  # levels good/full/partial/none
    ("U5", "1.1.2", "self", "5/3", "D338"),  # ratio: done above the total
    ("U6", "4.1.2", "appraisal_1", "2,5", "D331"),  # linear: a decimal comma where the dataset says "."
    ("U3", "3.1.5", "self", "1.5", "D337"),  # deduct: not a whole count
    ("U7", "2.1.1", "appraisal_2", "-1", "D336"),  # points: below 0
]


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Rulebook, Path, list[tuple[str, int, int]]]:
    """The rulebook, the folder with bad cells, and the (code, line, column) each bad cell must give."""
    rulebook = synthetic_rulebook(40, seed=0)
    folder = tmp_path_factory.mktemp("fast") / "data"
    write_dataset(synthesize(rulebook, 8, seed=3), folder)
    expected = []
    path = folder / "assessments.csv"
    lines = path.read_text(encoding="utf-8-sig").rstrip("\n").split("\n")
    lines = lines[:1] + lines[:0:-1]  # rows in reverse: a later leaf's rows come first in the file
    for unit, criterion, stage, text, code in BAD_ASSESSMENTS:
        i = next(k for k, line in enumerate(lines) if line.startswith(f"{unit},{criterion},"))
        cells = lines[i].split(",")
        cells[STAGE_COLUMN[stage] - 1] = f'"{text}"' if "," in text else text
        lines[i] = ",".join(cells)
        if code:
            expected.append((code, i + 1, STAGE_COLUMN[stage]))  # line i of the list is the file's line i + 1
    lines.append(next(line for line in lines if line.startswith("U1,")))  # a row repeated at the end: its id column
    expected.append(("D324", len(lines), 2))
    path.write_text("\ufeff" + "\n".join(lines), encoding="utf-8")
    survey = folder / "survey.csv"
    lines = survey.read_text(encoding="utf-8-sig").split("\n")
    for i in (1, 17):  # the answer column is the 5th
        cells = lines[i].split(",")
        cells[4] = "Z"
        lines[i] = ",".join(cells)
        expected.append(("D335", i + 1, 5))
    lines = [line for line in lines if line] + [lines[3]]  # an answer given twice (a good one, the file's line 4)
    expected.append(("D325", len(lines), 4))  # the criterion_id column
    survey.write_text("\ufeff" + "\n".join(lines), encoding="utf-8")
    return rulebook, folder, expected


def _fast(rulebook: Rulebook, folder: Path) -> tuple[Inputs, list[Problem], Answers]:
    problems = Problems()
    dataset = read_dataset(folder, problems)
    assert dataset is not None
    inputs, answers = parse_module._check(dataset, parse_module.Book(rulebook), problems)  # (parse's, with Answers)
    return inputs, problems.items, answers


def _plain(rulebook: Rulebook, folder: Path) -> tuple[Inputs, list[Problem], Answers]:
    problems = Problems()
    tables = {k: shape(k, read_csv_plain(folder / f"{k}.csv", problems)) for k in ("units", "assessments", "survey")}
    meta = read_meta(folder, problems)
    dataset = Dataset(tables["units"], tables["assessments"], tables["survey"], meta, path=folder)
    inputs, answers = parse_module._check(dataset, parse_module.Book(rulebook), problems)
    return inputs, problems.items, answers


def _leaf_by_leaf(cells, vocabulary, leaf_of_row, unit_of_row, leaves, kinds, decimal, table, rows, stages, problems,
                  value, status):
    """What parsing did before `parse_leaf_rows`: `parse_cells` once per leaf, in leaf order."""
    for j in np.unique(leaf_of_row[leaf_of_row >= 0]):  # (−1: a row not a leaf's)
        sel = np.flatnonzero(leaf_of_row == j)
        value[unit_of_row[sel], j, :], status[unit_of_row[sel], j, :] = cells_module.parse_cells(
            cells[sel], vocabulary, leaves[j], kinds[j], decimal, table, np.asarray(rows)[sel], stages, problems)


def _same(a: tuple[Inputs, list[Problem], Answers], b: tuple[Inputs, list[Problem], Answers]) -> None:
    for name in ("value", "status", "adjustment", "survey_n"):
        x, y = getattr(a[0], name), getattr(b[0], name)
        assert x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes(), name
    assert len(a[2]) > 100  # the survey's answers, kept for the bootstrap, the same too
    for name in a[2].__dataclass_fields__:
        x, y = getattr(a[2], name), getattr(b[2], name)
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), name
    assert [(p.code, p.pos, p.params, p.severity) for p in a[0].notes] == \
        [(p.code, p.pos, p.params, p.severity) for p in b[0].notes]
    assert [(p.code, p.pos, p.params, p.severity, p.column) for p in a[1]] == \
        [(p.code, p.pos, p.params, p.severity, p.column) for p in b[1]]


def test_the_files_take_the_columnar_path(case) -> None:
    _, folder, _ = case
    for name in ("units", "assessments", "survey"):
        path = folder / f"{name}.csv"
        from_file, from_bytes = read_csv_columnar(path, ","), read_csv_columnar(path.read_bytes()[3:], ",")
        assert from_file is not None and from_bytes is not None  # (the BOM skipped by the reader, cut here)
        assert from_file.header == from_bytes.header and from_file.texts == from_bytes.texts
        assert all(a.tolist() == b.tolist() for a, b in zip(from_file.codes, from_bytes.codes, strict=True))


def test_fast_and_plain_paths_give_identical_inputs_and_messages(case) -> None:
    rulebook, folder, _ = case
    _same(_fast(rulebook, folder), _plain(rulebook, folder))


def test_the_dataset_tables_are_those_of_the_plain_reader(case, tmp_path: Path) -> None:
    """The tables a caller asks the Dataset for (built from the reader's codes on first ask) are the plain path's,
    the survey's `respondent_unit` added empty when the file has none, and a bad cell's text named from them."""
    _, folder, _ = case
    shutil.copytree(folder, tmp_path / "data")
    survey = tmp_path / "data" / "survey.csv"
    lines = survey.read_text(encoding="utf-8-sig").split("\n")
    survey.write_text("\ufeff" + "\n".join(line.rsplit(",", 1)[0] for line in lines if line), encoding="utf-8")
    dataset = read_dataset(tmp_path / "data", Problems())
    assert dataset is not None and not isinstance(dataset.source("survey"), pd.DataFrame)  # kept as codes
    for kind in ("assessments", "survey"):
        plain = shape(kind, read_csv_plain(tmp_path / "data" / f"{kind}.csv", Problems()))
        pd.testing.assert_frame_equal(getattr(dataset, kind), plain)
        assert getattr(dataset, kind).attrs["header"] == plain.attrs["header"]
    assert dataset.survey["respondent_unit"].isna().all() and dataset.survey["answer"].iat[0] == "Z"


def test_compiled_and_numpy_passes_give_identical_inputs_and_messages(case, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("numba")
    rulebook, folder, _ = case
    monkeypatch.setattr(load_kernels, "COMPILED_FROM", 0)  # compiled however small
    compiled = _fast(rulebook, folder)
    monkeypatch.setattr(load_kernels, "available", lambda: False)
    _same(compiled, _fast(rulebook, folder))


def test_many_leaves_at_once_equal_leaf_by_leaf(case, monkeypatch: pytest.MonkeyPatch) -> None:
    rulebook, folder, _ = case
    fast = _fast(rulebook, folder)
    monkeypatch.setattr(parse_module, "parse_leaf_rows", _leaf_by_leaf)
    _same(fast, _fast(rulebook, folder))


def test_each_bad_cell_is_reported_where_it_was_written(case) -> None:
    rulebook, folder, expected = case
    _, problems, _ = _fast(rulebook, folder)
    got = sorted((p.code, p.pos.line, p.pos.col) for p in problems if p.severity == "error")
    assert got == sorted(expected)
    assert all(p.pos.file.endswith(("assessments.csv", "survey.csv")) for p in problems if p.severity == "error")


def test_good_and_bad_cells_parse_to_the_values_written(case) -> None:
    rulebook, folder, _ = case
    inputs, _, _ = _fast(rulebook, folder)
    unit = {u: i for i, u in enumerate(inputs.units["unit_id"])}
    leaf = {lid: j for j, lid in enumerate(inputs.leaf_ids)}
    stage = {s: k for k, s in enumerate(inputs.stages)}
    at = (unit["U2"], leaf["1.1.5"], stage["appraisal_2"])
    assert inputs.status[at] == VALUE and inputs.value[at] == 2.25
    for u, criterion, s, _, code in BAD_ASSESSMENTS:
        if code:  # a bad cell is no value: the stage is empty (an earlier stage carries over)
            at = (unit[u], leaf[criterion], stage[s])
            assert inputs.status[at] == EMPTY and np.isnan(inputs.value[at])


def test_many_small_blocks_read_as_one(case, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read 512 bytes at a time (a dictionary per block, unified afterwards), the same Inputs and messages."""
    rulebook, folder, _ = case
    whole = _fast(rulebook, folder)
    monkeypatch.setattr(columnar, "_BLOCK", 512)
    _same(whole, _fast(rulebook, folder))
    table = read_csv(folder / "survey.csv", Problems())
    for column in ("respondent_id", "form", "unit_id", "answer", "respondent_unit"):
        codes, texts = coded(table, column)  # in order of first appearance, across the blocks
        want_codes, want_texts = pd.factorize(table[column], use_na_sentinel=True)
        assert codes.tolist() == want_codes.tolist() and list(texts) == list(want_texts)


def test_row_limit_refuses_the_file(case, monkeypatch: pytest.MonkeyPatch) -> None:
    """12 rows allowed: the survey (2 + 8 units × answers, far more than 12 rows) is refused with D361."""
    _, folder, _ = case
    monkeypatch.setattr(columnar, "_BLOCK", 512)
    monkeypatch.setenv("CCHC_MAX_TABLE_ROWS", "12")
    problems = Problems()
    assert read_csv(folder / "survey.csv", problems) is None
    assert [(p.code, p.pos.file, p.params["limit"]) for p in problems] == [("D361", str(folder / "survey.csv"), 12)]


def _aggregate_by_sorting(answers: Answers, by_form: np.ndarray, n_units: int, n_leaves: int) -> np.ndarray:
    """The by-form mean as it was first written (groups found by sorting every counted answer)."""
    size = n_units * n_leaves
    c = answers.counted
    key = (answers.unit * n_leaves + answers.leaf)[c]
    w, fw, form = answers.weight[c], answers.form_weight[c], answers.form[c]
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.bincount(key, fw * w, minlength=size) / np.bincount(key, fw, minlength=size)
        n_forms = int(form.max()) + 1
        groups, inverse = np.unique(key * n_forms + form, return_inverse=True)
        form_mean = np.bincount(inverse, w) / np.bincount(inverse)
        g_fw = np.empty(len(groups))
        g_fw[inverse] = fw
        g_key = groups // n_forms
        by = np.bincount(g_key, g_fw * form_mean, minlength=size) / np.bincount(g_key, g_fw, minlength=size)
        return np.where(by_form[np.arange(size) % n_leaves], by, pooled).reshape(n_units, n_leaves)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_by_form_means_are_bit_identical_to_sorting(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, n_units, n_leaves = 5000, 40, 7
    form = rng.integers(0, 3, n)
    answers = Answers(unit=rng.integers(0, n_units, n), leaf=rng.integers(0, n_leaves, n),
                      respondent=np.arange(n), form=form, weight=rng.choice([0.0, 0.25, 0.5, 1.0 / 3, 1.0], n),
                      form_weight=np.array([1.0, 2.5, 0.7])[form], counted=rng.random(n) < 0.8)
    by_form = np.array([True, False, True, False, False, True, False])
    mean, count = aggregate(answers, by_form, n_units, n_leaves)
    assert mean.tobytes() == _aggregate_by_sorting(answers, by_form, n_units, n_leaves).tobytes()
    assert count.sum() == answers.counted.sum()


def test_a_by_form_mean_worked_by_hand() -> None:
    """Unit 0, leaf 0 (by_form): form 0 answers 1 and 0.5 (mean 0.75, form weight 2), form 1 answer 0
    (mean 0, form weight 1): (2 × 0.75 + 1 × 0) ÷ 3 = 0.5; pooled it would be (2 + 1 + 0) ÷ 5 = 0.6."""
    answers = Answers(unit=np.zeros(3, np.int64), leaf=np.zeros(3, np.int64), respondent=np.arange(3),
                      form=np.array([0, 0, 1]), weight=np.array([1.0, 0.5, 0.0]),
                      form_weight=np.array([2.0, 2.0, 1.0]), counted=np.ones(3, bool))
    assert aggregate(answers, np.array([True]), 1, 1)[0][0, 0] == 0.5
    assert aggregate(answers, np.array([False]), 1, 1)[0][0, 0] == 0.6
