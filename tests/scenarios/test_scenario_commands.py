"""`cchc run` and `cchc demo`: the parts that need no kernel (the runner's own tests run notebooks)."""

from __future__ import annotations

from pathlib import Path

from cchc_rules.cli import main
from cchc_rules.commands import demo
from cchc_rules.commands.run import scenario_files

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_folder_without_scenarios_fails(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["run", str(empty), "--out", str(tmp_path / "out"), "--lang", "en"]) == 1
    assert "no .yaml scenario file found" in capsys.readouterr().err
    assert (tmp_path / "out" / "index.html").is_file()


def test_a_folder_names_its_yaml_files_in_order():
    files, empty = scenario_files([FIXTURES, FIXTURES / "sweep.yaml"])
    assert empty == []
    assert files[-1] == FIXTURES / "sweep.yaml"
    assert [f.name for f in files[:-1]] == sorted(f.name for f in FIXTURES.glob("*.yaml"))


def test_every_sample_dataset_has_a_rulebook_for_the_demo():
    datasets = {p.name for p in (demo.REPO / "datasets").iterdir() if p.is_dir()}
    assert set(demo.SAMPLES) == datasets
    assert all((demo.REPO / "rulebooks" / f"{rb}.yaml").is_file() for rb in demo.SAMPLES.values())


def test_demo_validates_every_shipped_rulebook(capsys):
    assert demo.validate_rulebooks(demo.REPO / "rulebooks", "en")
    lines = capsys.readouterr().out.splitlines()
    assert "✓ rulebooks/proposals/survey-40.yaml: valid" in lines
    assert not any(line.startswith("✗") for line in lines)
