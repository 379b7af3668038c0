"""Scenario files (spec §10) as pydantic models.

Unknown keys are forbidden everywhere (a misspelt key is an error, not an ignored setting).
Paths stay as written (relative to the scenario file); `scenarios.load` resolves and checks
them. Extensions to the spec's spelling (documented in docs/LANGUAGE.md):
- `description` (a text): the drafter's question in more words, shown in the report;
- a variant may have a `title` (a text) shown instead of its id;
- `sweep_combine: product | zip` (default product: one variant per combination of values);
- `stage`: score at this stage instead of the final one.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic_core import PydanticCustomError

from cchc_rules.dsl.models import Located, Text

SLUG = r"^[a-z0-9][a-z0-9._-]*$"
Slug = Annotated[str, Field(pattern=SLUG)]
OUTPUTS: tuple[Literal["html", "xlsx", "csv"], ...] = ("html", "xlsx", "csv")
VARY_KINDS = ("weights", "thresholds", "appraisal_noise", "survey")


class Variant(Located):
    """Another rulebook, changes (on the variant's rulebook, else the baseline), other data, or a mix."""

    title: Optional[Text] = None
    rulebook: Optional[str] = None
    changes: Optional[list[Any]] = None
    data: Optional[str] = None

    @model_validator(mode="after")
    def _something(self) -> Variant:
        if self.rulebook is None and self.changes is None and self.data is None:
            raise PydanticCustomError("variant_empty", "a variant names a rulebook, changes or data")
        return self


class SweepAxis(Located):
    path: str
    values: list[Any] = Field(min_length=1)


class Vary(Located):
    """One source of uncertainty: exactly one of weights, thresholds, appraisal_noise, survey."""

    weights: Optional[Literal["top"]] = None
    spread: Optional[float] = Field(default=None, ge=0, lt=1)
    thresholds: Optional[float] = Field(default=None, ge=0)
    appraisal_noise: Any = None
    survey: Optional[Literal["bootstrap"]] = None

    @field_validator("appraisal_noise")
    @classmethod
    def _noise(cls, value: Any) -> Any:
        if value is None or value == "calibrated":
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            return float(value)
        raise PydanticCustomError("noise_form", "appraisal_noise is 'calibrated' or a number of points ≥ 0")

    @model_validator(mode="after")
    def _one_kind(self) -> Vary:
        kinds = [k for k in VARY_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise PydanticCustomError("vary_kinds", "exactly one kind", {"found": ", ".join(kinds) or "—"})
        if self.spread is not None and kinds != ["weights"]:
            raise PydanticCustomError("vary_spread", "spread belongs with weights")
        return self


class Uncertainty(Located):
    draws: int = Field(default=1000, ge=1)
    seed: int = 0
    vary: list[Vary] = Field(min_length=1)

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of `analysis.uncertainty.uncertainty` this block stands for."""
        out: dict[str, Any] = {"draws": self.draws, "seed": self.seed, "weight_spread": 0.0,
                               "threshold_shift": 0.0, "appraisal_noise": 0.0, "survey_bootstrap": False}
        for v in self.vary:
            if v.weights is not None:
                out["weight_spread"] = 0.1 if v.spread is None else v.spread
            elif v.thresholds is not None:
                out["threshold_shift"] = v.thresholds
            elif v.appraisal_noise is not None:
                out["appraisal_noise"] = v.appraisal_noise
            else:
                out["survey_bootstrap"] = True
        return out


class Scenario(Located):
    dsl: Literal[1]
    id: Slug
    title: Text
    description: Optional[Text] = None
    data: str
    baseline: str
    stage: Optional[str] = None
    variants: dict[Slug, Variant] = Field(default_factory=dict)
    sweep: list[SweepAxis] = Field(default_factory=list)
    sweep_combine: Literal["product", "zip"] = "product"
    uncertainty: Optional[Uncertainty] = None
    notebook: Optional[str] = None
    outputs: list[Literal["html", "xlsx", "csv"]] = Field(default_factory=lambda: list(OUTPUTS))

    # Set by `scenarios.load`: the loaded rulebooks and datasets (`load.Prepared`); not part of the language.
    _prepared: Any = PrivateAttr(default=None)

    @property
    def prepared(self) -> Any:
        """The loaded and checked rulebooks and datasets (`scenarios.load.Prepared`)."""
        return self._prepared
