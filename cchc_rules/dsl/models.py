"""The rulebook language (spec §1–§7) as pydantic models.

Unknown keys are forbidden everywhere, so a misspelt key is an error, never a silently ignored
setting. Each model remembers where it was written (`pos`) through `Located`. Checks that look
across the document (ids, references, maxima against children, band order) live in
`dsl.validate`, which runs them on the raw document so that they are reported together with
shape errors.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Optional

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    StrictStr,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from cchc_rules import limits
from cchc_rules.dsl.derivation import Derivation
from cchc_rules.numbers import fraction
from cchc_rules.problems import Pos
from cchc_rules.safe_text import has_invisible


def _text(value: Any) -> str | dict[str, str]:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return dict(value)
    raise PydanticCustomError("text", "expected a text or a map language → text, e.g. {vi: ..., en: ...}")


Text = Annotated[
    Any,
    PlainValidator(_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "properties": {"vi": {"type": "string"}, "en": {"type": "string"}},
                    "additionalProperties": {"type": "string"},
                    "minProperties": 1,
                },
            ],
            "description": "A text, or a map language → text (vi, en).",
        }
    ),
]

def _amount(value: Any) -> Any:
    """`10/3` as the float it names (extension); anything else is left to the strict number check."""
    found = fraction(value)
    return value if found is None else found


Amount = Annotated[
    float,
    BeforeValidator(_amount),
    WithJsonSchema({"anyOf": [{"type": "number"},
                              {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*/\s*\d+(\.\d+)?\s*$"}],
                    "description": "A number, or a fraction such as 10/3 (an equal share written exactly)."}),
]

_ID_RX = re.compile(r"^[^/\s][^/]*$")


def _check_id(value: str) -> str:
    if not _ID_RX.match(value) or value != value.strip() or has_invisible(value):
        raise PydanticCustomError("id_form", "an id is a non-empty text without '/', surrounding spaces or "
                                  "invisible characters")
    return value


def _within_engine(value: Any) -> Any:
    """Numbers the engine holds exactly: every amount within ±`limits.AMOUNT` (int64 nano-points)."""
    bound = limits.value(limits.AMOUNT)
    for number in _numbers(value):
        if number > bound:
            raise PydanticCustomError("less_than_equal", "at most {le}", {"le": bound})
        if number < -bound:
            raise PydanticCustomError("greater_than_equal", "at least {ge}", {"ge": -bound})
    return value


def _numbers(value: Any) -> Iterator[float]:
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _numbers(item)


class Located(BaseModel):
    """Base of every model of a user-written file: extra keys forbidden, position kept.

    Strict: a number is never read from text (`max: "2"`), a boolean is only true/false.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)
    _pos: Optional[Pos] = PrivateAttr(default=None)
    _src: Any = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_position(cls, data: Any, handler: Any) -> Any:
        model = handler(data)
        if hasattr(data, "pos") and isinstance(model, Located):
            model._pos = data.pos
            model._src = data
        return model

    @field_validator("*", mode="after")
    @classmethod
    def _bounded(cls, value: Any) -> Any:
        return _within_engine(value)

    @property
    def pos(self) -> Pos | None:
        return self._pos

    def field_pos(self, name: str) -> Pos | None:
        """Where a field's value was written (falls back to the model's own position)."""
        src = self._src
        if src is not None and hasattr(src, "where"):
            return src.where(name)
        return self._pos


# ---------------------------------------------------------------- leaf rules (§3)
class Empty(Located):
    """A rule with no parameters: `binary: {}`."""


class PointsRule(Located):
    """`points: {}`: the assessor's points. Extension: `out_of: N` says the value is entered on a scale
    of 0 to N (the leaf's maximum before a `reweight`/`transfer`), so the leaf gives value ÷ N × max."""

    out_of: Optional[Amount] = Field(default=None, gt=0)


class LadderStep(Located):
    min: Optional[float] = None
    points: Optional[Amount] = None
    share: Optional[float] = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _one_amount(self) -> LadderStep:
        if (self.points is None) == (self.share is None):
            raise PydanticCustomError("ladder_amount", "a ladder step needs exactly one of 'points' or 'share'")
        return self


class Linear(Located):
    from_: float = Field(alias="from")
    to: float

    @model_validator(mode="after")
    def _distinct(self) -> Linear:
        if self.from_ == self.to:
            raise PydanticCustomError("linear_span", "'from' and 'to' must differ")
        return self


class Ratio(Located):
    if_zero_total: Literal["na", "max", "zero"] = "na"


class Deduct(Located):
    per: float = Field(gt=0)


class Survey(Located):
    options: dict[str, float]
    skip: list[str] = Field(default_factory=list)
    forms: dict[str, float] = Field(default_factory=dict)
    aggregate: Literal["pooled", "by_form"] = "pooled"
    min_respondents: int = Field(default=1, ge=1)
    exclude_own_unit: bool = False

    @field_validator("options")
    @classmethod
    def _weights(cls, options: dict[str, float]) -> dict[str, float]:
        if not options:
            raise PydanticCustomError("survey_options", "a survey needs at least one answer option")
        bad = [k for k, w in options.items() if not 0 <= w <= 1]
        if bad:
            raise PydanticCustomError("survey_weight", "option weights are shares in [0, 1]: {bad}", {"bad": bad})
        return {str(k): v for k, v in options.items()}


class Relative(Located):
    better: Literal["higher", "lower"] = "higher"


RULE_KINDS = ("binary", "ladder", "linear", "ratio", "levels", "deduct", "points", "survey", "relative")


class Rule(Located):
    """Exactly one of the rule kinds of §3."""

    binary: Optional[Empty] = None
    ladder: Optional[list[LadderStep]] = Field(default=None, min_length=1)
    linear: Optional[Linear] = None
    ratio: Optional[Ratio] = None
    levels: Optional[dict[str, Amount]] = Field(default=None, min_length=1)
    deduct: Optional[Deduct] = None
    points: Optional[PointsRule] = None
    survey: Optional[Survey] = None
    relative: Optional[Relative] = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Rule:
        given = [k for k in RULE_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "rule_kinds", "a rule has exactly one kind ({kinds}); found {found}",
                {"kinds": ", ".join(RULE_KINDS), "found": ", ".join(given) or "none"},
            )
        return self

    @property
    def kind(self) -> str:
        return next(k for k in RULE_KINDS if getattr(self, k) is not None)

    @property
    def spec(self) -> Any:
        return getattr(self, self.kind)


# ---------------------------------------------------------------- nodes (§2)
class NodeReference(Located):
    ref: StrictStr
    article: Optional[str] = None


class Best(Located):
    best: int = Field(ge=1)


Id = Annotated[StrictStr, PlainValidator(lambda v: _check_id(_strict_str(v))), WithJsonSchema(
    {"type": "string", "pattern": _ID_RX.pattern})]


def _strict_str(value: Any) -> str:
    if not isinstance(value, str):
        kind = type(value).__name__
        raise PydanticCustomError("id_type", "an id must be a quoted string, not {kind}", {"kind": kind})
    return value


Code = Annotated[Any, PlainValidator(lambda v: _code(v)), WithJsonSchema({"type": ["string", "integer"]})]


def _code(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise PydanticCustomError("code_type", "a code must be a quoted string such as \"1.10\"")
    return str(value)


MissingPolicy = Literal["zero", "max", "na", "error"]


class Node(Located):
    """A field, criterion or sub-criterion: either `children` or a `rule`."""

    id: Id
    code: Optional[Code] = None
    name: Text
    component: Optional[str] = None
    applies_to: Optional[list[str]] = None
    was: list[str] = Field(default_factory=list)
    max: Optional[Amount] = Field(default=None, ge=0)
    floor: Amount = Field(default=0, ge=0)
    aggregate: Literal["sum", "capped"] | Best = "sum"
    split: Optional[Literal["equal"]] = None  # extension: each child's max is max ÷ the number of children
    children: Optional[list[Node]] = Field(default=None, min_length=1)
    rule: Optional[Rule] = None
    reference: Optional[NodeReference | list[NodeReference]] = None
    evidence: list[Text] = Field(default_factory=list)
    guidance: Optional[Text] = None
    missing: Optional[MissingPolicy] = None

    @model_validator(mode="after")
    def _default_max(self) -> Node:
        """A parent's `max` defaults to the sum of its children's (the k largest under best-of-k)."""
        if self.children and self.max is None and self.aggregate != "capped":
            maxima = sorted((c.max or 0.0 for c in self.children), reverse=True)
            if isinstance(self.aggregate, Best):
                maxima = maxima[: self.aggregate.best]
            self.max = float(sum(maxima))
        return self

    @property
    def is_leaf(self) -> bool:
        return self.children is None

    @property
    def entry_max(self) -> float:
        """The highest value an assessor may enter for a `points` leaf (its `out_of`, else its max)."""
        points = self.rule.points if self.rule is not None else None
        if points is not None and points.out_of is not None:
            return points.out_of
        return self.max or 0.0

    @property
    def points_factor(self) -> float:
        """Points per entered value of a `points` leaf: max ÷ out_of (1 without `out_of`)."""
        points = self.rule.points if self.rule is not None else None
        if points is None or points.out_of is None:
            return 1.0
        return (self.max or 0.0) / points.out_of

    @property
    def label(self) -> str:
        return self.code or self.id

    @property
    def references(self) -> list[NodeReference]:
        if self.reference is None:
            return []
        return self.reference if isinstance(self.reference, list) else [self.reference]

    def walk(self, depth: int = 0, parent: Node | None = None) -> Iterator[tuple[Node, Node | None, int]]:
        """This node and every node under it, depth first, with parent and depth."""
        yield self, parent, depth
        for child in self.children or ():
            yield from child.walk(depth + 1, self)


# ---------------------------------------------------------------- adjustments (§4)
class AdjustmentRule(Located):
    points: Optional[Empty] = None
    deduct_each: Optional[float] = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _exactly_one(self) -> AdjustmentRule:
        if (self.points is None) == (self.deduct_each is None):
            raise PydanticCustomError(
                "adjustment_rule", "an adjustment rule is either 'points: {}' or 'deduct_each: p'"
            )
        return self


class Adjustment(Located):
    id: Id
    name: Text
    sign: Literal[1, -1]
    cap: Optional[float] = Field(default=None, ge=0)
    rule: AdjustmentRule
    evidence: list[Text] = Field(default_factory=list)
    guidance: Optional[Text] = None


# ---------------------------------------------------------------- bands (§5)
class Gate(Located):
    """A condition besides the score: a flag, or a node's points, share or zero leaves."""

    flag: Optional[str] = None
    is_: Optional[bool] = Field(default=None, alias="is")
    node: Optional[str] = None
    min_share: Optional[float] = Field(default=None, ge=0, le=1)
    min: Optional[float] = None
    max_zero_leaves: Optional[int] = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _form(self) -> Gate:
        node_tests = [self.min_share, self.min, self.max_zero_leaves]
        if (self.flag is None) == (self.node is None):
            raise PydanticCustomError("gate_subject", "a gate names exactly one of 'flag' or 'node'")
        if self.flag is not None and (self.is_ is None or any(t is not None for t in node_tests)):
            raise PydanticCustomError("gate_flag", "a flag gate is {flag: name, is: true|false} ('is' is required)")
        if self.node is not None and (self.is_ is not None or all(t is None for t in node_tests)):
            raise PydanticCustomError("gate_node", "a node gate needs min_share, min or max_zero_leaves")
        return self


class Quota(Located):
    max_share: float = Field(ge=0, le=1)
    of: Optional[list[str]] = None
    ties: Literal["drop_all", "keep_all"] = "drop_all"


class Band(Located):
    """A band: a fixed `min` on the index, or (extension) a `quantile` of the group's ranked units."""

    id: Id
    label: Text
    min: Optional[float] = None
    quantile: Optional[float] = Field(default=None, ge=0, lt=1)
    when: list[Gate] = Field(default_factory=list)
    quota: Optional[Quota] = None

    @model_validator(mode="after")
    def _one_threshold(self) -> Band:
        if (self.min is None) == (self.quantile is None):
            raise PydanticCustomError("band_threshold", "a band has exactly one of 'min' or 'quantile'")
        return self


# ---------------------------------------------------------------- ranking, display (§1, §6)
class Ranking(Located):
    within: Literal["group", "all"] = "group"
    tie_break: list[str] = Field(default_factory=list)
    ties: Literal["min"] = "min"
    exclude_flag: Optional[str] = None


class Display(Located):
    decimals: int = Field(default=2, ge=0, le=9)
    rounding: Literal["half_up"] = "half_up"
    rank_on: Literal["exact", "published"] = "exact"


class Reference(Located):
    title: Text
    date: Optional[dt.date] = None
    url: Optional[str] = None


class Decision(Located):
    number: str
    signed: Optional[dt.date] = None
    effective: Optional[dt.date] = None
    supersedes: Optional[str] = None


# ---------------------------------------------------------------- the rulebook (§1)
METADATA_KEYS = ("dsl", "id", "title", "year", "jurisdiction", "decision", "illustrative", "references")


TOTAL_FACTOR = 1000  # the maxima of a rulebook together: at most 1000 × limits.AMOUNT points


class Rulebook(Located):
    dsl: Literal[1]
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    title: Text
    year: Optional[int] = None
    jurisdiction: Optional[Text] = None
    decision: Optional[Decision] = None
    illustrative: bool = False
    references: dict[str, Reference] = Field(default_factory=dict)
    groups: dict[str, Text] = Field(min_length=1)
    flags: dict[str, Text] = Field(default_factory=dict)
    stages: list[str] = Field(default_factory=lambda: ["self", "appraisal"], min_length=1)
    scale: float = Field(default=100, gt=0)
    not_applicable: Literal["rescale", "zero"] = "rescale"
    missing: MissingPolicy = "zero"
    display: Display = Field(default_factory=Display)
    criteria: list[Node] = Field(min_length=1)
    adjustments: list[Adjustment] = Field(default_factory=list)
    bands: list[Band] = Field(min_length=1)
    bands_by_group: dict[str, list[Band]] = Field(default_factory=dict)
    ranking: Ranking = Field(default_factory=Ranking)

    @model_validator(mode="after")
    def _equal_shares(self) -> Rulebook:
        """`split: equal`: each child's max is the parent's ÷ the number of children, top down."""
        for node, _, _ in self.walk():
            if node.split == "equal" and node.children and node.max is not None:
                share = node.max / len(node.children)
                for child in node.children:
                    child.max = share
        return self

    # Set by the loader for a derived rulebook (§7): not part of the language.
    _derivation: Any = PrivateAttr(default=None)
    _warnings: list = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _total_within_engine(self) -> Rulebook:
        """All maxima and caps together stay within what int64 nano-points hold (9.2·10⁹ points)."""
        total = sum(leaf.max or 0.0 for leaf in self.leaves()) + sum(a.cap or 0.0 for a in self.adjustments)
        bound = TOTAL_FACTOR * limits.value(limits.AMOUNT)
        if total > bound:
            raise PydanticCustomError("less_than_equal", "the maxima together at most {le}", {"le": bound})
        return self

    @property
    def warnings(self) -> list:
        """Warnings found when the rulebook was loaded (`problems.Problem`, severity warning)."""
        return self._warnings

    @property
    def derivation(self) -> Derivation | None:
        """For a derived rulebook, its base and the changes applied (`dsl.derivation.Derivation`)."""
        return self._derivation

    def walk(self) -> Iterator[tuple[Node, Node | None, int]]:
        for top in self.criteria:
            yield from top.walk()

    def nodes(self) -> dict[str, Node]:
        return {node.id: node for node, _, _ in self.walk()}

    def node(self, node_id: str) -> Node:
        return self.nodes()[node_id]

    def leaves(self) -> list[Node]:
        return [node for node, _, _ in self.walk() if node.is_leaf]

    def parents(self) -> dict[str, str | None]:
        return {node.id: parent.id if parent else None for node, parent, _ in self.walk()}

    def all_bands(self) -> list[Band]:
        """Every band of every list: the default list first, then each group's (an id may repeat)."""
        return [*self.bands, *(band for bands in self.bands_by_group.values() for band in bands)]

    def bands_for(self, group: str) -> list[Band]:
        return self.bands_by_group.get(group, self.bands)

    def missing_for(self, leaf: Node) -> str:
        return leaf.missing or self.missing

    def applies(self, node_id: str, group: str) -> bool:
        """Structural applicability: the node and all its ancestors apply to the group."""
        chain = _ancestry(self.criteria, node_id)
        if chain is None:
            raise KeyError(node_id)
        return all(node.applies_to is None or group in node.applies_to for node in chain)


def _ancestry(nodes: list[Node], node_id: str) -> list[Node] | None:
    """The node `node_id` and its ancestors (root first); None when it is not under `nodes`."""
    for node in nodes:
        if node.id == node_id:
            return [node]
        below = _ancestry(node.children or [], node_id)
        if below is not None:
            return [node, *below]
    return None


Node.model_rebuild()
