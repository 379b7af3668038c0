"""The package works installed: a wheel built from the sources, installed in a fresh virtual environment
outside the repository, runs `cchc demo` and a scenario on the examples it carries as package data.

Kept fast and offline: the wheel is built without isolation (setuptools of the dev extras) from a copy
of the sources, and the fresh environment reaches the project's already installed dependencies through
a path file (not the project's editable install: its finder is not loaded), so nothing is downloaded.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("cchc_rules", "rulebooks", "datasets", "scenarios", "notebooks")


def _run(args: list[str | Path], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "CCHC_ROOT")}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_no_module_computes_a_path_from_the_checkout():
    """The package finds its examples through `cchc_rules.shipped`, never from its own file's place."""
    found = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "cchc_rules").rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "__file__" in line or re.search(r"\bparents\[", line)]
    assert not found


def test_the_examples_are_links_to_the_shipped_folders_in_a_checkout():
    from cchc_rules.shipped import FOLDERS, shipped, shipped_root

    assert shipped_root() == ROOT
    for name in FOLDERS:
        link = ROOT / "cchc_rules" / "examples" / name
        assert link.is_symlink() and link.resolve() == (ROOT / name).resolve()
        assert shipped(name) == ROOT / name
    with pytest.raises(ValueError):
        shipped("elsewhere")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh virtual environment with the wheel installed."""
    tmp = tmp_path_factory.mktemp("package")
    source = tmp / "source"
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.egg-info", "build", "out", ".fuzz-*")
    for name in SOURCES:
        shutil.copytree(ROOT / name, source / name, symlinks=True, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", tmp / "dist",
          source], cwd=tmp)
    (wheel,) = (tmp / "dist").glob("cchc_rules-*.whl")
    env = tmp / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", env], cwd=tmp)
    purelib = Path(_run([env / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                        cwd=tmp).stdout.strip())
    (purelib / "project-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", env / "bin" / "python", "install", "--no-deps", "-q", wheel],
         cwd=tmp)
    return env / "bin"


@pytest.mark.slow
def test_the_wheel_carries_the_examples_and_no_links(installed: Path):
    (wheel,) = (installed.parent.parent / "dist").glob("cchc_rules-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("rulebooks/par-province-2024.yaml", "datasets/sample-province-2023/units.csv",
                    "scenarios/stricter-excellent.yaml", "notebooks/scenario_report.ipynb"):
        assert f"cchc_rules/examples/{shipped}" in names
    assert "cchc_rules/py.typed" in names


@pytest.mark.slow
def test_installed_package_is_not_the_checkout(installed: Path, tmp_path: Path):
    found = _run([installed / "python", "-c", "import cchc_rules.shipped as s, cchc_rules as c; "
                  "print(c.__file__); print(s.shipped_root())"], cwd=tmp_path).stdout.split("\n")
    assert not Path(found[0]).is_relative_to(ROOT)
    assert Path(found[1]) == Path(found[0]).parent / "examples"


@pytest.mark.slow
def test_demo_runs_installed(installed: Path, tmp_path: Path):
    done = _run([installed / "cchc", "demo", "--no-scenarios", "--lang", "en"], cwd=tmp_path)
    assert "Demo done." in done.stdout
    assert "par-province-2024.yaml: valid" in done.stdout
    for name in ("sample-province-2023", "sample-province-2024", "sample-communes-2024", "sample-province-2025"):
        assert (tmp_path / "out" / "demo" / "results" / name).is_dir()


@pytest.mark.slow
def test_a_scenario_runs_installed(installed: Path, tmp_path: Path):
    scenario = _run([installed / "python", "-c", "from cchc_rules.shipped import shipped; "
                     "print(shipped('scenarios') / 'stricter-excellent.yaml')"], cwd=tmp_path).stdout.strip()
    _run([installed / "cchc", "run", scenario, "--out", tmp_path / "run", "--lang", "en"], cwd=tmp_path)
    assert (tmp_path / "run" / "stricter-excellent").is_dir()
    assert (tmp_path / "run" / "index.html").is_file()


@pytest.mark.parametrize("layout", ["wheel", "links as text"])
def test_the_examples_are_found_in_every_layout(layout: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import cchc_rules.shipped as shipped

    package = tmp_path / "site" / "cchc_rules"
    (package / "examples").mkdir(parents=True)
    if layout == "wheel":  # copies of the folders under examples/
        (package / "examples" / "rulebooks").mkdir()
        expected = package / "examples"
    else:  # a checkout without symbolic links: each link is a text file holding its target
        (tmp_path / "site" / "rulebooks").mkdir()
        (package / "examples" / "rulebooks").write_text("../../rulebooks", encoding="utf-8")
        expected = tmp_path / "site"
    monkeypatch.setattr(shipped, "files", lambda name: package)
    assert shipped.shipped_root().resolve() == expected.resolve()
    assert shipped.shipped("rulebooks").resolve() == (expected / "rulebooks").resolve()
