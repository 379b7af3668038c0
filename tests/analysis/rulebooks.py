"""A rulebook built from a few criteria written inline (the analysis tests' small cases)."""

from __future__ import annotations

from cchc_rules.dsl import validate
from cchc_rules.problems import Problems

BANDS = [
    {"id": "good", "label": {"vi": "Tốt", "en": "Good"}, "min": 80},
    {"id": "pass", "label": {"vi": "Đạt", "en": "Pass"}, "min": 0},
]


def build_rulebook(criteria: list[dict], *, rulebook_id: str = "test", bands: list[dict] | None = None,
                   groups: dict[str, dict[str, str]] | None = None,
                   stages: tuple[str, ...] = ("self", "appraisal")) -> object:
    """A valid rulebook of `criteria` (one group, `department`, unless `groups`; the bands Good from 80 and Pass
    unless `bands`); fails the test with the problems found otherwise."""
    doc = {
        "dsl": 1, "id": rulebook_id, "title": {"vi": "Thử", "en": "Test"},
        "groups": groups or {"department": {"vi": "Sở", "en": "Departments"}},
        "stages": list(stages), "bands": bands or BANDS, "criteria": criteria,
    }
    problems = Problems()
    rulebook = validate.build(doc, problems)
    assert rulebook is not None, problems.items
    return rulebook
