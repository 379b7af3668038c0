"""cchc-rules: rulebooks and simulation for Vietnam's administrative reform index (PAR INDEX).

The stable Python API: `load_rulebook`, `load_dataset`, `score`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["load_rulebook", "load_dataset", "score"]

_API = {
    "load_rulebook": "cchc_rules.dsl.load",
    "load_dataset": "cchc_rules.data.load",
    "score": "cchc_rules.engine.score",
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
