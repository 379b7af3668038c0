"""Mutated rulebooks, datasets, scenarios and workbooks: a located error or a valid result, never a crash."""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from cchc_rules.data.issued import manifest_path
from cchc_rules.data.load import load_dataset
from cchc_rules.data.workbook_read import read_workbook
from cchc_rules.documents.workbook import write_workbook
from cchc_rules.dsl.load import check_rulebook, load_rulebook
from cchc_rules.engine.score import score
from cchc_rules.problems import CchcError
from cchc_rules.scenarios.load import check_scenario

from .mutations import mutated_text, nasty_number, nasty_text

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "dsl" / "fixtures" / "validate" / "valid.yaml"
PROVINCE = ROOT / "rulebooks" / "par-province-2024.yaml"
DATASET = ROOT / "datasets" / "sample-province-2024"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
TEXTS = {path: path.read_text(encoding="utf-8") for path in (SMALL, PROVINCE, *SCENARIOS)}


def _valid_result(result) -> None:
    """A result a person can read: every unit has an index, none is NaN, all within [0, scale]."""
    index = result.units["index"].astype(float).to_numpy()
    assert not np.isnan(index).any()
    assert (index >= 0).all() and (index <= result.rulebook.scale + 1e-9).all()


@functools.cache
def _province():
    return load_rulebook(PROVINCE)


@functools.cache
def _tables() -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(DATASET / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
            for name in ("units", "assessments", "survey")}


@given(data=st.data())
def test_mutated_rulebook_text(data):
    source = data.draw(st.sampled_from([SMALL, PROVINCE]))
    text = data.draw(mutated_text(TEXTS[source]))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / source.name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        rulebook, problems = check_rulebook(path)
        for p in problems:  # every problem renders in both languages, with a place
            assert p.what("vi") and p.what("en") and p.format("vi")
        if rulebook is not None and source == PROVINCE:
            try:
                _valid_result(score(rulebook, load_dataset(DATASET, rulebook)))
            except CchcError:
                pass  # e.g. the data no longer fits the rulebook: a located error is a right answer


@given(data=st.data())
def test_mutated_numbers_in_rulebook(data):
    """Every `max:`/`min:`/`points:`/`scale:` number replaced by an extreme one."""
    text = TEXTS[PROVINCE]
    keys = ["max: ", "min: ", "points: ", "scale: ", "share: ", "per: "]
    key = data.draw(st.sampled_from(keys))
    at = [i for i in range(len(text)) if text.startswith(key, i)]
    if not at:
        return
    i = data.draw(st.sampled_from(at)) + len(key)
    j = i
    while j < len(text) and text[j] not in ",}\n":
        j += 1
    text = text[:i] + repr(data.draw(nasty_number)) + text[j:]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rb.yaml"
        path.write_text(text, encoding="utf-8")
        rulebook, _ = check_rulebook(path)
        if rulebook is not None:
            try:
                _valid_result(score(rulebook, load_dataset(DATASET, rulebook)))
            except CchcError:
                pass


@given(data=st.data())
def test_mutated_dataset_cells(data):
    province, tables = _province(), _tables()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(DATASET, folder)
        for _ in range(data.draw(st.integers(1, 4))):
            name = data.draw(st.sampled_from(list(tables)))
            table = tables[name].copy()
            kind = data.draw(st.sampled_from(["cell", "cell", "drop_rows", "dup_rows", "drop_column", "header"]))
            if kind == "cell":
                r = data.draw(st.integers(0, len(table) - 1))
                c = data.draw(st.integers(0, table.shape[1] - 1))
                table.iat[r, c] = data.draw(st.one_of(nasty_text, nasty_number.map(str)))
            elif kind == "drop_rows":
                table = table.iloc[data.draw(st.integers(0, len(table))):]
            elif kind == "dup_rows":
                table = pd.concat([table, table.iloc[: data.draw(st.integers(1, 5))]])
            elif kind == "drop_column":
                table = table.drop(columns=[data.draw(st.sampled_from(list(table.columns)))])
            else:
                c = data.draw(st.integers(0, table.shape[1] - 1))
                table = table.rename(columns={table.columns[c]: data.draw(nasty_text)})
            text = table.to_csv(index=False)
            (folder / f"{name}.csv").write_text(text, encoding="utf-8", errors="surrogatepass")
        if data.draw(st.booleans()):
            meta = folder / "dataset.yaml"
            meta.write_text(data.draw(mutated_text(meta.read_text(encoding="utf-8"), 2)), encoding="utf-8",
                            errors="surrogatepass")
        try:
            _valid_result(score(province, load_dataset(folder, province)))
        except CchcError as exc:
            assert exc.errors, "a CchcError carries at least one error"


@given(data=st.data())
def test_mutated_scenario_text(data):
    source = data.draw(st.sampled_from(SCENARIOS))
    text = data.draw(mutated_text(TEXTS[source]))
    path = source.parent / f".fuzz-{source.name}"  # beside the original, so its relative paths still resolve
    try:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        scenario, problems = check_scenario(path)
        assert scenario is not None or any(p.severity == "error" for p in problems)
    finally:
        path.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def issued_workbook(tmp_path_factory):
    province = _province()
    dataset = load_dataset(DATASET, province)
    units = dataset.units.iloc[:2]
    ids = set(units["unit_id"])
    small = type(dataset)(units=units, assessments=dataset.assessments[dataset.assessments["unit_id"].isin(ids)],
                          survey=None, meta=dataset.meta, path=dataset.path)
    return write_workbook(province, tmp_path_factory.mktemp("book") / "book.xlsx", dataset=small)


@given(data=st.data())
def test_mutated_self_assessment_workbook(data, issued_workbook):
    province = _province()
    wb = openpyxl.load_workbook(issued_workbook)
    for _ in range(data.draw(st.integers(1, 4))):
        ws = wb[data.draw(st.sampled_from(wb.sheetnames))]
        r = data.draw(st.integers(1, max(ws.max_row, 1)))
        c = data.draw(st.integers(1, max(ws.max_column, 1)))
        value = data.draw(st.one_of(nasty_text, nasty_number, st.none()))
        try:
            ws.cell(row=r, column=c).value = value
        except (ValueError, TypeError, AttributeError, IllegalCharacterError):
            continue  # openpyxl itself refuses the edit (a control character, a merged cell)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "book.xlsx"
        wb.save(path)
        try:
            # the issued copy the province kept, beside the workbook as issued
            _valid_result(score(province, read_workbook(path, province, manifest_path(issued_workbook))))
        except CchcError as exc:
            assert exc.errors
