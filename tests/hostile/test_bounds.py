"""Monte Carlo draws and sweep size are bounded, with the limit named and overridable (issue 11, item 4)."""

from __future__ import annotations

import pytest

from cchc_rules.analysis.uncertainty import _check_parameters
from cchc_rules.analysis.variants import combinations
from cchc_rules.problems import CchcError


def test_a_sweep_of_90000_variants_is_refused_before_any_is_built():
    values = {"a": range(300), "b": range(300)}  # 300 × 300 = 90,000 combinations
    with pytest.raises(CchcError) as exc:
        combinations(values)
    (problem,) = exc.value.errors
    assert problem.code == "A808" and problem.params["n"] == 90_000
    assert "CCHC_MAX_SWEEP_VARIANTS" in problem.fix("en")


def test_the_sweep_limit_can_be_raised(monkeypatch):
    monkeypatch.setenv("CCHC_MAX_SWEEP_VARIANTS", "20000")
    assert len(combinations({"a": range(120), "b": range(120)})) == 14_400
    assert len(combinations({"a": range(300), "b": range(300)}, "zip")) == 300  # zip: side by side


def test_too_many_draws_are_refused_and_the_limit_can_be_raised(monkeypatch):
    with pytest.raises(CchcError) as exc:
        _check_parameters(10**9, 100, 0.1, 0.0, 0.0)
    assert [p.code for p in exc.value.errors] == ["A880"]
    assert "CCHC_MAX_DRAWS" in exc.value.errors[0].fix("en")
    monkeypatch.setenv("CCHC_MAX_DRAWS", str(10**9))
    _check_parameters(10**9, 100, 0.1, 0.0, 0.0)  # no error: the limit was raised
