"""Files only where they belong (issue: hostile input, item 5) and `extends` signatures that once crashed (item 7).

A secret file outside the project stands for `/etc/shadow`: its content must never be shown, not
in messages, not in a scenario's `summary.json`, not in `index.html`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cchc_rules import places
from cchc_rules.cli import main

FIXTURES = Path(__file__).parent / "scenarios" / "fixtures"
SECRET = "root: $6$hunter2hash\nadmin: letmein-42\n"


@pytest.fixture
def project(tmp_path_factory, monkeypatch):
    root = tmp_path_factory.mktemp("project")
    (root / ".cchc-project").write_text("", encoding="utf-8")
    shutil.copy(FIXTURES / "tiny.yaml", root / "tiny.yaml")
    shutil.copytree(FIXTURES / "data-2023", root / "data")
    monkeypatch.chdir(root)
    monkeypatch.delenv(places.ENV, raising=False)
    return root


@pytest.fixture
def secret(tmp_path_factory):
    folder = tmp_path_factory.mktemp("etc")
    (folder / "shadow").write_text(SECRET, encoding="utf-8")
    return folder / "shadow"


def derived(folder: Path, extends: str, name: str = "draft.yaml") -> Path:
    file = folder / name
    file.write_text(f'dsl: 1\nid: draft\nextends: "{extends}"\nchanges: []\n', encoding="utf-8")
    return file


def test_extends_outside_the_project_is_refused_and_nothing_of_it_shown(project, secret, capsys):
    assert main(["validate", str(derived(project, str(secret))), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "F110" in err and "draft.yaml:3" in err and "--allow-path" in err
    assert "hunter2" not in err and "letmein" not in err


def test_extends_of_an_allowed_file_that_is_no_rulebook_shows_nothing_of_it(project, secret, capsys):
    file = derived(project, str(secret))
    assert main(["validate", str(file), "--allow-path", str(secret.parent), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "F111" in err and "its content is not shown" in err
    assert "hunter2" not in err and "letmein" not in err and "$6$" not in err


def test_a_symlink_inside_the_project_to_a_file_outside_is_refused(project, secret, capsys):
    (project / "innocent.yaml").symlink_to(secret)
    assert main(["validate", str(derived(project, "innocent.yaml")), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "F110" in err and "hunter2" not in err


def test_extends_within_the_project_still_works(project, capsys):
    sub = project / "proposals"
    sub.mkdir()
    assert main(["validate", str(derived(sub, "../tiny.yaml")), "--lang", "en"]) == 0


def test_a_scenario_extending_a_secret_puts_nothing_of_it_in_its_outputs(project, secret, capsys):
    derived(project, str(secret))
    scenario = project / "s.yaml"
    scenario.write_text('dsl: 1\nid: leak\ntitle: "Leak"\ndata: data\nbaseline: draft.yaml\n', encoding="utf-8")
    assert main(["run", str(scenario), "--out", "out", "--lang", "en", "--allow-path", str(secret.parent)]) == 1
    err = capsys.readouterr().err
    written = [(project / "out" / "leak" / "summary.json").read_text(encoding="utf-8"),
               (project / "out" / "index.html").read_text(encoding="utf-8"), err]
    assert all("F111" in text for text in written)
    assert not any("hunter2" in text or "letmein" in text for text in written)


def test_a_crosswalk_outside_the_dataset_and_project_is_refused(project, tmp_path_factory, capsys):
    far = tmp_path_factory.mktemp("far") / "crosswalk.csv"
    far.write_text("old_unit_id,new_unit_id\nA,A\n", encoding="utf-8")
    meta = project / "data" / "dataset.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + f"crosswalk: {far}\n", encoding="utf-8")
    assert main(["score", "tiny.yaml", "data", "--lang", "en"]) == 1
    assert "F110" in capsys.readouterr().err


@pytest.mark.parametrize("written", ["bad\\0name.yaml", "x" * 5000 + ".yaml", "loop.yaml"],
                         ids=["nul", "5000-characters", "symlink-loop"])
def test_extends_signatures_that_once_crashed_give_a_located_error(project, written, capsys):
    if written == "loop.yaml":
        os.symlink("loop.yaml", project / "loop.yaml")
    file = project / "draft.yaml"
    file.write_text(f'dsl: 1\nid: draft\nextends: "{written}"\nchanges: []\n', encoding="utf-8")
    assert main(["validate", str(file), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "draft.yaml:3" in err and "Traceback" not in err and "Internal error" not in err


def test_project_root_is_the_nearest_folder_with_a_marker(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "pyproject.toml").write_text("", encoding="utf-8")
    assert places.project_root(tmp_path / "a" / "b") == tmp_path / "a"
    assert places.allowed(tmp_path / "a" / "x.yaml", tmp_path / "a" / "b" / "r.yaml")
    assert not places.allowed(tmp_path / "y.yaml", tmp_path / "a" / "b" / "r.yaml")
