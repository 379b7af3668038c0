"""A dataset's text tables checked against one rulebook and parsed into the engine's arrays.

`inputs_for(dataset, rulebook)` gives the `Inputs` (cached per rulebook content) or raises one
`CchcError` with every problem; `parse(dataset, rulebook, problems)` collects the problems
without raising. Parsing is vectorised per leaf; Python loops run only over bad cells, to
describe them.

Choices beyond the spec's words (documented for users):
- a criterion id that is not in the rulebook is looked up, in order, in the derived rulebook's
  renames, in the `was` of the rulebook's nodes (one match only), then in its removals (rows
  ignored with a note); otherwise it is an error naming the nearest ids;
- level names and survey answers match exactly or, when that is unambiguous, in any case;
- an `NA` on an adjustment row means no adjustment; an empty `form` in survey.csv is a form
  of its own, with weight 1 (as any form the rule does not list);
- when a unit has survey answers for a leaf (even only skipped ones), they decide its value at
  every stage and a value in assessments for that unit and leaf is replaced (with a note).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from cchc_rules.data import load_kernels as kernels
from cchc_rules.data import problems as dp
from cchc_rules.data.cells import match_names, parse_cells, parse_leaf_rows
from cchc_rules.data.coded import coded, coded_lookup
from cchc_rules.data.model import EMPTY, VALUE, Dataset, Inputs, UnitPlaces, stage_major
from cchc_rules.data.read import split_flags
from cchc_rules.data.survey import Answers, aggregate
from cchc_rules.data.text_table import Table, TextTable
from cchc_rules.dsl.models import Node, Rulebook
from cchc_rules.problems import Pos, Problems, nearest


# ---------------------------------------------------------------- the rulebook, as parsing needs it
@dataclass
class Target:
    """What a criterion id in the data stands for."""

    kind: str  # leaf | adjustment | removed | parent | unknown | ambiguous
    index: int = -1
    via: str | None = None  # the current id when the data used an old one
    others: list[str] = field(default_factory=list)  # children (parent), candidates (ambiguous), nearest


class Book:
    """The parts of a rulebook that parsing uses, computed once."""

    def __init__(self, rulebook: Rulebook):
        self.rulebook = rulebook
        self.leaves: list[Node] = rulebook.leaves()
        self.leaf_ids = [leaf.id for leaf in self.leaves]
        self.kinds = [leaf.rule.kind if leaf.rule is not None else "" for leaf in self.leaves]  # leaves have rules
        self.adjustments = list(rulebook.adjustments)
        self.adjustment_ids = [a.id for a in self.adjustments]
        self.stages = list(rulebook.stages)
        self.groups = list(rulebook.groups)
        self.nodes = rulebook.nodes()
        self.applies = self._applicability()
        # the same with a first row for a unit of no known group (every leaf applies: its group is reported), flat
        self.applies_by_group_row = np.concatenate([np.ones(len(self.leaves), dtype=bool), self.applies.ravel()])
        derivation = getattr(rulebook, "derivation", None)
        self.removed = set(getattr(derivation, "removed", None) or ())
        self.renamed = dict(getattr(derivation, "renamed", None) or {})
        self._heirs: dict[str, list[str]] = {}  # an old id (`was`) → the nodes that continue it
        for node, _, _ in rulebook.walk():
            for old in node.was:
                self._heirs.setdefault(old, []).append(node.id)
        self._leaf_index = {lid: i for i, lid in enumerate(self.leaf_ids)}
        self._adj_index = {aid: i for i, aid in enumerate(self.adjustment_ids)}

    def _applicability(self) -> np.ndarray:
        """groups × leaves: the leaf (and every ancestor) applies to the group."""
        out = np.zeros((len(self.groups), len(self.leaves)), dtype=bool)
        allowed: dict[str, set[str]] = {}
        for node, parent, _ in self.rulebook.walk():
            own = set(node.applies_to) if node.applies_to is not None else set(self.groups)
            allowed[node.id] = own & (allowed[parent.id] if parent else set(self.groups))
        for j, leaf in enumerate(self.leaves):
            for g, group in enumerate(self.groups):
                out[g, j] = group in allowed[leaf.id]
        return out

    def resolve(self, criterion: str, suggest: bool = True) -> Target:
        """What `criterion` stands for; an unknown id with its nearest ids (unless not `suggest`: a flood of
        unknown ids is listed only in part, and finding the nearest costs more than everything else)."""
        current, via = criterion, None
        seen = set()
        while current in self.renamed and current not in seen and current not in self.nodes:
            seen.add(current)
            current, via = self.renamed[current], self.renamed[current]
        if current not in self.nodes and current not in self._adj_index:
            heirs = self._heirs.get(current, [])
            if len(heirs) > 1:
                return Target("ambiguous", others=heirs)
            if heirs:
                current, via = heirs[0], heirs[0]
            elif current in self.removed or criterion in self.removed:
                return Target("removed")
        if current in self._leaf_index:
            return Target("leaf", self._leaf_index[current], via)
        if current in self._adj_index:
            return Target("adjustment", self._adj_index[current], via)
        if current in self.nodes:
            leaves = [n.id for n, _, _ in self.nodes[current].walk() if n.is_leaf]
            return Target("parent", via=via, others=leaves)
        return Target("unknown", others=nearest(criterion, [*self.leaf_ids, *self.adjustment_ids]) if suggest else [])

    @cached_property
    def key(self) -> str:
        """Changes whenever anything parsing depends on changes (leaves, rules, stages, groups...)."""
        dump = self.rulebook.model_dump(
            mode="json", include={"criteria", "adjustments", "stages", "groups", "flags"}
        )
        extra = {"removed": sorted(self.removed), "renamed": sorted(self.renamed.items())}
        text = json.dumps([dump, extra], sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------- public API
def inputs_for(dataset: Dataset, rulebook: Rulebook) -> Inputs:
    """The dataset's values for `rulebook`; raises `CchcError` listing every data problem."""
    book = Book(rulebook)
    if book.key not in dataset._inputs:
        _parsed(dataset, book)
    return dataset._inputs[book.key]


def answers_for(dataset: Dataset, rulebook: Rulebook) -> Answers:
    """The parsed survey answers behind `inputs_for` (for resampling respondents; a dataset read in batches keeps
    none: its tables are read and parsed again, `data.stream`)."""
    book = Book(rulebook)
    if ("answers", book.key) not in dataset._inputs:
        _parsed(dataset, book)
    return dataset._inputs[("answers", book.key)]  # type: ignore[return-value]


def parse(dataset: Dataset, rulebook: Rulebook, problems: Problems) -> Inputs:
    """Check and parse, adding every problem (errors and notes) to `problems`.

    The Inputs are cached on the dataset only when this found no error.
    """
    return _parse_book(dataset, Book(rulebook), problems)


def _parsed(dataset: Dataset, book: Book) -> None:
    """Parse for `book` and cache the Inputs and Answers (`CchcError` on any data error)."""
    problems = Problems()
    _parse_book(dataset, book, problems)
    dp.limited(problems).raise_if_errors()


def _parse_book(dataset: Dataset, book: Book, problems: Problems) -> Inputs:
    found = Problems()
    inputs, answers = _check(dataset, book, found)
    problems.extend(found)
    if not found.errors:
        key = book.key
        dataset._inputs[key] = inputs
        dataset._inputs[("answers", key)] = answers  # type: ignore[assignment]
    return inputs


def _check(dataset: Dataset, book: Book, problems: Problems) -> tuple[Inputs, Answers]:
    units, index = units_of(dataset.units, book, problems)
    n_u, n_l = len(units), len(book.leaves)
    value, status, adjustment = new_arrays(n_u, book)
    group_of = groups_of(units, book)
    _assessments(dataset, book, index, group_of, value, status, adjustment, problems)
    answers = Answers.empty()
    survey_n = np.zeros((n_u, n_l), dtype=np.int32)
    if dataset.source("survey") is not None:
        answers, survey_n = _survey(dataset, book, units, index, group_of, value, status, problems)
    inputs = Inputs(
        units=units, leaf_ids=book.leaf_ids, stages=book.stages, value=value, status=status,
        adjustment_ids=book.adjustment_ids, adjustment=adjustment, survey_n=survey_n,
        notes=[p for p in problems if p.severity == "note"], unit_pos=unit_positions(dataset.units),
    )
    return inputs, answers


def new_arrays(n_units: int, book: Book) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Inputs' value, status and adjustment arrays, empty, in the engine's layout (see `Inputs`)."""
    n_s = len(book.stages)
    return (stage_major((n_units, len(book.leaves), n_s), np.nan, np.float64),
            stage_major((n_units, len(book.leaves), n_s), EMPTY, np.int8),
            stage_major((n_units, len(book.adjustments), n_s), np.nan, np.float64))


def groups_of(units: pd.DataFrame, book: Book) -> np.ndarray:
    """Each unit's group number in the rulebook (−1: none, or not the rulebook's)."""
    return pd.Index(book.groups).get_indexer(units["group"]).astype(np.int64)


# ---------------------------------------------------------------- units
def units_of(table: pd.DataFrame, book: Book, problems: Problems) -> tuple[pd.DataFrame, pd.Index]:
    """The units in file order (first row of a repeated id) and an index unit_id → row."""
    table = split_flags(table)  # flags as tuples whoever built the table
    ids = table["unit_id"]
    groups = list(book.groups)
    flags = list(book.rulebook.flags)
    for i in np.flatnonzero(ids.isna().to_numpy()):
        dp.add_at(problems, dp.UNIT_ID_EMPTY, table, i, "unit_id")
    dup = (ids.duplicated(keep="first") & ids.notna()).to_numpy()
    first_row = dict(zip(ids[~dup], table["_row"][~dup], strict=True))
    for i in np.flatnonzero(dup):
        dp.add_at(problems, dp.DUPLICATE_UNIT, table, i, "unit_id", unit=ids.iat[i], first=first_row[ids.iat[i]])
    group = table["group"]
    for i in np.flatnonzero(group.isna().to_numpy()):
        dp.add_at(problems, dp.NO_GROUP, table, i, "group", unit=ids.iat[i], groups=groups)
    for i in np.flatnonzero((group.notna() & ~group.isin(groups)).to_numpy()):
        dp.add_at(problems, dp.UNKNOWN_GROUP, table, i, "group", unit=ids.iat[i], group=group.iat[i], groups=groups,
                  nearest=nearest(group.iat[i], groups))
    for k, unit_flags in enumerate(table["flags"]):
        for flag in unit_flags:
            if flag not in book.rulebook.flags:
                dp.add_at(problems, dp.UNKNOWN_FLAG, table, k, "flags", unit=ids.iat[k], flag=flag,
                          flags=flags, nearest=nearest(flag, flags) if flags else [])
    keep = ~dup & ids.notna().to_numpy()
    units = table.loc[keep, [c for c in table.columns if not c.startswith("_")]].reset_index(drop=True)
    return units, pd.Index(units["unit_id"], dtype=object)  # (a text index would turn object on every look-up)


def unit_positions(table: pd.DataFrame) -> UnitPlaces | tuple[()]:
    """Where each kept unit (first row of its id) was read, for warnings the engine gives later."""
    ids = table["unit_id"]
    keep = ~(ids.duplicated(keep="first") & ids.notna()).to_numpy() & ids.notna().to_numpy()
    if "_file" not in table.columns or "_row" not in table.columns:
        return ()
    kept = np.flatnonzero(keep)
    column = dp.where(table, int(kept[0]), "unit_id").col if len(kept) else None
    sheets = table["_sheet"].to_numpy(dtype=object)[kept] if "_sheet" in table.columns else None
    return UnitPlaces(table["_file"].to_numpy(dtype=object)[kept], table["_row"].to_numpy()[kept], column, sheets)


def _unit_lookup(table: Table, column: str, index: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Each row's code and the look-up that gives the unit index by the id in `column` (−1: empty, or not a unit's id;
    a code −1 reads the last slot, −1): one look-up per distinct text."""
    codes, texts = table.codes(column) if isinstance(table, TextTable) else coded(table, column)  # (None: empty)
    return codes, np.append(index.get_indexer(pd.Index(texts, dtype=object)), -1).astype(np.int32)


def _unit_rows(table: Table, index: pd.Index, problems: Problems) -> np.ndarray:
    """Each row's unit index (−1 for an empty or unknown id, with a problem)."""
    codes, lookup = _unit_lookup(table, "unit_id", index)
    found = lookup[codes]
    bad = np.flatnonzero(found < 0)
    if not len(bad):
        return found
    ids, known = table["unit_id"], list(index)  # the texts, for the messages only
    for i in bad:
        if pd.isna(ids.iat[i]):
            dp.add_at(problems, dp.EMPTY_ID, table, i, "unit_id", name="unit_id")
        else:
            dp.add_at(problems, dp.UNKNOWN_UNIT, table, i, "unit_id", unit=ids.iat[i],
                      nearest=nearest(ids.iat[i], known))
    return found


def _targets(table: Table, book: Book, problems: Problems) -> tuple[np.ndarray, np.ndarray]:
    """Each row's leaf index and adjustment index (−1 where not that); problems and notes added.

    The rows are read through look-ups per distinct id (`coded_lookup`): a row's own code (its id's number among
    the distinct ids) is worked out only when a problem or a note needs the rows of an id."""
    raw, lookup, uniques = coded_lookup(table, "criterion_id")
    leaf_lut = np.full(len(uniques) + 1, -1, dtype=np.int32)  # last slot: the NA sentinel (−1)
    adj_lut = leaf_lut.copy()
    per_raw = kernels.code_counts(raw, len(lookup) - 1)  # rows per raw code (the last slot: code −1)
    counts = np.bincount(lookup + 1, per_raw, minlength=len(uniques) + 1).astype(np.int64)  # slot 0: empty
    unknown = 0  # the nearest ids are found for as many unknown ids as a report lists (`dp.limited`)
    codes = order = bounds = np.zeros(0, dtype=np.int64)
    for u, criterion in enumerate(uniques):
        target = book.resolve(criterion, suggest=unknown < dp.LIMIT_PER_CODE)
        unknown += target.kind == "unknown"
        if not len(order) and (target.kind not in ("leaf", "adjustment") or target.via is not None):
            codes = lookup[raw]
            order = np.argsort(codes, kind="stable")  # the rows of each id, without a pass over all rows per id
            bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1), "left")
        rows = None
        if target.kind == "leaf":
            leaf_lut[u] = target.index
        elif target.kind == "adjustment":
            adj_lut[u] = target.index
        elif target.kind == "removed":
            first = int(order[bounds[u]])
            problems.add(dp.REMOVED_ROWS, dp.where(table, first, "criterion_id"), severity="note",
                         column="criterion_id", n=int(counts[u + 1]), criterion=criterion)
        else:
            rows = order[bounds[u]:bounds[u + 1]]
        if target.via is not None and target.kind in ("leaf", "adjustment"):
            first = int(order[bounds[u]])
            problems.add(dp.RENAMED_ROWS, dp.where(table, first, "criterion_id"), severity="note",
                         column="criterion_id", n=int(counts[u + 1]), criterion=criterion, target=target.via)
        for i in rows if rows is not None else ():
            if target.kind == "parent":
                dp.add_at(problems, dp.NOT_A_LEAF, table, i, "criterion_id", criterion=criterion,
                          children=target.others)
            elif target.kind == "ambiguous":
                dp.add_at(problems, dp.AMBIGUOUS_WAS, table, i, "criterion_id", criterion=criterion,
                          nodes=target.others)
            else:
                dp.add_at(problems, dp.UNKNOWN_CRITERION, table, i, "criterion_id", criterion=criterion,
                          nearest=target.others)
    if counts[0]:
        for i in np.flatnonzero(lookup[raw] < 0):
            dp.add_at(problems, dp.EMPTY_ID, table, i, "criterion_id", name="criterion_id")
    return kernels.recode(raw, leaf_lut[lookup]), kernels.recode(raw, adj_lut[lookup])  # (lookup: −1 → last slot)


def _duplicates(table: Table, cell: np.ndarray, member: np.ndarray, valid: np.ndarray, n_cells: int, n_members: int,
                problems: Problems, code: str, rows: np.ndarray | None = None, **columns: str) -> np.ndarray:
    """Valid rows repeating an earlier valid row's cell and member (a problem each, naming the earlier row's line);
    returns the mask of repeats. Element i is the table's row `rows[i]` (all rows in order without `rows`)."""
    dup = kernels.repeated(cell, member, valid, n_cells, n_members)
    if dup.any():
        _report_repeats(table, dup, cell, member, valid, n_members, problems, code, rows, **columns)
    return dup


def _report_repeats(table: Table, dup: np.ndarray, cell: np.ndarray, member: np.ndarray, valid: np.ndarray,
                    n_members: int, problems: Problems, code: str, rows: np.ndarray | None = None,
                    **columns: str) -> None:
    """A problem for each repeat (`dup`), naming the line of the first valid row with its cell and member."""
    keys = np.where(valid, cell.astype(np.int64) * n_members + member, -1 - np.arange(len(cell)))
    lines = table["_row"].to_numpy()
    first = pd.Series(lines if rows is None else lines[rows]).groupby(keys).transform("first").to_numpy()
    for i in np.flatnonzero(dup):
        r = i if rows is None else int(rows[i])
        params = {name: table[col].iat[r] for name, col in columns.items()}
        dp.add_at(problems, code, table, r, "criterion_id", first=int(first[i]), **params)


# ---------------------------------------------------------------- assessments
def _header_pos(dataset: Dataset, name: str) -> Pos:
    """The header row of the dataset's table `name` (where a problem about the whole table is placed)."""
    table = dataset.source(name)
    if isinstance(table, TextTable) and len(table):
        return Pos(table.file, 1)
    if table is not None and len(table):
        sheet = table["_sheet"].iat[0] if "_sheet" in table.columns else None
        return Pos(str(table["_file"].iat[0]), 1, None, sheet)
    return Pos(str(dataset.path or "<memory>") + f" ({name})", 1)


def _assessments(dataset: Dataset, book: Book, index: pd.Index, group_of: np.ndarray, value: np.ndarray,
                 status: np.ndarray, adjustment: np.ndarray, problems: Problems) -> None:
    table = dataset.source("assessments")
    assert table is not None  # a dataset always has assessments
    assessment_header([c for c in table.columns if not c.startswith("_")], _header_pos(dataset, "assessments"), book,
                      problems)
    assessment_block(table, book, index, group_of, dataset.meta.decimal, value, status, adjustment, problems)


def assessment_header(header: list[str], pos: Pos, book: Book, problems: Problems) -> None:
    """Problems with the columns of assessments (`header`, the file's names, read at `pos`)."""
    stages = book.stages
    allowed = {"unit_id", "criterion_id", "evidence", *stages, *(f"note_{s}" for s in stages)}
    for col in header:
        if col not in allowed:
            problems.add(dp.UNKNOWN_COLUMN, Pos(pos.file, 1, header.index(col) + 1, pos.sheet), column=col,
                         name=col, stages=stages, nearest=nearest(col, sorted(allowed - {"unit_id", "criterion_id"})))
    if not any(s in header for s in stages):
        problems.add(dp.NO_STAGE_COLUMN, pos, stages=stages)


def assessment_block(table: Table, book: Book, index: pd.Index, group_of: np.ndarray, decimal: str, value: np.ndarray,
                     status: np.ndarray, adjustment: np.ndarray, problems: Problems,
                     seen: np.ndarray | None = None) -> None:
    """Check and parse rows of assessments (the whole table, or one batch of a file read in batches: then `seen`
    carries the units and criteria met in the batches before, `load_kernels.assessment_rows`) into the arrays."""
    stages = book.stages
    unit = _unit_rows(table, index, problems)
    leaf, adj = _targets(table, book, problems)
    fate, counts = kernels.assessment_rows(unit, leaf, adj, len(index), len(book.leaves), len(book.adjustments),
                                           group_of, book.applies_by_group_row, seen)
    if counts[kernels.REPEATED_ROW]:
        n_t = len(book.leaves) + len(book.adjustments)
        target = np.where(leaf >= 0, leaf, len(book.leaves) + adj)
        _report_repeats(table, fate == kernels.REPEATED_ROW, unit, target, fate != kernels.REPORTED_ROW, n_t,
                        problems, dp.DUPLICATE_ROW, unit="unit_id", criterion="criterion_id")
    cells, texts = _stage_cells(table, stages)

    # values for leaves that do not apply to the unit's group: an error unless empty or NA
    for r in np.flatnonzero(fate == kernels.NOT_APPLICABLE_ROW) if counts[kernels.NOT_APPLICABLE_ROW] else []:
        for s, code in enumerate(cells[r]):
            if code >= 0 and texts[code] != "NA":
                dp.add_at(problems, dp.NOT_APPLICABLE_HERE, table, r, stages[s], criterion=book.leaf_ids[leaf[r]],
                          group=book.groups[group_of[unit[r]]], unit=table["unit_id"].iat[r], value=texts[code])
                cells[r, s] = -1  # reported once, not parsed again
    every = counts[kernels.LEAF_ROW] + counts[kernels.NOT_APPLICABLE_ROW] == len(fate)
    leaf_rows = leaf if every else np.where(fate <= kernels.NOT_APPLICABLE_ROW, leaf, -1)  # −1: a row not parsed here
    parse_leaf_rows(cells, texts, leaf_rows, unit, book.leaves, book.kinds, decimal, table,
                    range(len(fate)), stages, problems, value, status)
    del leaf_rows
    none = np.zeros(0, dtype=np.intp)
    repeated = np.flatnonzero((fate == kernels.REPEATED_ROW) & (leaf >= 0)) if counts[kernels.REPEATED_ROW] else none
    for j, sel in _by(leaf[repeated]):  # a repeated row's own bad cells are reported too (values unused)
        r = repeated[sel]
        parse_cells(cells[r], texts, book.leaves[j], book.kinds[j], decimal, table, r, stages, problems)
    rows = np.flatnonzero(fate == kernels.ADJUSTMENT_ROW) if counts[kernels.ADJUSTMENT_ROW] else none
    for a, sel in _by(adj[rows]):
        r = rows[sel]
        kind = "points" if book.adjustments[a].rule.points is not None else "deduct"
        v, _ = parse_cells(cells[r], texts, None, f"adjustment_{kind}", decimal, table, r, stages, problems)
        adjustment[unit[r], a, :] = v


def _stage_cells(table: Table, stages: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's cell of each stage as a code (−1: empty or no such column) into one array of texts."""
    cells = np.full((len(table), len(stages)), -1, dtype=np.int32)  # a column's distinct texts are far fewer
    texts: list[np.ndarray] = []
    offset = 0
    for s, stage in enumerate(stages):
        if stage in table.columns:
            codes, lookup, uniques = coded_lookup(table, stage)  # NaN too is empty: frames not from dataset_from_frames
            kernels.recode(codes, np.where(lookup >= 0, lookup + offset, -1).astype(np.int32), out=cells[:, s])
            texts.append(uniques)
            offset += len(uniques)
    return cells, np.concatenate(texts) if texts else np.zeros(0, dtype=object)


def _by(codes: np.ndarray):
    """(code, positions) for each distinct code, positions in original order."""
    if not len(codes):
        return
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(order)
        yield int(sorted_codes[start]), order[start:end]


# ---------------------------------------------------------------- survey
def _survey(dataset: Dataset, book: Book, units: pd.DataFrame, index: pd.Index, group_of: np.ndarray,
            value: np.ndarray, status: np.ndarray, problems: Problems) -> tuple[Answers, np.ndarray]:
    table = dataset.source("survey")
    if table is None:
        raise ValueError("_survey needs a dataset with a survey table")
    n_u, n_l = len(units), len(book.leaves)
    survey_leaves, of_survey = survey_slots(book)
    rows, at_unit, at_leaf, at_sl, at_resp, resp_texts = survey_block(table, book, index, group_of, of_survey,
                                                                      problems)
    cell = at_unit.astype(np.int64) * len(survey_leaves) + at_sl  # a unit's survey leaf
    dup = _duplicates(table, cell, at_resp, np.ones(len(rows), dtype=bool), n_u * len(survey_leaves),
                      len(resp_texts), problems, dp.DUPLICATE_ANSWER, rows=rows, respondent="respondent_id",
                      unit="unit_id", criterion="criterion_id")
    if dup.any():
        rows, at_unit, at_leaf, at_sl, at_resp = (a[~dup] for a in (rows, at_unit, at_leaf, at_sl, at_resp))
    del cell, dup
    asked = np.zeros((n_u, n_l), dtype=bool)
    weight, form_weight, counted, form, _ = answer_weights(table, book, index, survey_leaves, rows, at_unit, at_leaf,
                                                           at_sl, asked, problems)
    answers = Answers(unit=at_unit, leaf=at_leaf, respondent=at_resp, form=form, weight=weight,
                      form_weight=form_weight, counted=counted)
    del rows, at_unit, at_leaf, at_sl, at_resp
    overrides(_header_pos(dataset, "assessments"), book, asked, status, survey_leaves, problems)
    mean, count = aggregate(answers, by_form_leaves(book), n_u, n_l)
    write_means(asked, mean, count, np.arange(n_l), book, value, status)
    return answers, count.astype(np.int32)


def survey_slots(book: Book) -> tuple[np.ndarray, np.ndarray]:
    """The survey leaves' indices, and each leaf's number among them (−1: not a survey leaf; a last slot, −1, for
    rows of no leaf)."""
    survey_leaves = np.array([j for j, k in enumerate(book.kinds) if k == "survey"], dtype=np.int64)
    of_survey = np.full(len(book.leaves) + 1, -1, dtype=np.int32)
    of_survey[survey_leaves] = np.arange(len(survey_leaves))
    return survey_leaves, of_survey


def by_form_leaves(book: Book) -> np.ndarray:
    """Per leaf: its survey rule says `aggregate: by_form`."""
    surveys = [leaf.rule.survey if leaf.rule is not None else None for leaf in book.leaves]
    return np.array([s is not None and s.aggregate == "by_form" for s in surveys], dtype=np.bool_)


def survey_block(table: Table, book: Book, index: pd.Index, group_of: np.ndarray, of_survey: np.ndarray,
                 problems: Problems) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, list]:
    """Check rows of the survey (the whole table or a batch of it): the rows that are answers (in order), with their
    unit, leaf, survey leaf and respondent (a code into the respondents' texts, also returned)."""
    unit = _unit_rows(table, index, problems)
    leaf, adj = _targets(table, book, problems)
    resp_raw, resp_lookup, resp_texts = coded_lookup(table, "respondent_id")
    flags, rows, at_unit, at_leaf, at_sl, at_resp = kernels.survey_rows(unit, leaf, adj, of_survey, resp_raw,
                                                                        resp_lookup, group_of,
                                                                        book.applies_by_group_row)
    bad = np.flatnonzero(flags)  # as a rule none
    survey_leaves = np.flatnonzero(of_survey[:-1] >= 0)
    for i in bad[(flags[bad] & kernels.NOT_SURVEY) > 0]:
        kind = book.kinds[leaf[i]] if leaf[i] >= 0 else "adjustment"
        dp.add_at(problems, dp.NOT_SURVEY, table, i, "criterion_id", criterion=table["criterion_id"].iat[i],
                  kind=kind, survey=[book.leaf_ids[j] for j in survey_leaves])
    for i in bad[(flags[bad] & kernels.NO_RESPONDENT) > 0]:
        dp.add_at(problems, dp.EMPTY_ID, table, i, "respondent_id", name="respondent_id")
    for r in bad[flags[bad] == kernels.NOT_APPLICABLE]:
        dp.add_at(problems, dp.NOT_APPLICABLE_HERE, table, r, "answer", criterion=book.leaf_ids[leaf[r]],
                  group=book.groups[group_of[unit[r]]], unit=table["unit_id"].iat[r], value=table["answer"].iat[r])
    return rows, at_unit, at_leaf, at_sl, at_resp, list(resp_texts)


def overrides(pos: Pos, book: Book, asked: np.ndarray, status: np.ndarray, survey_leaves: np.ndarray,
              problems: Problems) -> None:
    """A note per survey leaf whose answers replace values given in assessments (read into `status`; the note is
    placed at `pos`, the assessments' header)."""
    valued = np.zeros(asked.shape, dtype=bool)  # cells of survey leaves with a value in assessments
    valued[:, survey_leaves] = (status[:, survey_leaves, :] != EMPTY).any(axis=2)
    for j in np.flatnonzero((asked & valued).any(axis=0)):
        replaced = int((asked[:, j] & valued[:, j]).sum())
        problems.add(dp.SURVEY_OVERRIDES, pos, severity="note", n=replaced, criterion=book.leaf_ids[j])


def _form_numbers(codes: np.ndarray, lookup: np.ndarray, n_forms: int) -> tuple[np.ndarray, bool]:
    """Each form's number (the last slot: the empty form) as `factorize` of the column, empty cells written "",
    numbers it: an empty form is a form of its own, numbered in order of first appearance too (`codes`, `lookup`:
    `coded_lookup` of the form column); and whether there is an empty form."""
    number = np.arange(n_forms + 1, dtype=np.int32)
    empty = lookup[codes] < 0  # (a code −1 reads the last slot: empty)
    if empty.any():
        first = int(np.argmax(empty))
        seen = int(lookup[codes[:first]].max()) + 1 if first else 0  # forms met before the first empty one
        number[seen:n_forms] += 1
        number[n_forms] = seen
    return number, bool(empty.any())


def answer_weights(table: Table, book: Book, index: pd.Index, survey_leaves: np.ndarray, rows: np.ndarray,
                   at_unit: np.ndarray, at_leaf: np.ndarray, at_sl: np.ndarray, asked: np.ndarray, problems: Problems
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str | None]]:
    """For each answer (table row `rows[k]`, unit `at_unit[k]`, leaf `at_leaf[k]`, `at_sl[k]` its number among the
    `survey_leaves`, the leaf indices): the option's weight (NaN when not an option), the form's weight, whether it
    counts (`load_kernels.answer_rows`) and its form's number; then each form number's text (None: the empty form);
    `asked` marked. An answer naming neither an option nor a skip is a problem.

    Each survey leaf's rule is looked up once per distinct answer and form text (a row of lookups per
    leaf, the last slot for an empty cell), then every row at once."""
    answer_raw, answer_lookup, answer_texts = coded_lookup(table, "answer")
    form_raw, form_lookup, form_texts = coded_lookup(table, "form")
    n_sl = len(survey_leaves)
    picked = np.full((n_sl, len(answer_texts) + 1), np.nan)  # the option (then skip) each answer names
    option_weight = np.full((n_sl, len(answer_texts) + 1), np.nan)  # NaN: not an option
    by_form = np.ones((n_sl, len(form_texts) + 1))
    n_options = np.zeros(n_sl, dtype=np.int64)
    names: dict[tuple[str, ...], np.ndarray] = {}  # rules repeat their options: each list matched once
    for sl in np.flatnonzero(kernels.used_codes(at_sl, n_sl)):
        rule = book.leaves[survey_leaves[sl]].rule.survey
        options, skip = list(rule.options), list(rule.skip)
        key = (*options, "\x00", *skip)
        if key not in names:
            names[key] = match_names(pd.Series(answer_texts, dtype=object), options + skip)
        picked[sl, :-1] = names[key]
        is_option = picked[sl] < len(options)  # NaN compares False
        option_weight[sl, is_option] = np.array([rule.options[o] for o in options])[picked[sl, is_option].astype(int)]
        by_form[sl, :-1] = [float(rule.forms.get(form, 1.0)) if form is not None else 1.0 for form in form_texts]
        n_options[sl] = len(options)
    exclude = np.array([book.leaves[j].rule.survey.exclude_own_unit for j in survey_leaves], dtype=bool)
    own_raw, own_lookup = (_unit_lookup(table, "respondent_unit", index) if exclude.any()
                           else (np.zeros(0, dtype=np.int8), np.full(1, -1, dtype=np.int32)))
    number, empty_form = _form_numbers(form_raw, form_lookup, len(form_texts))
    weight, form_weight, counted, form = kernels.answer_rows(
        rows, at_unit, at_leaf, at_sl, answer_raw, answer_lookup, form_raw, form_lookup, picked, option_weight,
        n_options, by_form, number, own_raw, own_lookup, exclude, asked)
    form_names: list[str | None] = [None] * (len(form_texts) + empty_form)
    for c, text in enumerate(form_texts):
        form_names[number[c]] = text
    unknown = np.flatnonzero(~counted)  # not counted: a skip, the unit's own, or neither option nor skip (a problem)
    unknown = unknown[np.isnan(picked[at_sl[unknown], answer_lookup[answer_raw[rows[unknown]]]])]
    for k in unknown[np.argsort(at_sl[unknown], kind="stable")]:  # by leaf, then row
        r = rows[k]
        rule = book.leaves[survey_leaves[at_sl[k]]].rule.survey
        options, skip, text = list(rule.options), list(rule.skip), table["answer"].iat[r]
        if pd.isna(text):
            dp.add_at(problems, dp.EMPTY_ANSWER, table, r, "answer", options=options, skip=skip)
        else:
            dp.add_at(problems, dp.UNKNOWN_ANSWER, table, r, "answer", value=text, options=options, skip=skip)
    return weight, form_weight, counted, form, form_names


def write_means(asked: np.ndarray, mean: np.ndarray, count: np.ndarray, column: np.ndarray, book: Book,
                value: np.ndarray, status: np.ndarray) -> None:
    """Write the aggregated answers into `value`/`status` (every stage) where a unit has answers (`asked`) for a leaf.

    `mean` and `count` are units × columns, leaf j's in column `column[j]`. Fewer counted answers than
    `min_respondents` leave the cell EMPTY (the leaf's missing policy applies).
    """
    minimum = np.array([leaf.rule.survey.min_respondents if leaf.rule is not None and leaf.rule.survey is not None
                        else 1 for leaf in book.leaves], dtype=np.int64)
    unit, leaf = np.nonzero(asked)
    at = column[leaf]
    enough = count[unit, at] >= minimum[leaf]
    value.T[:, leaf, unit] = np.where(enough, mean[unit, at], np.nan)  # (stage-major: every stage at once)
    status.T[:, leaf, unit] = np.where(enough, VALUE, EMPTY).astype(np.int8)
