"""A large folder read in batches (`data.stream`) gives the whole-table path's Inputs, bit for bit, or steps aside.

Batches are made tiny here (a few hundred bytes), so that a unit's answers, a repeat and a form's
first appearance fall in different batches. The means and lines below are worked out by hand from
the rows written.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cchc_rules.data import stream
from cchc_rules.data.load import load_dataset, write_dataset
from cchc_rules.data.model import VALUE, Inputs, OnFile
from cchc_rules.data.parse import answers_for, inputs_for
from cchc_rules.data.synthetic import synthesize, synthetic_rulebook
from cchc_rules.dsl.models import Rulebook
from cchc_rules.problems import CchcError

pytest.importorskip("numba")  # the batches' sums are added by the compiled pass only

SURVEY_HEADER = "respondent_id,form,unit_id,criterion_id,answer,respondent_unit"
# U1's answers for 7.1.1 (by_form) and 7.1.2 (pooled), between other units' rows; respondents from U2
HAND_ANSWERS = [
    "R1,P01,U1,7.1.1,A,U2",  # weight 1.0, form P01 (form weight 2)
    "R2,P01,U1,7.1.1,B,U2",  # 0.6, P01
    "R3,P02,U1,7.1.1,C,U2",  # 0.2, P02 (form weight 1)
    "R4,P03,U1,7.1.1,X,U2",  # a skip: not counted
    "R1,P01,U1,7.1.2,A,U2",
    "R2,P01,U1,7.1.2,B,U2",
    "R3,P02,U1,7.1.2,C,U2",
    "R4,P03,U1,7.1.2,X,U2",
]
FILLER = [f"R{k},P0{1 + k % 3},U{3 + k % 5},7.1.{1 + k % 5},{'ABCD'[k % 4]},U1" for k in range(40)]


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return synthetic_rulebook(40, seed=0)


@pytest.fixture
def folder(tmp_path: Path, rulebook: Rulebook) -> Path:
    """A synthetic folder whose survey holds the hand-made answers among others, each of U1's in its own batch."""
    folder = tmp_path / "data"
    write_dataset(synthesize(rulebook, 8, seed=3), folder)
    rows = [row for pair in zip(FILLER[:8], HAND_ANSWERS, strict=True) for row in pair] + FILLER[8:]
    _write(folder / "survey.csv", [SURVEY_HEADER, *rows])
    return folder


@pytest.fixture
def batched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every folder streams, in batches of about 300 bytes."""
    monkeypatch.setattr(stream, "STREAM_FROM", 0)
    monkeypatch.setattr(stream, "BLOCK", 300)


def _write(file: Path, lines: list[str]) -> None:
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _whole(folder: Path, rulebook: Rulebook, monkeypatch: pytest.MonkeyPatch) -> Inputs:
    with monkeypatch.context() as m:
        m.setattr(stream, "STREAM_FROM", 1 << 60)
        return inputs_for(load_dataset(folder, rulebook), rulebook)


def _same(a: Inputs, b: Inputs) -> None:
    for name in ("value", "status", "adjustment", "survey_n"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        if x.dtype.kind == "f":  # the same bits, NaN included
            x, y = np.ascontiguousarray(x).view(np.int64), np.ascontiguousarray(y).view(np.int64)
        assert np.array_equal(x, y), name
    assert a.units.equals(b.units)
    assert [(p.code, p.params) for p in a.notes] == [(p.code, p.params) for p in b.notes]


def test_streamed_means_are_worked_out_by_hand(folder: Path, rulebook: Rulebook, batched: None,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = stream.stream_folder(folder, rulebook)
    assert dataset is not None and isinstance(dataset._tables["survey"], OnFile)
    inputs = inputs_for(dataset, rulebook)
    u, leaf = list(inputs.units["unit_id"]).index("U1"), inputs.leaf_ids.index
    # by_form: P01's mean (1.0 + 0.6) / 2 = 0.8 weighs 2, P02's 0.2 weighs 1: (1.6 + 0.2) / 3 = 0.6
    assert inputs.value[u, leaf("7.1.1")].tolist() == pytest.approx([0.6] * 3, abs=1e-15)
    # pooled: (2·1.0 + 2·0.6 + 1·0.2) / (2 + 2 + 1) = 3.4 / 5 = 0.68
    assert inputs.value[u, leaf("7.1.2")].tolist() == pytest.approx([0.68] * 3, abs=1e-15)
    assert inputs.status[u, leaf("7.1.1")].tolist() == [VALUE] * 3
    assert inputs.survey_n[u, leaf("7.1.1")] == 3 and inputs.survey_n[u, leaf("7.1.2")] == 3  # the skip not counted
    _same(_whole(folder, rulebook, monkeypatch), inputs)


def test_same_bits_as_the_whole_table_path_with_rows_shuffled(tmp_path: Path, rulebook: Rulebook, batched: None,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Every unit's survey answers spread over many batches (rows shuffled), survey leaves also given in
    assessments (a note each), adjustments: the same Inputs and notes, and the same answers once asked for."""
    folder = tmp_path / "data"
    synthetic = synthesize(rulebook, 30, seed=5)
    write_dataset(synthetic, folder)
    first, second = synthetic.units["unit_id"].iloc[:2]
    rng = np.random.default_rng(7)
    for name in ("assessments.csv", "survey.csv"):
        lines = (folder / name).read_text(encoding="utf-8-sig").rstrip("\n").split("\n")
        body = [lines[k] for k in 1 + rng.permutation(len(lines) - 1)]
        if name == "assessments.csv":
            body += [f"{first},7.1.3,0.5,0.5,0.5", f"{second},7.1.3,0.4,,"]  # values that the answers replace
        _write(folder / name, [lines[0], *body])
    monkeypatch.setattr(stream, "BLOCK", 4096)
    streamed = load_dataset(folder, rulebook)
    assert isinstance(streamed._tables["assessments"], OnFile)
    inputs = inputs_for(streamed, rulebook)
    assert [(p.code, p.params["n"]) for p in inputs.notes] == [("D382", 2)]  # two units' 7.1.3
    whole = _whole(folder, rulebook, monkeypatch)
    _same(whole, inputs)
    with monkeypatch.context() as m:
        m.setattr(stream, "STREAM_FROM", 1 << 60)
        expected = answers_for(load_dataset(folder, rulebook), rulebook)
    got = answers_for(streamed, rulebook)  # read again from the files
    for name in expected.__dataclass_fields__:
        assert np.array_equal(getattr(expected, name), getattr(got, name), equal_nan=True), name


def test_answers_in_runs_need_one_bit_per_cell(tmp_path: Path, rulebook: Rulebook, batched: None,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A survey as exported (each unit's answers to a leaf together): read once, repeats found by runs; an answer
    given twice in its run is said by the whole-table path, at its line."""
    folder = tmp_path / "data"
    write_dataset(synthesize(rulebook, 30, seed=5), folder)
    monkeypatch.setattr(stream, "BLOCK", 4096)
    with monkeypatch.context() as m:
        m.setattr(stream.kernels, "repeated_in_turn", None)  # (called, it would fail: the runs suffice)
        streamed = stream.stream_folder(folder, rulebook)
    assert streamed is not None
    _same(_whole(folder, rulebook, monkeypatch), inputs_for(streamed, rulebook))
    lines = _lines(folder, "survey.csv")
    _write(folder / "survey.csv", [*lines[:6], lines[5], *lines[6:]])  # line 6 (lines[5]) again as line 7
    assert stream.stream_folder(folder, rulebook) is None
    outcome = _outcome(folder, rulebook)
    assert ("D325", 7) in outcome


def test_the_tables_are_read_when_asked_for_unless_the_file_changed(folder: Path, rulebook: Rulebook,
                                                                   batched: None,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    streamed = load_dataset(folder, rulebook)
    with monkeypatch.context() as m:
        m.setattr(stream, "STREAM_FROM", 1 << 60)
        whole = load_dataset(folder, rulebook)
    assert streamed.assessments.equals(whole.assessments)
    assert streamed.survey is not None and whole.survey is not None and streamed.survey.equals(whole.survey)
    again = load_dataset(folder, rulebook)
    file = folder / "survey.csv"
    file.write_text(file.read_text(encoding="utf-8") + "R9,P01,U1,7.1.3,A,U2\n", encoding="utf-8")
    with pytest.raises(CchcError) as caught:
        _ = again.survey
    assert [(p.code, p.pos.file) for p in caught.value.problems] == [("D366", str(file))]


def _lines(folder: Path, name: str) -> list[str]:
    return (folder / name).read_text(encoding="utf-8-sig").rstrip("\n").split("\n")


def _outcome(folder: Path, rulebook: Rulebook) -> list[tuple[str, int | None]] | Inputs:
    """The problems `load_dataset` raises, as (code, line), or the Inputs it parses."""
    try:
        return inputs_for(load_dataset(folder, rulebook), rulebook)
    except CchcError as error:
        return [(p.code, p.pos.line if p.pos else None) for p in error.problems]


# a change to the folder, and (code, line) of a problem it must give, worked out from the lines written
CHANGES = {
    "unknown unit": ("assessments.csv", lambda lines: [*lines, "U99,1.1.1,1,1,1"], ("D320", "last")),
    "repeated row": ("assessments.csv", lambda lines: [*lines, lines[1]], ("D324", "last")),  # far past its batch
    "repeated answer": ("survey.csv", lambda lines: [*lines, "R1,P02,U1,7.1.1,D,U2"], ("D325", "last")),
    "ragged row": ("survey.csv", lambda lines: [*lines, "R5,P01,U1,7.1.1,A,U2,extra"], None),
    "quoted cell": ("survey.csv", lambda lines: [*lines, 'R5,"P01",U1,7.1.1,A,U2'], None),
    "quoted header": ("survey.csv", lambda lines: [lines[0].replace("form", '"form"'), *lines[1:]], None),
    "no respondent_unit": ("survey.csv", lambda lines: [line.rsplit(",", 1)[0] for line in lines], None),
    "no answer column": ("survey.csv", lambda lines: [line.replace(",A,", ",").replace(",B,", ",").replace(
        ",C,", ",").replace(",D,", ",").replace(",X,", ",").replace(",answer,", ",") for line in lines],
        ("D303", 1)),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_anything_not_clean_is_read_whole_with_its_messages(folder: Path, rulebook: Rulebook, batched: None,
                                                            monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    name, edit, expected = CHANGES[change]
    lines = edit(_lines(folder, name))
    _write(folder / name, lines)
    streamed = stream.stream_folder(folder, rulebook)
    if change == "no respondent_unit":  # an optional column: still streamed, added empty as the reader adds it
        assert streamed is not None
        _same(_whole(folder, rulebook, monkeypatch), inputs_for(streamed, rulebook))
        return
    assert streamed is None
    outcome = _outcome(folder, rulebook)
    with monkeypatch.context() as m:
        m.setattr(stream, "STREAM_FROM", 1 << 60)
        whole = _outcome(folder, rulebook)
    if isinstance(whole, Inputs):
        assert isinstance(outcome, Inputs)
        _same(whole, outcome)
    else:
        assert outcome == whole
    if expected is not None:
        code, line = expected
        assert isinstance(outcome, list)
        assert (code, len(lines) if line == "last" else line) in outcome
