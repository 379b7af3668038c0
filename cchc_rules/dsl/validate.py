"""Rulebook validation: shape errors and cross-document checks, all reported in one run.

`build(raw, problems)` checks a raw located document (`dsl.source`) in two passes that do not
depend on each other: (a) the pydantic models, whose errors are translated into located,
bilingual problems (R10x–R12x); (b) checks across the document (ids, references, maxima,
ladders, bands, R13x–R15x), run on the raw document and skipping whatever is malformed (pass
(a) reports that), so a rulebook with ten mistakes gets ten messages at once. Warnings (R19x)
never stop a rulebook from loading. Paths are written like the change paths of spec §7:
`criteria/3.1/rule/ladder/1/min`, `bands/excellent/min`, `adjustments/bonus/cap`.
"""


from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from cchc_rules.dsl.messages import (
    ADJUSTMENT_IS_NODE,
    ADJUSTMENT_RULE,
    BAD_DATE,
    BAD_SLUG,
    BAND_NO_FLOOR,
    BAND_ORDER,
    BAND_THRESHOLD,
    BEST_TOO_MANY,
    CAPPED_UNREACHABLE,
    CAPPED_WITHOUT_MAX,
    CHILDREN_AND_RULE,
    CODE_FORM,
    DUPLICATE_ADJUSTMENT,
    DUPLICATE_BAND,
    DUPLICATE_NODE,
    DUPLICATE_STAGE,
    DUPLICATE_TIE_BREAK,
    FORM_WEIGHT,
    GATE_FLAG,
    GATE_NODE,
    GATE_SUBJECT,
    ID_FORM,
    ID_NOT_TEXT,
    LADDER_ABOVE_MAX,
    LADDER_AMOUNT,
    LADDER_OPEN_STEP,
    LADDER_ORDER,
    LEAF_WITHOUT_MAX,
    LEAF_WITHOUT_RULE,
    LEVEL_ABOVE_MAX,
    LINEAR_SPAN,
    MISSING_KEY,
    NO_FORM,
    NOT_A_CHOICE,
    OUT_OF_RANGE,
    QUANTILE_MIX,
    QUANTILE_NO_FLOOR,
    QUANTILE_ORDER,
    RELATIVE_RULE,
    RULE_KINDS,
    SHAPE,
    SKIP_IS_OPTION,
    SPLIT_CHILD_MAX,
    SPLIT_WITHOUT_MAX,
    SUM_MISMATCH,
    SURVEY_OPTIONS,
    SURVEY_WEIGHT,
    TEXT_FORM,
    TOO_FEW,
    TOP_NOT_SCALE,
    UNKNOWN_FLAG,
    UNKNOWN_GATE_NODE,
    UNKNOWN_GROUP,
    UNKNOWN_KEY,
    UNKNOWN_KIND,
    UNKNOWN_QUOTA_BAND,
    UNKNOWN_REFERENCE,
    UNKNOWN_TIE_BREAK,
    UNREACHABLE_MAX,
    WRONG_TYPE,
)
from cchc_rules.dsl.models import Rulebook
from cchc_rules.dsl.source import LDict, located
from cchc_rules.dsl.validate_cross import MAXIMA_TOLERANCE, CrossChecks
from cchc_rules.dsl.validate_shape import _short, doc_path, report_shape, translate
from cchc_rules.problems import Problems

# The message definitions stay reachable here (`validate.UNKNOWN_KEY`), as do the helpers scenario files use.
__all__ = [
    "MAXIMA_TOLERANCE", "build", "doc_path", "translate", "_short",
    "ADJUSTMENT_IS_NODE",
    "ADJUSTMENT_RULE",
    "BAD_DATE",
    "BAD_SLUG",
    "BAND_NO_FLOOR",
    "BAND_ORDER",
    "BAND_THRESHOLD",
    "BEST_TOO_MANY",
    "CAPPED_UNREACHABLE",
    "CAPPED_WITHOUT_MAX",
    "CHILDREN_AND_RULE",
    "CODE_FORM",
    "DUPLICATE_ADJUSTMENT",
    "DUPLICATE_BAND",
    "DUPLICATE_NODE",
    "DUPLICATE_STAGE",
    "DUPLICATE_TIE_BREAK",
    "FORM_WEIGHT",
    "GATE_FLAG",
    "GATE_NODE",
    "GATE_SUBJECT",
    "ID_FORM",
    "ID_NOT_TEXT",
    "LADDER_ABOVE_MAX",
    "LADDER_AMOUNT",
    "LADDER_OPEN_STEP",
    "LADDER_ORDER",
    "LEAF_WITHOUT_MAX",
    "LEAF_WITHOUT_RULE",
    "LEVEL_ABOVE_MAX",
    "LINEAR_SPAN",
    "MISSING_KEY",
    "NOT_A_CHOICE",
    "NO_FORM",
    "OUT_OF_RANGE",
    "QUANTILE_MIX",
    "QUANTILE_NO_FLOOR",
    "QUANTILE_ORDER",
    "RELATIVE_RULE",
    "RULE_KINDS",
    "SHAPE",
    "SKIP_IS_OPTION",
    "SPLIT_CHILD_MAX",
    "SPLIT_WITHOUT_MAX",
    "SUM_MISMATCH",
    "SURVEY_OPTIONS",
    "SURVEY_WEIGHT",
    "TEXT_FORM",
    "TOO_FEW",
    "TOP_NOT_SCALE",
    "UNKNOWN_FLAG",
    "UNKNOWN_GATE_NODE",
    "UNKNOWN_GROUP",
    "UNKNOWN_KEY",
    "UNKNOWN_KIND",
    "UNKNOWN_QUOTA_BAND",
    "UNKNOWN_REFERENCE",
    "UNKNOWN_TIE_BREAK",
    "UNREACHABLE_MAX",
    "WRONG_TYPE",
]


def build(raw: Any, problems: Problems) -> Rulebook | None:
    """The rulebook model of a raw (located) document, or None; every problem goes to `problems`."""
    if not isinstance(raw, LDict):
        raw = located(raw)
    before = len(problems.errors)
    model: Rulebook | None = None
    try:
        model = Rulebook.model_validate(raw)
    except ValidationError as exc:
        report_shape(raw, exc.errors(), problems)
    CrossChecks(raw, problems).run()
    return model if len(problems.errors) == before else None
