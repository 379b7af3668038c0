"""The batch runner: good scenarios complete beside failing ones, atomically, computed in-process
(no kernel) unless a notebook is asked for (`--notebooks`, or the scenario's own `notebook:`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from cchc_rules.cli import main
from cchc_rules.scenarios import runner

FIXTURES = Path(__file__).parent / "fixtures"


def notebook_that_raises(folder: Path) -> Path:
    """A valid scenario whose notebook raises (made here, so that no failing notebook lies in the test paths)."""
    nb = new_notebook(
        cells=[new_code_cell('scenario = ""\nout_dir = ""\nlang = "vi"', metadata={"tags": ["parameters"]}),
               new_code_cell('raise RuntimeError("boom: the notebook failed on purpose")')],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(nb, folder / "raises.ipynb")
    scenario = folder / "notebook-fails.yaml"
    scenario.write_text(
        f'dsl: 1\nid: tiny-notebook-fails\ntitle: "A notebook that raises"\ndata: {FIXTURES / "data-2023"}\n'
        f"baseline: {FIXTURES / 'tiny.yaml'}\nnotebook: raises.ipynb\n",
        encoding="utf-8",
    )
    return scenario


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "out"
    files = [FIXTURES / "year-on-year.yaml", FIXTURES / "sweep.yaml", FIXTURES / "bad-data.yaml",
             notebook_that_raises(tmp_path_factory.mktemp("raises"))]
    # the notebook lies beside its scenario, outside the project's notebooks/: it runs only with --allow-notebook;
    # that scenario names the fixtures' data from a temporary folder: allowed with --allow-path
    code = main(["run", *map(str, files), "--out", str(out), "--lang", "en", "--allow-notebook",
                 "--allow-path", str(FIXTURES)])
    return code, out


def _summary(out: Path, name: str) -> dict:
    return json.loads((out / name / "summary.json").read_text(encoding="utf-8"))


def test_exit_status_says_not_everything_succeeded(batch):
    code, _ = batch
    assert code == 1


def test_good_scenarios_complete_beside_failing_ones(batch):
    _, out = batch
    for name in ("tiny-year-on-year", "tiny-sweep"):
        summary = _summary(out, name)
        assert summary["status"] == "ok", summary.get("error")
        for file in ("report.html", "summary.json", "tables/baseline-units.csv"):
            assert (out / name / file).is_file(), (name, file)
        assert not (out / name / "report.ipynb").exists()  # no notebook unless asked for
        assert summary["notebook"] is None
        page = (out / name / "report.html").read_text(encoding="utf-8")
        assert re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page) == []
    # the year-on-year figures, by hand in test_scenario_execute: tau = 4/6, 2 band changes
    variant = _summary(out, "tiny-year-on-year")["variants"][0]
    assert variant["kendall_tau"] == pytest.approx(4 / 6) and variant["band_changes"] == 2


def test_bad_data_is_reported_with_every_problem_and_no_kernel(batch):
    _, out = batch
    summary = _summary(out, "tiny-bad-data")
    assert summary["status"] == "failed"
    assert "D336" in summary["error"] and "D321" in summary["error"]
    assert {(p["code"], p["line"]) for p in summary["problems"]} == {("D336", 2), ("D321", 5)}
    assert summary["notebook"] is None  # checked before any notebook ran


def test_an_exception_in_the_notebook_is_reported_and_the_notebook_kept(batch):
    _, out = batch
    summary = _summary(out, "tiny-notebook-fails")
    assert summary["status"] == "failed"
    assert summary["error"].startswith("RuntimeError: boom")
    assert (out / "tiny-notebook-fails" / "report.ipynb").is_file()


def test_index_lists_every_scenario_with_links(batch):
    _, out = batch
    page = (out / "index.html").read_text(encoding="utf-8")
    for title in ("Two years of the tiny data", "Sweeping the Good threshold", "Bad data", "A notebook that raises"):
        assert title in page
    assert 'href="tiny-sweep/report.html"' in page
    assert 'href="tiny-bad-data/summary.json"' in page
    assert "2 / 4" in page


def test_no_temporary_folder_is_left(batch):
    _, out = batch
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".cchc-")) == sorted(
        ["index.html", "tiny-year-on-year", "tiny-sweep", "tiny-bad-data", "tiny-notebook-fails"])


def test_an_interrupted_run_leaves_no_half_report(tmp_path, monkeypatch):
    out = tmp_path / "out"
    old = out / "tiny-year-on-year"
    old.mkdir(parents=True)
    (old / "summary.json").write_text('{"status": "ok"}', encoding="utf-8")

    def interrupted(run, folder, lang):
        (folder / "report.html").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr("cchc_rules.scenarios.publish.publish", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runner.run_scenarios([FIXTURES / "year-on-year.yaml"], out, progress=False, force=True)
    # the older complete report is untouched and nothing half-written stays beside it; the index says why
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".cchc-")) == ["index.html",
                                                                                       "tiny-year-on-year"]
    assert sorted(p.name for p in old.iterdir()) == ["summary.json"]
    assert "S612" in (out / "index.html").read_text(encoding="utf-8")


def test_folder_names_follow_ids_and_never_collide():
    files = [FIXTURES / "sweep.yaml", FIXTURES / "sweep.yaml", FIXTURES / "tiny.yaml", FIXTURES / "many-problems.yaml"]
    # tiny.yaml is a rulebook: its id "tiny" is used as a name too (the check reports what is wrong with it);
    # many-problems.yaml has the id "Many Problems", which is no folder name: the file's stem is used
    assert runner.folder_names(files) == ["tiny-sweep", "tiny-sweep-2", "tiny", "many-problems"]


def test_the_notebook_is_written_on_request(tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(FIXTURES / "year-on-year.yaml"), "--out", str(out), "--notebooks", "--lang", "en"]) == 0
    summary = _summary(out, "tiny-year-on-year")
    assert summary["status"] == "ok" and summary["notebook"] == "report.ipynb"
    executed = nbformat.read(out / "tiny-year-on-year" / "report.ipynb", as_version=4)
    assert any(cell.get("outputs") for cell in executed.cells if cell.cell_type == "code")
    assert (out / "tiny-year-on-year" / "report.html").is_file()
    assert 'href="tiny-year-on-year/report.ipynb"' in (out / "index.html").read_text(encoding="utf-8")
