"""Numbers as rulebooks write them and as people read them (scores keep 9 decimals: nano-points)."""

from __future__ import annotations

from typing import Any


def number(value: Any) -> float | None:
    """A YAML number (int or float, never a boolean) as a float; None for anything else."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def tidy(value: float) -> int | float:
    """A computed number as a drafter would write it: 9 decimals, and 4.0 → 4."""
    value = round(float(value), 9)
    return int(value) if value.is_integer() else value


def plain(value: float) -> str:
    """A number as a person reads it: at most 9 decimals, no trailing zeros, never "-0"."""
    text = f"{float(value):.9f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
