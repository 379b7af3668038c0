"""The national synthetic panel: 34 provinces, their departments and communes, three years, seeded, a panel."""

from __future__ import annotations

import numpy as np
import pytest

from cchc_rules.data.national import PROVINCES, YEARS, national_panel, panel_units, write_panel
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.engine.score import score
from cchc_rules.problems import CchcError


def test_every_province_has_its_departments_and_about_the_asked_communes():
    units = panel_units(seed=1, communes=50)
    for kind, low, high in (("departments", 15, 20), ("communes", 30, 70)):
        per = np.bincount([u.province for u in units[kind]], minlength=PROVINCES + 1)[1:]
        assert per.size == PROVINCES and per.min() >= low and per.max() <= high, (kind, per)
    ids = [u.unit_id for u in units["communes"]]
    assert len(set(ids)) == len(ids) and ids[0] == "t01-xa-001"


@pytest.fixture(scope="module")
def panel():
    return national_panel(seed=5, communes=4)


def test_three_years_of_the_same_units_seeded(panel):
    assert sorted({y for y, _ in panel}) == list(YEARS)
    for kind in ("departments", "communes"):
        ids = [list(panel[(y, kind)].units["unit_id"]) for y in YEARS]
        assert ids[0] == ids[1] == ids[2]
    again = national_panel(seed=5, communes=4)
    assert again[(2023, "communes")].assessments.equals(panel[(2023, "communes")].assessments)


def test_units_keep_their_standing_from_year_to_year(panel):
    from cchc_rules.data.national import REPO

    rulebook = load_rulebook(REPO / "rulebooks" / "par-province-2024.yaml")
    index = [score(rulebook, panel[(y, "departments")]).units["index"].to_numpy(float) for y in YEARS]
    # latent quality persists (0.8 a year): indices of consecutive years correlate clearly, not perfectly
    for a, b in zip(index, index[1:]):
        r = np.corrcoef(a, b)[0, 1]
        assert 0.3 < r < 0.99, r


def test_writing_refuses_a_folder_it_did_not_write(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(CchcError):
        write_panel(mine, seed=5, communes=2)
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
