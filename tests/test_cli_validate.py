"""`cchc validate`: exit codes, problems on stderr, summary on stdout, languages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cchc_rules.cli import main

FIXTURES = Path(__file__).parent / "dsl" / "fixtures" / "validate"


def test_a_valid_file_exits_0(capsys):
    assert main(["validate", str(FIXTURES / "valid.yaml"), "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == f"✓ {FIXTURES / 'valid.yaml'}: valid (0 warnings)"
    assert err == ""


def test_ten_mistakes_exit_1_with_every_problem_on_stderr(capsys):
    assert main(["validate", str(FIXTURES / "ten-mistakes.yaml"), "--lang", "en"]) == 1
    out, err = capsys.readouterr()
    assert out.strip() == f"✗ {FIXTURES / 'ten-mistakes.yaml'}: 10 errors, 1 warning"
    assert err.count(": error R") == 10 and err.count(": warning R190") == 1
    assert "ten-mistakes.yaml:24:23: error R150 (ranking/tie_break/0)" in err


def test_warnings_do_not_fail(tmp_path, capsys):
    path = tmp_path / "warned.yaml"
    path.write_text((FIXTURES / "valid.yaml").read_text(encoding="utf-8").replace("scale: 100", "scale: 90"),
                    encoding="utf-8")
    assert main(["validate", str(path), "--lang", "vi"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == f"✓ {path}: hợp lệ (1 cảnh báo)"
    assert ": cảnh báo R190 (scale)" in err


def test_cchc_lang_is_respected(monkeypatch, capsys):
    monkeypatch.setenv("CCHC_LANG", "en")
    assert main(["validate", str(FIXTURES / "ten-mistakes.yaml")]) == 1
    assert "Did you mean 'ladder'?" in capsys.readouterr().err
    monkeypatch.delenv("CCHC_LANG")
    assert main(["validate", str(FIXTURES / "ten-mistakes.yaml")]) == 1  # default: Vietnamese
    out, err = capsys.readouterr()
    assert "Có phải 'ladder'?" in err and "10 lỗi, 1 cảnh báo" in out


def test_a_folder_is_walked_without_its_tests(tmp_path, capsys):
    shutil.copy(FIXTURES / "valid.yaml", tmp_path / "a.yaml")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "golden.yaml").write_text("rulebook: ../a.yaml\ncases: []\n", encoding="utf-8")
    assert main(["validate", str(tmp_path), "--lang", "en"]) == 0
    assert capsys.readouterr().out.strip() == f"✓ {tmp_path / 'a.yaml'}: valid (0 warnings)"


def test_one_bad_file_among_good_ones_fails(tmp_path, capsys):
    assert main(["validate", str(FIXTURES / "valid.yaml"), str(tmp_path / "missing.yaml"), "--lang", "en"]) == 1
    out, err = capsys.readouterr()
    assert out.count("✓") == 1 and out.count("✗") == 1
    assert "Y006" in err


def test_an_empty_folder_fails(tmp_path, capsys):
    assert main(["validate", str(tmp_path), "--lang", "en"]) == 1
    assert "no .yaml file found" in capsys.readouterr().err


def test_table_format(capsys):
    assert main(["validate", str(FIXTURES / "ten-mistakes.yaml"), "--lang", "en", "--format", "table"]) == 1
    err = capsys.readouterr().err
    assert "what would be right" in err.splitlines()[1]
    assert any(line.startswith("error     R140  18") for line in err.splitlines())


@pytest.mark.parametrize("lang", ["xx"])
def test_an_unknown_language_is_refused(lang):
    with pytest.raises(SystemExit):
        main(["validate", str(FIXTURES / "valid.yaml"), "--lang", lang])
