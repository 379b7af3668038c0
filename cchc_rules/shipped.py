"""Where the shipped examples are: the rulebooks, sample datasets, scenarios and notebooks.

In a checkout they are the repository's own folders (`rulebooks/`, `datasets/`, `scenarios/`,
`notebooks/`); the package reaches them through `cchc_rules/examples/`, whose entries are
symbolic links to those folders, so no file is kept twice. A wheel holds them as package data
under `cchc_rules/examples/` (copies of the linked folders), found here through
`importlib.resources`: nothing is computed from the checkout, and `cchc demo` works installed.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

FOLDERS = ("rulebooks", "datasets", "scenarios", "notebooks")
SCENARIO_NOTEBOOK = "scenario_report.ipynb"


def shipped_root() -> Path:
    """The folder holding the shipped folders (`FOLDERS`): the repository in a checkout, else the
    package's `examples/` folder."""
    examples = Path(str(files("cchc_rules") / "examples"))
    linked = examples / "rulebooks"
    if linked.is_symlink():  # a checkout: the examples are links to the repository's folders
        return Path(os.path.realpath(linked)).parent
    if linked.is_file():  # a checkout made without symbolic links (git then writes each link's target as text)
        return Path(os.path.realpath(examples / linked.read_text(encoding="utf-8").strip())).parent
    return examples


def shipped(folder: str) -> Path:
    """One shipped folder by name (one of `FOLDERS`), e.g. `shipped("rulebooks")`."""
    if folder not in FOLDERS:
        raise ValueError(f"no shipped folder {folder!r}: choose one of {', '.join(FOLDERS)}")
    return shipped_root() / folder


def scenario_notebook() -> Path:
    """The notebook a scenario's report runs unless the scenario names its own."""
    return shipped("notebooks") / SCENARIO_NOTEBOOK
