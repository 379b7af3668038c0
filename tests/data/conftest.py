"""Fixtures of the data tests: a small rulebook using every rule kind and a dataset writer.

`make_dataset(units=..., assessments=..., survey=..., meta=...)` writes a dataset folder whose
files default to the valid tables of fixtures/base/; a test replaces one file, or appends
rows (`extra_assessments=`), to make exactly one problem.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc_rules.dsl.load import load_rulebook

FIXTURES = Path(__file__).parent / "fixtures"

BASE = FIXTURES / "base"  # the valid dataset every test starts from
UNITS, ASSESSMENTS, SURVEY = ((BASE / f"{name}.csv").read_text(encoding="utf-8")
                              for name in ("units", "assessments", "survey"))


@pytest.fixture
def base() -> dict[str, str]:
    """The valid tables as text: units, assessments, survey."""
    return {"units": UNITS, "assessments": ASSESSMENTS, "survey": SURVEY}


@pytest.fixture(scope="session")
def rulebook():
    return load_rulebook(FIXTURES / "rulebook.yaml")


def write_dataset_folder(
    folder: Path,
    units: str | None = UNITS,
    assessments: str | None = ASSESSMENTS,
    survey: str | None = SURVEY,
    meta: str | None = None,
    extra_assessments: str = "",
    extra_survey: str = "",
    encoding: str = "utf-8",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {"units.csv": units, "assessments.csv": assessments and assessments + extra_assessments,
             "survey.csv": survey and survey + extra_survey, "dataset.yaml": meta}
    for name, text in files.items():
        if text is not None:
            (folder / name).write_bytes(text.encode(encoding))
    return folder


@pytest.fixture
def make_dataset(tmp_path):
    def make(**kwargs) -> Path:
        return write_dataset_folder(tmp_path / "ds", **kwargs)

    return make
