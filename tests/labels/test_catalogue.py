"""The label catalogue: every key in both languages, as words, with the same placeholders."""

from __future__ import annotations

import ast
import importlib
import string
from pathlib import Path

import pytest

from cchc_rules.labels import MODULES, Catalogue, Label, by_key, by_language

PACKAGE = Path(__file__).resolve().parents[2] / "cchc_rules" / "labels"


def _catalogues() -> list[tuple[str, str, Catalogue]]:
    found = []
    for module in MODULES:
        mod = importlib.import_module(f"cchc_rules.labels.{module}")
        for name, value in vars(mod).items():
            if name.isupper() and isinstance(value, dict):
                found.append((module, name, value))
    return found


CATALOGUES = _catalogues()


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def test_every_module_is_listed_and_holds_catalogues():
    on_disk = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "label"}
    assert on_disk == set(MODULES)
    assert {m for m, _, _ in CATALOGUES} == set(MODULES)
    assert sum(len(c) for _, _, c in CATALOGUES) > 400  # the labels moved from 15 modules


@pytest.mark.parametrize("module,name,catalogue", CATALOGUES, ids=[f"{m}.{n}" for m, n, _ in CATALOGUES])
def test_every_key_has_vietnamese_and_english_words(module, name, catalogue):
    for key, label in catalogue.items():
        assert isinstance(label, Label), (name, key)
        assert label.vi.strip() and label.en.strip(), f"{module}.{name}[{key!r}] lacks a language"
        assert label.vi != key, f"{module}.{name}[{key!r}]: the Vietnamese text is the internal code"
        assert _fields(label.vi) == _fields(label.en), f"{module}.{name}[{key!r}]: placeholders differ"


def test_the_catalogue_is_a_leaf_package():
    """labels/ imports nothing of cchc_rules but itself, so that every layer may read it."""
    for file in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cchc_rules"):
                assert node.module.startswith("cchc_rules.labels"), (file.name, node.module)


def test_shapes_for_lookups():
    catalogue = {"good": Label("Tốt", "Good")}
    assert by_key(catalogue) == {"good": {"vi": "Tốt", "en": "Good"}}
    assert by_language(catalogue) == {"vi": {"good": "Tốt"}, "en": {"good": "Good"}}
    assert Label("Tốt", "Good").text("en") == "Good" and Label("Tốt", "Good").text("vi") == "Tốt"
