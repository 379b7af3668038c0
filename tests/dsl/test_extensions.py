"""Extensions of the language (docs/LANGUAGE.md): quantile bands, fractions and `split: equal`,
each problem with its code and line; the engine's quantile cut points worked out by hand."""

from __future__ import annotations

import numpy as np

from cchc_rules.engine.grading import quantile_minimums
from tests.dsl.test_validate import _CRITERIA, check, doc, only

QUANTILES = """\
  - {id: best, label: Best, quantile: 0.75}
  - {id: high, label: High, quantile: 0.5}
  - {id: low, label: Low, quantile: 0.25}
  - {id: worst, label: Worst, quantile: 0}
"""


def test_quantile_bands_are_valid() -> None:
    model, problems = check(doc(bands=QUANTILES))
    assert problems == [] and [b.quantile for b in model.bands] == [0.75, 0.5, 0.25, 0]


def test_a_band_needs_min_or_quantile_not_both() -> None:
    text = doc(bands="  - {id: good, label: Good, min: 80, quantile: 0.5}  # HERE\n  - {id: weak, label: W, min: 0}\n")
    assert only(text).code == "R170"


def test_min_and_quantile_do_not_mix_in_one_list() -> None:
    text = doc(bands="  - {id: best, label: B, quantile: 0.5}\n  - {id: weak, label: W, min: 0}  # HERE\n")
    assert only(text).code == "R171"


def test_quantiles_descend_and_end_at_zero() -> None:
    text = doc(bands="  - {id: a, label: A, quantile: 0.5}\n  - {id: b, label: B, quantile: 0.75}  # HERE\n"
                     "  - {id: c, label: C, quantile: 0}\n")
    problem = only(text)
    assert (problem.code, problem.params["quantile"], problem.params["previous"]) == ("R172", "0.75", "0.5")
    text = doc(bands="  - {id: a, label: A, quantile: 0.5}\n  - {id: b, label: B, quantile: 0.25}  # HERE\n")
    assert only(text).code == "R173"


SPLIT = """\
  - id: "1"
    name: One
    max: 100
    split: equal
    children:
      - {id: "1.1", name: a, rule: {binary: {}}}
      - {id: "1.2", name: b, rule: {points: {}}}
      - {id: "1.3", name: c, rule: {levels: {good: 100/3, none: 0}}}
"""


def test_split_equal_gives_each_child_its_share() -> None:
    model, problems = check(doc(criteria=SPLIT))
    assert problems == [], [p.format("en") for p in problems]
    assert [c.max for c in model.criteria[0].children] == [100 / 3] * 3
    assert model.criteria[0].children[2].rule.levels["good"] == 100 / 3


def test_split_without_max_and_a_child_with_its_own_max() -> None:
    text = SPLIT.replace("    max: 100\n", "").replace("    split: equal\n", "    split: equal  # HERE\n")
    assert only(doc(criteria=text)).code == "R174"
    text = SPLIT.replace('{id: "1.1", name: a, rule', '{id: "1.1", name: a, max: 30, rule').replace(
        "{binary: {}}}\n", "{binary: {}}}  # HERE\n", 1)
    problem = only(doc(criteria=text))
    assert (problem.code, problem.params["share"]) == ("R175", "33.333333333")


def test_fraction_maxima_add_up() -> None:
    criteria = _CRITERIA.replace("max: 60", "max: 180/3")
    model, problems = check(doc(criteria=criteria))
    assert problems == [] and model.criteria[0].children[0].max == 60
    bad = _CRITERIA.replace("max: 60", "max: 10/0")  # HERE is not needed: a text where a number belongs
    _, problems = check(doc(criteria=bad))
    assert [p.code for p in problems if p.severity == "error"] == ["R104"]


def test_quantile_minimums_by_hand() -> None:
    # 63 keys 1..63: 0.75 → position 46.5 → between 47 and 48 → 47.5 → 48 (the 16 keys 48..63);
    # 0.5 → position 31 → 32; 0.25 → position 15.5 → 16.5 → 17; 0 → 1.
    keys = np.arange(1, 64, dtype=np.int64)
    assert quantile_minimums(keys, [0.75, 0.5, 0.25, 0]).tolist() == [48, 32, 17, 1]
    counts = [int(((keys >= lo) & (keys < hi)).sum()) for lo, hi in ((48, 99), (32, 48), (17, 32), (1, 17))]
    assert counts == [16, 16, 15, 16]
    # ties stay together: 10, 20, 20, 20, 40 → 0.75 at position 3 = 20
    assert quantile_minimums(np.array([40, 20, 10, 20, 20]), [0.75, 0]).tolist() == [20, 10]
    assert quantile_minimums(np.array([], dtype=np.int64), [0.5]).tolist() == [0]


def test_an_equal_share_cannot_be_reweighted_alone(tmp_path) -> None:
    import shutil
    from pathlib import Path

    from cchc_rules.dsl.load import check_rulebook

    papi = tmp_path / "papi-like.yaml"  # beside the derived file: a base outside the file's folder is refused (F110)
    shutil.copy(Path(__file__).resolve().parents[1] / "golden_fixtures" / "rulebooks" / "papi-like.yaml", papi)
    path = tmp_path / "one-share.yaml"
    path.write_text(f"dsl: 1\nid: one-share\nextends: {papi}\nchanges:\n  - {{reweight: criteria/8.1, to: 10}}\n",
                    encoding="utf-8")
    _, problems = check_rulebook(path)
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.code, p.pos.line, p.params["parent"]) for p in errors] == [("X226", 5, "8")]
