"""A table of text cells as the columnar CSV reader holds it: each column as codes into its distinct texts.

A dataset's assessments and survey hold millions of cells and a few thousand distinct texts, and
parsing needs only the codes (`data.coded`). A `TextTable` keeps them so, and builds a column of
text objects only when something asks for it (a message about a bad cell names its text), or the
whole pandas table when a caller asks the `Dataset` for it (`frame`): the same table, with the
same `_file`, `_row` and `attrs["header"]`, that `read.tidy` makes of the same file.

It answers the few questions a pandas table of text answers for parsing and for locating
problems (`data.problems.where`): `len`, `columns`, `attrs`, `index`, `table[column]`; it is
read-only.
"""

from __future__ import annotations

from functools import cached_property
from typing import TypeAlias

import numpy as np
import pandas as pd

from cchc_rules.data.coded import compact, keep_codes


class TextTable:
    """Rows of text cells (None = empty), below a header, from one file; row i was read at line `rows[i]` (a
    `range` when no line was skipped: no array of row count is held for it)."""

    def __init__(self, header: list[str], codes: list[np.ndarray], texts: list[list[str | None]],
                 rows: np.ndarray | range, file: str, extra: tuple[str, ...] = ()):
        self.header = header  # the file's columns, in its order (`attrs["header"]`)
        self._codes = dict(zip([*header, *extra], codes, strict=True))
        self._texts = dict(zip([*header, *extra], texts, strict=True))
        self.rows = rows
        self.file = file
        self.extra = extra  # columns added after reading (a column the contract names, left empty)
        self.columns = pd.Index([*header, "_file", "_row", *extra])
        self.attrs = {"header": header}
        self.index = pd.RangeIndex(len(rows))
        self._series: dict[str, pd.Series] = {}

    @classmethod
    def read(cls, header: list[str], codes: list[np.ndarray], texts: list[list[str | None]], rows: np.ndarray | range,
             file: str) -> TextTable:
        """The table of a file's columns as the reader gives them (`header` made unique): without columns
        that have neither a header nor a cell (a trailing separator on every line) nor rows with no cell,
        as `read.tidy` drops them."""
        kept = [k for k, name in enumerate(header) if name or not _empty_texts(texts[k])[codes[k]].all()]
        if not kept:  # no column has a name or a cell: every row is blank
            return cls([], [], [], np.zeros(0, dtype=np.int32), file)
        blank = None  # rows with no cell: checked column by column, few survive the first
        for k in kept:
            empty = _empty_texts(texts[k])
            if not empty.any():  # no cell of this column is empty: no row is blank
                blank = None
                break
            blank = np.flatnonzero(empty[codes[k]]) if blank is None else blank[empty[codes[k][blank]]]
            if not len(blank):
                break
        names, kept_texts = [header[k] for k in kept], [texts[k] for k in kept]
        if blank is None or not len(blank):
            return cls(names, [codes[k] for k in kept], kept_texts, rows, file)
        keep = np.ones(len(rows), dtype=bool)
        keep[blank] = False
        return cls(names, [codes[k][keep] for k in kept], kept_texts, np.asarray(rows, dtype=np.int32)[keep], file)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def empty(self) -> bool:
        return not len(self.rows)

    def with_empty(self, column: str) -> TextTable:
        """The same table with an empty `column` added after the others (as `DataFrame.assign(column=None)`)."""
        names = [*self.header, *self.extra]
        return TextTable(self.header, [*(self._codes[c] for c in names), np.zeros(len(self), dtype=np.int8)],
                         [*(self._texts[c] for c in names), [None]], self.rows, self.file, (*self.extra, column))

    def codes(self, column: str) -> tuple[np.ndarray, list[str | None]]:
        """The reader's codes of `column` (row i → index into the texts; texts may repeat once tidied) and its texts."""
        return self._codes[column], self._texts[column]

    def coded(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """`data.coded.coded` of a column (worked out each time: a column of codes per row is not kept twice)."""
        return compact(*self.codes(column))

    def __getitem__(self, column: str) -> pd.Series:
        """One column as pandas holds it in `frame()` (built on first ask)."""
        if column not in self._series:
            if column == "_file":
                series = pd.Series(self.file, index=self.index)  # typed as pandas types a column set to one text
            elif column == "_row":
                series = pd.Series(np.asarray(self.rows, dtype=np.int64))
            else:
                codes, texts = self._codes[column], self._texts[column]
                cells = np.asarray(texts, dtype=object)[codes]
                series = pd.Series(cells, dtype=object, copy=False)
            self._series[column] = series
        return self._series[column]

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The whole table in pandas, its columns' codes kept for parsing (`data.coded.keep_codes`)."""
        df = pd.DataFrame({name: self[name] for name in self.columns}, copy=False)
        df.attrs["header"] = list(self.header)
        keep_codes(df, {name: self.codes(name) for name in [*self.header, *self.extra]})
        return df


def _empty_texts(texts: list[str | None]) -> np.ndarray:
    """Per text code, whether it stands for an empty cell."""
    return np.fromiter((t is None for t in texts), dtype=bool, count=len(texts))


Table: TypeAlias = "pd.DataFrame | TextTable"  # a dataset's table, as pandas or as the reader's codes
