"""Survey aggregation (spec §3, survey rules): answers → one mean weight per unit × leaf.

A pure, vectorised function over a table of parsed answers, so that a Monte Carlo can resample
respondents (`Answers.take`) and aggregate again cheaply.

- pooled: Σ form_weight · weight ÷ Σ form_weight over the counted answers;
- by_form: each form's plain mean, then the mean of those means weighted by the form weights;
- `counted` is False for `skip` answers and for answers about the respondent's own unit when
  the rule says `exclude_own_unit`; the count of counted answers is returned beside the mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cchc_rules.data.load_kernels import survey_means, use_compiled


@dataclass(frozen=True)
class Answers:
    """One row per answer; every array has the same length. The codes are int32 as the loader makes them (half
    the memory of int64 over millions of answers): a key built from them is widened first (`cell_keys`)."""

    unit: np.ndarray  # int32: unit index (row of Inputs.units)
    leaf: np.ndarray  # int32: leaf index (Inputs.leaf_ids)
    respondent: np.ndarray  # int32: respondent code (equal codes = the same respondent)
    form: np.ndarray  # int32: form code
    weight: np.ndarray  # float64: the option's weight (NaN for an answer not counted)
    form_weight: np.ndarray  # float64: the weight of the answer's form under its leaf's rule
    counted: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.unit)

    def take(self, index: np.ndarray) -> Answers:
        """The answers at `index` (e.g. a bootstrap resample of rows)."""
        return Answers(*(getattr(self, f)[index] for f in self.__dataclass_fields__))

    @staticmethod
    def empty() -> Answers:
        i, f = np.zeros(0, np.int32), np.zeros(0, np.float64)
        return Answers(i, i, i, i, f, f, np.zeros(0, bool))

    def cell_keys(self, n_leaves: int) -> np.ndarray:
        """Each answer's cell, unit · leaves + leaf, as int64 (units × leaves may pass the int32 range)."""
        return self.unit.astype(np.int64) * n_leaves + self.leaf


def aggregate(answers: Answers, by_form: np.ndarray, n_units: int, n_leaves: int) -> tuple[np.ndarray, np.ndarray]:
    """The aggregated weight (NaN where nothing was counted) and the count, both units × leaves.

    `by_form[leaf]` is True where the leaf's rule says `aggregate: by_form`.
    """
    c = answers.counted
    if use_compiled(len(answers)):
        return survey_means(answers.unit, answers.leaf, answers.weight, answers.form_weight, answers.form, c, by_form,
                            n_units, n_leaves)
    size = n_units * n_leaves
    key = answers.cell_keys(n_leaves)[c]
    w, fw, form = answers.weight[c], answers.form_weight[c], answers.form[c]
    count = np.bincount(key, minlength=size)

    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.bincount(key, fw * w, minlength=size) / np.bincount(key, fw, minlength=size)
        mean = pooled
        if by_form.any() and len(key):
            # one group per (unit × leaf, form): the form's plain mean, then weighted across forms
            # only the answers of by_form leaves, keyed unit × by_form leaf (each key's groups keep their
            # order by form, so every sum below adds the same numbers in the same order)
            n_forms = int(form.max()) + 1
            leaf = answers.leaf[c]
            mine = by_form[leaf]
            bf_leaves = np.flatnonzero(by_form)
            bf_index = np.full(n_leaves, -1, dtype=np.int64)
            bf_index[bf_leaves] = np.arange(len(bf_leaves))
            bf_key = answers.unit[c][mine].astype(np.int64) * len(bf_leaves) + bf_index[leaf[mine]]
            groups, form_mean, g_fw = _form_groups(bf_key * n_forms + form[mine], w[mine], fw[mine],
                                                   n_units * len(bf_leaves) * n_forms)
            g_unit, g_leaf = np.divmod(groups // n_forms, len(bf_leaves))
            g_key = g_unit * n_leaves + bf_leaves[g_leaf]
            by = np.bincount(g_key, g_fw * form_mean, minlength=size) / np.bincount(g_key, g_fw, minlength=size)
            leaf_of = np.arange(size) % n_leaves
            mean = np.where(by_form[leaf_of], by, pooled)
    return mean.reshape(n_units, n_leaves), count.reshape(n_units, n_leaves).astype(np.int64)


def _form_groups(group: np.ndarray, w: np.ndarray, fw: np.ndarray, slots: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct `group` ids (ascending), each group's plain mean of `w` and its form weight.

    When the group ids are few enough to count in place (`slots`, at most a few per answer), they are
    counted by `bincount` instead of sorted: the same sums, added in the same order, so the same bits.
    """
    if slots <= 4 * len(group) + 1024:
        count = np.bincount(group, minlength=slots)
        has = np.flatnonzero(count)
        g_fw = np.empty(slots)
        g_fw[group] = fw  # the answers of a group share their leaf and form, hence the form weight
        return has, np.bincount(group, w, minlength=slots)[has] / count[has], g_fw[has]
    groups, inverse = np.unique(group, return_inverse=True)
    g_fw = np.empty(len(groups))
    g_fw[inverse] = fw
    return groups, np.bincount(inverse, w) / np.bincount(inverse), g_fw
