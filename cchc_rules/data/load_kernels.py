"""Compiled passes over every cell or answer of a dataset (numba, `cchc_rules.compiled`), each with its numpy path.

The two paths give identical arrays (tests run both): the compiled ones only look values up, copy
them and add them in the same order as the numpy ones, in one pass instead of several. A small
dataset (a province's) takes the numpy path: loading compiled code would cost more than it saves.

- `used_codes`, `recode`: which codes a column uses, and the column's codes through a lookup (`data.coded`);
- `texts_by_group`: which texts the cells of each lookup group use (so each group parses only those);
- `leaf_cells`: each cell's value and status from its group's lookups (`data.cells`), written into the `Inputs`;
- `repeated`: rows that repeat an earlier row's key (a cell and a member of it);
- `survey_means`: the survey means and counts (`data.survey.aggregate`), adding in the same order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_rules.compiled import available, compiled

_VALUE, _EMPTY = 1, 0  # `data.model.CellStatus` (not imported: the model imports the modules this one serves)
COMPILED_FROM = 50_000  # rows or cells: fewer take the numpy path (the same arrays, no compiled code to load)


def use_compiled(size: int) -> bool:
    """Whether a pass over `size` rows or cells runs compiled (numba installed, `CCHC_KERNEL` not `numpy`)."""
    return size >= COMPILED_FROM and available()


def used_codes(codes: np.ndarray, n: int) -> np.ndarray:
    """Per code 0 … n − 1: some row has it (`codes` ≥ 0)."""
    if use_compiled(len(codes)):
        used = np.zeros(n, dtype=np.bool_)
        _used_codes(codes, used)
        return used
    return np.bincount(codes, minlength=n) > 0


def _used_codes(codes, used):
    for i in range(codes.shape[0]):
        used[codes[i]] = True


def recode(codes: np.ndarray, table: np.ndarray) -> np.ndarray:
    """`table[codes]` (`codes` ≥ 0)."""
    if use_compiled(len(codes)):
        out = np.empty(codes.shape[0], dtype=table.dtype)
        _recode(codes, table, out)
        return out
    return table[codes]


def _recode(codes, table, out):
    for i in range(codes.shape[0]):
        out[i] = table[codes[i]]


def texts_by_group(cells: np.ndarray, leaf_of_row: np.ndarray, group_of: np.ndarray, n_groups: int,
                   n_texts: int) -> np.ndarray:
    """groups × texts: whether a cell (rows × stages, text codes, −1 empty) of the group's leaves uses the text."""
    present = np.zeros((n_groups, n_texts), dtype=np.bool_)
    if use_compiled(cells.size):
        _texts_by_group(cells, leaf_of_row, group_of, present)
    else:
        code = cells.ravel()
        group = np.repeat(group_of[leaf_of_row], cells.shape[1])
        used = code >= 0
        present[group[used], code[used]] = True
    return present


def _texts_by_group(cells, leaf_of_row, group_of, present):
    for k in range(cells.shape[0]):
        g = group_of[leaf_of_row[k]]
        for s in range(cells.shape[1]):
            c = cells[k, s]
            if c >= 0:
                present[g, c] = True


def leaf_cells(cells: np.ndarray, leaf_of_row: np.ndarray, unit_of_row: np.ndarray, group_of: np.ndarray,
               u_value: np.ndarray, u_status: np.ndarray, u_reason: np.ndarray, high: np.ndarray, out_of_range: int,
               value: np.ndarray, status: np.ndarray) -> np.ndarray:
    """Each cell's (rows × stages) value and status written at its unit, leaf and stage of `value` and `status` (units
    × leaves × stages, the `Inputs` layout): its group's lookups (groups × texts, the last slot for an empty cell) at
    its text, a value above its leaf's bound `high` out of range (EMPTY); returns each cell's reason (that one
    `out_of_range`)."""
    reason = np.empty(cells.shape, dtype=np.int8)
    if use_compiled(cells.size):
        _leaf_cells(cells, leaf_of_row, unit_of_row, group_of, u_value, u_status, u_reason, high, out_of_range,
                    value.T, status.T, reason)
        return reason
    n_s = cells.shape[1]
    code = np.where(cells >= 0, cells, u_value.shape[1] - 1).ravel()
    cell_leaf = np.repeat(leaf_of_row, n_s)
    group = group_of[cell_leaf]
    row_value, row_status, reason = u_value[group, code], u_status[group, code], u_reason[group, code]
    over = np.flatnonzero((row_status == _VALUE) & (row_value > high[cell_leaf]))
    row_value[over], row_status[over], reason[over] = np.nan, _EMPTY, out_of_range
    value[unit_of_row, leaf_of_row, :] = row_value.reshape(cells.shape)
    status[unit_of_row, leaf_of_row, :] = row_status.reshape(cells.shape)
    return reason.reshape(cells.shape)


def _leaf_cells(cells, leaf_of_row, unit_of_row, group_of, u_value, u_status, u_reason, high, out_of_range, value_t,
                status_t, reason):
    empty = u_value.shape[1] - 1
    for k in range(cells.shape[0]):
        j, u = leaf_of_row[k], unit_of_row[k]
        g = group_of[j]
        for s in range(cells.shape[1]):
            c = cells[k, s]
            if c < 0:
                c = empty
            v, st, why = u_value[g, c], u_status[g, c], u_reason[g, c]
            if st == _VALUE and v > high[j]:
                v, st, why = np.nan, _EMPTY, out_of_range
            value_t[s, j, u], status_t[s, j, u], reason[k, s] = v, st, why


def repeated(cell: np.ndarray, member: np.ndarray, valid: np.ndarray, n_cells: int, n_members: int) -> np.ndarray:
    """Per row: valid, and an earlier valid row has the same cell and member (cell < n_cells, member < n_members)."""
    out = np.zeros(len(cell), dtype=np.bool_)
    if use_compiled(len(cell)):
        _repeated(cell, member, valid, n_cells, n_members, out)
        return out
    rows = np.flatnonzero(valid)
    key = cell[rows].astype(np.int64) * n_members + member[rows]
    if len(key) and key.max() < 4 * len(key) + 1024 and np.bincount(key).max() <= 1:
        return out  # keys few enough to count in place, each once: no repeat
    out[rows] = pd.Series(key).duplicated(keep="first").to_numpy()
    return out


def _repeated(cell, member, valid, n_cells, n_members, out):
    start = np.zeros(n_cells + 1, dtype=np.int64)  # the valid rows grouped by cell, in row order (a counting sort)
    for i in range(cell.shape[0]):
        if valid[i]:
            start[cell[i] + 1] += 1
    for c in range(n_cells):
        start[c + 1] += start[c]
    order = np.empty(start[n_cells], dtype=np.int64)
    at = start[:-1].copy()
    for i in range(cell.shape[0]):
        if valid[i]:
            order[at[cell[i]]] = i
            at[cell[i]] += 1
    seen = np.full(n_members, -1, dtype=np.int64)  # the last cell each member was met in
    for c in range(n_cells):
        for x in range(start[c], start[c + 1]):
            i = order[x]
            if seen[member[i]] == c:
                out[i] = True
            else:
                seen[member[i]] = c


def survey_means(unit: np.ndarray, leaf: np.ndarray, weight: np.ndarray, form_weight: np.ndarray, form: np.ndarray,
                 counted: np.ndarray, by_form: np.ndarray, n_units: int,
                 n_leaves: int) -> tuple[np.ndarray, np.ndarray]:
    """`data.survey.aggregate` (mean and count, units × leaves) in one pass over the answers, those `counted`: each sum
    adds the same products in the same order as that numpy path, so the means are the same bits."""
    size = n_units * n_leaves
    bf_leaves = np.flatnonzero(by_form)
    bf_index = np.full(n_leaves, -1, dtype=np.int64)
    bf_index[bf_leaves] = np.arange(len(bf_leaves))
    n_forms = int(form[counted].max()) + 1 if counted.any() and len(bf_leaves) else 0
    mean = np.zeros(size)  # the numerators first, then the means over them
    count = np.zeros(size, dtype=np.int64)
    _survey_means(unit, leaf, weight, form_weight, form, counted, bf_index, bf_leaves, n_forms, n_leaves, mean, count)
    return mean.reshape(n_units, n_leaves), count.reshape(n_units, n_leaves)


def _survey_means(unit, leaf, weight, form_weight, form, counted, bf_index, bf_leaves, n_forms, n_leaves, mean, count):
    size = mean.shape[0]
    num = mean  # (zeros)
    den = np.zeros(size)
    n_bf = bf_leaves.shape[0]
    n_units = size // n_leaves
    g_sum = np.zeros(n_units * n_bf * n_forms)  # per unit × by_form leaf × form: the sum, count and form weight
    g_count = np.zeros(n_units * n_bf * n_forms, dtype=np.int64)
    g_fw = np.zeros(n_units * n_bf * n_forms)
    for i in range(unit.shape[0]):
        if not counted[i]:
            continue
        key = unit[i] * n_leaves + leaf[i]
        num[key] += form_weight[i] * weight[i]
        den[key] += form_weight[i]
        count[key] += 1
        b = bf_index[leaf[i]]
        if b >= 0:
            g = (unit[i] * n_bf + b) * n_forms + form[i]
            g_sum[g] += weight[i]
            g_count[g] += 1
            g_fw[g] = form_weight[i]
    for key in range(size):
        mean[key] = num[key] / den[key]
    for u in range(n_units):
        for b in range(n_bf):
            by_num, by_den = 0.0, 0.0
            for f in range(n_forms):
                g = (u * n_bf + b) * n_forms + f
                if g_count[g] > 0:
                    by_num += g_fw[g] * (g_sum[g] / g_count[g])
                    by_den += g_fw[g]
            mean[u * n_leaves + bf_leaves[b]] = by_num / by_den


def answer_rows(rows: np.ndarray, survey_leaf: np.ndarray, answer: np.ndarray, form: np.ndarray, picked: np.ndarray,
                option_weight: np.ndarray, n_options: np.ndarray, by_form: np.ndarray, weight: np.ndarray,
                form_weight: np.ndarray, counted: np.ndarray) -> None:
    """For the k-th answer row `rows[k]`: the option's weight, whether it names an option, and its form's weight (into
    `weight[k]`, `counted[k]`, `form_weight[k]`), from its survey leaf's lookups (survey leaves × answer texts, and
    × form texts; code −1 reads the last slot)."""
    if use_compiled(len(rows)):
        _answer_rows(rows, survey_leaf, answer, form, picked, option_weight, n_options, by_form, weight, form_weight,
                     counted)
        return
    sl, a = survey_leaf[rows], answer[rows]
    weight[:] = option_weight[sl, a]
    counted[:] = picked[sl, a] < n_options[sl]  # NaN (neither option nor skip) compares False
    form_weight[:] = by_form[sl, form[rows]]


def _answer_rows(rows, survey_leaf, answer, form, picked, option_weight, n_options, by_form, weight, form_weight,
                 counted):
    last_a, last_f = picked.shape[1] - 1, by_form.shape[1] - 1
    for k in range(rows.shape[0]):
        r = rows[k]
        sl, a, f = survey_leaf[r], answer[r], form[r]
        if a < 0:
            a = last_a
        if f < 0:
            f = last_f
        weight[k] = option_weight[sl, a]
        counted[k] = picked[sl, a] < n_options[sl]
        form_weight[k] = by_form[sl, f]


_used_codes = compiled(_used_codes)
_recode = compiled(_recode)
_texts_by_group = compiled(_texts_by_group)
_leaf_cells = compiled(_leaf_cells)
_repeated = compiled(_repeated)
_answer_rows = compiled(_answer_rows)
_survey_means = compiled(_survey_means, error_model="numpy")  # 0 ÷ 0 is NaN (no answer counted), as in numpy
