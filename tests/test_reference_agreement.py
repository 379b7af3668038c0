"""The engine and the plain-Python reference scorer (benchmarks/reference_scorer.py) agree on
synthetic data made with the rulebook that uses every feature: an independent cross-check of
parsing, leaf points, aggregation, index, bands, quotas and ranks."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cchc_rules.data.synthetic import synthesize, synthetic_rulebook
from cchc_rules.engine.score import score

_SPEC = importlib.util.spec_from_file_location(
    "reference_scorer", Path(__file__).resolve().parents[1] / "benchmarks" / "reference_scorer.py"
)
reference = sys.modules.setdefault("reference_scorer", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(reference)

# The reference rounds the index to nano-points exactly, half up; the engine rounds a float, so an
# exact tie at half a nano-point (e.g. 64.003029255 ÷ 88 × 100 = 72.7307150625) may differ by 1e-9.
NANO_TIE = 1.5e-9


@pytest.fixture(scope="module")
def rulebook():
    return synthetic_rulebook(80, seed=1)


def _compare(rulebook, dataset, stage=None) -> None:
    engine = score(rulebook, dataset, stage)
    oracle = reference.score(rulebook, dataset, stage)
    units = engine.units
    assert len(units) == len(oracle)
    ref_index = np.array([oracle[u].index for u in units["unit_id"]])
    np.testing.assert_allclose(units["index"].to_numpy(float), ref_index, rtol=0, atol=NANO_TIE)
    assert units["band"].astype(str).tolist() == [oracle[u].band for u in units["unit_id"]]
    ranks = [None if pd.isna(r) else int(r) for r in units["rank"]]
    assert ranks == [oracle[u].rank for u in units["unit_id"]]
    nodes = np.array([[np.nan if oracle[u].nodes[n] is None else oracle[u].nodes[n] for n in engine.node_ids]
                      for u in units["unit_id"]])
    np.testing.assert_allclose(engine.node_points, nodes, rtol=0, atol=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engine_agrees_with_the_reference(rulebook, seed):
    _compare(rulebook, synthesize(rulebook, 400, seed=seed))


@pytest.mark.parametrize("stage", ["self", "appraisal_1"])
def test_agreement_at_a_stage(rulebook, stage):
    _compare(rulebook, synthesize(rulebook, 300, seed=9), stage)


def test_agreement_with_mean_weights_and_one_group(rulebook):
    _compare(rulebook, synthesize(rulebook, 150, seed=4, group="department", with_survey=False))


def test_the_reference_on_a_hand_worked_tie():
    # exactly half a nano-point rounds up: 64.003029255 ÷ 88 × 100 = 72.7307150625 → 72.730715063
    earned, possible = reference.nano(64.003029255), reference.nano(88)
    assert (2 * earned * reference.nano(100) + possible) // (2 * possible) == 72_730_715_063
    assert reference.publish(9.415, 2) == "9.42"  # decimal half up, not binary round(9.415, 2) = 9.41
