"""The workbench notebooks: stripped as committed, parameterised as the issue names, and they run.

Each notebook runs headless under papermill with non-default parameters in a temporary folder,
and all three run under nbval (lax) in a subprocess, as a user would check them.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill as pm
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
PARAMETERS = {
    "01_scoring_walkthrough.ipynb": ["rulebook", "dataset", "unit", "lang"],
    "02_framework_editor.ipynb": ["rulebook", "dataset", "proposal", "lang"],
    "03_uncertainty.ipynb": ["rulebook", "dataset", "draws", "seed", "lang"],
}
OTHER_INPUTS = {
    "01_scoring_walkthrough.ipynb": {"lang": "en", "unit": "h-bac-ha"},
    "02_framework_editor.ipynb": {"lang": "en", "proposal": "rulebooks/proposals/stricter-excellent.yaml"},
    "03_uncertainty.ipynb": {"lang": "en", "draws": 25, "seed": 3,
                             "rulebook": str(ROOT / "rulebooks" / "par-communes-2024.yaml"),
                             "dataset": str(ROOT / "datasets" / "sample-communes-2024")},
}


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / name, as_version=4)


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_committed_without_outputs(name):
    book = _read(name)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: strip the outputs (nbstripout)"
    assert book.metadata.kernelspec.name == "python3"


def test_nbstripout_verify_passes():
    proc = subprocess.run([sys.executable, "-m", "nbstripout", "--verify", *(str(NOTEBOOKS / n) for n in PARAMETERS)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_parameters_cell_is_plain_assignments_of_the_issue_names(name):
    cells = [c for c in _read(name).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    tree = ast.parse(cells[0].source)
    assert all(isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) for node in tree.body)
    assert [node.targets[0].id for node in tree.body] == PARAMETERS[name]


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_runs_under_papermill_with_other_inputs(name, tmp_path):
    out = tmp_path / name
    pm.execute_notebook(str(NOTEBOOKS / name), str(out), parameters=OTHER_INPUTS[name], kernel_name="python3",
                        cwd=str(tmp_path), progress_bar=False)
    book = nbformat.read(out, as_version=4)
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"], "warnings in the output"
    shown = [o for o in outputs if o.output_type in ("display_data", "execute_result")]
    assert shown
    for o in shown:  # a reader of the saved notebook never sees a raw object repr
        assert not o.data.get("text/plain", "").startswith(("VBox(", "<cchc_rules", "Walkthrough(", "Workbench("))


def test_bad_parameters_are_reported_together(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook(str(NOTEBOOKS / "01_scoring_walkthrough.ipynb"), str(tmp_path / "out.ipynb"),
                            parameters={"lang": "fr", "unit": "nobody"}, kernel_name="python3", cwd=str(tmp_path),
                            progress_bar=False)
    assert "B922" in str(err.value) and "B923" in str(err.value)


def test_nbval_lax_runs_every_notebook(tmp_path):
    env = {**os.environ, "CCHC_ROOT": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
         *(str(NOTEBOOKS / name) for name in sorted(PARAMETERS))],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    cells = sum(1 for name in PARAMETERS for c in _read(name).cells if c.cell_type == "code")
    assert f"{cells} passed" in proc.stdout, proc.stdout[-2000:]
