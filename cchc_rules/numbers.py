"""Numbers as rulebooks write them and as people read them (scores keep 9 decimals: nano-points)."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

_FRACTION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")


def fraction(value: Any) -> float | None:
    """An amount written as a fraction, `10/3` (extension: equal shares written exactly); None otherwise."""
    match = _FRACTION.match(value) if isinstance(value, str) else None
    if match is None or Fraction(match.group(2)) == 0:
        return None
    return float(Fraction(match.group(1)) / Fraction(match.group(2)))


def number(value: Any) -> float | None:
    """A YAML number (int or float, never a boolean), or a fraction such as `10/3`, as a float; None else."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return fraction(value)


def tidy(value: float) -> int | float:
    """A computed number as a drafter would write it: 9 decimals, and 4.0 → 4."""
    value = round(float(value), 9)
    return int(value) if value.is_integer() else value


def plain(value: float) -> str:
    """A number as a person reads it: at most 9 decimals, no trailing zeros, never "-0"."""
    text = f"{float(value):.9f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
