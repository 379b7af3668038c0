"""One catalogue of every bilingual label a person reads, by topic, each a dict key → `Label(vi, en)`.

- `levels`: stages of scoring and the levels of a `levels` rule; `places`: places in a ranking;
- `analysis`: comparisons of two results and the kinds of difference between rulebooks;
- `report`: the scenario report, the index page, the uncertainty chart, filled values;
- `workbench`: the trainer's sandbox and the drafter's editor;
- `documents`: the self-assessment workbook, the results workbook, the handbook, rules in words;
- `engine`: the ledger of a unit's score; `commands`: tables the command line prints;
- `council`: the council's view (appraisal and panel reports, report cards, improvement plans);
- `sensitivity`: Sobol studies, their chart and `cchc sensitivity`.

A leaf package: it imports nothing else of cchc_rules, so every layer may read it. The modules
that show the labels keep their own shape of lookup through `by_key` (key → {vi, en}) or
`by_language` (lang → key → text).
"""

from __future__ import annotations

from cchc_rules.labels.label import Catalogue, Label

LANGS = ("vi", "en")
MODULES = (
    "levels", "places", "analysis", "report", "workbench", "documents", "engine", "commands", "council", "sensitivity",
)


def by_key(catalogue: Catalogue) -> dict[str, dict[str, str]]:
    """The catalogue as key → {"vi": …, "en": …}."""
    return {key: {"vi": label.vi, "en": label.en} for key, label in catalogue.items()}


def by_language(catalogue: Catalogue) -> dict[str, dict[str, str]]:
    """The catalogue as language → key → text."""
    return {lang: {key: label.text(lang) for key, label in catalogue.items()} for lang in LANGS}


__all__ = ["LANGS", "MODULES", "Catalogue", "Label", "by_key", "by_language"]
