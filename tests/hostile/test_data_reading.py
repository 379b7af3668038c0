"""Silent misreads of data refused with a located error (issue 11, items 4 and 7)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cchc_rules.data.load import load_dataset
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.problems import CchcError

from .conftest import DATASET, RULEBOOK


@pytest.fixture(scope="module")
def rulebook():
    return load_rulebook(RULEBOOK)


def _workbook(path: Path, extra: dict[str, pd.DataFrame] | None = None) -> Path:
    """The 2024 sample as one workbook (sheets units, assessments, survey), plus `extra` sheets."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    tables = {name: pd.read_csv(DATASET / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
              for name in ("units", "assessments", "survey")}
    for name, table in {**tables, **(extra or {})}.items():
        ws = wb.create_sheet(name)
        ws.append(list(table.columns))
        for row in table.itertuples(index=False):
            ws.append(list(row))
    wb.save(path)
    return path


def _codes(exc: pytest.ExceptionInfo) -> list[str]:
    return [p.code for p in exc.value.errors]


def test_formula_without_saved_result_is_refused_not_read_as_empty(rulebook, tmp_path: Path):
    path = _workbook(tmp_path / "data.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["assessments"]
    ws["D2"] = "=1+0"  # openpyxl stores no result: Excel never computed it
    wb.save(path)
    with pytest.raises(CchcError) as exc:
        load_dataset(path, rulebook)
    problem = next(p for p in exc.value.errors if p.code == "D362")
    assert (problem.pos.sheet, problem.pos.line, problem.pos.col) == ("assessments", 2, 4)
    assert "=1+0" in problem.what("en")


def test_a_decoy_sheet_beside_the_real_one_is_refused(rulebook, tmp_path: Path):
    decoy = pd.DataFrame({"unit_id": ["x"], "name": ["Decoy"], "group": ["department"]})
    path = _workbook(tmp_path / "data.xlsx", {"Units ": decoy})
    with pytest.raises(CchcError) as exc:
        load_dataset(path, rulebook)
    assert "D363" in _codes(exc)
    assert "'Units '" in next(p for p in exc.value.errors if p.code == "D363").what("en")


def test_header_only_assessments_do_not_rank_everyone(rulebook, tmp_path: Path):
    folder = tmp_path / "data"
    shutil.copytree(DATASET, folder)
    head = (folder / "assessments.csv").read_text(encoding="utf-8-sig").split("\n", 1)[0]
    (folder / "assessments.csv").write_text(head + "\n", encoding="utf-8")
    with pytest.raises(CchcError) as exc:
        load_dataset(folder, rulebook)
    assert _codes(exc) == ["D364"]


def test_a_dataset_with_no_units_is_a_located_error(rulebook, tmp_path: Path):
    folder = tmp_path / "data"
    shutil.copytree(DATASET, folder)
    (folder / "units.csv").write_text("unit_id,name,group,flags\n", encoding="utf-8")
    with pytest.raises(CchcError) as exc:
        load_dataset(folder, rulebook)
    assert "D364" in _codes(exc)


def test_csv_over_the_size_limit_is_refused_and_the_limit_can_be_raised(rulebook, tmp_path: Path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(DATASET, folder)
    monkeypatch.setenv("CCHC_MAX_TABLE_BYTES", "1000")
    with pytest.raises(CchcError) as exc:
        load_dataset(folder, rulebook)
    assert "D360" in _codes(exc)
    assert "CCHC_MAX_TABLE_BYTES" in exc.value.errors[0].fix("en")
    monkeypatch.setenv("CCHC_MAX_TABLE_BYTES", str(50 * 1024 * 1024))
    assert len(load_dataset(folder, rulebook).units) == 27


def test_rows_beyond_the_limit_are_refused(rulebook, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CCHC_MAX_TABLE_ROWS", "100")
    with pytest.raises(CchcError) as exc:
        load_dataset(DATASET, rulebook)
    assert "D361" in _codes(exc)


def test_a_sheet_with_a_far_away_cell_reads_quickly(rulebook, tmp_path: Path):
    """A cell at the last row used to make the reader pad a million empty rows of the full width."""
    path = _workbook(tmp_path / "data.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["units"]["A1048576"] = " "
    wb.save(path)
    assert len(load_dataset(path, rulebook).units) == 27


def test_control_characters_in_names_are_removed(rulebook, tmp_path: Path):
    folder = tmp_path / "data"
    shutil.copytree(DATASET, folder)
    units = (folder / "units.csv").read_text(encoding="utf-8-sig")
    (folder / "units.csv").write_text(units.replace("Sở Nội vụ", "Sở\x07 Nội\x0b vụ"), encoding="utf-8")
    names = set(load_dataset(folder, rulebook).units["name"])
    assert "Sở Nội vụ" in names


def test_a_load_past_the_machines_memory_is_a_located_error(rulebook, tmp_path: Path, monkeypatch):
    """Arrow's or numpy's MemoryError while loading becomes D365 at the folder, with the files' size and the
    machine's memory, in both languages: never a traceback."""
    import pyarrow as pa

    from cchc_rules.data import load as load_module

    def out_of_memory(*args, **kwargs):
        raise pa.ArrowMemoryError("malloc of size 8589934592 failed")

    folder = tmp_path / "data"
    shutil.copytree(DATASET, folder)
    (folder / "assessments.csv").write_bytes((folder / "assessments.csv").read_bytes() + b"\n" * (3 * 2**20))
    monkeypatch.setattr(load_module, "parse", out_of_memory)
    with pytest.raises(CchcError) as exc:
        load_dataset(folder, rulebook)
    (problem,) = exc.value.errors
    assert problem.code == "D365" and problem.pos.file == str(folder)
    size = sum(f.stat().st_size for f in folder.glob("*.csv")) / 2**20  # 3 MB of blank lines and the sample
    assert problem.params["size"] == round(size) == 3
    assert problem.params["memory"] == round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20)
    assert "Not enough memory" in problem.what("en") and "Không đủ bộ nhớ" in problem.what("vi")


def test_the_memory_a_bounded_process_may_use_is_its_bound(monkeypatch):
    """Under `ulimit -d` (as the benchmark bounds a million units to 8 GB) D365 names the bound, not the machine."""
    import resource

    from cchc_rules.data.load import memory_allowed

    bounds = {resource.RLIMIT_DATA: (8 * 2**30, resource.RLIM_INFINITY),
              resource.RLIMIT_AS: (resource.RLIM_INFINITY, resource.RLIM_INFINITY)}
    monkeypatch.setattr(resource, "getrlimit", bounds.__getitem__)
    assert memory_allowed() == min(8 * 2**30, os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
