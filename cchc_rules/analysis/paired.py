"""Two results with their units matched: the data a comparison's tables are computed from.

`compare.Comparison` extends `Paired` with the summary and the tables; the table builders
(`contributions`, `decomposition`, `gaps`) read only `Paired`, so they need no import of `compare`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from cchc_rules.analysis.matching import Side
    from cchc_rules.engine.result import Result


@dataclass
class Paired:
    """A base and a variant result, the per-unit matched table and each side's own table (`matching.Side`)."""

    base: Result
    variant: Result
    units: pd.DataFrame
    base_side: Side = field(repr=False)
    variant_side: Side = field(repr=False)
