"""Bounds on what cchc-rules reads, so that no input can make it hang, exhaust memory or overflow.

Each limit has a documented default (docs/LIMITS.md). Those a user could honestly need to raise
(file sizes, rows, draws, sweep size) are read from an environment variable `CCHC_MAX_<NAME>`
at the time of the check; the numeric range of the engine is fixed, because past it scores are
no longer exact (int64 nano-points hold at most about 9.2·10⁹ points).
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    name: str
    default: int
    overridable: bool = True

    @property
    def env(self) -> str:
        return f"CCHC_MAX_{self.name.upper()}"


MB = 1024 * 1024

YAML_BYTES = Limit("yaml_bytes", 10 * MB)  # a rulebook, scenario or dataset.yaml
YAML_ALIASES = Limit("yaml_aliases", 1_000)  # uses of an anchor (*name) in one YAML file
YAML_NODES = Limit("yaml_nodes", 200_000)  # values after expanding every alias
YAML_DEPTH = Limit("yaml_depth", 100, overridable=False)  # nesting of mappings and lists
TABLE_BYTES = Limit("table_bytes", 500 * MB)  # a CSV file, or the unpacked content of an XLSX file
TABLE_ROWS = Limit("table_rows", 5_000_000)  # rows of one CSV file or sheet
TABLE_COLUMNS = Limit("table_columns", 1_000)  # columns of one CSV file or sheet
DRAWS = Limit("draws", 100_000)  # Monte Carlo draws of one uncertainty study
SWEEP_VARIANTS = Limit("sweep_variants", 10_000)  # variants of one scenario's sweep
AMOUNT = Limit("amount", 1_000_000, overridable=False)  # any point amount, maximum or scale

ALL = (YAML_BYTES, YAML_ALIASES, YAML_NODES, YAML_DEPTH, TABLE_BYTES, TABLE_ROWS, TABLE_COLUMNS,
       DRAWS, SWEEP_VARIANTS, AMOUNT)


def value(limit: Limit) -> int:
    """The limit in force: the environment's `CCHC_MAX_<NAME>` when set to a positive whole number."""
    if limit.overridable:
        raw = os.environ.get(limit.env, "").strip().replace("_", "")
        if raw.isdigit() and int(raw) > 0:
            return int(raw)
    return limit.default
