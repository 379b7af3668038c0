"""cchc-rules: rulebooks and simulation for Vietnam's administrative reform index (PAR INDEX).

The stable Python API (`cchc_rules.api`, shown in docs/API.md): `load_rulebook`, `load_dataset`,
`score`; for simulation `compare`, `sweep`, `sweep_summary`, `uncertainty`, `remove_one` and
`dead_criteria`; the types `Rulebook`, `Dataset`, `Result`, `Comparison`, `Variant`, `Problem` and
`CchcError`. Every function takes a path or a loaded object alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = [
    "Appraisal", "CchcError", "Comparison", "Dataset", "Panel", "Plan", "Problem", "Result", "Rulebook", "Variant",
    "appraisal", "compare", "dead_criteria", "improvement_plan", "load_dataset", "load_rulebook", "panel",
    "remove_one", "score", "sweep", "sweep_summary", "uncertainty",
]

if TYPE_CHECKING:  # pragma: no cover
    from cchc_rules.api import (
        Appraisal,
        CchcError,
        Comparison,
        Dataset,
        Panel,
        Plan,
        Problem,
        Result,
        Rulebook,
        Variant,
        appraisal,
        compare,
        dead_criteria,
        improvement_plan,
        load_dataset,
        load_rulebook,
        panel,
        remove_one,
        score,
        sweep,
        sweep_summary,
        uncertainty,
    )


def __getattr__(name: str) -> object:
    """Import the API on first use, so that `cchc validate` does not pay for numpy and pandas."""
    if name in __all__:
        import importlib

        return getattr(importlib.import_module("cchc_rules.api"), name)
    raise AttributeError(f"module 'cchc_rules' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public API, so that completion offers it before anything is imported."""
    return sorted(__all__)
