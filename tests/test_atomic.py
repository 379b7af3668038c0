"""Files and folders are written all or nothing."""

import pytest

from cchc_rules.atomic import atomic_file, atomic_folder, write_text


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = write_text(tmp_path / "report.html", "old")
    with pytest.raises(RuntimeError), atomic_file(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("crash while writing")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_folder_is_replaced_whole_or_not_at_all(tmp_path):
    out = tmp_path / "results"
    with atomic_folder(out) as tmp:
        (tmp / "a.csv").write_text("1", encoding="utf-8")
        (tmp / "b.csv").write_text("2", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_folder(out) as tmp:
        (tmp / "a.csv").write_text("new", encoding="utf-8")
        raise RuntimeError("crash while writing")
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == {"a.csv": "1", "b.csv": "2"}
    with atomic_folder(out) as tmp:
        (tmp / "c.csv").write_text("3", encoding="utf-8")
    assert [p.name for p in out.iterdir()] == ["c.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]
