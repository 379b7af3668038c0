"""Hostile copies of the shipped samples: names and labels a sender controls, set to attacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
RULEBOOK = ROOT / "rulebooks" / "par-province-2024.yaml"
DATASET = ROOT / "datasets" / "sample-province-2024"

# What a unit or a drafter could type into a name: formulas, a DDE payload, an error literal,
# a tab, HTML, Markdown, a terminal escape that clears the screen.
ATTACKS = [
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTab first",
    "=cmd|' /C calc'!A0",
    "#N/A",
    "<script>alert(1)</script><b>bold</b>",
    "[link](http://evil.example) **strong** | pipe",
    "Sở \x1b[2J\x1b[H All checks passed",
]


@pytest.fixture
def hostile_dataset(tmp_path: Path) -> Path:
    """The 2024 sample province with the first units renamed to the attacks."""
    folder = tmp_path / "hostile-data"
    shutil.copytree(DATASET, folder)
    units = pd.read_csv(folder / "units.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    units.loc[: len(ATTACKS) - 1, "name"] = ATTACKS
    units.to_csv(folder / "units.csv", index=False, encoding="utf-8")
    cells = pd.read_csv(folder / "assessments.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    cells.loc[:40, "note_appraisal_1"] = "=SUM(1,2) @note -minus +plus"
    cells.to_csv(folder / "assessments.csv", index=False, encoding="utf-8")
    return folder
