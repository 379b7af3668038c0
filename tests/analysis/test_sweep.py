"""sweep() and sweep_summary(): figures worked out by hand on fixtures/year-1 with fixtures/base.yaml.

Final values (criterion 1 %, criterion 2 %): A 100/50, B 50/100, C 50/50, D 0/25; points are
max × value ÷ 100 and the index is earned ÷ applicable maximum × 100.
With criterion 1's maximum at 60 (as in the base): A 60+20 = 80, B 30+40 = 70, C 50, D 10.
With it at 40 (maximum 80 in all): A (40+20)/80 = 75, B (20+40)/80 = 75, C (20+20)/80 = 50, D 10/80 = 12.5.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc_rules.analysis.sweep import sweep, sweep_summary
from cchc_rules.analysis.variants import Variant, variant_of
from cchc_rules.data.load import load_dataset
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.engine.score import score
from cchc_rules.problems import CchcError

HERE = Path(__file__).parent / "fixtures"
BASE, VARIANT, YEAR1 = HERE / "base.yaml", HERE / "variant.yaml", HERE / "year-1"


@pytest.fixture(scope="module")
def base():
    return load_rulebook(BASE)


@pytest.fixture(scope="module")
def data(base):
    return load_dataset(YEAR1, base)


@pytest.fixture(scope="module")
def grid(base, data):
    return sweep(base, data, {"bands/excellent/min": [75, 85], "criteria/1/max": [60, 40]})


def test_one_variant_per_combination(grid):
    assert len(grid) == 4 * 4  # 2 × 2 variants × 4 units
    assert list(grid.columns) == ["variant", "bands/excellent/min", "criteria/1/max", "unit_id", "name", "group",
                                  "index", "rank", "band"]
    assert list(grid["variant"].unique()) == [
        "bands/excellent/min = 75; criteria/1/max = 60", "bands/excellent/min = 75; criteria/1/max = 40",
        "bands/excellent/min = 85; criteria/1/max = 60", "bands/excellent/min = 85; criteria/1/max = 40",
    ]


def test_values_per_variant(grid):
    def cell(excellent, max1, unit, column):
        row = grid[(grid["bands/excellent/min"] == excellent) & (grid["criteria/1/max"] == max1)
                   & (grid["unit_id"] == unit)]
        return row[column].iat[0]

    assert cell(75, 60, "A", "index") == pytest.approx(80)
    assert cell(75, 40, "A", "index") == pytest.approx(75)
    assert cell(75, 40, "D", "index") == pytest.approx(12.5)
    assert cell(75, 60, "A", "band") == "excellent"  # 80 ≥ 75
    assert cell(85, 60, "A", "band") == "good"  # 80 < 85
    assert cell(75, 40, "B", "band") == "excellent"  # 75 ≥ 75
    # A and B tie at 75 with a maximum of 40: both share first place.
    assert (cell(75, 40, "A", "rank"), cell(75, 40, "B", "rank"), cell(75, 40, "C", "rank")) == (1, 1, 3)


def test_summary_per_variant(grid, base, data):
    s = sweep_summary(grid, score(base, data)).set_index("variant")
    same = s.loc["bands/excellent/min = 75; criteria/1/max = 60"]
    assert (same["n_excellent"], same["n_good"], same["n_fair"], same["n_weak"]) == (1, 1, 1, 1)
    assert same["band_changes"] == 0 and same["kendall_tau"] == pytest.approx(1)
    stricter = s.loc["bands/excellent/min = 85; criteria/1/max = 60"]
    assert (stricter["n_excellent"], stricter["n_good"]) == (0, 2) and stricter["band_changes"] == 1
    tied = s.loc["bands/excellent/min = 75; criteria/1/max = 40"]
    # Ranks 1,2,3,4 → 1,1,3,4: 5 concordant pairs, 0 discordant, one tie in the variant:
    # tau-b = 5 / √(6 · 5); Spearman on average ranks (1,2,3,4) vs (1.5,1.5,3,4) = 4.5 / √(5 · 4.5).
    assert tied["kendall_tau"] == pytest.approx(5 / 30**0.5)
    assert tied["spearman"] == pytest.approx(4.5 / (5 * 4.5) ** 0.5)
    assert tied["n_excellent"] == 2  # A and B at 75


def test_zip_takes_values_side_by_side(base, data):
    table = sweep(base, data, {"bands/excellent/min": [75, 85], "criteria/1/max": [60, 40]}, combine="zip")
    assert list(table["variant"].unique()) == ["bands/excellent/min = 75; criteria/1/max = 60",
                                               "bands/excellent/min = 85; criteria/1/max = 40"]


def test_a_derived_rulebook_is_swept_from_its_own_file(data):
    table = sweep(load_rulebook(VARIANT), data, {"bands/excellent/min": [75]})
    # The variant's maxima (40/60) are kept: B = 20 + 60 = 80.
    assert table.set_index("unit_id").loc["B", "index"] == pytest.approx(80)


def test_changes_before_the_sweep_and_paths(data):
    table = sweep(str(BASE), data, {"bands/excellent/min": [75]}, changes=[{"reweight": "criteria/1", "to": 40}])
    # Criterion 1 at 40 points (maximum 80): A (40 + 20)/80 = 75.
    assert table.set_index("unit_id").loc["A", "index"] == pytest.approx(75)
    assert variant_of(str(BASE)) == Variant(BASE)


def test_a_bad_path_names_the_path_and_the_change_once(base, data):
    with pytest.raises(CchcError) as exc:
        sweep(base, data, {"bands/excelent/min": [75, 80, 85]})
    errors = exc.value.errors
    assert [p.code for p in errors] == ["X211"]
    text = exc.value.format("en")
    assert "bands/excelent/min = 75" in text and "excellent" in text


def test_a_bad_value_names_the_variant(base, data):
    with pytest.raises(CchcError) as exc:
        sweep(base, data, {"bands/excellent/min": ["high"]})
    assert "bands/excellent/min = high" in exc.value.format("en")


def test_nothing_to_sweep(base, data):
    with pytest.raises(CchcError) as exc:
        sweep(base, data, {"bands/excellent/min": [75, 80], "criteria/1/max": [60]}, combine="zip")
    assert [p.code for p in exc.value.errors] == ["A804"]
    with pytest.raises(CchcError) as exc:
        sweep(base, data, {"bands/excellent/min": []})
    assert [p.code for p in exc.value.errors] == ["A802"]


def test_a_model_built_in_memory_has_no_file(base):
    built = variant_of(BASE, [{"set": "bands/excellent/min", "to": 80}]).build()
    assert built.bands[0].min == 80
    with pytest.raises(CchcError) as exc:
        variant_of(built)
    assert exc.value.errors[0].code == "A801"
