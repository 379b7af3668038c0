"""cchc-rules: rulebooks and simulation for Vietnam's administrative reform index (PAR INDEX).

The stable Python API: `load_rulebook`, `load_dataset`, `score`; for simulation `compare`,
`sweep`, `sweep_summary` and `uncertainty`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["load_rulebook", "load_dataset", "score", "compare", "Comparison", "sweep", "sweep_summary", "uncertainty"]

_API = {
    "load_rulebook": "cchc_rules.dsl.load",
    "load_dataset": "cchc_rules.data.load",
    "score": "cchc_rules.engine.score",
    "compare": "cchc_rules.analysis.compare",
    "Comparison": "cchc_rules.analysis.compare",
    "sweep": "cchc_rules.analysis.sweep",
    "sweep_summary": "cchc_rules.analysis.sweep",
    "uncertainty": "cchc_rules.analysis.uncertainty",
}

if TYPE_CHECKING:  # pragma: no cover
    from cchc_rules.data.load import load_dataset
    from cchc_rules.dsl.load import load_rulebook
    from cchc_rules.engine.score import score


def __getattr__(name: str) -> Any:
    """Import the API lazily so that `cchc validate` does not pay for numpy and pandas."""
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(name)
