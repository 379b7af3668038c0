"""Reading a dataset (spec §9) into text tables: a folder of CSV files or one XLSX workbook.

Every cell becomes text: Unicode NFC, trimmed, an empty cell None, `NA` kept as `NA`. Numbers
are parsed later, per rulebook (`data.parse`), so that the decimal setting and each rule's
meaning apply there. Each row keeps where it was read: `_file`, `_row` (as a spreadsheet shows
it: the header is row 1) and, for workbooks, `_sheet`; each table keeps its header order in
`attrs["header"]` so that problems can name the column number.

Extension: a CSV whose header line holds more `;` (or tabs) than commas is read with that
separator, as Excel writes CSV where the decimal mark is a comma.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from pathlib import Path
from typing import Any, overload

import numpy as np
import pandas as pd

import cchc_rules.places as places
from cchc_rules import limits
from cchc_rules.data import problems as dp
from cchc_rules.data.coded import same_codes
from cchc_rules.data.columnar import TooLong, read_csv_columnar
from cchc_rules.data.model import Dataset, DatasetMeta
from cchc_rules.data.text_table import TextTable
from cchc_rules.dsl.source import LDict, read_yaml
from cchc_rules.problems import Pos, Problems, define, nearest
from cchc_rules.safe_text import clean

TOO_BIG = define(
    "D360",
    "Tệp quá lớn: {size} byte (giới hạn {limit} byte)",
    "The file is too large: {size} bytes (the limit is {limit} bytes)",
    "Kiểm tra đúng tệp chưa; nếu thật cần, nâng giới hạn bằng biến môi trường {env}.",
    "Check that this is the right file; if it really must be this large, raise the limit with the "
    "environment variable {env}.",
)
TOO_LONG = define(
    "D361",
    "Bảng có hơn {limit} {what_vi}",
    "The table has more than {limit} {what_en}",
    "Xoá các dòng, cột thừa; nếu thật cần, nâng giới hạn bằng biến môi trường {env}.",
    "Delete the rows or columns that do not belong; if it really is this large, raise the limit with the "
    "environment variable {env}.",
)
NO_MEMORY = define(
    "D365",
    "Không đủ bộ nhớ để đọc bộ dữ liệu: các tệp CSV nặng {size} MB, tiến trình này được dùng tới {memory} MB",
    "Not enough memory to load the dataset: its CSV files take {size} MB, this process may use up to {memory} MB",
    "Việc đọc cần tới khoảng 3 lần dung lượng các tệp CSV. Chạy trên máy nhiều bộ nhớ hơn, hoặc tách bộ dữ "
    "liệu (ví dụ theo nhóm đơn vị).",
    "Loading needs up to about 3 times the size of the CSV files. Run it on a machine with more memory, or "
    "split the dataset (by group of units, say).",
)
FORMULA_NO_VALUE = define(
    "D362",
    "Ô chứa công thức '{formula}' nhưng không có kết quả đã lưu",
    "The cell holds a formula '{formula}' but no saved result",
    "Mở sổ bằng Excel rồi lưu lại (Excel lưu kết quả của công thức), hoặc nhập giá trị thay cho công thức.",
    "Open the workbook in Excel and save it (Excel stores the results of formulas), or type the value "
    "instead of the formula.",
)
AMBIGUOUS_SHEET = define(
    "D363",
    "Có nhiều trang có thể là '{name}': {found}",
    "Several sheets could be '{name}': {found}",
    "Giữ một trang tên '{name}'; đổi tên hoặc xoá các trang kia.",
    "Keep one sheet named '{name}'; rename or delete the others.",
)
EMPTY_TABLE = define(
    "D364",
    "Bảng '{name}' không có dòng dữ liệu nào (chỉ có dòng tiêu đề)",
    "The table '{name}' has no rows of data (only its header)",
    "Điền dữ liệu vào bảng; không thể chấm điểm và xếp hạng khi không có {name}.",
    "Fill the table in; nothing can be scored or ranked without {name}.",
)

UNITS = ("unit_id", "name", "group")
ASSESSMENTS = ("unit_id", "criterion_id")
SURVEY = ("respondent_id", "form", "unit_id", "criterion_id", "answer")
CROSSWALK = ("old_unit_id", "new_unit_id")
META_KEYS = ("year", "source", "description", "decimal", "crosswalk", "rulebook")
TABLES = {"units": UNITS, "assessments": ASSESSMENTS, "survey": SURVEY}
SELF_ASSESSMENT_SHEET = "_cchc"


# ---------------------------------------------------------------- cells and tables
def cell_text(value: Any) -> str:
    """A cell as text, without float noise (2.0 → "2", 0.1 → "0.1"); None → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if value != value:  # NaN: an empty cell of a frame built in code
            return ""
        if float(value).is_integer():
            return str(int(value))
        return np.format_float_positional(float(value), trim="-")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value))


def tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Trim every text cell, make empty cells None and drop empty rows.

    `df` holds text cells (str) and its `_file`, `_row` (and maybe `_sheet`) columns.
    """
    header = _unique([clean(str(c)).strip() for c in df.columns])
    df = df.copy()
    df.columns = header
    cells = [c for c in header if not c.startswith("_")]
    empty = {}
    for col in cells:
        values = texts(df[col].to_numpy(dtype=object))
        empty[col] = values == ""
        df[col] = pd.Series(np.where(empty[col], None, values), index=df.index, dtype=object)
    return _drop_blank(df, cells, empty)


def _kept_rows(cells: list[str], empty: dict[str, np.ndarray], n: int) -> np.ndarray:
    """The rows with a cell (a row of empty cells is no row)."""
    return ~np.logical_and.reduce([empty[c] for c in cells]) if cells else np.zeros(n, dtype=bool)


def _drop_blank(df: pd.DataFrame, cells: list[str], empty: dict[str, np.ndarray]) -> pd.DataFrame:
    """Drop columns with neither a header nor a cell, and rows with no cell."""
    blank = [c for c in cells if not c and empty[c].all()]
    if blank:  # a trailing separator on every line (Excel writes them): no header, no cell
        df = df.drop(columns=blank)
        cells = [c for c in cells if c not in blank]
    keep = _kept_rows(cells, empty, len(df))
    if not keep.all():
        df = df[keep].reset_index(drop=True)
    df.attrs["header"] = cells
    return df


_SPACES = (" ", "\t", "\r", "\n", "\xa0", "\u3000")
_CONTROL = re.compile(r"[\x01-\x08\x0b-\x1f\x7f-\x9f]")  # NUL is the separator of a joined column


def _needs_strip(joined: str) -> bool:
    """Some cell of a NUL-joined column starts or ends with a space (substring searches run in C)."""
    edges = (joined[:1], joined[-1:])
    return any(ws in edges or ws + "\x00" in joined or "\x00" + ws in joined for ws in _SPACES)


def texts(values: np.ndarray) -> np.ndarray:
    """Text cells NFC-normalised and trimmed; whole columns at once where nothing needs doing.

    Joining a column into one string lets C code check it (no composition crosses the NUL),
    so a clean column of a million cells costs a few milliseconds.
    """
    values = np.array([v if isinstance(v, str) else cell_text(v) for v in values], dtype=object) \
        if pd.api.types.infer_dtype(values, skipna=False) != "string" else values
    if not len(values):
        return values
    joined = "\x00".join(values)
    if joined.count("\x00") != len(values) - 1 or _CONTROL.search(joined):
        # control characters (a BEL, a vertical tab from Word, an escape sequence) cannot be written
        # to a workbook nor shown safely: removed, as `safe_text.clean` does
        values = np.array([clean(v) for v in values], dtype=object)
        joined = "\x00".join(values)
    if not unicodedata.is_normalized("NFC", joined):
        values = np.array(unicodedata.normalize("NFC", joined).split("\x00"), dtype=object)
    if _needs_strip(joined):
        values = np.array([v.strip() for v in values], dtype=object)
    return values


def located(df: pd.DataFrame, file: str, rows: Any, sheet: str | None = None) -> pd.DataFrame:
    """Add where each row was read: `_file`, `_row` and, for a workbook, `_sheet`."""
    df = df.copy()
    df["_file"] = file
    df["_row"] = np.asarray(rows, dtype=np.int64)
    if sheet is not None:
        df["_sheet"] = sheet
    return df


def _unique(names: list[str]) -> list[str]:
    """A header with repeated names made unique ("x", "x (2)"), so the repeat shows as its own column."""
    out: list[str] = []
    for name in names:
        new, k = name, 1
        while new in out:
            k += 1
            new = f"{name} ({k})"
        out.append(new)
    return out


def require(df: pd.DataFrame | TextTable, required: tuple[str, ...], pos: Pos, problems: Problems) -> bool:
    """Every required column is there (a problem for each missing one)."""
    header = [c for c in df.columns if not c.startswith("_")]
    missing = [c for c in required if c not in df.columns]
    for name in missing:
        problems.add(dp.MISSING_COLUMN, pos, column=name, name=name, required=list(required), found=header)
    return not missing


def split_flags(df: pd.DataFrame) -> pd.DataFrame:
    """The `flags` column as tuples of names (`;`-separated in files); absent → ()."""
    raw = df["flags"] if "flags" in df.columns else pd.Series([None] * len(df), index=df.index, dtype=object)
    df = df.copy()
    split = {}  # each distinct cell split once (most units have none or the same few)
    df["flags"] = [(split[v] if v in split else split.setdefault(v, _flags(v))) if isinstance(v, str)
                   else tuple(v) if isinstance(v, (tuple, list)) else () for v in raw]
    return df


def _flags(cell: str) -> tuple[str, ...]:
    return tuple(f for f in (p.strip() for p in cell.split(";")) if f)


@overload
def shape(kind: str, df: pd.DataFrame) -> pd.DataFrame: ...
@overload
def shape(kind: str, df: TextTable) -> TextTable: ...
def shape(kind: str, df: pd.DataFrame | TextTable) -> pd.DataFrame | TextTable:
    """Give a tidied table the columns the Dataset contract names (optional ones added empty; not units)."""
    if isinstance(df, TextTable):
        return df.with_empty("respondent_unit") if kind == "survey" and "respondent_unit" not in df.columns else df
    attrs = dict(df.attrs)
    if kind == "units":
        df = split_flags(df)
        first = [*UNITS, "flags"]
        df = df[first + [c for c in df.columns if c not in first]]
    elif kind == "survey" and "respondent_unit" not in df.columns:
        df, read = df.assign(respondent_unit=None), df
        same_codes(df, read)
    df.attrs.update(attrs)
    return df


# ---------------------------------------------------------------- CSV
def within_size(path: Path, size: int, problems: Problems) -> bool:
    """Whether `size` bytes read from `path` stay within `limits.TABLE_BYTES` (a problem otherwise)."""
    limit = limits.value(limits.TABLE_BYTES)
    if size > limit:
        problems.add(TOO_BIG, Pos(str(path)), size=size, limit=limit, env=limits.TABLE_BYTES.env)
        return False
    return True


def _within_shape(rows: int, columns: int, pos: Pos, problems: Problems) -> bool:
    """Whether a table stays within `limits.TABLE_ROWS` and `limits.TABLE_COLUMNS` (a problem otherwise)."""
    for count, limit, vi, en in ((rows, limits.TABLE_ROWS, "dòng", "rows"),
                                 (columns, limits.TABLE_COLUMNS, "cột", "columns")):
        if count > limits.value(limit):
            problems.add(TOO_LONG, pos, limit=limits.value(limit), what_vi=vi, what_en=en, env=limit.env)
            return False
    return True


def decode(path: Path, problems: Problems) -> str | None:
    """The text of a UTF-8 file (BOM or not); a problem naming a likely encoding otherwise."""
    try:
        if not within_size(path, path.stat().st_size, problems):
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.add(dp.UNREADABLE, Pos(str(path)), reason=exc.strerror or str(exc))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(dp.NOT_UTF8, Pos(str(path), line), line=line, guess=guess_encoding(data))
        return None
    return text


def guess_encoding(data: bytes) -> str:
    """A likely name for the encoding of bytes that are not UTF-8 (for the message only)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16 (Unicode)"
    for name, label in (("cp1258", "Windows-1258 (tiếng Việt)"), ("cp1252", "Windows-1252 / Latin-1")):
        try:
            data.decode(name)
            return label
        except UnicodeDecodeError:
            continue
    return "Latin-1"


def separator_of(text: str) -> str:
    head = text.split("\n", 1)[0]
    counts = {sep: head.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda s: (counts[s], s == ","))


def read_csv(path: Path, problems: Problems) -> pd.DataFrame | None:
    """A CSV file as a tidy text table, or None (with a problem) when it cannot be read."""
    table = read_csv_table(path, problems)
    return table.frame if isinstance(table, TextTable) else table


def read_csv_table(path: Path, problems: Problems) -> pd.DataFrame | TextTable | None:
    """`read_csv`, the columnar reader's table kept as codes (its pandas table is built when asked for).

    The columnar reader takes plain files within the limits (`limits`); anything else (and every
    problem's message) goes through `read_csv_plain`, which gives the same table.
    """
    try:  # over the size limit, or unreadable: the plain path says so
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(_HEAD) if size <= limits.value(limits.TABLE_BYTES) else b""
    except OSError:
        size, head = 0, b""
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if body.strip() and (b"\n" in body or len(head) == size):  # else: a header line longer than _HEAD, or blank
        first = body[: body.find(b"\n")] if b"\n" in body else body
        try:
            fast = read_csv_columnar(path, separator_of(first.decode("utf-8", errors="replace")), header=first,
                                     max_rows=limits.value(limits.TABLE_ROWS),
                                     max_columns=limits.value(limits.TABLE_COLUMNS))
        except TooLong as exc:
            _within_shape(exc.rows, exc.columns, Pos(str(path)), problems)
            return None
        if fast is not None:
            return TextTable.read(_unique(fast.header), fast.codes, fast.texts, fast.rows, str(path))
    return read_csv_plain(path, problems)


_HEAD = 1 << 16  # the start of a file, read first: its header line and separator


def read_csv_plain(path: Path, problems: Problems) -> pd.DataFrame | None:
    """`read_csv` through pandas' reader on the decoded text, cell by cell."""
    text = decode(path, problems)
    if text is None:
        return None
    if not text.strip():
        return tidy(located(pd.DataFrame(), str(path), []))
    try:
        df = pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=False, skip_blank_lines=False,
                         sep=separator_of(text), header=None)
    except (pd.errors.ParserError, ValueError) as exc:
        problems.add(dp.UNREADABLE, Pos(str(path)), reason=str(exc).strip())
        return None
    if not _within_shape(len(df) - 1, df.shape[1], Pos(str(path)), problems):
        return None
    body = df.iloc[1:].reset_index(drop=True)
    body.columns = list(df.iloc[0])
    return tidy(located(body, str(path), range(2, len(body) + 2)))


# ---------------------------------------------------------------- XLSX
def is_self_assessment(path: Path) -> bool:
    """A workbook made by `cchc workbook` (it has the hidden `_cchc` sheet); False when unreadable."""
    import openpyxl

    if path.suffix.lower() != ".xlsx":
        return False
    try:
        wb = openpyxl.load_workbook(path, read_only=True)
    except Exception:  # a damaged file: `read_workbook_tables` reports it
        return False
    try:
        return SELF_ASSESSMENT_SHEET in wb.sheetnames
    finally:
        wb.close()


def read_sheet(ws: Any, file: str, problems: Problems | None = None,
               cached: dict[tuple[int, int], Any] | None = None) -> pd.DataFrame:
    """A sheet as a tidy text table. A formula cell takes its saved result from `cached` (row, column);
    one without a saved result is a problem (when `problems` is given), never read as empty."""
    problems = problems if problems is not None else Problems()
    if hasattr(ws, "reset_dimensions"):  # read-only: a stored size of A1:XFD1048576 would yield a million rows
        ws.reset_dimensions()
    rows = ws.iter_rows()
    header = [cell_text(c.value) for c in next(rows, ())]
    while header and not header[-1].strip():
        header.pop()
    width = len(header)
    if not _within_shape(0, width, Pos(file, 1, sheet=ws.title), problems):
        return tidy(located(pd.DataFrame(), file, [], ws.title))
    body, numbers = [], []
    max_rows = limits.value(limits.TABLE_ROWS)
    for n, row in enumerate(rows, start=2):  # a read-only sheet yields an empty tuple for a missing row
        if n - 1 > max_rows:
            _within_shape(n - 1, width, Pos(file, n, sheet=ws.title), problems)
            break
        if not row:
            continue
        cells = []
        for j, c in enumerate(row[:width]):
            value = c.value
            if c.data_type == "f":
                value = (cached or {}).get((n, j + 1))
                if value is None:
                    problems.add(FORMULA_NO_VALUE, Pos(file, n, j + 1, ws.title), formula=clean(str(c.value))[:80])
            cells.append(cell_text(value))
        cells += [""] * (width - len(cells))
        body.append(cells)
        numbers.append(n)
    df = pd.DataFrame(body, columns=header, dtype=object) if header else pd.DataFrame()
    return tidy(located(df, file, numbers, ws.title))


def _cached_results(path: Path, sheets: list[str]) -> dict[str, dict[tuple[int, int], Any]]:
    """The saved results of the formula cells of `sheets` (Excel stores them beside each formula)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        out: dict[str, dict[tuple[int, int], Any]] = {}
        for name in sheets:
            ws = wb[name]
            ws.reset_dimensions()
            out[name] = {(r, j): c.value for r, row in enumerate(ws.iter_rows(), start=1)
                         for j, c in enumerate(row, start=1) if c.value is not None}
        return out
    finally:
        wb.close()


def _has_formulas(ws: Any) -> bool:
    ws.reset_dimensions()
    return any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def unpacked_size(path: Path) -> int:
    """The bytes an XLSX (zip) file holds once unpacked (a small file can unpack to gigabytes)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


def read_workbook_tables(path: Path, problems: Problems) -> dict[str, pd.DataFrame] | None:
    """The sheets units, assessments and survey of a workbook (sheet names matched in any case).

    Two sheets whose names differ only in case or spaces (`units`, `Units `) are refused, never guessed.
    """
    import openpyxl

    try:
        if not within_size(path, path.stat().st_size, problems) or not within_size(path, unpacked_size(path),
                                                                                      problems):
            return None
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        problems.add(dp.UNREADABLE, Pos(str(path)), reason=clean(f"{type(exc).__name__}: {exc}"))
        return None
    try:
        names = [ws.title for ws in wb.worksheets]
        by_name: dict[str, list[str]] = {}
        for name in names:
            by_name.setdefault(clean(name).strip().casefold(), []).append(name)
        chosen = {}
        for kind in TABLES:
            found = by_name.get(kind, [])
            if len(found) > 1:
                problems.add(AMBIGUOUS_SHEET, Pos(str(path)), name=kind, found=[f"'{n}'" for n in found])
            elif found:
                chosen[kind] = found[0]
            elif kind != "survey":
                problems.add(dp.MISSING_FILE, Pos(str(path)), what="sheet", name=kind, found=names)
        with_formulas = [name for name in chosen.values() if _has_formulas(wb[name])]
        cached = _cached_results(path, with_formulas) if with_formulas else {}
        return {kind: read_sheet(wb[name], str(path), problems, cached.get(name)) for kind, name in chosen.items()}
    except Exception as exc:  # a sheet openpyxl cannot parse
        problems.add(dp.UNREADABLE, Pos(str(path)), reason=clean(f"{type(exc).__name__}: {exc}"))
        return None
    finally:
        wb.close()


# ---------------------------------------------------------------- folder and dataset.yaml
def read_folder_tables(folder: Path, problems: Problems) -> dict[str, pd.DataFrame | TextTable]:
    present = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    out = {}
    for kind in TABLES:
        file = folder / f"{kind}.csv"
        if not file.is_file():
            if kind != "survey":
                problems.add(dp.MISSING_FILE, Pos(str(folder)), what="file", name=file.name, found=present)
            continue
        table = read_csv_table(file, problems)
        if table is not None:
            out[kind] = table
    return out


def read_meta(folder: Path, problems: Problems) -> DatasetMeta:
    """dataset.yaml (optional): year, source, description, decimal, crosswalk and (extension) rulebook."""
    file = folder / "dataset.yaml"
    meta = DatasetMeta()
    if not file.is_file():
        return meta
    raw = read_yaml(file, problems)
    if not isinstance(raw, LDict):
        return meta
    for key, value in raw.items():
        pos = raw.where(key)
        if key not in META_KEYS:
            problems.add(dp.META_KEY, raw.key_pos.get(key, pos), key=key, allowed=list(META_KEYS),
                         nearest=nearest(str(key), META_KEYS))
        elif key == "year":
            if isinstance(value, int) and not isinstance(value, bool):
                meta.year = value
            else:
                _bad_meta(problems, pos, key, value, "một năm, ví dụ 2024", "a year, e.g. 2024")
        elif key == "decimal":
            if value in (",", "."):
                meta.decimal = value
            else:
                _bad_meta(problems, pos, key, value, 'decimal: "," hoặc decimal: "."', 'decimal: "," or decimal: "."')
        elif key == "crosswalk":
            if isinstance(value, str) and value.strip():
                meta.crosswalk = read_crosswalk(folder / value, pos, problems, folder / "dataset.yaml")
            else:
                _bad_meta(problems, pos, key, value, "đường dẫn tệp CSV, ví dụ crosswalk.csv",
                          "the path of a CSV file, e.g. crosswalk.csv")
        elif value is not None:
            setattr(meta, key, str(value))
    return meta


def _bad_meta(problems: Problems, pos: Pos, key: str, value: Any, right_vi: str, right_en: str) -> None:
    problems.add(dp.META_VALUE, pos, key=key, value=value, right_vi=f"Ghi {right_vi}.", right_en=f"Write {right_en}.")


def read_crosswalk(file: Path, pos: Pos, problems: Problems, named_in: Path | None = None) -> pd.DataFrame | None:
    if named_in is not None and file.exists() and not places.allowed(file, named_in):
        problems.add(places.OUTSIDE, pos, "crosswalk", written=str(file), looked=file)
        return None
    if not file.is_file():
        problems.add(dp.MISSING_FILE, pos, what="file", name=str(file), found="—")
        return None
    table = read_csv(file, problems)
    if table is None or not require(table, CROSSWALK, Pos(str(file), 1), problems):
        return None
    return table


# ---------------------------------------------------------------- a whole dataset
def read_dataset(path: Path, problems: Problems) -> Dataset | None:
    """Read a dataset folder or workbook into text tables; None when a required table is unusable."""
    if path.is_dir():
        tables = read_folder_tables(path, problems)
        meta = read_meta(path, problems)
    elif path.suffix.lower() == ".xlsx" and path.is_file():
        tables = read_workbook_tables(path, problems) or {}
        meta = DatasetMeta()
    else:
        problems.add(dp.UNREADABLE, Pos(str(path)), reason="not a dataset folder nor an .xlsx workbook")
        return None
    ok = True
    for kind, table in tables.items():
        header_pos = Pos(_source(path, kind), 1, sheet=kind if path.suffix.lower() == ".xlsx" else None)
        ok &= require(table, TABLES[kind], header_pos, problems)
    if not ok or "units" not in tables or "assessments" not in tables:
        return None
    for kind in ("units", "assessments"):
        if tables[kind].empty:
            problems.add(EMPTY_TABLE, Pos(_source(path, kind), 1, sheet=kind if path.suffix.lower() == ".xlsx"
                                          else None), name=kind)
    if tables["units"].empty or tables["assessments"].empty:
        return None
    units = tables["units"]
    return Dataset(
        units=shape("units", units.frame if isinstance(units, TextTable) else units),
        assessments=shape("assessments", tables["assessments"]),
        survey=shape("survey", tables["survey"]) if "survey" in tables else None,
        meta=meta,
        path=path,
    )


def _source(path: Path, kind: str) -> str:
    return str(path) if path.suffix.lower() == ".xlsx" else str(path / f"{kind}.csv")
