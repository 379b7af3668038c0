"""Compiled passes over every cell or answer of a dataset (numba, `cchc_rules.compiled`), each with its numpy path.

The two paths give identical arrays (tests run both): the compiled ones only look values up, copy
them and add them in the same order as the numpy ones, in one pass instead of several. A small
dataset (a province's) takes the numpy path: loading compiled code would cost more than it saves.

- `used_codes`, `code_counts`, `recode`: which codes a column uses, how often, and the column's codes through a
  lookup (`data.coded`);
- `assessment_rows`, `survey_rows`: each row's fate (unit and criterion known, repeated, applicable; a survey row's
  leaf and respondent), in one pass per table;
- `texts_by_group`: which texts the cells of each lookup group use (so each group parses only those);
- `leaf_cells`: each cell's value and status from its group's lookups (`data.cells`), written into the `Inputs`;
- `repeated`: rows that repeat an earlier row's key (a cell and a member of it);
- `answer_rows`: each answer's weights, form and whether it counts;
- `survey_means`, `SurveySums`: the survey means and counts (`data.survey.aggregate`), adding in the same order
  (`SurveySums` also across a file's batches, `data.stream`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_rules.compiled import available, compiled, inlined

_VALUE, _EMPTY = 1, 0  # `data.model.CellStatus` (not imported: the model imports the modules this one serves)
COMPILED_FROM = 50_000  # rows or cells: fewer take the numpy path (the same arrays, no compiled code to load)
BIT_KEYS_PER_ROW, BIT_KEYS_ANYWAY = 64, 1 << 23  # `repeated`: one bit per key up to so many keys (a megabyte)


def use_compiled(size: int) -> bool:
    """Whether a pass over `size` rows or cells runs compiled (numba installed, `CCHC_KERNEL` not `numpy`)."""
    return size >= COMPILED_FROM and available()


def used_codes(codes: np.ndarray, n: int) -> np.ndarray:
    """Per code 0 … n − 1: some row has it (a code −1 is no code)."""
    if use_compiled(len(codes)):
        used = np.zeros(n, dtype=np.bool_)
        _used_codes(codes, used)
        return used
    return np.bincount(codes[codes >= 0], minlength=n) > 0


def _used_codes(codes, used):
    for i in range(codes.shape[0]):
        if codes[i] >= 0:
            used[codes[i]] = True


def code_counts(codes: np.ndarray, n: int) -> np.ndarray:
    """How many rows have each code 0 … n − 1, and (the last slot) code −1."""
    if use_compiled(len(codes)):
        counts = np.zeros(n + 1, dtype=np.int64)
        _code_counts(codes, counts)
        return counts
    counts = np.bincount(codes.astype(np.intp) + 1, minlength=n + 1)  # slot 0: code −1 (int8 + 1 would wrap)
    return np.append(counts[1:], counts[0])


def _code_counts(codes, counts):
    last = counts.shape[0] - 1
    for i in range(codes.shape[0]):
        c = codes[i]
        counts[c if c >= 0 else last] += 1


def recode(codes: np.ndarray, table: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """`table[codes]` (a code −1 reads the last slot), into `out` when given (e.g. a column of a table)."""
    if out is None:
        out = np.empty(codes.shape[0], dtype=table.dtype)
    if use_compiled(len(codes)):
        _recode(codes, table, out)
    else:
        out[:] = table[codes]
    return out


def _recode(codes, table, out):
    last = table.shape[0] - 1
    for i in range(codes.shape[0]):
        c = codes[i]
        out[i] = table[c if c >= 0 else last]


def texts_by_group(cells: np.ndarray, leaf_of_row: np.ndarray, group_of: np.ndarray, n_groups: int,
                   n_texts: int) -> np.ndarray:
    """groups × texts: whether a cell (rows × stages, text codes, −1 empty) of the group's leaves uses the text (a
    row of leaf −1 is not a leaf's: skipped)."""
    present = np.zeros((n_groups, n_texts), dtype=np.bool_)
    if use_compiled(cells.size):
        _texts_by_group(cells, leaf_of_row, group_of, present)
    else:
        rows = np.flatnonzero(leaf_of_row >= 0)
        code = cells[rows].ravel()
        group = np.repeat(group_of[leaf_of_row[rows]], cells.shape[1])
        used = code >= 0
        present[group[used], code[used]] = True
    return present


def _texts_by_group(cells, leaf_of_row, group_of, present):
    for k in range(cells.shape[0]):
        if leaf_of_row[k] < 0:
            continue
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
    `out_of_range`; 0 on a row of leaf −1, not a leaf's: skipped)."""
    reason = np.zeros(cells.shape, dtype=np.int8)
    if use_compiled(cells.size):
        _leaf_cells(cells, leaf_of_row, unit_of_row, group_of, u_value, u_status, u_reason, high, out_of_range,
                    value.T, status.T, reason)
        return reason
    rows = np.flatnonzero(leaf_of_row >= 0)
    leaf, unit, n_s = leaf_of_row[rows], unit_of_row[rows], cells.shape[1]
    code = np.where(cells[rows] >= 0, cells[rows], u_value.shape[1] - 1).ravel()
    cell_leaf = np.repeat(leaf, n_s)
    group = group_of[cell_leaf]
    row_value, row_status, row_reason = u_value[group, code], u_status[group, code], u_reason[group, code]
    over = np.flatnonzero((row_status == _VALUE) & (row_value > high[cell_leaf]))
    row_value[over], row_status[over], row_reason[over] = np.nan, _EMPTY, out_of_range
    value[unit, leaf, :] = row_value.reshape(-1, n_s)
    status[unit, leaf, :] = row_status.reshape(-1, n_s)
    reason[rows] = row_reason.reshape(-1, n_s)
    return reason


def _leaf_cells(cells, leaf_of_row, unit_of_row, group_of, u_value, u_status, u_reason, high, out_of_range, value_t,
                status_t, reason):
    empty = u_value.shape[1] - 1
    for k in range(cells.shape[0]):
        j, u = leaf_of_row[k], unit_of_row[k]
        if j < 0:
            continue
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
    """Per row: valid, and an earlier valid row has the same cell and member (cell < n_cells, member < n_members).

    Compiled: one bit per key when the keys are few enough (a few bytes per row), else a counting sort by cell."""
    out = np.zeros(len(cell), dtype=np.bool_)
    if use_compiled(len(cell)):
        keys = n_cells * n_members
        if keys <= BIT_KEYS_PER_ROW * len(cell) + BIT_KEYS_ANYWAY:
            _repeated_bits(cell, member, valid, n_members, row_bits(keys), out)
        else:
            _repeated(cell, member, valid, n_cells, n_members, out)
        return out
    rows = np.flatnonzero(valid)
    key = cell[rows].astype(np.int64) * n_members + member[rows]
    if len(key) and key.max() < 4 * len(key) + 1024 and np.bincount(key).max() <= 1:
        return out  # keys few enough to count in place, each once: no repeat
    out[rows] = pd.Series(key).duplicated(keep="first").to_numpy()
    return out


def row_bits(keys: int) -> np.ndarray:
    """One bit per key, none set (the `seen` of `assessment_rows`, `repeated_in_turn`)."""
    return np.zeros(keys // 8 + 1, dtype=np.uint8)


def repeated_in_turn(cell: np.ndarray, member: np.ndarray, n_cells: int, seen: np.ndarray) -> np.ndarray:
    """`repeated` over rows that come in turns (a file's batches), every row valid: an earlier row, of this turn or of
    one before with the same `seen` (`row_bits(turn_bits(n_cells, members))`), has the same cell and member. The bits
    are grouped by blocks of `MEMBER_BLOCK` members, a cell's bits of one block in one word: the rows of a cell touch
    a few words (memory read in order when the cells come in order), and `seen` grows at its end as members are met
    (compiled)."""
    out = np.zeros(len(cell), dtype=np.bool_)
    block, within = np.divmod(member.astype(np.int64), MEMBER_BLOCK)
    _repeated_bits(block * n_cells + cell, within, np.ones(len(cell), dtype=np.bool_), MEMBER_BLOCK, seen, out)
    return out


MEMBER_BLOCK = 64


def turn_bits(n_cells: int, n_members: int) -> int:
    """The bits `repeated_in_turn` needs for members 0 … `n_members` − 1."""
    return -(-n_members // MEMBER_BLOCK) * MEMBER_BLOCK * n_cells


class Runs:
    """What `repeated_in_runs` carries from one turn of rows to the next: the cells whose run has ended (one bit
    each), the run each member was last met in, the current cell and run."""

    def __init__(self, n_cells: int):
        self.ended = row_bits(n_cells)
        self.member_run = np.full(0, -1, dtype=np.int64)
        self.state = np.array([-1, -1], dtype=np.int64)  # the current cell, the current run's number


def repeated_in_runs(cell: np.ndarray, member: np.ndarray, n_members: int, runs: Runs) -> np.ndarray | None:
    """`repeated_in_turn` for rows whose cells come in runs (each cell's rows together, as a file sorted by unit or by
    criterion has them), needing one bit per cell instead of one per cell and member: None when a cell's rows come
    again after another cell's (then nothing is known, and `repeated_in_turn` must check every row again)."""
    if len(runs.member_run) < n_members:
        runs.member_run = np.concatenate([runs.member_run, np.full(n_members - len(runs.member_run), -1, np.int64)])
    out = np.zeros(len(cell), dtype=np.bool_)
    return out if _repeated_runs(cell, member, runs.ended, runs.member_run, runs.state, out) else None


def _repeated_runs(cell, member, ended, member_run, state, out):
    current, run = state[0], state[1]
    for i in range(cell.shape[0]):
        c = cell[i]
        if c != current:
            if current >= 0:
                _seen_before(ended, current)
            if ended[c >> 3] & np.uint8(1 << (c & 7)):
                return False
            current, run = c, run + 1
        m = member[i]
        if member_run[m] == run:
            out[i] = True
        else:
            member_run[m] = run
    state[0], state[1] = current, run
    return True


def _seen_before(seen, key):
    """Whether bit `key` of `seen` (bytes) was set, setting it."""
    bit = np.uint8(1 << (key & 7))
    before = seen[key >> 3] & bit
    seen[key >> 3] |= bit
    return before != 0


def _repeated_bits(cell, member, valid, n_members, seen, out):
    for i in range(cell.shape[0]):
        if valid[i]:
            out[i] = _seen_before(seen, cell[i] * n_members + member[i])


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
    adds the same products in the same order as that numpy path, so the means are the same bits. The sums are kept
    for the leaves that have answers only (units × those leaves: a few of a rulebook's leaves, and the sums stay in
    cache)."""
    asked_leaves = np.flatnonzero(used_codes(leaf, n_leaves))
    slot = np.full(n_leaves, -1, dtype=np.int64)
    slot[asked_leaves] = np.arange(len(asked_leaves))
    sums = SurveySums(n_units, slot, by_form)
    sums.add(unit, leaf, weight, form_weight, form, counted)
    slot_mean, slot_count = sums.means()
    mean = np.full((n_units, n_leaves), np.nan)  # NaN where nothing is counted, as 0 ÷ 0 in the numpy path
    count = np.zeros((n_units, n_leaves), dtype=np.int64)
    mean[:, asked_leaves], count[:, asked_leaves] = slot_mean, slot_count
    return mean, count


class SurveySums:
    """The sums behind the survey means, added answer by answer (compiled): per unit × slot (a leaf's `slot`, −1 for a
    leaf with no answers) the sum of form weight × weight, of form weight and the count; per unit × `by_form` leaf ×
    form the sum of weights, the count and the form weight. Added in answer order, however the answers come (all at
    once, or a file's batches in turn), every sum adds the same numbers in the same order: the same bits."""

    def __init__(self, n_units: int, slot: np.ndarray, by_form: np.ndarray):
        self.n_units, self.slot = n_units, slot
        self.n_slots = int(slot.max()) + 1 if len(slot) else 0
        self.num = np.zeros(n_units * self.n_slots)
        self.den = np.zeros(n_units * self.n_slots)
        self.count = np.zeros(n_units * self.n_slots, dtype=np.int64)
        self.bf_leaves = np.flatnonzero(by_form)
        self.bf_index = np.full(len(slot), -1, dtype=np.int64)
        self.bf_index[self.bf_leaves] = np.arange(len(self.bf_leaves))
        # per form f (a block of units × by_form leaves each, so that a form met later adds a block at the end)
        self.g_sum, self.g_count, self.g_fw = np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0)

    def add(self, unit: np.ndarray, leaf: np.ndarray, weight: np.ndarray, form_weight: np.ndarray, form: np.ndarray,
            counted: np.ndarray) -> None:
        """Add the answers counted (every leaf with a slot); `form` is the answer's form number (0, 1, ...)."""
        block = self.n_units * len(self.bf_leaves)
        if block and counted.any():
            need = (int(form[counted].max()) + 1) * block
            if need > len(self.g_sum):
                grow = need - len(self.g_sum)
                self.g_sum = np.concatenate([self.g_sum, np.zeros(grow)])
                self.g_count = np.concatenate([self.g_count, np.zeros(grow, dtype=np.int64)])
                self.g_fw = np.concatenate([self.g_fw, np.zeros(grow)])
        _sums_add(unit, leaf, weight, form_weight, form, counted, self.slot, self.bf_index, self.n_slots, block,
                  len(self.bf_leaves), self.num, self.den, self.count, self.g_sum, self.g_count, self.g_fw)

    def means(self) -> tuple[np.ndarray, np.ndarray]:
        """The mean (NaN where nothing was counted) and the count, units × slots: a `by_form` leaf's mean is its
        forms' plain means weighted by the form weights, forms in order of their numbers."""
        mean = np.empty(self.n_units * self.n_slots)
        n_bf = len(self.bf_leaves)
        n_forms = len(self.g_sum) // (self.n_units * n_bf) if self.n_units * n_bf else 0
        _sums_means(self.num, self.den, self.g_sum, self.g_count, self.g_fw, self.slot[self.bf_leaves], n_forms,
                    self.n_slots, mean)
        return mean.reshape(self.n_units, self.n_slots), self.count.reshape(self.n_units, self.n_slots)


def _sums_add(unit, leaf, weight, form_weight, form, counted, slot, bf_index, n_slots, block, n_bf, num, den, cnt,
              g_sum, g_count, g_fw):
    for i in range(unit.shape[0]):
        if not counted[i]:
            continue
        key = unit[i] * n_slots + slot[leaf[i]]
        num[key] += form_weight[i] * weight[i]
        den[key] += form_weight[i]
        cnt[key] += 1
        b = bf_index[leaf[i]]
        if b >= 0:
            g = form[i] * block + unit[i] * n_bf + b
            g_sum[g] += weight[i]
            g_count[g] += 1
            g_fw[g] = form_weight[i]


def _sums_means(num, den, g_sum, g_count, g_fw, bf_slot, n_forms, n_slots, mean):
    for k in range(mean.shape[0]):
        mean[k] = num[k] / den[k]
    n_bf = bf_slot.shape[0]
    n_units = mean.shape[0] // n_slots if n_slots else 0
    block = n_units * n_bf
    for u in range(n_units):
        for b in range(n_bf):
            if bf_slot[b] < 0:
                continue  # a by_form leaf with no answers: its mean stays NaN
            by_num, by_den = 0.0, 0.0
            for f in range(n_forms):
                g = f * block + u * n_bf + b
                if g_count[g] > 0:
                    by_num += g_fw[g] * (g_sum[g] / g_count[g])
                    by_den += g_fw[g]
            mean[u * n_slots + bf_slot[b]] = by_num / by_den


LEAF_ROW, NOT_APPLICABLE_ROW, ADJUSTMENT_ROW, REPEATED_ROW, REPORTED_ROW = range(5)  # `assessment_rows`' fates


def assessment_rows(unit: np.ndarray, leaf: np.ndarray, adj: np.ndarray, n_units: int, n_leaves: int,
                    n_adjustments: int, group_of: np.ndarray, applies: np.ndarray,
                    seen: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each assessment row's fate and how many rows have each: REPORTED_ROW (an unknown unit or criterion, reported by
    the caller), REPEATED_ROW (an earlier such row has its unit and criterion), else ADJUSTMENT_ROW, or LEAF_ROW, or
    NOT_APPLICABLE_ROW where the leaf does not apply to the unit's group (`applies`, 1 + groups × leaves, at the unit's
    `group_of` + 1 and leaf). `unit`, `leaf`, `adj`: −1 where not that. Compiled: the repeats found by one bit per
    unit and criterion; `seen` (`row_bits`) carries those bits from one call to the next (a file read in batches:
    then always compiled)."""
    n = len(unit)
    if use_compiled(n) or seen is not None:
        fate = np.empty(n, dtype=np.int8)
        seen = row_bits(n_units * (n_leaves + n_adjustments)) if seen is None else seen
        _assessment_rows(unit, leaf, adj, n_leaves, n_adjustments, group_of, applies, seen, fate)
    else:
        target = np.where(leaf >= 0, leaf, np.where(adj >= 0, n_leaves + adj, -1))
        valid = (unit >= 0) & (target >= 0)
        dup = repeated(unit, target, valid, n_units, n_leaves + n_adjustments)
        fate = np.where(valid, np.where(leaf >= 0, LEAF_ROW, ADJUSTMENT_ROW), REPORTED_ROW).astype(np.int8)
        fate[dup] = REPEATED_ROW
        rows = np.flatnonzero(fate == LEAF_ROW)
        fate[rows[~applies[(group_of[unit[rows]] + 1) * n_leaves + leaf[rows]]]] = NOT_APPLICABLE_ROW
    return fate, np.bincount(fate, minlength=5)


def _assessment_rows(unit, leaf, adj, n_leaves, n_adjustments, group_of, applies, seen, fate):
    n_targets = n_leaves + n_adjustments
    for i in range(unit.shape[0]):
        u, j = unit[i], leaf[i]
        t = j if j >= 0 else (n_leaves + adj[i] if adj[i] >= 0 else -1)
        if u < 0 or t < 0:
            fate[i] = REPORTED_ROW
            continue
        if _seen_before(seen, u * n_targets + t):
            fate[i] = REPEATED_ROW
        elif j < 0:
            fate[i] = ADJUSTMENT_ROW
        elif applies[(group_of[u] + 1) * n_leaves + j]:
            fate[i] = LEAF_ROW
        else:
            fate[i] = NOT_APPLICABLE_ROW


NOT_SURVEY, NO_RESPONDENT, NOT_APPLICABLE, REPORTED = 1, 2, 4, 8  # `survey_rows`' flags (a row may have the first two)


def survey_rows(unit: np.ndarray, leaf: np.ndarray, adj: np.ndarray, of_survey: np.ndarray, resp_raw: np.ndarray,
                resp_lookup: np.ndarray, group_of: np.ndarray, applies: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each survey row's flags and, for the rows without any (in order): the row, its unit, leaf, survey leaf and
    respondent.

    Per row (`unit`, `leaf`, `adj`: −1 where not that; `of_survey`: a leaf's number among the survey leaves, its last
    slot −1; the respondent `resp_lookup[resp_raw]`, −1 empty, a raw code −1 reading the last slot): NOT_SURVEY (a leaf
    that is not a survey leaf, or an adjustment), NO_RESPONDENT; else REPORTED (an unknown unit or criterion, reported
    by the caller already) or NOT_APPLICABLE (`applies`, 1 + groups × leaves, at the unit's `group_of` + 1 and leaf)."""
    n = len(unit)
    if use_compiled(n):
        flags = np.empty(n, dtype=np.int8)
        rows, at_unit, at_leaf = np.empty(n, dtype=np.intp), np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int32)
        at_sl, at_resp = np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int32)
        k = _survey_rows(unit, leaf, adj, of_survey, resp_raw, resp_lookup, group_of, applies, flags, rows, at_unit,
                         at_leaf, at_sl, at_resp)
        return flags, rows[:k], at_unit[:k], at_leaf[:k], at_sl[:k], at_resp[:k]
    sl, resp = of_survey[leaf], resp_lookup[resp_raw]
    flags = np.where(((leaf >= 0) & (sl < 0)) | (adj >= 0), NOT_SURVEY, 0).astype(np.int8)
    flags[resp < 0] |= NO_RESPONDENT
    flags[(flags == 0) & ((unit < 0) | (sl < 0))] = REPORTED
    rows = np.flatnonzero(flags == 0)
    n_l = len(of_survey) - 1
    flags[rows[~applies[(group_of[unit[rows]] + 1) * n_l + leaf[rows]]]] = NOT_APPLICABLE
    rows = np.flatnonzero(flags == 0)
    return (flags, rows, unit[rows].astype(np.int32), leaf[rows].astype(np.int32), sl[rows].astype(np.int32),
            resp[rows].astype(np.int32))


def _survey_rows(unit, leaf, adj, of_survey, resp_raw, resp_lookup, group_of, applies, flags, rows, at_unit, at_leaf,
                 at_sl, at_resp):
    n_l = of_survey.shape[0] - 1
    k = 0
    for i in range(unit.shape[0]):
        u, j = unit[i], leaf[i]
        sl = of_survey[j] if j >= 0 else -1
        raw = resp_raw[i]
        r = resp_lookup[raw] if raw >= 0 else -1
        f = 0
        if (j >= 0 and sl < 0) or adj[i] >= 0:
            f = NOT_SURVEY
        if r < 0:
            f |= NO_RESPONDENT
        if f == 0 and (u < 0 or sl < 0):
            f = REPORTED
        if f == 0 and not applies[(group_of[u] + 1) * n_l + j]:
            f = NOT_APPLICABLE
        flags[i] = f
        if f == 0:
            rows[k], at_unit[k], at_leaf[k], at_sl[k], at_resp[k] = i, u, j, sl, r
            k += 1
    return k


def answer_rows(rows: np.ndarray, at_unit: np.ndarray, at_leaf: np.ndarray, at_sl: np.ndarray, answer_raw: np.ndarray,
                answer_lookup: np.ndarray, form_raw: np.ndarray, form_lookup: np.ndarray, picked: np.ndarray,
                option_weight: np.ndarray, n_options: np.ndarray, by_form: np.ndarray, form_number: np.ndarray,
                own_raw: np.ndarray, own_lookup: np.ndarray, exclude: np.ndarray, asked: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per answer k (table row `rows[k]`, of unit `at_unit[k]`, leaf `at_leaf[k]`, survey leaf `at_sl[k]`): the option's
    weight (NaN when not an option), the form's weight, whether it counts, its form's number; `asked` (units × leaves)
    marked where a unit has an answer.

    The answer's text is `answer_lookup[answer_raw[row]]` and its form's `form_lookup[form_raw[row]]` (−1: empty, the
    last slot of the survey leaf's lookups: `picked`, `option_weight`, `by_form`; `form_number` gives the form's
    number, its last slot the empty form's). An answer counts when it names an option (`picked` < `n_options`) and,
    where its leaf's `exclude` says so, is not about the respondent's own unit (`own_lookup[own_raw[row]]`)."""
    n = len(rows)
    weight, form_weight, counted, form = np.empty(n), np.empty(n), np.empty(n, dtype=np.bool_), np.empty(n, np.int32)
    if use_compiled(n):
        _answer_rows(rows, at_unit, at_leaf, at_sl, answer_raw, answer_lookup, form_raw, form_lookup, picked,
                     option_weight, n_options, by_form, form_number, own_raw, own_lookup, exclude, asked, weight,
                     form_weight, counted, form)
        return weight, form_weight, counted, form
    a, f = answer_lookup[answer_raw[rows]], form_lookup[form_raw[rows]]  # (−1 reads the last slot)
    weight[:], form_weight[:], form[:] = option_weight[at_sl, a], by_form[at_sl, f], form_number[f]
    counted[:] = picked[at_sl, a] < n_options[at_sl]  # NaN (neither option nor skip) compares False
    mine = np.flatnonzero(counted & exclude[at_sl])
    counted[mine[own_lookup[own_raw[rows[mine]]] == at_unit[mine]]] = False
    asked[at_unit, at_leaf] = True
    return weight, form_weight, counted, form


def _answer_rows(rows, at_unit, at_leaf, at_sl, answer_raw, answer_lookup, form_raw, form_lookup, picked,
                 option_weight, n_options, by_form, form_number, own_raw, own_lookup, exclude, asked, weight,
                 form_weight, counted, form):
    last_a, last_f = answer_lookup.shape[0] - 1, form_lookup.shape[0] - 1
    for k in range(rows.shape[0]):
        r, sl = rows[k], at_sl[k]
        a = answer_lookup[answer_raw[r] if answer_raw[r] >= 0 else last_a]
        f = form_lookup[form_raw[r] if form_raw[r] >= 0 else last_f]
        if a < 0:
            a = picked.shape[1] - 1
        if f < 0:
            f = by_form.shape[1] - 1
        weight[k], form_weight[k], form[k] = option_weight[sl, a], by_form[sl, f], form_number[f]
        counts = picked[sl, a] < n_options[sl]
        if counts and exclude[sl]:
            raw = own_raw[r]
            counts = (own_lookup[raw] if raw >= 0 else -1) != at_unit[k]
        counted[k] = counts
        asked[at_unit[k], at_leaf[k]] = True


_seen_before = inlined(_seen_before)
_used_codes = compiled(_used_codes)
_recode = compiled(_recode)
_code_counts = compiled(_code_counts)
_texts_by_group = compiled(_texts_by_group)
_leaf_cells = compiled(_leaf_cells)
_repeated = compiled(_repeated)
_repeated_bits = compiled(_repeated_bits)
_repeated_runs = compiled(_repeated_runs)
_answer_rows = compiled(_answer_rows)
_survey_rows = compiled(_survey_rows)
_assessment_rows = compiled(_assessment_rows)
_sums_add = compiled(_sums_add)
_sums_means = compiled(_sums_means, error_model="numpy")  # 0 ÷ 0 is NaN (no answer counted), as in numpy
