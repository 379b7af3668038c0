"""Outputs never destroy inputs (issue: hostile input, item 1) and the CLI never shows a traceback.

Each case of the issue is reproduced and the test asserts that nothing was lost: every input file
keeps its bytes (compared by SHA-256 before and after).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from cchc_rules import outputs
from cchc_rules.cli import main

FIXTURES = Path(__file__).parent / "scenarios" / "fixtures"


def fingerprint(path: Path) -> dict[str, str]:
    """Every file under `path` (or `path` itself) with the SHA-256 of its bytes."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {str(f.relative_to(path.parent)): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A rulebook and a dataset of 4 units in a folder of their own; the working folder is that folder."""
    (tmp_path / ".cchc-project").write_text("", encoding="utf-8")
    shutil.copy(FIXTURES / "tiny.yaml", tmp_path / "tiny.yaml")
    shutil.copytree(FIXTURES / "data-2023", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*argv: str) -> int:
    return main([*argv, "--lang", "en"])


def test_out_equal_to_the_dataset_is_refused_and_the_dataset_kept(project, capsys):
    before = fingerprint(project / "data")
    assert run("score", "tiny.yaml", "data", "--out", "data") == 1
    assert "F102" in capsys.readouterr().err
    assert fingerprint(project / "data") == before
    # --force does not override it
    assert run("score", "tiny.yaml", "data", "--out", "data", "--force") == 1
    assert fingerprint(project / "data") == before


def test_out_inside_or_around_an_input_is_refused(project, capsys):
    before = fingerprint(project / "data")
    assert run("score", "tiny.yaml", "data", "--out", "data/results") == 1
    assert "lies inside the input" in capsys.readouterr().err
    assert run("score", "tiny.yaml", "data", "--out", ".") == 1  # the output would hold both inputs
    assert "contains the input" in capsys.readouterr().err
    assert run("handbook", "tiny.yaml", "--out", "tiny.yaml") == 1
    assert "F102" in capsys.readouterr().err
    assert fingerprint(project / "data") == before and (project / "tiny.yaml").read_bytes().startswith(b"dsl: 1")


def test_out_at_an_unrelated_folder_is_refused_unless_forced(project, capsys):
    notes = project / "notes"
    notes.mkdir()
    (notes / "minutes.docx").write_bytes(b"the meeting of Monday")
    before = fingerprint(notes)
    assert run("score", "tiny.yaml", "data", "--out", "notes") == 1
    err = capsys.readouterr().err
    assert "F101" in err and "--force" in err and "Traceback" not in err
    assert fingerprint(notes) == before
    assert run("score", "tiny.yaml", "data", "--out", "notes", "--force") == 0
    assert not (notes / "minutes.docx").exists() and (notes / "results.xlsx").is_file()


def test_out_at_a_rulebook_file_is_refused(project, capsys):
    other = project / "other-rulebook.yaml"
    shutil.copy(project / "tiny.yaml", other)
    before = fingerprint(other)
    assert run("score", "tiny.yaml", "data", "--out", str(other)) == 1
    assert "F101" in capsys.readouterr().err
    assert run("handbook", "tiny.yaml", "--out", str(other)) == 1
    assert "F101" in capsys.readouterr().err
    assert fingerprint(other) == before


def test_its_own_output_is_replaced_but_not_after_a_person_changed_it(project, capsys):
    assert run("score", "tiny.yaml", "data", "--out", "out") == 0
    assert "Results written to out/" in capsys.readouterr().out  # relative, not the machine's path
    assert (project / "out" / outputs.MARKER).is_file()
    assert run("score", "tiny.yaml", "data", "--out", "out") == 0  # its own, unchanged: replaced
    (project / "out" / "my-notes.txt").write_text("keep me", encoding="utf-8")
    assert run("score", "tiny.yaml", "data", "--out", "out") == 1
    assert "my-notes.txt" in capsys.readouterr().err
    assert (project / "out" / "my-notes.txt").read_text(encoding="utf-8") == "keep me"
    (project / "out" / "my-notes.txt").unlink()
    with (project / "out" / "units.csv").open("a", encoding="utf-8") as f:
        f.write("an edit\n")
    assert run("score", "tiny.yaml", "data", "--out", "out") == 1
    assert "units.csv" in capsys.readouterr().err


def test_an_empty_folder_is_used(project):
    (project / "empty").mkdir()
    assert run("score", "tiny.yaml", "data", "--out", "empty") == 0
    assert (project / "empty" / "units.csv").is_file()


def test_a_single_file_output_is_replaced_only_when_it_is_its_own(project, capsys):
    assert run("handbook", "tiny.yaml", "--out", "handbook.md") == 0
    assert "handbook.md" in capsys.readouterr().out
    assert run("handbook", "tiny.yaml", "--out", "handbook.md") == 0  # listed in .cchc-files.json, unchanged
    (project / "handbook.md").write_text("edited by a person", encoding="utf-8")
    assert run("handbook", "tiny.yaml", "--out", "handbook.md") == 1
    assert (project / "handbook.md").read_text(encoding="utf-8") == "edited by a person"
    assert run("handbook", "tiny.yaml", "--out", "handbook.md", "--force") == 0
    assert (project / "handbook.md").read_text(encoding="utf-8") != "edited by a person"
    (project / "schema.json").write_text("{}", encoding="utf-8")
    assert run("schema", "--out", "schema.json") == 1
    assert (project / "schema.json").read_text(encoding="utf-8") == "{}"


def test_the_workbook_and_its_issued_copy_are_both_guarded(project, capsys):
    """`cchc workbook` writes two files: the workbook and, beside it, the issued copy the province keeps."""
    assert run("workbook", "tiny.yaml", "data", "--out", "book.xlsx") == 0
    assert "book.issued.json" in capsys.readouterr().out
    files = {p.name for p in project.iterdir()}
    assert {"book.xlsx", "book.issued.json", outputs.FILES} <= files
    assert not [n for n in files if n.startswith(".book")]  # no temporary file left beside them
    listed = json.loads((project / outputs.FILES).read_text(encoding="utf-8"))["files"]
    assert set(listed) == {"book.xlsx", "book.issued.json"}
    issue = json.loads((project / "book.issued.json").read_text(encoding="utf-8"))["workbooks"][0]
    assert issue["file"] == "book.xlsx"  # the name as issued, not the temporary one
    assert run("workbook", "tiny.yaml", "data", "--out", "book.xlsx") == 0  # both its own: replaced
    # a person's file where the issued copy goes: neither file is touched without --force
    (project / "book.issued.json").write_text("my notes", encoding="utf-8")
    book = fingerprint(project / "book.xlsx")
    assert run("workbook", "tiny.yaml", "data", "--out", "book.xlsx") == 1
    err = capsys.readouterr().err
    assert "F101" in err and "book.issued.json" in err
    assert (project / "book.issued.json").read_text(encoding="utf-8") == "my notes"
    assert fingerprint(project / "book.xlsx") == book
    assert run("workbook", "tiny.yaml", "data", "--out", "book.xlsx", "--force") == 0
    assert json.loads((project / "book.issued.json").read_text(encoding="utf-8"))["format"] == "cchc-issued"
    # per unit: the issued copy goes beside the folder, and is guarded the same way
    (project / "books.issued.json").write_text("my notes", encoding="utf-8")
    assert run("workbook", "tiny.yaml", "data", "--out", "books", "--per-unit") == 1
    assert "F101" in capsys.readouterr().err and not (project / "books").exists()
    # the issued copy is an input of `score`: an output may not replace it, --force or not
    assert run("score", "tiny.yaml", "book.xlsx", "--out", "book.issued.json", "--force") == 1
    assert "F102" in capsys.readouterr().err
    assert json.loads((project / "book.issued.json").read_text(encoding="utf-8"))["format"] == "cchc-issued"


def test_a_concurrent_writer_is_refused_clearly(project, capsys):
    with FileLock(str(outputs.lock_path(project / "out"))):
        assert run("score", "tiny.yaml", "data", "--out", "out") == 1
    assert "F104" in capsys.readouterr().err
    assert not (project / "out").exists()


def test_temporary_folders_of_a_killed_run_are_removed_by_the_next(project):
    stale = project / ".out.k1ll3d_x.tmp"
    (stale / "half").mkdir(parents=True)
    old = project / ".out.old.abcd1234"
    old.mkdir()
    keep = project / ".out.notours"  # not a name the atomic writer makes
    keep.mkdir()
    assert run("score", "tiny.yaml", "data", "--out", "out") == 0
    assert not stale.exists() and not old.exists() and keep.is_dir()


def test_a_full_disk_is_a_located_bilingual_error_and_the_old_output_stays(project, capsys, monkeypatch):
    assert run("score", "tiny.yaml", "data", "--out", "out") == 0
    before = fingerprint(project / "out")
    capsys.readouterr()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("cchc_rules.documents.results.write_results_workbook", full)
    assert run("score", "tiny.yaml", "data", "--out", "out") == 1
    err = capsys.readouterr().err
    assert "F105" in err and "the disk is full" in err and "Traceback" not in err
    assert main(["score", "tiny.yaml", "data", "--out", "out", "--lang", "vi"]) == 1
    assert "ổ đĩa đã đầy" in capsys.readouterr().err
    assert fingerprint(project / "out") == before
    assert sorted(p.name for p in project.iterdir() if p.name.endswith(".tmp")) == []


def test_lang_goes_before_or_after_the_command(project, capsys):
    assert main(["--lang", "en", "schema"]) == 0
    assert '"title"' in capsys.readouterr().out
    assert main(["--lang", "en", "score", "tiny.yaml", "missing-data"]) == 1
    en = capsys.readouterr().err
    assert main(["score", "tiny.yaml", "missing-data", "--lang", "en"]) == 1
    assert capsys.readouterr().err == en


def test_subcommand_help_speaks_vietnamese_by_default(capsys, monkeypatch):
    monkeypatch.delenv("CCHC_LANG", raising=False)
    with pytest.raises(SystemExit):
        main(["score", "--help"])
    vi = capsys.readouterr().out
    assert "cách dùng:" in vi and "tuỳ chọn:" in vi and "chấm ở giai đoạn này" in vi
    assert "score at this stage" not in vi
    with pytest.raises(SystemExit):
        main(["--lang", "en", "score", "--help"])
    en = capsys.readouterr().out
    assert "usage:" in en and "score at this stage" in en and "chấm ở giai đoạn này" not in en


def test_a_closed_pipe_ends_quietly(project):
    cchc = Path(sys.executable).with_name("cchc")
    done = subprocess.run(f"'{cchc}' score tiny.yaml data --lang en | head -1", shell=True, cwd=project,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("Scores")
    assert done.stderr == ""


def test_no_traceback_for_an_unexpected_fault(monkeypatch, capsys):
    def broken(args):
        raise RuntimeError("a bug")

    monkeypatch.setattr("cchc_rules.commands.schema.run", broken)
    monkeypatch.delenv("CCHC_DEBUG", raising=False)
    assert main(["schema", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "Internal error of cchc-rules (RuntimeError: a bug)" in err and "Traceback" not in err


@pytest.mark.parametrize(("code", "en", "vi"), [(errno.EROFS, "the file system is read-only", "ổ đĩa chỉ cho đọc"),
                                                 (errno.EACCES, "permission denied", "không có quyền ghi")])
def test_a_read_only_folder_is_a_located_bilingual_error(project, capsys, monkeypatch, code, en, vi):
    def refused(rulebook, path, lang):
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr("cchc_rules.commands.handbook.write_handbook", refused)
    assert main(["handbook", "tiny.yaml", "--out", "book/handbook.html", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "book/handbook.html: error F105" in err
    assert en in err and "Traceback" not in err
    assert main(["handbook", "tiny.yaml", "--out", "book/handbook.html", "--lang", "vi"]) == 1
    assert vi in capsys.readouterr().err
    assert not (project / "book" / "handbook.html").exists()
