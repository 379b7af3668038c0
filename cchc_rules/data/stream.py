"""A large dataset folder read in batches: its Inputs parsed without holding its tables.

A folder whose assessments and survey files pass `STREAM_FROM` bytes is read batch by batch (about
`BLOCK` bytes of a file each, cut at a line's end and read by Arrow on every core, only the columns parsing
reads), and each
batch is checked and parsed as a table of its own by the functions that parse a whole table
(`data.parse`), into the Inputs. What must be known across batches is carried: the unit and
criterion pairs met (one bit each, `load_kernels.assessment_rows`), the survey's cell and
respondent pairs met (`load_kernels.repeated_in_runs`: one bit per cell where each cell's answers come
together, else `repeated_in_turn`), the respondents' and forms' numbers (in
order of first appearance in the file, as the whole-table path numbers them), and the sums behind
the survey means (`load_kernels.SurveySums`, added in file order: the same bits as the whole-table
path). The survey answers are not kept (a bootstrap that asks for them reads them again,
`parse.answers_for`), and the two tables stay in their files (`model.OnFile`): each is read whole
when something asks for it, after checking that the file is still the one loaded.

This path takes clean data only. The first problem or note of any kind in a batch, a quote anywhere
(a quoted cell may hold a line break, and a batch is cut at one), and anything the columnar reader
would not take as it is (`data.columnar`), stops it; `load_dataset` then reads
the folder whole and says every problem as it always does.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import csv as pacsv

from cchc_rules import limits
from cchc_rules.compiled import available
from cchc_rules.data import load_kernels as kernels
from cchc_rules.data.columnar import all_text, encoded_columns
from cchc_rules.data.model import Dataset, Inputs, OnFile
from cchc_rules.data.parse import (
    Book,
    answer_weights,
    assessment_block,
    assessment_header,
    by_form_leaves,
    groups_of,
    new_arrays,
    overrides,
    survey_block,
    survey_slots,
    unit_positions,
    units_of,
    write_means,
)
from cchc_rules.data.read import ASSESSMENTS, SURVEY, UNITS, read_csv_table, read_meta, require, separator_of, shape
from cchc_rules.data.text_table import TextTable
from cchc_rules.dsl.models import Rulebook
from cchc_rules.heap import reused_heap
from cchc_rules.problems import CchcError, Pos, Problems, define
from cchc_rules.safe_text import clean

STREAM_FROM = 256 * 2**20  # bytes of assessments and survey from which a folder is read in batches
BLOCK = 1 << 26  # bytes of a file per batch (64 MiB: a million units load in 40 s with it, 56 s with 16 MiB)
READ_BLOCK = 1 << 22  # bytes Arrow parses at once within a batch (on every core, as `data.columnar` reads)
HEADER_BYTES = 1 << 16  # a header line longer than this is left to the whole-table reader
PAIR_BITS = 2**33  # the survey's cell × respondent bits past which the whole-table path reads instead (1 GiB)

CHANGED = define(
    "D366",
    "Tệp {file} đã thay đổi sau khi bộ dữ liệu được đọc",
    "The file {file} has changed since the dataset was loaded",
    "Đọc lại bộ dữ liệu (tệp lớn được đọc lại khi cần tới các dòng của nó).",
    "Load the dataset again (a large file is read again when its rows are needed).",
)


class _NotPlain(Exception):
    """Something this path does not take as it is: the whole-table path reads the folder."""


def stream_folder(folder: Path, rulebook: Rulebook) -> Dataset | None:
    """The dataset of a large folder with its Inputs for `rulebook` parsed and cached, reading the assessments and
    the survey in batches; None when the folder is small, or not clean enough for this path (then nothing is kept:
    the caller reads it whole)."""
    files = {kind: folder / f"{kind}.csv" for kind in ("assessments", "survey")}
    if not (available() and folder.is_dir() and (folder / "units.csv").is_file() and files["assessments"].is_file()):
        return None
    present = {kind: f for kind, f in files.items() if f.is_file()}
    if sum(f.stat().st_size for f in present.values()) < STREAM_FROM:
        return None
    try:
        with reused_heap():  # each batch makes arrays of the same sizes again
            return _stream(folder, present, Book(rulebook))
    except (_NotPlain, pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None


def _stream(folder: Path, files: dict[str, Path], book: Book) -> Dataset:
    problems = Problems()
    meta = read_meta(folder, problems)
    table = read_csv_table(folder / "units.csv", problems)
    if table is None or table.empty or not require(table, UNITS, Pos(str(folder / "units.csv"), 1), problems):
        raise _NotPlain
    unit_table = shape("units", table.frame if isinstance(table, TextTable) else table)
    units, index = units_of(unit_table, book, problems)
    _stop_at(problems)
    value, status, adjustment = new_arrays(len(units), book)
    group_of = groups_of(units, book)
    left = {kind: _left_in(file, kind) for kind, file in files.items()}  # stamped before reading

    assessments = _Batches(files["assessments"], "assessments", ASSESSMENTS, tuple(book.stages))
    assessment_header(assessments.header, Pos(str(files["assessments"]), 1), book, problems)
    _stop_at(problems)
    seen = kernels.row_bits(len(units) * (len(book.leaves) + len(book.adjustments)))
    for batch in assessments:
        assessment_block(batch, book, index, group_of, meta.decimal, value, status, adjustment, problems, seen)
        _stop_at(problems)
    del seen
    survey_n = np.zeros((len(units), len(book.leaves)), dtype=np.int32)
    if "survey" in files:
        _survey(files["survey"], book, index, group_of, value, status, survey_n, problems)
    inputs = Inputs(
        units=units, leaf_ids=book.leaf_ids, stages=book.stages, value=value, status=status,
        adjustment_ids=book.adjustment_ids, adjustment=adjustment, survey_n=survey_n,
        notes=list(problems), unit_pos=unit_positions(unit_table),
    )
    dataset = Dataset(unit_table, left["assessments"], left.get("survey"), meta, folder)
    dataset._inputs[book.key] = inputs
    return dataset


def _survey(file: Path, book: Book, index: pd.Index, group_of: np.ndarray, value: np.ndarray, status: np.ndarray,
            survey_n: np.ndarray, problems: Problems) -> None:
    """The survey's means written into `value` and `status`, its counts into `survey_n` (as `parse._survey`).

    Repeated answers are found with one bit per unit × survey leaf while each cell's answers come together
    (`load_kernels.repeated_in_runs`); in a file where they do not, the survey is read again with one bit per cell ×
    respondent (`load_kernels.repeated_in_turn`)."""
    survey_leaves, of_survey = survey_slots(book)
    try:
        sums, asked = _answers(file, book, index, group_of, survey_leaves, of_survey, survey_n.shape, problems, True)
    except _Unordered:
        sums, asked = _answers(file, book, index, group_of, survey_leaves, of_survey, survey_n.shape, problems, False)
    mean, count = sums.means()
    del sums
    survey_n[:, survey_leaves] = count
    overrides(Pos(str(file.with_name("assessments.csv")), 1), book, asked, status, survey_leaves, problems)
    write_means(asked, mean, count, of_survey[:-1], book, value, status)


class _Unordered(Exception):
    """A cell's answers came again after another cell's."""


def _answers(file: Path, book: Book, index: pd.Index, group_of: np.ndarray, survey_leaves: np.ndarray,
             of_survey: np.ndarray, shape: tuple[int, int], problems: Problems,
             in_runs: bool) -> tuple[kernels.SurveySums, np.ndarray]:
    """The survey's sums and which cells have answers (units × leaves), the file read batch by batch."""
    n_cells = len(index) * len(survey_leaves)
    sums = kernels.SurveySums(len(index), of_survey[:-1].astype(np.int64), by_form_leaves(book))
    respondents: dict[str | None, int] = {}
    forms: dict[str | None, int] = {}
    runs = kernels.Runs(n_cells) if in_runs else None
    pairs = np.zeros(0, dtype=np.uint8)  # (not in runs) one bit per cell × respondent (`repeated_in_turn`)
    asked = np.zeros(shape, dtype=bool)
    for batch in _Batches(file, "survey", SURVEY, ("respondent_unit",)):
        rows, at_unit, at_leaf, at_sl, at_resp, resp_texts = survey_block(batch, book, index, group_of, of_survey,
                                                                          problems)
        _stop_at(problems)
        respondent = _numbers(respondents, resp_texts)[at_resp]
        cell = at_unit.astype(np.int64) * len(survey_leaves) + at_sl
        if runs is not None:
            dup = kernels.repeated_in_runs(cell, respondent, len(respondents), runs)
            if dup is None:
                raise _Unordered
        else:
            bits = kernels.turn_bits(n_cells, len(respondents))
            if bits > PAIR_BITS:
                raise _NotPlain
            if len(pairs) * 8 < bits:  # respondents met for the first time: their bits added
                grown = kernels.row_bits(bits)  # (zero pages: taken as they are first set)
                grown[:len(pairs)] = pairs
                pairs = grown
            dup = kernels.repeated_in_turn(cell, respondent, n_cells, pairs)
        if dup.any():
            raise _NotPlain
        del cell, respondent, dup
        weight, form_weight, counted, form, form_names = answer_weights(batch, book, index, survey_leaves, rows,
                                                                        at_unit, at_leaf, at_sl, asked, problems)
        _stop_at(problems)
        sums.add(at_unit, at_leaf, weight, form_weight, _numbers(forms, form_names)[form], counted)
    return sums, asked


def _numbers(numbering: dict[str | None, int], texts: list[str | None]) -> np.ndarray:
    """Each text's number in `numbering`, a text met for the first time numbered next (in the order of `texts`)."""
    return np.array([numbering.setdefault(t, len(numbering)) for t in texts], dtype=np.int32)


def _stop_at(problems: Problems) -> None:
    if problems.items:  # a problem or a note: the whole-table path says it, with every other
        raise _NotPlain


class _Batches:
    """A CSV file's rows as `TextTable`s of about `BLOCK` bytes each (`kind`: assessments or survey, shaped as
    `read.shape` shapes them), with only the `required` columns and those `wanted` the file has; each row numbered
    as the whole-table reader numbers it. Whatever this path does not take as it is (a header not plain, a
    required column missing, no row, a ragged row, a file past the limits) raises `_NotPlain` (or Arrow's error)."""

    def __init__(self, file: Path, kind: str, required: tuple[str, ...], wanted: tuple[str, ...]):
        if file.stat().st_size > limits.value(limits.TABLE_BYTES):
            raise _NotPlain  # the whole-table path says so
        with file.open("rb") as f:
            line = f.readline(HEADER_BYTES)
        first = line.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n")
        if b'"' in first or not line.endswith(b"\n"):  # (no line's end within HEADER_BYTES: not a plain header)
            raise _NotPlain
        text = first.decode("utf-8")
        self.separator = separator_of(text)
        self.header = [clean(name).strip() for name in text.split(self.separator)]
        if (len(set(self.header)) < len(self.header) or "" in self.header or not set(required) <= set(self.header)
                or len(self.header) > limits.value(limits.TABLE_COLUMNS)):
            raise _NotPlain
        self.file, self.kind, self.body_at = file, kind, len(line)
        self.columns = [self.header.index(name) for name in (*required, *wanted) if name in self.header]
        names = [f"f{k}" for k in range(len(self.header))]  # every row must have as many cells as the header
        self.options = {  # how Arrow reads each chunk
            "read_options": pacsv.ReadOptions(column_names=names, block_size=READ_BLOCK),
            "parse_options": pacsv.ParseOptions(delimiter=self.separator, ignore_empty_lines=False),
            "convert_options": all_text(names, [names[k] for k in self.columns]),
        }

    def __iter__(self) -> Iterator[TextTable]:
        start, most = 2, limits.value(limits.TABLE_ROWS)
        with ThreadPoolExecutor(1) as pool:  # the next batch is read (by Arrow, on every core) while one is parsed
            ahead: Future[tuple[list[np.ndarray], list[list[str | None]], int]] | None = None
            for chunk in chain(self._chunks(), [None]):
                read = pool.submit(self._read, chunk) if chunk is not None else None
                if ahead is not None:
                    codes, texts, n = ahead.result()
                    if start - 2 + n > most:
                        raise _NotPlain
                    yield shape(self.kind, TextTable([self.header[k] for k in self.columns], codes, texts,
                                                     range(start, start + n), str(self.file)))
                    start += n
                ahead = read
        if start == 2 and self.kind == "assessments":
            raise _NotPlain  # no row: the whole-table path says so

    def _read(self, chunk: memoryview) -> tuple[list[np.ndarray], list[list[str | None]], int]:
        """A chunk's columns (`columnar.encoded_columns`: codes and tidied texts) and its number of rows."""
        table = pacsv.read_csv(pa.BufferReader(pa.py_buffer(chunk)), **self.options)
        n = table.num_rows
        return (*encoded_columns(table), n)

    def _chunks(self) -> Iterator[memoryview]:
        """The file's lines below the header, about `BLOCK` bytes at a time, each chunk ending at a line's end. The
        chunks are views of two buffers in turn (one is read into while Arrow reads the other), each read into again
        two chunks later (fresh memory would cost a page fault per 4 KiB, which costs more here than reading). A line
        longer than a buffer, or a quote anywhere (a quoted cell may hold a line break; the whole-table reader takes
        them), raises `_NotPlain`."""
        buffers = [bytearray(BLOCK), bytearray(BLOCK)]
        views = [memoryview(b) for b in buffers]
        with self.file.open("rb", buffering=0) as f:
            f.seek(self.body_at)
            k, held = 0, 0  # the buffer read into; bytes of a line begun in the last chunk, copied to its start
            while n := f.readinto(views[k][held:]):
                buffer, end = buffers[k], held + n
                cut = buffer.rfind(b"\n", 0, end) + 1
                if not cut or buffer.find(b'"', held, end) >= 0:  # (a quoted cell may hold a line break)
                    raise _NotPlain
                yield views[k][:cut]
                k, held = 1 - k, end - cut
                buffers[k][:held] = buffer[cut:end]
            if held:
                yield views[k][:held]


def _stamp(file: Path) -> tuple[int, int]:
    info = file.stat()
    return info.st_size, info.st_mtime_ns


@dataclass(frozen=True)
class _Reread:
    """Reads the table of `file` whole, if the file is still the one loaded (its size and time, `stamp`): a value,
    not a closure, so that a dataset that holds it can be sent to another process."""

    file: Path
    kind: str
    stamp: tuple[int, int]

    def __call__(self) -> pd.DataFrame | TextTable:
        problems = Problems()
        table = None
        if not self.file.is_file() or _stamp(self.file) != self.stamp:
            problems.add(CHANGED, Pos(str(self.file)), file=self.file.name)
        else:
            table = read_csv_table(self.file, problems)
        if table is None or problems.errors:
            raise CchcError(problems.items)
        return shape(self.kind, table)


def _left_in(file: Path, kind: str) -> OnFile:
    """The table of `file`, left there: read whole when asked for, if the file is still the one loaded."""
    return OnFile(file, _Reread(file, kind, _stamp(file)))
