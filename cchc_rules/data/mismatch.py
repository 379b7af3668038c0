"""One diagnosis first when a dataset was not made for the rulebook it is checked against.

Scoring a dataset with a rulebook of another year or level gives thousands of row problems
(every criterion id unknown, every unit in a group the rulebook lacks). Before listing them,
`fit` measures how much of the dataset the rulebook knows (criterion rows of assessments and
survey, units' groups, stage columns); when most of it is unknown, `diagnosis` gives one
problem (D390) with the figures, the rulebook the dataset names in `dataset.yaml` (`rulebook:`)
and the shipped rulebook that fits it best, and `condensed` puts it first and keeps only a few
examples of each row problem (grouped, the rest counted).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from cchc_rules.data import problems as dp
from cchc_rules.data.model import Dataset
from cchc_rules.data.parse import Book
from cchc_rules.display import count, percent
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.dsl.models import Rulebook
from cchc_rules.problems import CchcError, Pos, Problem, Problems, define
from cchc_rules.shipped import shipped_root

MISMATCH = define(
    "D390",
    "Bộ dữ liệu này không khớp với bộ tiêu chí '{rulebook}': {figures_vi}{made_for_vi}",
    "This dataset does not match the rulebook '{rulebook}': {figures_en}{made_for_en}",
    "{advice_vi} Các lỗi bên dưới chỉ là vài ví dụ của mỗi loại.",
    "{advice_en} The problems below are a few examples of each kind.",
    lead=True,
)

SHARE = 0.5  # a mismatch: at least this share of criterion rows, or of units, unknown to the rulebook
CLOSE = 0.95  # a fit below this (not a mismatch) is diagnosed only when a shipped rulebook knows it all
EXAMPLES = 3  # groups of each problem code listed after a diagnosis
KNOWN = ("leaf", "adjustment", "removed")  # what a criterion id of the data may stand for
NOT_STAGES = ("unit_id", "criterion_id", "evidence")


@dataclass(frozen=True)
class Fit:
    """How much of a dataset a rulebook knows."""

    rows: int  # criterion rows (assessments and survey) with an id
    unknown_rows: int  # ... whose id is no leaf, adjustment or removed criterion of the rulebook
    ids: int  # distinct criterion ids
    unknown_ids: int
    units: int  # units with a group
    unknown_units: int  # ... in a group the rulebook does not have
    unknown_groups: tuple[str, ...]
    stages: tuple[str, ...]  # the stage columns of assessments
    unknown_stages: tuple[str, ...]  # ... that are not stages of the rulebook

    @property
    def share(self) -> float:
        """The share of what the dataset holds that the rulebook knows (criterion rows, units, stages)."""
        parts = [1 - self.unknown_rows / self.rows if self.rows else 1.0,
                 1 - self.unknown_units / self.units if self.units else 1.0,
                 1 - len(self.unknown_stages) / len(self.stages) if self.stages else 1.0]
        return sum(parts) / len(parts)

    @property
    def mismatched(self) -> bool:
        """Most criterion rows or most units unknown, or no stage column the rulebook knows."""
        return bool((self.rows and self.unknown_rows >= SHARE * self.rows)
                    or (self.units and self.unknown_units >= SHARE * self.units)
                    or (self.stages and len(self.unknown_stages) == len(self.stages)))


def fit(dataset: Dataset, rulebook: Rulebook) -> Fit:
    """How much of `dataset` `rulebook` knows (its criterion ids resolved as parsing does)."""
    book = Book(rulebook)
    ids = pd.concat([t["criterion_id"] for t in (dataset.assessments, dataset.survey)
                     if t is not None and "criterion_id" in t.columns]).dropna()
    per_id = ids.value_counts()
    unknown = per_id.index[~per_id.index.isin(list(known_ids(book)))]
    groups = dataset.units["group"].dropna() if "group" in dataset.units.columns else pd.Series([], dtype=object)
    strange = groups[~groups.isin(list(rulebook.groups))]
    header = dataset.assessments.attrs.get("header") or list(dataset.assessments.columns)
    stages = tuple(c for c in header if c not in NOT_STAGES and not str(c).startswith(("_", "note_")))
    return Fit(
        rows=int(per_id.sum()), unknown_rows=int(per_id[unknown].sum()), ids=len(per_id), unknown_ids=len(unknown),
        units=len(groups), unknown_units=len(strange), unknown_groups=tuple(dict.fromkeys(map(str, strange))),
        stages=stages, unknown_stages=tuple(s for s in stages if s not in rulebook.stages),
    )


def known_ids(book: Book) -> set[str]:
    """Every criterion id a dataset may use with this rulebook: those that parsing resolves to a leaf, an
    adjustment or a removed criterion. Only ids of the rulebook's tables can resolve (its nodes, adjustments,
    renames, removals and `was` links), so only those are resolved (an unknown id costs nothing here)."""
    candidates = {*book.nodes, *book.adjustment_ids, *book.renamed, *book.removed}
    candidates |= {old for node, _, _ in book.rulebook.walk() for old in node.was}
    return {c for c in candidates if book.resolve(c).kind in KNOWN}


# ---------------------------------------------------------------- the shipped rulebooks
def shipped_folder() -> Path:
    """The project's rulebooks/ folder (`CCHC_ROOT` when set, else the checkout the package lives in)."""
    root = Path(os.environ["CCHC_ROOT"]) if os.environ.get("CCHC_ROOT") else shipped_root()
    return root / "rulebooks"


def shipped(folder: Path | None = None) -> list[Rulebook]:
    """The rulebooks directly in `folder` (default `shipped_folder()`; proposals are not), those that load."""
    folder = folder or shipped_folder()
    if not folder.is_dir():
        return []
    return [rb for rb in (_load(p, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml"))) if rb is not None]


@lru_cache(maxsize=32)
def _load(path: Path, _mtime: int) -> Rulebook | None:
    try:
        return load_rulebook(path)
    except (CchcError, OSError):
        return None


def _names(rulebook: Rulebook) -> set[str]:
    """The rulebook's id and the file names (without .yaml) of the rulebooks it derives from."""
    chain = getattr(getattr(rulebook, "derivation", None), "chain", None) or []
    return {rulebook.id, *(Path(str(p)).stem for p in chain)}


def best_fit(dataset: Dataset, candidates: list[Rulebook], other_than: Rulebook) -> tuple[Rulebook, Fit] | None:
    """The candidate that knows the dataset best, if it fits (no mismatch) and better than `other_than`."""
    scored = [(rb, fit(dataset, rb)) for rb in candidates if rb.id != other_than.id]
    good = [(rb, f) for rb, f in scored if not f.mismatched]
    return max(good, key=lambda pair: pair[1].share) if good else None


# ---------------------------------------------------------------- the diagnosis
def diagnosis(dataset: Dataset, rulebook: Rulebook, candidates: list[Rulebook] | None = None) -> Problem | None:
    """One D390 problem when `dataset` does not match `rulebook` (None when it does): most criterion rows
    or units unknown, no stage known, or (with some unknown) its `dataset.yaml` names another rulebook or
    a shipped rulebook knows all of it.

    `candidates`: rulebooks to look for a better fit among (default: the shipped ones).
    """
    found = fit(dataset, rulebook)
    if found.share >= 1:  # every id, group and stage known: the problems are of values
        return None
    made_for = dataset.meta.rulebook
    named_other = bool(made_for) and Path(str(made_for)).stem not in _names(rulebook)
    if not (found.mismatched or named_other or found.share < CLOSE):
        return None  # a few unknown ids (a typo): listed as they are, no rulebook loaded to compare
    candidates = shipped() if candidates is None else candidates
    best = best_fit(dataset, candidates, rulebook)
    if not (found.mismatched or named_other or (best is not None and best[1].share >= 1)):
        return None
    params: dict[str, object] = {"rulebook": rulebook.id}
    for lang in ("vi", "en"):
        params[f"figures_{lang}"] = figures(found, lang, list(rulebook.stages))
        params[f"made_for_{lang}"] = _made_for(made_for, best, lang)
        params[f"advice_{lang}"] = _advice(made_for, best, lang)
    table = dataset.assessments
    pos = None
    if len(table) and "_file" in table.columns:
        pos = Pos(str(table["_file"].iat[0]), sheet=table["_sheet"].iat[0] if "_sheet" in table.columns else None)
    return Problem(MISMATCH, params, pos, count=0)  # says why the problems below are there; not one itself


_WORDS = {
    "vi": {
        "rows": "{u} trên {n} dòng ghi mã tiêu chí mà bộ tiêu chí không có ({du} trên {dn} mã)",
        "units": "{u} trên {n} đơn vị thuộc nhóm mà bộ tiêu chí không có ({groups})",
        "stages": "cột giai đoạn không có trong bộ tiêu chí: {columns} (các giai đoạn của nó: {stages})",
        "made_for": "; dataset.yaml ghi bộ dữ liệu được lập cho {name}",
        "looks": "; có vẻ được lập cho {name} (khớp {share})",
        "use": "Chấm bằng bộ tiêu chí {name}, hoặc kiểm tra lại: bộ dữ liệu và bộ tiêu chí phải cùng năm, cùng cấp.",
        "check": "Kiểm tra lại: bộ dữ liệu và bộ tiêu chí phải cùng năm, cùng cấp (cùng mã tiêu chí, nhóm và giai "
                 "đoạn).",
    },
    "en": {
        "rows": "{u} of {n} rows name a criterion it does not have ({du} of {dn} ids)",
        "units": "{u} of {n} units are in groups it does not have ({groups})",
        "stages": "stage columns it does not have: {columns} (its stages: {stages})",
        "made_for": "; dataset.yaml says it was made for {name}",
        "looks": "; it looks made for {name} ({share} fit)",
        "use": "Score it with the rulebook {name}, or check that the dataset and the rulebook are of the same year "
               "and level.",
        "check": "Check that the dataset and the rulebook are of the same year and level (the same criterion ids, "
                 "groups and stages).",
    },
}


def figures(found: Fit, lang: str, stages: list[str] | tuple[str, ...] = ()) -> str:
    """What the rulebook does not know, in words and counts: "4,676 of 4,700 rows name a criterion …"."""
    w = _WORDS[lang]
    parts = []
    if found.unknown_rows:
        parts.append(w["rows"].format(u=count(found.unknown_rows, lang), n=count(found.rows, lang),
                                      du=count(found.unknown_ids, lang), dn=count(found.ids, lang)))
    if found.unknown_units:
        parts.append(w["units"].format(u=count(found.unknown_units, lang), n=count(found.units, lang),
                                       groups=", ".join(found.unknown_groups)))
    if found.unknown_stages:
        parts.append(w["stages"].format(columns=", ".join(found.unknown_stages), stages=", ".join(stages) or "—"))
    return "; ".join(parts)


def _made_for(made_for: str | None, best: tuple[Rulebook, Fit] | None, lang: str) -> str:
    w = _WORDS[lang]
    text = w["made_for"].format(name=made_for) if made_for else ""
    if best is not None and (not made_for or Path(made_for).stem != best[0].id):
        text += w["looks"].format(name=f"{best[0].id}.yaml", share=percent(best[1].share, lang, 0))
    return text


def _advice(made_for: str | None, best: tuple[Rulebook, Fit] | None, lang: str) -> str:
    w = _WORDS[lang]
    name = made_for or (f"{best[0].id}.yaml" if best is not None else None)
    return w["use"].format(name=name) if name else w["check"]


def condensed(problems: Problems, dataset: Dataset, rulebook: Rulebook,
              candidates: list[Rulebook] | None = None) -> Problems:
    """The problems to report: repeats grouped and each code limited (`data.problems.limited`); when the
    dataset does not match the rulebook, the diagnosis first and only `EXAMPLES` groups per code."""
    lead = diagnosis(dataset, rulebook, candidates) if problems.errors else None
    if lead is None:
        return dp.limited(problems)
    out = dp.limited(problems, EXAMPLES)
    out.items.insert(0, lead)
    return out
