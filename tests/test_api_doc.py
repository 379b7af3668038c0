"""The public API: docs/API.md runs as written (doctest), `dir` lists the API, no `Any` in its signatures."""

from __future__ import annotations

import doctest
import inspect
from pathlib import Path

import pytest

import cchc_rules
import cchc_rules.api as api

ROOT = Path(__file__).resolve().parents[1]


def test_the_api_page_runs_as_written(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(ROOT)  # the page's paths are the project's folders
    failed, tried = doctest.testfile(str(ROOT / "docs" / "API.md"), module_relative=False, report=True,
                                     optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried >= 30
    assert failed == 0


def test_every_public_function_has_an_example_on_the_page():
    page = (ROOT / "docs" / "API.md").read_text(encoding="utf-8")
    for name in api.__all__:
        if inspect.isfunction(getattr(api, name)):
            assert f"cchc_rules.{name}(" in page, name


def test_dir_lists_the_api_before_anything_is_imported():
    assert set(api.__all__) <= set(dir(cchc_rules))
    assert {"Rulebook", "Dataset", "Result", "Comparison", "CchcError", "score"} <= set(dir(cchc_rules))
    assert cchc_rules.__all__ == api.__all__


def test_the_package_and_the_api_module_give_the_same_objects():
    for name in api.__all__:
        assert getattr(cchc_rules, name) is getattr(api, name)
    with pytest.raises(AttributeError):
        cchc_rules.no_such_name  # noqa: B018


def _signatures(obj: object) -> dict[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    if inspect.isclass(obj):
        for name, member in vars(obj).items():
            if name.startswith("_") and name != "__init__":
                continue
            function = getattr(member, "fget", None) or getattr(member, "func", None) or member
            if callable(function):
                found[f"{obj.__name__}.{name}"] = inspect.get_annotations(function)
    elif callable(obj):
        found[getattr(obj, "__name__", "?")] = inspect.get_annotations(obj)
    return found


def test_no_any_in_the_api_functions():
    wrong = {}
    for name in api.__all__:
        obj = getattr(api, name)
        if inspect.isfunction(obj):
            wrong.update({f: a for f, a in _signatures(obj).items() if any("Any" in str(t) for t in a.values())})
    assert not wrong


def test_paths_and_objects_alike(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(ROOT)
    rulebook = cchc_rules.load_rulebook(Path("rulebooks/par-province-2024.yaml"))
    dataset = cchc_rules.load_dataset(Path("datasets/sample-province-2023"), "rulebooks/par-province-2024.yaml")
    assert cchc_rules.load_dataset(dataset, rulebook) is dataset
    by_path = cchc_rules.score("rulebooks/par-province-2024.yaml", Path("datasets/sample-province-2023"))
    by_object = cchc_rules.score(rulebook, dataset)
    assert by_path.units["index"].equals(by_object.units["index"])
    # ranks are within groups: vp-ubnd first of the departments, h-nam-binh first of the districts
    assert by_path.units.loc[by_path.units["rank"] == 1, "unit_id"].tolist() == ["vp-ubnd", "h-nam-binh"]


def test_a_crosswalk_file_matches_merged_units(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(ROOT)
    base = cchc_rules.score("rulebooks/par-province-2024.yaml", "datasets/sample-province-2024")
    merged = cchc_rules.score("rulebooks/par-province-2025.yaml", "datasets/sample-province-2025")
    crosswalk = Path("datasets/sample-province-2025/crosswalk.csv")
    from_file = cchc_rules.compare(base, merged, crosswalk)
    table = cchc_rules.load_dataset("datasets/sample-province-2025", "rulebooks/par-province-2025.yaml").meta.crosswalk
    from_table = cchc_rules.compare(base, merged, table)
    assert from_file.units["index_delta"].equals(from_table.units["index_delta"])
    # so-tai-chinh 2025 takes the mean of its two 2024 predecessors (so-khdt and so-tai-chinh)
    row = from_file.units.set_index("unit_id").loc["so-tai-chinh"]
    both = base.units.set_index("unit_id").loc[["so-khdt", "so-tai-chinh"], "index"]
    assert row["index_base"] == pytest.approx(both.mean())


def test_a_missing_crosswalk_file_is_a_located_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(ROOT)
    result = cchc_rules.score("rulebooks/par-province-2024.yaml", "datasets/sample-province-2023")
    with pytest.raises(cchc_rules.CchcError) as caught:
        cchc_rules.compare(result, result, tmp_path / "nowhere.csv")
    assert "nowhere.csv" in caught.value.format("en")
