"""The sample datasets in datasets/: each scores with its rulebook, the builder reproduces them
byte for byte, and they show what the issue asks for (every band, gate, quota, NA, flag, form)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cchc_rules.data import samples
from cchc_rules.data.load import load_dataset
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.dsl.models import Rulebook
from cchc_rules.engine.score import score

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "datasets"
NAMES = sorted(samples.RULEBOOKS)


def _rulebook(name: str) -> Rulebook:
    return load_rulebook(ROOT / "rulebooks" / f"{samples.RULEBOOKS[name]}.yaml")


@pytest.fixture(scope="module")
def loaded():
    """Each committed sample with its rulebook, loaded (a data error would raise here)."""
    out = {}
    for name in NAMES:
        rulebook = _rulebook(name)
        out[name] = (rulebook, load_dataset(DATASETS / name, rulebook))
    return out


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """The command run into a temporary folder, with a small large-dataset."""
    out = tmp_path_factory.mktemp("samples")
    assert samples.main(["--out", str(out), "--large", str(out / "large"), "--n", "60"]) == 0
    return out


@pytest.mark.parametrize("name", NAMES)
def test_every_sample_scores_without_a_data_error(loaded, name):
    rulebook, dataset = loaded[name]
    units = score(rulebook, dataset).units
    assert len(units) == len(dataset.units)
    assert units["index"].between(0, rulebook.scale).all()
    assert units["band"].notna().all()


def test_builder_reproduces_the_committed_files_byte_for_byte(regenerated):
    for name in NAMES:
        committed = sorted(p.name for p in (DATASETS / name).iterdir())
        assert committed == sorted(p.name for p in (regenerated / name).iterdir()), name
        for file in committed:
            assert (DATASETS / name / file).read_bytes() == (regenerated / name / file).read_bytes(), f"{name}/{file}"


def test_large_dataset_is_made_on_demand_and_scores(regenerated):
    rulebook = load_rulebook(ROOT / "rulebooks" / f"{samples.COMMUNE_RULEBOOK}.yaml")
    dataset = load_dataset(regenerated / "large", rulebook)
    assert len(dataset.units) == 60
    assert score(rulebook, dataset).units["index"].notna().all()


# ---------------------------------------------------------------- the pre-2025 province, two years
YEARS = ("sample-province-2023", "sample-province-2024")


@pytest.mark.parametrize("name", YEARS)
def test_province_has_19_departments_8_districts_and_three_stages(loaded, name):
    rulebook, dataset = loaded[name]
    assert dataset.units["group"].value_counts().to_dict() == {"department": 19, "district": 8}
    assert rulebook.stages == ["self", "appraisal_1", "appraisal_2"]
    for stage in rulebook.stages:
        assert dataset.assessments[stage].notna().any(), stage


@pytest.mark.parametrize("name", YEARS)
def test_self_assessment_is_above_the_appraisal_on_average(loaded, name):
    rulebook, dataset = loaded[name]
    self_scored = score(rulebook, dataset, stage="self").units.groupby("group")["index"].mean()
    appraised = score(rulebook, dataset).units.groupby("group")["index"].mean()
    assert (self_scored > appraised).all()
    # "a little above": within 6 index points, as Nam Định 2020 (64.75 vs 62.62 of 70 ≈ 3 on 100)
    assert ((self_scored - appraised) < 6).all()


@pytest.mark.parametrize("name", YEARS)
def test_survey_flags_and_not_applicable(loaded, name):
    _, dataset = loaded[name]
    assert set(dataset.survey["form"]) == {"HDND", "LDSO", "LDHUYEN"}
    assert dataset.survey["respondent_unit"].isin(dataset.units["unit_id"]).any()  # for exclude_own_unit
    flags = {f for fs in dataset.units["flags"] for f in fs}
    assert {"discipline", "not_ranked"} <= flags
    na = dataset.assessments[dataset.assessments["self"] == "NA"]
    # field 3 is not assessed for the provincial office and the inspectorate (Hà Nam 2023)
    assert set(na["unit_id"]) == {"vp-ubnd", "thanh-tra"}
    assert {"3.1.1", "3.2.1", "3.5"} <= set(na["criterion_id"])


def test_every_band_occurs_for_departments_and_districts(loaded):
    rulebook = loaded[YEARS[0]][0]
    seen = pd.concat([score(*loaded[name]).units for name in YEARS])
    for group in ("department", "district"):
        wanted = {band.id for band in rulebook.bands_for(group)}
        assert wanted == set(seen.loc[seen["group"] == group, "band"].astype(str)), group


def _without(rulebook: Rulebook, part: str) -> Rulebook:
    """The rulebook with every band's gates (`when`) or quota removed."""
    copy = rulebook.model_copy(deep=True)
    for bands in (copy.bands, *copy.bands_by_group.values()):
        for band in bands:
            setattr(band, part, [] if part == "when" else None)
    return copy


def _better(base: pd.DataFrame, other: pd.DataFrame, rulebook: Rulebook) -> set[str]:
    """Units whose band in `other` is better (earlier in their group's list) than in `base`."""
    out = set()
    for (_, a), (_, b) in zip(base.iterrows(), other.iterrows()):
        order = [band.id for band in rulebook.bands_for(a["group"])]
        if order.index(str(b["band"])) < order.index(str(a["band"])):
            out.add(a["unit_id"])
    return out


def test_a_gate_fails_and_a_quota_demotes(loaded):
    gated, demoted = set(), set()
    for name in YEARS:
        rulebook, dataset = loaded[name]
        units = score(rulebook, dataset).units
        gated |= _better(units, score(_without(rulebook, "when"), dataset).units, rulebook)
        demoted |= _better(units, score(_without(rulebook, "quota"), dataset).units, rulebook)
    # the disciplined Sở Thông tin và Truyền thông (2023) and UBND huyện Nam Bình (2023) score ≥ 90 / ≥ 85
    assert {"so-tttt", "h-nam-binh"} & gated
    assert len(demoted) >= 2


def test_years_are_correlated_but_some_units_move_a_lot(loaded):
    a, b = (score(*loaded[name]).units.set_index("unit_id")["index"] for name in YEARS)
    assert np.corrcoef(a, b.loc[a.index])[0, 1] > 0.8
    assert ((b - a).abs() > 10).sum() >= 1  # Ban Quản lý các KCN: weak in 2023, much better in 2024


# ---------------------------------------------------------------- communes, and the merged province
def test_communes_of_two_districts(loaded):
    _, dataset = loaded["sample-communes-2024"]
    assert len(dataset.units) == 40
    assert dataset.units["district"].value_counts().to_dict() == {"h-dong-son": 20, "h-tay-son": 20}
    assert set(dataset.survey["form"]) == {samples.CITIZENS, "LDHUYEN", "PHONG"}


def test_merged_province_and_crosswalk(loaded):
    _, after = loaded["sample-province-2025"]
    counts = after.units["group"].value_counts().to_dict()
    assert counts["department"] == 14  # 19 → 14 as in 2025: five departments merged into others
    crosswalk = after.meta.crosswalk
    old = pd.concat([loaded[n][1].units["unit_id"] for n in ("sample-province-2024", "sample-communes-2024")])
    assert set(old) == set(crosswalk["old_unit_id"])
    assert crosswalk["old_unit_id"].is_unique
    assert set(crosswalk["new_unit_id"]) <= set(after.units["unit_id"])
    new_of = dict(zip(crosswalk["old_unit_id"], crosswalk["new_unit_id"]))
    assert new_of["so-khdt"] == new_of["so-tai-chinh"] == "so-tai-chinh"
    # the 40 communes of two districts become fewer, larger communes (about three to one)
    merged = {new_of[c] for c in loaded["sample-communes-2024"][1].units["unit_id"]}
    assert 10 <= len(merged) <= 20
    assert all(new_of[d] in set(after.units.loc[after.units["group"] == "commune", "unit_id"])
               for d in loaded["sample-province-2024"][1].units.query("group == 'district'")["unit_id"])


@pytest.mark.parametrize("name", YEARS)
def test_self_assessment_never_below_the_appraisal_leaf_by_leaf(loaded, name):
    """The same draw serves every stage, so the self-assessed points of a leaf are never below
    the final appraisal's (relative leaves excepted: their points depend on the other units)."""
    rulebook, dataset = loaded[name]
    first, last = score(rulebook, dataset, stage="self"), score(rulebook, dataset)
    kinds = [leaf.rule.kind for leaf in rulebook.leaves()]
    keep = np.array([k != "relative" for k in kinds])
    a, b = first.leaf_points[:, keep], last.leaf_points[:, keep]
    both = ~np.isnan(a) & ~np.isnan(b)
    assert (a[both] >= b[both] - 1e-9).all()
    assert (a[both] > b[both]).any()


# ---------------------------------------------------------------- values by rule kind, worked by hand
def _leaf(rule: dict, top: float):
    from cchc_rules.dsl.models import Node

    return Node.model_validate({"id": "x", "name": "x", "max": top, "rule": rule})


@pytest.mark.parametrize(
    ("rule", "top", "s", "u", "total", "expected"),
    [
        # binary: yes when u < s
        ({"binary": {}}, 1, 0.9, 0.5, 0, "1"),
        ({"binary": {}}, 1, 0.4, 0.5, 0, "0"),
        # ladder 100/80/else: base = 80 − max(100 − 80, 0.2 × 100, 1) = 60; value = 60 + 40 × min(1, s ÷ 0.9)
        ({"ladder": [{"min": 100, "points": 1}, {"min": 80, "share": 0.5}, {"points": 0}]}, 1, 0.9, 0.5, 0, "100"),
        ({"ladder": [{"min": 100, "points": 1}, {"min": 80, "share": 0.5}, {"points": 0}]}, 1, 0.45, 0.5, 0, "80"),
        # linear from 10 to 0 (lower is better): 10 + (0 − 10) × 0.75 = 2.5
        ({"linear": {"from": 10, "to": 0}}, 1.5, 0.75, 0.5, 0, "2.5"),
        # ratio: done = floor(10 × 0.55 + 0.3) = floor(5.8) = 5
        ({"ratio": {}}, 3, 0.55, 0.3, 10, "5/10"),
        ({"ratio": {"if_zero_total": "max"}}, 3, 0.55, 0.3, 0, "0/0"),
        # levels: target = 0.8 + (0.5 − 0.5) × 0.2 = 0.8, nearest share is full = 0.75 ÷ 1
        ({"levels": {"good": 1, "full": 0.75, "partial": 0.5, "none": 0}}, 1, 0.8, 0.5, 0, "full"),
        # deduct 0.25 of 1: 4 faults possible; floor((1 − 0.5) × 4 + 0.2 × 0.999) = floor(2.1998) = 2
        ({"deduct": {"per": 0.25}}, 1, 0.5, 0.2, 0, "2"),
        # points in quarters: floor(1.5 × 0.5 × 4 + 0.1) ÷ 4 = floor(3.1) ÷ 4 = 0.75
        ({"points": {}}, 1.5, 0.5, 0.1, 0, "0.75"),
        # relative, higher is better: 40 + 60 × 0.5 = 70
        ({"relative": {"better": "higher"}}, 2, 0.5, 0.5, 0, "70"),
    ],
)
def test_value_by_rule_kind(rule, top, s, u, total, expected):
    got = samples._value(_leaf(rule, top), np.array([s]), np.array([u]), np.array([total]))
    assert list(got) == [expected]
