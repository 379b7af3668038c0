"""The synthetic generator: deterministic, valid for any rulebook, and its rulebook uses every feature."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cchc_rules.data.synthetic import FIELD_MAXIMA, synthesize, synthetic_rulebook
from cchc_rules.dsl.models import RULE_KINDS, Best


@pytest.fixture(scope="module")
def rulebook():
    return synthetic_rulebook(60, seed=3)


def test_same_seed_same_tables(rulebook):
    a = synthesize(rulebook, 40, seed=11)
    b = synthesize(rulebook, 40, seed=11)
    pd.testing.assert_frame_equal(a.units, b.units)
    pd.testing.assert_frame_equal(a.assessments, b.assessments)
    pd.testing.assert_frame_equal(a.survey, b.survey)
    c = synthesize(rulebook, 40, seed=12)
    assert not a.assessments[rulebook.stages].equals(c.assessments[rulebook.stages])


def test_rulebook_uses_every_feature(rulebook):
    leaves = rulebook.leaves()
    assert {leaf.rule.kind for leaf in leaves} == set(RULE_KINDS)
    assert len(leaves) == 60
    nodes = [n for n, _, _ in rulebook.walk()]
    assert any(n.aggregate == "capped" for n in nodes)
    assert any(isinstance(n.aggregate, Best) for n in nodes)
    assert any(n.floor > 0 for n in nodes)
    assert any(n.applies_to for n in nodes)
    assert {leaf.missing for leaf in leaves} >= {"max", "na", "error"}
    gates = [g for b in rulebook.bands for g in b.when]
    assert any(g.flag for g in gates)
    assert any(g.min_share is not None for g in gates)
    assert any(g.min is not None for g in gates)
    assert any(g.max_zero_leaves is not None for g in gates)
    assert any(b.quota for b in rulebook.bands) and rulebook.bands_by_group
    assert rulebook.ranking.tie_break and rulebook.ranking.exclude_flag
    assert {a.rule.points is None for a in rulebook.adjustments} == {True, False}
    # 10 + 13 + 10.5 + 12 + 9.5 + 7 + 22 + 16 = 100: the top-level maxima add up to the scale
    assert sum(FIELD_MAXIMA) == 100
    assert sum(top.max for top in rulebook.criteria) == 100


def test_shape_of_the_data(rulebook):
    ds = synthesize(rulebook, 200, seed=5)
    assert len(ds.units) == 200 and ds.units["unit_id"].is_unique
    cells = ds.assessments[rulebook.stages]
    assert (cells == "NA").any().any()
    blank = ds.assessments.loc[cells.isna().all(axis=1), "criterion_id"]
    assert len(blank) > 0  # some cells left empty at every stage: the missing policies apply
    strict = {leaf.id for leaf in rulebook.leaves() if leaf.missing == "error"}
    assert not blank.isin(strict).any()  # never where a missing value is an error
    assert ds.survey is not None and ds.survey["form"].nunique() >= 3
    # field F3 applies to departments only: no commune has a row for it
    f3 = ds.assessments["criterion_id"].str.startswith("3.")
    communes = set(ds.units.loc[ds.units["group"] == "commune", "unit_id"])
    assert not ds.assessments.loc[f3, "unit_id"].isin(communes).any()


def test_the_data_scores_and_self_is_above_appraisal(rulebook):
    from cchc_rules.engine.score import score

    ds = synthesize(rulebook, 300, seed=7)
    final = score(rulebook, ds)
    first = score(rulebook, ds, stage="self")
    assert final.units["index"].between(0, 100).all()
    gap = first.units["index"].mean() - final.units["index"].mean()
    assert 0.5 < gap < 5  # about +2 points on 100 (SELF_GAP); a loose band, it is random data
    assert set(final.units["band"].astype(str)) >= {"excellent", "good", "fair", "weak"}


def test_mean_weights_instead_of_answers(rulebook):
    ds = synthesize(rulebook, 30, seed=1, with_survey=False, group="commune", stages=["appraisal_2"])
    assert ds.survey is None
    assert set(ds.units["group"]) == {"commune"}
    assert ds.assessments["self"].isna().all() and ds.assessments["appraisal_2"].notna().any()


def test_bad_arguments(rulebook):
    with pytest.raises(ValueError, match="group"):
        synthesize(rulebook, 5, seed=1, group="province")
    with pytest.raises(ValueError, match="stages"):
        synthesize(rulebook, 5, seed=1, stages=["final"])
    with pytest.raises(ValueError, match="40 leaves"):
        synthetic_rulebook(10)


@pytest.mark.parametrize("path", sorted((Path(__file__).resolve().parents[1] / "rulebooks").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_any_shipped_rulebook_gets_data_that_scores(path):
    from cchc_rules.dsl.load import load_rulebook
    from cchc_rules.engine.score import score

    rulebook = load_rulebook(path)
    result = score(rulebook, synthesize(rulebook, 40, seed=2))
    assert len(result.units) == 40
    assert result.units["index"].between(0, rulebook.scale).all()
