"""Documents of the shipped rulebooks and sample data: every handbook renders; a round trip scores the same."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cchc_rules.data.load import load_dataset
from cchc_rules.documents.handbook import build_handbook, to_html, to_markdown
from cchc_rules.documents.workbook import write_workbook
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.engine.score import score

ROOT = Path(__file__).resolve().parents[2]
RULEBOOKS = sorted([*ROOT.glob("rulebooks/*.yaml"), *ROOT.glob("rulebooks/proposals/*.yaml")])


@pytest.mark.parametrize("path", RULEBOOKS, ids=[p.stem for p in RULEBOOKS])
def test_every_shipped_rulebook_has_a_handbook(path):
    rulebook = load_rulebook(path)
    for lang in ("vi", "en"):
        book = build_handbook(rulebook, lang)
        assert len(book.entries) == len(rulebook.nodes())
        assert "http" not in to_html(book).lower()
        assert all(entry.how for entry in book.entries if entry.leaf)  # every leaf's rule in words
        if rulebook.derivation is not None:
            assert book.changes[1], "a derived rulebook lists what changed"
        assert to_markdown(book)


def test_sample_province_round_trip(tmp_path):
    rulebook = load_rulebook(ROOT / "rulebooks/par-province-2024.yaml")
    dataset = load_dataset(ROOT / "datasets/sample-province-2023", rulebook)
    back = load_dataset(write_workbook(rulebook, tmp_path / "wb.xlsx", dataset=dataset), rulebook)
    one, two = score(rulebook, dataset), score(rulebook, back)
    np.testing.assert_array_equal(one.index, two.index)
    assert one.units["band"].tolist() == two.units["band"].tolist()
    assert one.units["rank"].tolist() == two.units["rank"].tolist()
