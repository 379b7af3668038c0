"""A batch that survives its own faults, and never destroys its inputs (issue: hostile input, items 1 and 6)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from filelock import FileLock

from cchc_rules.cli import main
from cchc_rules.scenarios import runner

FIXTURES = Path(__file__).parent / "fixtures"


def tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder: the tiny rulebook, its 2023 data in `tiny-data/`, scenarios in `scenarios/`."""
    (tmp_path / ".cchc-project").write_text("", encoding="utf-8")
    shutil.copy(FIXTURES / "tiny.yaml", tmp_path / "tiny.yaml")
    shutil.copytree(FIXTURES / "data-2023", tmp_path / "tiny-data")
    shutil.copytree(FIXTURES / "data-2024", tmp_path / "data-2024")
    (tmp_path / "scenarios").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scenario(folder: Path, ident: str, extra: str = "", data: str = "../tiny-data") -> Path:
    file = folder / "scenarios" / f"{ident}.yaml"
    file.write_text(f'dsl: 1\nid: {ident}\ntitle: "Scenario {ident}"\ndata: {data}\nbaseline: ../tiny.yaml\n'
                    f"variants:\n  next:\n    data: ../data-2024\noutputs: [html, csv]\n{extra}", encoding="utf-8")
    return file


def test_run_out_dot_with_an_id_equal_to_the_data_folder_deletes_nothing(project, tmp_path_factory, capsys):
    file = scenario(project, "tiny-data")  # its folder under --out . would be the data folder itself
    before = tree(project)
    assert main(["run", str(file), "--out", ".", "--lang", "en"]) == 1
    assert "F102" in capsys.readouterr().err  # the output folder holds the scenario file
    assert tree(project) == before
    # the scenario file elsewhere, so that only the data is at stake, and --force: that scenario fails alone
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    moved = elsewhere / "s.yaml"
    moved.write_text(file.read_text(encoding="utf-8").replace("../", f"{project}/"), encoding="utf-8")
    before = tree(project / "tiny-data")
    assert main(["run", str(moved), "--out", ".", "--force", "--allow-path", str(project), "--lang", "en"]) == 1
    assert "F102" in capsys.readouterr().err
    assert tree(project / "tiny-data") == before
    assert "F102" in (project / "index.html").read_text(encoding="utf-8")


def test_two_runs_into_one_folder_are_both_listed(project):
    first, second = scenario(project, "first"), scenario(project, "second")
    assert main(["run", str(first), "--out", "out", "--lang", "en"]) == 0
    assert main(["run", str(second), "--out", "out", "--lang", "en"]) == 0
    page = (project / "out" / "index.html").read_text(encoding="utf-8")
    assert "Scenario first" in page and "Scenario second" in page and "2 / 2" in page


def test_a_write_failure_is_that_scenarios_failure_and_the_index_lists_it(project, monkeypatch, capsys):
    good, bad = scenario(project, "good"), scenario(project, "bad")
    from cchc_rules.scenarios import publish as publishing

    real = publishing.publish

    def flaky(run, folder, lang=None):
        if run.scenario.id == "bad":
            raise OSError(errno.ENOSPC, "No space left on device", str(folder / "report.html"))
        return real(run, folder, lang)

    monkeypatch.setattr(publishing, "publish", flaky)
    assert main(["run", str(good), str(bad), "--out", "out", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "F105" in err and "the disk is full" in err and "Traceback" not in err
    assert (project / "out" / "good" / "report.html").is_file()
    assert not (project / "out" / "bad").exists()  # nothing half written
    page = (project / "out" / "index.html").read_text(encoding="utf-8")
    assert "Scenario good" in page and "Scenario bad" in page and "1 / 2" in page and "F105" in page


def test_a_concurrent_batch_into_the_same_folder_is_refused(project, capsys):
    file = scenario(project, "one")
    assert main(["run", str(file), "--out", "out", "--lang", "en"]) == 0
    shutil.rmtree(project / "out" / "one")
    with FileLock(str(project / "out" / ".cchc-lock")):
        assert main(["run", str(file), "--out", "out", "--lang", "en"]) == 1
    assert "F104" in capsys.readouterr().err
    assert not (project / "out" / "one").exists()


def test_stale_temporary_folders_are_removed_at_the_next_run(project):
    file = scenario(project, "one")
    assert main(["run", str(file), "--out", "out", "--lang", "en"]) == 0
    stale = project / "out" / ".one.abcd_123.tmp"
    stale.mkdir()
    (stale / "report.html").write_text("half", encoding="utf-8")
    old = project / "out" / ".one.old.zz99zz99"
    old.mkdir()
    assert main(["run", str(file), "--out", "out", "--lang", "en"]) == 0
    assert not stale.exists() and not old.exists()


def test_a_foreign_folder_is_not_taken_over(project, capsys):
    file = scenario(project, "one")
    mine = project / "mine"
    mine.mkdir()
    (mine / "one").mkdir()
    (mine / "one" / "letter.txt").write_text("keep", encoding="utf-8")
    assert main(["run", str(file), "--out", "mine", "--lang", "en"]) == 1
    assert "F101" in capsys.readouterr().err
    # --force says: use the folder, and replace the scenario's folder although cchc-rules did not write it
    assert main(["run", str(file), "--out", "mine", "--force", "--lang", "en"]) == 0
    assert not (mine / "one" / "letter.txt").exists()


def test_a_notebook_outside_the_projects_notebooks_needs_allow_notebook(project, capsys):
    (project / "scenarios" / "mine.ipynb").write_text(
        (FIXTURES.parents[2] / "notebooks" / "scenario_report.ipynb").read_text(encoding="utf-8"), encoding="utf-8")
    file = scenario(project, "custom", "notebook: mine.ipynb\n")
    assert main(["run", str(file), "--out", "out", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "S611" in err and "--allow-notebook" in err
    summary = json.loads((project / "out" / "custom" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "failed" and summary["notebook"] is None  # no kernel was started


def test_data_outside_the_project_is_refused_unless_allowed(project, tmp_path_factory, capsys):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    shutil.copytree(FIXTURES / "data-2023", elsewhere / "data")
    file = scenario(project, "far", data=str(elsewhere / "data"))
    assert main(["run", str(file), "--out", "out", "--lang", "en"]) == 1
    assert "F110" in capsys.readouterr().err
    assert main(["run", str(file), "--out", "out", "--lang", "en", "--allow-path", str(elsewhere)]) == 0


def test_no_absolute_path_in_what_a_run_says_or_writes(project, capsys):
    file = scenario(project, "one")
    assert main(["run", str(file), "--out", "out", "--lang", "en"]) == 0
    said = capsys.readouterr().out
    assert "Wrote 1 scenario into out/" in said and str(project) not in said
    summary = (project / "out" / "one" / "summary.json").read_text(encoding="utf-8")
    assert str(project) not in summary and '"file": "../../scenarios/one.yaml"' in summary


@pytest.mark.slow
def test_workers_die_with_the_batch(project):
    """kill -9 of `cchc run --jobs 2` leaves no worker (nor kernel) running."""
    slow = project / "scenarios" / "slow.ipynb"
    slow.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {"tags": ["parameters"]},
                   "outputs": [], "source": 'scenario = ""\nout_dir = ""\nlang = "vi"'},
                  {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                   "source": "import time\ntime.sleep(120)"}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    files = [scenario(project, f"slow-{i}", "notebook: slow.ipynb\n") for i in (1, 2)]
    batch = subprocess.Popen([sys.executable, "-m", "cchc_rules.cli", "run", *map(str, files), "--out", "out",
                              "--jobs", "2", "--allow-notebook"], cwd=project, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    parent = psutil.Process(batch.pid)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(parent.children(recursive=True)) < 4:  # 2 workers, 2 kernels
        time.sleep(0.5)
    family = parent.children(recursive=True)
    assert len(family) >= 2
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()
    gone, alive = psutil.wait_procs(family, timeout=30)
    for process in alive:
        process.kill()
    assert alive == []
    # the killed run left its temporary folders; the next run removes them
    assert [p for p in (project / "out").iterdir() if p.name.endswith(".tmp")]
    assert main(["run", str(scenario(project, "quick")), "--out", "out", "--lang", "en"]) == 0
    assert [p for p in (project / "out").iterdir() if p.name.endswith(".tmp")] == []
    assert [name for name, _ in runner.present(project / "out")] == ["quick"]
