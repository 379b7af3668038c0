"""The fast path for CSV: a typed columnar read (pyarrow) and tidying per distinct text.

Data repeat a few texts over thousands of rows (unit ids, criterion ids, `có`, `0`, `A`), so
each column is dictionary-encoded while it is read (block by block from the file: its bytes are
never held whole), the few distinct texts are normalised and trimmed in Python (only those that
are not plain printable ASCII, which `clean` and `strip` would leave as they are), and the column
is rebuilt by index: memory and time follow the data, not the number of Python string objects.
Whatever this path does not handle exactly as the plain reader does (a file that is not UTF-8, a
ragged or blank line, a quote left open) returns None, and the plain reader runs, with its located
messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from cchc_rules.safe_text import CONTROL, clean

_BLOCK = 1 << 22  # 4 MiB blocks: both cores parse, and few blocks are held at once (the read's peak)


@dataclass
class Columns:
    """A CSV read column by column: its header texts and, per column (in order), each row's code into the
    column's distinct texts, tidied (None = empty cell), in the narrowest signed integer type that holds
    them (int8 for a column of `có`/`không`, int32 only past 32,768 texts); `rows` numbers the rows as a
    spreadsheet does (the header is row 1)."""

    header: list[str]
    codes: list[np.ndarray]
    texts: list[list[str | None]]
    rows: range


class TooLong(Exception):
    """The file has more rows or columns than allowed; reading stopped there."""

    def __init__(self, rows: int, columns: int):
        super().__init__(rows, columns)
        self.rows, self.columns = rows, columns


def read_csv_columnar(source: bytes | memoryview | Path, separator: str, header: bytes | None = None,
                      max_rows: int | None = None, max_columns: int | None = None) -> Columns | None:
    """The cells of a CSV below its header row; None when the file is not plain enough for this path.

    A file (`source` a path; a UTF-8 BOM is skipped) is read by Arrow in `_BLOCK`-byte blocks on every
    core (its bytes are never held whole as one Python object), each column dictionary-encoded while it
    is parsed (no text column of row count is built); `TooLong` when the rows (below the header) pass
    `max_rows` or the columns `max_columns` (the file's size limit, checked before, bounds the read).
    `header` is the file's first line (read from `source` when it is bytes).
    """
    first = header if header is not None else _first_line(source)
    try:
        table = pacsv.read_csv(
            str(source) if isinstance(source, Path) else pa.BufferReader(pa.py_buffer(source)),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=_BLOCK),
            parse_options=pacsv.ParseOptions(delimiter=separator, newlines_in_values=_has_quote(source),
                                              ignore_empty_lines=False),
            convert_options=all_text(_column_names(first, separator)),
        )
        if max_columns is not None and table.num_columns > max_columns:
            raise TooLong(max(table.num_rows - 1, 0), table.num_columns)
        if max_rows is not None and table.num_rows - 1 > max_rows:
            raise TooLong(table.num_rows - 1, table.num_columns)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    n_rows = table.num_rows
    if n_rows == 0:
        return None
    codes, texts = encoded_columns(table)
    del table
    header_texts = [tidied[indices[0]] or "" for tidied, indices in zip(texts, codes, strict=True)]
    codes = [indices[1:] for indices in codes]
    pa.default_memory_pool().release_unused()  # Arrow's pool gives the read's pages back, not held through parsing
    return Columns(header_texts, codes, texts, range(2, n_rows + 1))


def _has_quote(source: bytes | memoryview | Path) -> bool:
    """Whether the data hold a quote anywhere: without one no value can hold a line break, and Arrow parses faster
    when told so (about 12 % here; the scan costs a tenth of the read). A file is scanned through one buffer of
    `_SCAN` bytes (not memory-mapped: a mapped file's pages would count in the process's memory)."""
    if not isinstance(source, Path):
        return b'"' in bytes(source)
    buffer = bytearray(_SCAN)
    with source.open("rb", buffering=0) as f:
        while n := f.readinto(buffer):
            if buffer.find(b'"', 0, n) >= 0:
                return True
    return False


_SCAN = 1 << 24


def _first_line(data: bytes | memoryview | Path) -> bytes:
    if isinstance(data, Path):
        with data.open("rb") as f:
            data = f.read(_HEAD)
    head = bytes(data[:_HEAD])
    return head[: head.find(b"\n")] if b"\n" in head else bytes(data).split(b"\n", 1)[0]


def _column_names(first: bytes, separator: str) -> list[str]:
    """Arrow's names of the columns the header line says there may be (extra names are ignored)."""
    return [f"f{i}" for i in range(first.count(separator.encode()) + 1 + first.count(b'"'))]


def all_text(names: list[str], include: list[str] | None = None) -> pacsv.ConvertOptions:
    """Arrow's conversion of every column (`names`) as dictionary-encoded text, an empty cell an empty text (tidied to
    None afterwards, as the plain reader does); only the `include` columns read, if given."""
    return pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.dictionary(pa.int32(), pa.string())),
                                include_columns=include or [], strings_can_be_null=False,
                                quoted_strings_can_be_null=False)


def encoded_columns(table: pa.Table) -> tuple[list[np.ndarray], list[list[str | None]]]:
    """`_encoded` of each column of `table`, in order: the codes and the tidied texts. Each column's blocks are let go
    as soon as its codes are made (the caller lets go of `table`)."""
    codes, texts = [], []
    for name in table.column_names:
        tidied, indices = _encoded(table.column(name))
        table = table.drop_columns([name])
        codes.append(indices)
        texts.append(tidied)
    return codes, texts


_HEAD = 1 << 16
_PLAIN = r"^[!-~]([ -~]*[!-~])?$"  # printable ASCII, no space at either end: `clean` and `strip` leave it as is


def _encoded(column: pa.ChunkedArray) -> tuple[list[str | None], np.ndarray]:
    """The column's distinct texts in order of first appearance, tidied (`safe_text.clean`: NFC, no control
    characters; trimmed; "" → None), and each row's index into them, in the narrowest signed integer type (a
    copy: the reader's int32 buffers go with the column)."""
    if column.num_chunks == 0:
        return [], np.zeros(0, dtype=np.int8)
    # each block of the read has its own dictionary: one for the column (first appearances first), then one array
    encoded = pa.table({"column": column}).unify_dictionaries().column(0).combine_chunks()
    distinct = encoded.dictionary
    plain = pc.match_substring_regex(distinct, _PLAIN).to_numpy(zero_copy_only=False)
    clean_already = pc.and_(pc.equal(pc.utf8_normalize(distinct, "NFC"), distinct),  # (UTF-8: no lone surrogate)
                            pc.invert(pc.match_substring_regex(distinct, CONTROL))).to_numpy(zero_copy_only=False)
    texts = [t if p else ((t if c else clean(t)).strip() or None)
             for t, p, c in zip(distinct.to_pylist(), plain, clean_already, strict=True)]
    dtype = next(d for d in (np.int8, np.int16, np.int32) if len(texts) <= np.iinfo(d).max + 1)  # rows: `limits`
    return texts, encoded.indices.to_numpy(zero_copy_only=False).astype(dtype, copy=False)
