"""The widget benchmark still runs as documented (its figures are read by people: no timing asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_runs_as_a_module():
    proc = subprocess.run([sys.executable, "-m", "benchmarks.bench_widgets", "--repeats", "2"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for name in ("sandbox", "app", "from files", "target of 150 ms"):
        assert name in proc.stdout
