"""The report notebook: committed without outputs, a plain parameters cell, and it runs under nbval (lax)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "scenario_report.ipynb"


def test_notebook_is_committed_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_nbstripout_finds_nothing_to_strip():
    done = subprocess.run([sys.executable, "-m", "nbstripout", "--verify", str(NOTEBOOK)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_parameters_cell_has_plain_assignments():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1
    lines = [line.strip() for line in "".join(tagged[0]["source"]).splitlines() if line.strip()]
    assert [line.split(" = ")[0] for line in lines] == ["scenario", "out_dir", "lang"]


def test_notebook_runs_under_nbval_lax(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", str(NOTEBOOK), "-q", "-p", "no:cacheprovider",
         "--rootdir", str(ROOT)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
