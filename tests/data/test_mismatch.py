"""One diagnosis first when a dataset was not made for the rulebook (D390).

The base dataset (fixtures/base) has 16 assessment rows and 10 survey rows: 26 criterion rows
with 12 different ids (A.1-A.7, B.1, S.1, S.2, bonus, late); 3 units (D1, D2: department; H1:
district); stage columns self and appraisal. The figures below are counted from those files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from cchc_rules.data import mismatch
from cchc_rules.data.load import load_dataset, write_dataset
from cchc_rules.data.parse import parse
from cchc_rules.data.read import read_dataset
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.problems import CchcError, Problems

from .conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]


def _other(tmp_path: Path, name: str, renames: dict[str, str]) -> object:
    """The fixture rulebook with another id and some ids, groups or stages renamed."""
    text = (FIXTURES / "rulebook.yaml").read_text(encoding="utf-8").replace("id: data-fixture", f"id: {name}")
    for old, new in renames.items():
        text = re.sub(rf"(?<![\w.]){re.escape(old)}(?![\w.])", new, text)
    (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return load_rulebook(tmp_path / f"{name}.yaml")


# field A renamed C, the survey field S renamed T, district renamed commune, appraisal renamed check
FAR = {**{f"A.{k}": f"C.{k}" for k in range(1, 8)}, "S.1": "T.1", "S.2": "T.2", "district": "commune",
       "appraisal": "check"}
# only A.3-A.7 and district renamed
NEAR = {**{f"A.{k}": f"C.{k}" for k in range(3, 8)}, "district": "commune"}


def _error(path: Path, rulebook) -> CchcError:
    with pytest.raises(CchcError) as info:
        load_dataset(path, rulebook)
    return info.value


def test_the_fit_of_the_base_dataset(make_dataset, rulebook, tmp_path):
    folder = make_dataset()
    dataset = read_dataset(folder, Problems())
    own = mismatch.fit(dataset, rulebook)
    assert (own.rows, own.unknown_rows, own.ids, own.unknown_ids, own.units, own.unknown_units) == (26, 0, 12, 0, 3, 0)
    assert own.share == 1 and not own.mismatched
    far = mismatch.fit(dataset, _other(tmp_path, "far", FAR))
    # unknown: A.* rows (D1: 7, D2: 2, H1: 1) + S.2 of D1, S.1 of H1 in assessments + all 10 survey rows = 22
    assert (far.rows, far.unknown_rows, far.ids, far.unknown_ids) == (26, 22, 12, 9)
    assert (far.units, far.unknown_units, far.unknown_groups) == (3, 1, ("district",))
    assert (far.stages, far.unknown_stages) == (("self", "appraisal"), ("appraisal",))
    assert far.mismatched  # 22 of 26 rows
    assert far.share == pytest.approx(((1 - 22 / 26) + (1 - 1 / 3) + (1 - 1 / 2)) / 3)


def test_a_dataset_made_for_another_rulebook_is_diagnosed_first(make_dataset, rulebook, tmp_path, monkeypatch):
    monkeypatch.setattr(mismatch, "shipped", lambda folder=None: [rulebook])  # the rulebooks to compare with
    folder = make_dataset()
    other = _other(tmp_path, "far", FAR)
    exc = _error(folder, other)
    lead = exc.problems[0]
    assert lead.code == "D390" and lead.pos.file == str(folder / "assessments.csv")
    en = lead.format("en")
    assert "This dataset does not match the rulebook 'far': 22 of 26 rows name a criterion it does not have " \
           "(9 of 12 ids); 1 of 3 units are in groups it does not have (district); stage columns it does not " \
           "have: appraisal (its stages: self, check); it looks made for data-fixture.yaml (100% fit)" in en
    assert "→ Score it with the rulebook data-fixture.yaml" in en
    vi = lead.format("vi")
    assert "22 trên 26 dòng ghi mã tiêu chí mà bộ tiêu chí không có (9 trên 12 mã)" in vi
    assert "có vẻ được lập cho data-fixture.yaml (khớp 100%)" in vi
    # the rest: at most three groups of each code, the others counted; the total stays every problem
    listed = [p for p in exc.problems[1:] if p.code != "D399"]
    for code in {p.code for p in listed}:
        assert sum(1 for p in listed if p.code == code) <= mismatch.EXAMPLES
    everything = Problems()
    parse(read_dataset(folder, Problems()), other, everything)
    assert exc.total == len(everything.errors)


def test_a_few_unknowns_and_a_shipped_rulebook_that_knows_all(make_dataset, rulebook, tmp_path, monkeypatch):
    near = _other(tmp_path, "near", NEAR)
    folder = make_dataset()
    dataset = read_dataset(folder, Problems())
    found = mismatch.fit(dataset, near)
    # unknown: A.3-A.7 of D1 (5 rows) and A.4 of D2 (1 row) = 6 of 26 rows, 5 of 12 ids; H1 of 3 units
    assert (found.unknown_rows, found.unknown_ids, found.unknown_units, found.mismatched) == (6, 5, 1, False)
    assert mismatch.diagnosis(dataset, near, candidates=[]) is None  # nothing fits better: rows are listed
    lead = mismatch.diagnosis(dataset, near, candidates=[rulebook, near])
    assert lead is not None
    assert "6 of 26 rows name a criterion it does not have (5 of 12 ids); 1 of 3 units are in groups it does " \
           "not have (district); it looks made for data-fixture.yaml" in lead.what("en")


def test_dataset_yaml_names_the_rulebook_it_was_made_for(make_dataset, rulebook, tmp_path, monkeypatch):
    monkeypatch.setattr(mismatch, "shipped", lambda folder=None: [])
    folder = make_dataset(meta="year: 2024\nrulebook: data-fixture.yaml\n")
    dataset = read_dataset(folder, Problems())
    assert dataset.meta.rulebook == "data-fixture.yaml"
    assert load_dataset(folder, rulebook).meta.rulebook == "data-fixture.yaml"  # its own rulebook: no problem
    written = write_dataset(dataset, tmp_path / "copy")
    assert "rulebook: data-fixture.yaml\n" in (written / "dataset.yaml").read_text(encoding="utf-8")
    exc = _error(folder, _other(tmp_path, "near", NEAR))  # a few unknowns, and dataset.yaml names another
    assert exc.problems[0].code == "D390"
    assert "dataset.yaml says it was made for data-fixture.yaml" in exc.problems[0].what("en")
    assert "dataset.yaml ghi bộ dữ liệu được lập cho data-fixture.yaml" in exc.problems[0].what("vi")
    assert "Score it with the rulebook data-fixture.yaml" in exc.problems[0].fix("en")


def test_value_problems_alone_give_no_diagnosis(make_dataset, rulebook):
    exc = _error(make_dataset(extra_assessments="D2,A.2,abc,,,\n"), rulebook)
    assert [p.code for p in exc.errors] == ["D330"] and "D390" not in {p.code for p in exc.problems}


def test_a_derived_rulebook_with_removals_and_renames_is_not_a_mismatch(make_dataset, rulebook):
    derived = load_rulebook(FIXTURES / "derived.yaml")
    dataset = read_dataset(make_dataset(), Problems())
    assert mismatch.fit(dataset, derived).unknown_rows == 0


# ---------------------------------------------------------------- the shipped samples
def test_the_2025_province_scored_with_the_2024_rulebook():
    rulebook = load_rulebook(ROOT / "rulebooks" / "par-province-2024.yaml")
    exc = _error(ROOT / "datasets" / "sample-province-2025", rulebook)
    lead = exc.problems[0]
    assert lead.code == "D390"
    en = lead.what("en")
    # datasets/README.md: 14 departments and 34 communes and wards; the 2024 rulebook has no group commune
    assert "34 of 48 units are in groups it does not have (commune)" in en
    assert "dataset.yaml says it was made for par-province-2025.yaml" in en
    assert "Score it with the rulebook par-province-2025.yaml" in lead.fix("en")
    assert len(exc.format("en").splitlines()) < 80  # a short remainder, not thousands of lines


def test_the_2023_province_scored_with_the_communes_rulebook():
    rulebook = load_rulebook(ROOT / "rulebooks" / "par-communes-2024.yaml")
    folder = ROOT / "datasets" / "sample-province-2023"
    exc = _error(folder, rulebook)
    lead = exc.problems[0]
    ids = pd.concat([pd.read_csv(folder / f"{name}.csv", dtype=str)["criterion_id"]
                     for name in ("assessments", "survey")])
    known = {leaf.id for leaf in rulebook.leaves()} | {a.id for a in rulebook.adjustments}
    unknown = int((~ids.isin(known)).sum())
    assert f"{unknown:,} of {len(ids):,} rows name a criterion it does not have" in lead.what("en")
    assert "27 of 27 units are in groups it does not have (department, district)" in lead.what("en")
    assert "stage columns it does not have: appraisal_1, appraisal_2 (its stages: self, appraisal)" \
        in lead.what("en")
    assert exc.format("en").splitlines()[0] == f"{exc.total:,} errors:"


def test_the_command_leads_with_the_diagnosis(capsys):
    from cchc_rules.cli import main

    code = main(["score", str(ROOT / "rulebooks" / "par-province-2024.yaml"),
                 str(ROOT / "datasets" / "sample-communes-2024"), "--lang", "vi"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err[0].endswith(" lỗi:")
    # datasets/README.md: 40 communes, group `commune`, which par-province-2024 does not have
    assert "lỗi D390: Bộ dữ liệu này không khớp với bộ tiêu chí 'par-province-2024'" in err[1]
    assert "40 trên 40 đơn vị thuộc nhóm mà bộ tiêu chí không có (commune)" in err[1]
    assert "dataset.yaml ghi bộ dữ liệu được lập cho par-communes-2024.yaml" in err[1]
    assert len(err) < 60


def test_a_typo_is_listed_as_it_is_without_comparing_rulebooks(make_dataset, rulebook, monkeypatch):
    def fail(folder=None):
        raise AssertionError("no shipped rulebook should be loaded for a typo")

    monkeypatch.setattr(mismatch, "shipped", fail)
    folder = make_dataset(extra_assessments="D1,A.9,1,,,\n")  # 1 unknown of 27 criterion rows
    dataset = read_dataset(folder, Problems())
    assert mismatch.fit(dataset, rulebook).share == pytest.approx((26 / 27 + 1 + 1) / 3)  # 0.988 ≥ 0.95
    exc = _error(folder, rulebook)
    assert [p.code for p in exc.errors] == ["D321"] and exc.total == 1
