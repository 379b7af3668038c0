"""Values as JSON takes them (NaN and NA → null, numpy scalars → Python), for every JSON writer of analysis."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def json_value(value: Any) -> Any:
    """A value as JSON takes it: NaN and NA → None, numpy scalars → Python, inside dicts and lists too."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value
