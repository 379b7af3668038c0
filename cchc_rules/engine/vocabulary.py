"""The engine's vocabulary: why a leaf has its points, the arrays each scoring stage hands on, flags.

A leaf module (numpy and pandas only): `compile`, `score`, `result`, `explain` and analysis code
all read these names from here, so the engine's modules import one way
(compile → score → result → explain) and none reaches back into another.

Every array is computed leaf-major or node-major (leaves × units, nodes × units: contiguous per
leaf or node, the layout the kernel runs in); the dataclasses expose units × leaves and
units × nodes views of them (`.T`, free), the layout analysis code and ledgers index by unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pandas as pd


class Reason(IntEnum):
    """Why a leaf has the points it has, per unit (`LeafScores.reason`); stored as int8."""

    OK = 0  # the rule gave the points from a value
    STRUCTURAL = 1  # the leaf does not apply to the unit's group (applies_to): out of the maximum
    NA_RESCALE = 2  # NA with `not_applicable: rescale`: out of the maximum
    NA_ZERO = 3  # NA with `not_applicable: zero`: 0 points, counts in the maximum
    ZERO_TOTAL_NA = 4  # ratio with a zero total, `if_zero_total: na`: out of the maximum
    ZERO_TOTAL_MAX = 5  # ratio with a zero total, `if_zero_total: max`: the max
    ZERO_TOTAL_ZERO = 6  # ratio with a zero total, `if_zero_total: zero`: 0 points
    MISSING_ZERO = 7  # no value, `missing: zero`
    MISSING_MAX = 8  # no value, `missing: max`
    MISSING_NA = 9  # no value, `missing: na`: out of the maximum
    MISSING_ERROR = 10  # no value, `missing: error`: scoring stops with E401

    @property
    def out_of_max(self) -> bool:
        """Whether the leaf is left out of the unit's maximum."""
        return self in OUT_OF_MAX

    @property
    def gives_max(self) -> bool:
        """Whether the leaf gets its full max without a value."""
        return self in (Reason.ZERO_TOTAL_MAX, Reason.MISSING_MAX)

    @property
    def filled_by_missing(self) -> bool:
        """Whether the points come from a `missing` policy (no value at the stage)."""
        return self in (Reason.MISSING_ZERO, Reason.MISSING_MAX, Reason.MISSING_NA, Reason.MISSING_ERROR)


OUT_OF_MAX = frozenset({Reason.STRUCTURAL, Reason.NA_RESCALE, Reason.ZERO_TOTAL_NA, Reason.MISSING_NA})
# Indexed by the rulebook's `missing` policy and ratio `if_zero_total` names (`compile.MISSING`, `compile.ZERO_TOTAL`).
MISSING_REASON = {"zero": Reason.MISSING_ZERO, "max": Reason.MISSING_MAX, "na": Reason.MISSING_NA,
                  "error": Reason.MISSING_ERROR}
# Reasons where a `missing` policy gave the leaf its points (`missing: error` stops scoring instead).
FILLED = (Reason.MISSING_ZERO, Reason.MISSING_MAX, Reason.MISSING_NA)
ZERO_TOTAL_REASON = {"na": Reason.ZERO_TOTAL_NA, "max": Reason.ZERO_TOTAL_MAX, "zero": Reason.ZERO_TOTAL_ZERO}


@dataclass
class Selected:
    """The value used per unit × leaf at the chosen stage (`stage_used` −1: no value).

    `value`, `status`, `stage_used` are units × leaves views of leaf-major arrays (`.T` of them is
    contiguous per leaf); `adjustment` is units × adjustments, NaN when no value.
    """

    stage: int
    value: np.ndarray
    status: np.ndarray
    stage_used: np.ndarray
    adjustment: np.ndarray
    adjustment_stage: np.ndarray


@dataclass
class LeafScores:
    """Per unit × leaf (views of leaves × units arrays)."""

    points: np.ndarray  # int64 nano; 0 when out
    applicable: np.ndarray  # bool: counts in the unit's maximum
    reason: np.ndarray  # int8 `Reason`
    clamped: np.ndarray  # bool: the rule gave points outside [0, max]
    rel_low: np.ndarray  # groups × leaves: worst/best of relative leaves (NaN elsewhere)
    rel_high: np.ndarray

    @property
    def filled(self) -> np.ndarray:
        """bool, units × leaves: no value at the stage, a `missing` policy gave the points."""
        return np.isin(self.reason, FILLED)


@dataclass
class NodeScores:
    """Per unit × node (views of nodes × units arrays)."""

    points: np.ndarray  # int64 nano; 0 when out
    max: np.ndarray  # int64 nano: the applicable maximum
    applicable: np.ndarray  # bool


@dataclass
class IndexScores:
    index: np.ndarray  # int64 nano, clamped to [0, scale]
    earned: np.ndarray  # nano, Σ top-level points
    possible: np.ndarray  # nano, Σ top-level applicable maxima
    adjustments: np.ndarray  # nano, units × adjustments, signed and capped (0 when no value)
    unscored: np.ndarray | None = None  # bool: nothing applicable (index 0, no band, not ranked)


def flag_matrix(flag_ids: list[str], units: pd.DataFrame) -> np.ndarray:
    """Units × flags, True where the unit (a row of `units`, column `flags`: tuples of ids) carries the flag."""
    out = np.zeros((len(units), len(flag_ids)), dtype=bool)
    if "flags" not in units or not flag_ids:
        return out
    flags = units["flags"].to_numpy()
    counts = np.fromiter(map(len, flags), dtype=np.int64, count=flags.size)
    rows = np.flatnonzero(counts)
    names = [name for row in flags[rows] for name in row]
    codes = pd.Categorical(names, categories=flag_ids).codes
    at = np.repeat(rows, counts[rows])
    out[at[codes >= 0], codes[codes >= 0]] = True
    return out
