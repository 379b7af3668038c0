"""The survey bootstrap of a Monte Carlo (`analysis.uncertainty`): respondents drawn with replacement within
each form, their answers aggregated again as `data.survey.aggregate` would, without building them."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from cchc_rules.data.survey import Answers


class SurveyBootstrap:
    """Survey answers aggregated again for respondents drawn with replacement within each form.

    The result is what `data.survey.aggregate` gives on the resampled answers (a test checks it),
    computed without building them: every figure it takes is a sum over answers, and in a
    resample each respondent's answers count as many times as the respondent was drawn, so each
    sum is a sparse matrix (cells × respondents) times the multiplicities (respondents × draws).
    A respondent is a (respondent_id, form) pair; `cells` are the unit × leaf positions
    (unit · leaves + leaf) that have counted answers.
    """

    def __init__(self, answers: Answers, by_form: np.ndarray, n_units: int, n_leaves: int):
        pairs, who = _unique_pairs(answers.respondent, answers.form)
        self.answers, self.who = answers, who  # who: each answer's respondent
        self.n_respondents = pairs.shape[1]
        self.members = [np.flatnonzero(pairs[1] == f) for f in np.unique(pairs[1])]
        ok = answers.counted
        cell = answers.cell_keys(n_leaves)[ok]
        self.cells, at = np.unique(cell, return_inverse=True)
        r, w, fw = who[ok], answers.weight[ok], answers.form_weight[ok]
        n_cells = self.cells.size

        def matrix(values: np.ndarray, rows: np.ndarray, n_rows: int) -> sparse.csr_matrix:
            return sparse.csr_matrix((values, (rows, r)), shape=(n_rows, self.n_respondents))

        self.num, self.den = matrix(fw * w, at, n_cells), matrix(fw, at, n_cells)
        self.count = matrix(np.ones(at.size), at, n_cells)
        self.by_form = by_form[self.cells % n_leaves]
        groups, g_at, first = _unique_pairs(at, answers.form[ok], first=True)
        self.g_sum, self.g_count = matrix(w, g_at, groups.shape[1]), matrix(np.ones(g_at.size), g_at, groups.shape[1])
        self.g_cell = sparse.csr_matrix((fw[first], (groups[0], np.arange(groups.shape[1]))),
                                        shape=(n_cells, groups.shape[1]))

    def resample(self, rng: np.random.Generator) -> np.ndarray:
        """How often each respondent is drawn: each form's respondents drawn with replacement, as many as it has."""
        drawn = [members[rng.integers(0, members.size, members.size)] for members in self.members]
        return np.bincount(np.concatenate(drawn), minlength=self.n_respondents)

    def aggregate(self, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean weight (NaN where nothing is counted) and count per cell, for multiplicities respondents × draws."""
        m = times.astype(float)
        count = self.count @ m
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (self.num @ m) / (self.den @ m)
            if self.by_form.any():
                n = self.g_count @ m
                form_mean = np.where(n > 0, (self.g_sum @ m) / n, 0.0)
                by = (self.g_cell @ form_mean) / (self.g_cell @ (n > 0).astype(float))
                mean = np.where(self.by_form[:, None], by, mean)
        return mean, count


def _unique_pairs(a: np.ndarray, b: np.ndarray, first: bool = False) -> tuple[np.ndarray, ...]:
    """The distinct pairs (a, b) of non-negative integers in lexicographic order (2 × pairs), each element's pair,
    and with `first` each pair's first element: `np.unique(np.stack([a, b]), axis=1, ...)` on one int64 key."""
    width = int(b.max()) + 1 if b.size else 1
    key = a.astype(np.int64) * width + b
    if first:
        keys, index, inverse = np.unique(key, return_index=True, return_inverse=True)
        return np.stack([keys // width, keys % width]), inverse.ravel(), index
    keys, inverse = np.unique(key, return_inverse=True)
    return np.stack([keys // width, keys % width]), inverse.ravel()
