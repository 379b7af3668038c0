"""cchc-rules: rulebooks and simulation for Vietnam's administrative reform index (PAR INDEX).

The stable Python API: `load_rulebook`, `load_dataset`, `score`; for simulation `compare`,
`sweep`, `sweep_summary`, `uncertainty`, `remove_one` and `dead_criteria`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "load_rulebook", "load_dataset", "score",
    "compare", "Comparison", "sweep", "sweep_summary", "uncertainty", "remove_one", "dead_criteria",
    "appraisal", "panel", "improvement_plan",
]

_API = {
    "load_rulebook": "cchc_rules.dsl.load",
    "load_dataset": "cchc_rules.data.load",
    "score": "cchc_rules.engine.score",
    "compare": "cchc_rules.analysis.compare",
    "Comparison": "cchc_rules.analysis.compare",
    "sweep": "cchc_rules.analysis.sweep",
    "sweep_summary": "cchc_rules.analysis.sweep",
    "uncertainty": "cchc_rules.analysis.uncertainty",
    "remove_one": "cchc_rules.analysis.sensitivity",
    "dead_criteria": "cchc_rules.analysis.sensitivity",
    "appraisal": "cchc_rules.analysis.appraisal",
    "panel": "cchc_rules.analysis.panel",
    "improvement_plan": "cchc_rules.analysis.improvement",
}

if TYPE_CHECKING:  # pragma: no cover
    from cchc_rules.analysis.appraisal import appraisal
    from cchc_rules.analysis.compare import Comparison, compare
    from cchc_rules.analysis.improvement import improvement_plan
    from cchc_rules.analysis.panel import panel
    from cchc_rules.analysis.sensitivity import dead_criteria, remove_one
    from cchc_rules.analysis.sweep import sweep, sweep_summary
    from cchc_rules.analysis.uncertainty import uncertainty
    from cchc_rules.data.load import load_dataset
    from cchc_rules.dsl.load import load_rulebook
    from cchc_rules.engine.score import score


def __getattr__(name: str) -> Any:
    """Import the API lazily so that `cchc validate` does not pay for numpy and pandas."""
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(name)
