"""Where a command may write: the one guard every command that writes goes through.

An output never destroys an input nor a file cchc-rules did not write:
- a folder cchc-rules creates holds a marker, `.cchc-output.json`, listing the files it wrote
  with their SHA-256; an existing folder is replaced only when it is empty, or holds that marker
  and nothing was added or changed since (else `--force`);
- a single file it writes is listed (name → SHA-256) in `.cchc-files.json` beside it; an existing
  file is replaced only when it is listed there unchanged (else `--force`);
- an output equal to an input (rulebook, dataset, scenario, notebook) or inside one, and an input
  inside the output, are refused, `--force` or not;
- the new output is built under a temporary name and replaces the old one only when complete
  (`cchc_rules.atomic`); concurrent runs into one folder are refused clearly (a lock file in the
  system's temporary folder, or `.cchc-lock` inside a batch folder, released by the system when a
  process dies); temporary folders left by a killed run are removed by the next run, under the lock.

Commands call `add_force_argument(parser)` and then `output_folder`, `output_file`,
`write_text_output` or `batch_folder` (see `docs/DESIGN.md`, "Outputs").
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from cchc_rules.atomic import atomic_file, atomic_folder
from cchc_rules.problems import CchcError, Pos, Problem, define

MARKER = ".cchc-output.json"
FILES = ".cchc-files.json"
BATCH_LOCK = ".cchc-lock"
MADE_BY = "cchc-rules"

OUT_EXISTS = define(
    "F101",
    "'{out}' đã có sẵn và không phải do cchc-rules ghi ra",
    "'{out}' already exists and was not written by cchc-rules",
    "Chọn một {what_vi} mới (hoặc thư mục rỗng), hay thêm --force để thay nó (nội dung cũ sẽ mất).",
    "Choose a new {what_en} (or an empty folder), or add --force to replace it (its contents will be lost).",
)
OUT_IS_INPUT = define(
    "F102",
    "Đầu ra '{out}' {relation_vi} đầu vào '{input}'",
    "The output '{out}' {relation_en} the input '{input}'",
    "Ghi kết quả vào một thư mục khác, ngoài mọi tệp đầu vào (ví dụ out/...). --force không bỏ qua được lỗi này.",
    "Write to another place, outside every input (e.g. out/...). --force does not override this.",
)
OUT_CHANGED = define(
    "F103",
    "'{out}' do cchc-rules ghi ra nhưng đã bị thêm hoặc sửa sau đó: {files}",
    "'{out}' was written by cchc-rules but files were added or changed since: {files}",
    "Chuyển các tệp đó đi nơi khác, hoặc thêm --force để thay cả thư mục.",
    "Move those files elsewhere, or add --force to replace the whole folder.",
)
OUT_BUSY = define(
    "F104",
    "Một lần chạy cchc-rules khác đang ghi vào '{out}'",
    "Another cchc-rules run is writing into '{out}'",
    "Đợi lần chạy đó xong rồi chạy lại, hoặc chọn --out khác.",
    "Wait until that run ends and try again, or choose another --out.",
)
WRITE_FAILED = define(
    "F105",
    "Không ghi được '{path}': {reason_vi}",
    "Could not write '{path}': {reason_en}",
    "{fix_vi}",
    "{fix_en}",
)
FILE_FAILED = define(
    "F106",
    "Không đọc hoặc ghi được '{path}': {reason_vi}",
    "Could not read or write '{path}': {reason_en}",
    "Kiểm tra tệp hoặc thư mục đó: có tồn tại, bạn có quyền đọc và ghi, ổ đĩa còn chỗ. {fix_vi}",
    "Check that file or folder: that it exists, that you may read and write it, that the disk has room. {fix_en}",
)

_RELATION = {
    "equal": ("chính là", "is"),
    "inside": ("nằm trong", "lies inside"),
    "contains": ("chứa", "contains"),
}
_REASONS = {  # errno → (why vi, why en, fix vi, fix en)
    errno.ENOSPC: ("ổ đĩa đã đầy", "the disk is full", "Giải phóng chỗ trên ổ đĩa rồi chạy lại.",
                   "Free some space on the disk and run again."),
    errno.EDQUOT: ("đã hết hạn mức dung lượng", "the disk quota is exceeded", "Giải phóng chỗ rồi chạy lại.",
                   "Free some space and run again."),
    errno.EACCES: ("không có quyền ghi", "permission denied", "Chọn một thư mục bạn có quyền ghi (--out).",
                   "Choose a folder you may write into (--out)."),
    errno.EPERM: ("không được phép", "operation not permitted", "Chọn một thư mục bạn có quyền ghi (--out).",
                  "Choose a folder you may write into (--out)."),
    errno.EROFS: ("ổ đĩa chỉ cho đọc", "the file system is read-only", "Chọn một thư mục trên ổ đĩa ghi được.",
                  "Choose a folder on a writable disk."),
    errno.ENAMETOOLONG: ("tên quá dài", "the name is too long", "Dùng một đường dẫn ngắn hơn.",
                         "Use a shorter path."),
    errno.ENOTDIR: ("một phần của đường dẫn là tệp, không phải thư mục", "a part of the path is a file, not a folder",
                    "Sửa đường dẫn --out.", "Fix the --out path."),
    errno.EISDIR: ("đó là một thư mục", "it is a folder", "Ghi ra một tên tệp, không phải thư mục.",
                   "Give a file name, not a folder."),
}


def add_force_argument(parser: argparse.ArgumentParser) -> None:
    """The `--force` option of a command that writes (call it in the command's `register`)."""
    parser.add_argument(
        "--force", action="store_true",
        help="replace an existing output not written by cchc-rules / thay cả đầu ra có sẵn không do cchc-rules ghi",
    )


def shown(path: Path | str) -> str:
    """A path as a person reads it in a message: relative to the working folder when inside it."""
    path = Path(path)
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def write_problem(exc: OSError, path: Path | str | None = None, writing: bool = True) -> Problem:
    """A located, bilingual problem for a failed write (full disk, read-only folder, ...); with
    `writing=False` for a file operation that may have been a read (F106, the CLI's last resort)."""
    target = path if path is not None else (exc.filename or "?")
    why_vi, why_en, fix_vi, fix_en = _REASONS.get(
        exc.errno or 0, (exc.strerror or type(exc).__name__, exc.strerror or type(exc).__name__,
                         "Kiểm tra thư mục đích rồi chạy lại.", "Check the destination folder and run again."))
    if not writing:
        return Problem(FILE_FAILED, {"path": shown(target), "reason_vi": exc.strerror or why_vi,
                                     "reason_en": exc.strerror or why_en, "fix_vi": "", "fix_en": ""},
                       Pos(shown(target)))
    return Problem(WRITE_FAILED, {"path": shown(target), "reason_vi": why_vi, "reason_en": why_en,
                                  "fix_vi": fix_vi, "fix_en": fix_en}, Pos(shown(target)))


# ---------------------------------------------------------------- checks
def _relation(out: Path, inputs: Iterable[Path | str]) -> Problem | None:
    target = _real(out)
    for given in inputs:
        source = _real(Path(given))
        relation = ("equal" if target == source else "inside" if target.is_relative_to(source)
                    else "contains" if source.is_relative_to(target) else None)
        if relation is not None:
            vi, en = _RELATION[relation]
            return Problem(OUT_IS_INPUT, {"out": shown(out), "input": shown(given), "relation_vi": vi,
                                          "relation_en": en}, Pos(shown(out)))
    return None


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def check_inputs(out: Path | str, inputs: Iterable[Path | str]) -> None:
    """Raise when `out` is, lies inside or contains one of `inputs` (`--force` never overrides this)."""
    problem = _relation(Path(out), inputs)
    if problem is not None:
        raise CchcError([problem])


def _digest(file: Path) -> str:
    sha = hashlib.sha256()
    with file.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _read_json(file: Path) -> dict[str, object]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("made_by") == MADE_BY else {}


def _listed(folder: Path) -> Iterator[Path]:
    for file in sorted(folder.rglob("*")):
        if file.is_file() or file.is_symlink():
            yield file


def folder_changes(folder: Path) -> list[str] | None:
    """Files added or changed in a folder cchc-rules wrote (relative names); None: not written by cchc-rules."""
    marker = _read_json(folder / MARKER)
    if not marker:
        return None
    files = marker.get("files")
    if not isinstance(files, dict):
        return None
    changed = []
    for file in _listed(folder):
        name = file.relative_to(folder).as_posix()
        if name == MARKER:
            continue
        if files.get(name) != (None if file.is_symlink() else _digest(file)):
            changed.append(name)
    return changed


def check_folder(out: Path | str, inputs: Iterable[Path | str] = (), force: bool = False) -> None:
    """Raise unless `out` may be replaced by a new folder (see the module's text)."""
    out = Path(out)
    check_inputs(out, inputs)
    if force or not os.path.lexists(out):
        return
    if not out.is_dir() or out.is_symlink():
        raise CchcError([Problem(OUT_EXISTS, {"out": shown(out), **_WHAT["folder"]}, Pos(shown(out)))])
    if not any(out.iterdir()):
        return
    changes = folder_changes(out)
    if changes is None:
        raise CchcError([Problem(OUT_EXISTS, {"out": shown(out), **_WHAT["folder"]}, Pos(shown(out)))])
    if changes:
        raise CchcError([Problem(OUT_CHANGED, {"out": shown(out), "files": changes[:10]}, Pos(shown(out)))])


_WHAT = {"folder": {"what_vi": "thư mục", "what_en": "folder"}, "file": {"what_vi": "tệp", "what_en": "file"}}


def check_file(out: Path | str, inputs: Iterable[Path | str] = (), force: bool = False) -> None:
    """Raise unless `out` may be replaced by a new file: absent, or listed unchanged beside it."""
    out = Path(out)
    check_inputs(out, inputs)
    if force or not os.path.lexists(out):
        return
    listed = _read_json(out.parent / FILES).get("files")
    if out.is_file() and not out.is_symlink() and isinstance(listed, dict) and listed.get(out.name) == _digest(out):
        return
    raise CchcError([Problem(OUT_EXISTS, {"out": shown(out), **_WHAT["file"]}, Pos(shown(out)))])


# ---------------------------------------------------------------- writing
def _lock(path: Path, shown_as: Path) -> FileLock:
    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise CchcError([Problem(OUT_BUSY, {"out": shown(shown_as)}, Pos(shown(shown_as)))]) from None
    return lock


def lock_path(out: Path | str) -> Path:
    """The lock of a folder output: one per real path, in the system's temporary folder (nothing beside `out`)."""
    key = hashlib.sha256(os.path.realpath(out).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    folder = Path(tempfile.gettempdir()) / "cchc-rules-locks"
    folder.mkdir(exist_ok=True)
    return folder / f"{key}.lock"


def _stale(folder: Path, name: str | None) -> None:
    """Remove the temporary folders a killed run left (called under the lock, so none is in use)."""
    stem = re.escape(name) if name is not None else r"[^/]+"
    pattern = re.compile(rf"^\.{stem}\.(?:[a-z0-9_]{{8}}\.tmp|old\.[a-z0-9_]{{8}})$")
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if pattern.match(entry.name) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def write_marker(folder: Path) -> None:
    """List every file of `folder` (being built) in its marker, so that a later run knows it wrote them."""
    files = {f.relative_to(folder).as_posix(): (None if f.is_symlink() else _digest(f)) for f in _listed(folder)
             if f.name != MARKER or f.parent != folder}
    (folder / MARKER).write_text(json.dumps({"made_by": MADE_BY, "files": files}, indent=1), encoding="utf-8")


@contextmanager
def output_folder(out: Path | str, inputs: Iterable[Path | str] = (), force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder; when the block ends without error it replaces `out` whole, marked as ours.

    Checked first (`check_folder`), under a lock (`lock_path`) that refuses a concurrent writer.
    OSError while writing becomes a located `CchcError` (F105).
    """
    out = Path(out)
    inputs = list(inputs)
    check_folder(out, inputs, force)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        lock = _lock(lock_path(out), out)
    except OSError as exc:
        raise CchcError([write_problem(exc, out)]) from exc
    try:
        _stale(out.parent, out.name)
        check_folder(out, inputs, force)  # again, under the lock
        with atomic_folder(out) as tmp:
            yield tmp
            write_marker(tmp)
    except OSError as exc:
        raise CchcError([write_problem(exc, exc.filename and _outside_tmp(exc.filename, out) or out)]) from exc
    finally:
        lock.release()


def _outside_tmp(filename: str, out: Path) -> Path:
    """A file named in an error inside the temporary folder, named as it would be in `out`."""
    path = Path(filename)
    parts = path.parts
    for i, part in enumerate(parts):
        if part.startswith(f".{out.name}.") and part.endswith(".tmp"):
            return out.joinpath(*parts[i + 1:])
    return path


@contextmanager
def output_file(out: Path | str, inputs: Iterable[Path | str] = (), force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside `out` (same suffix); when the block ends without error it replaces `out`,
    and `out` is listed with its SHA-256 in `.cchc-files.json` beside it."""
    out = Path(out)
    check_file(out, inputs, force)
    try:
        with atomic_file(out) as tmp:
            yield tmp
            digest = _digest(tmp)
        _register(out, digest)
    except OSError as exc:
        raise CchcError([write_problem(exc, out)]) from exc


def _register(out: Path, digest: str) -> None:
    index = out.parent / FILES
    files = _read_json(index).get("files")
    files = dict(files) if isinstance(files, dict) else {}
    files[out.name] = digest
    with atomic_file(index) as tmp:
        tmp.write_text(json.dumps({"made_by": MADE_BY, "files": files}, indent=1, sort_keys=True), encoding="utf-8")


def write_text_output(out: Path | str, text: str, inputs: Iterable[Path | str] = (), force: bool = False) -> Path:
    """Write UTF-8 text to `out` through `output_file`."""
    with output_file(out, inputs, force) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(out)


# ---------------------------------------------------------------- a batch folder (cchc run)
@dataclass
class BatchFolder:
    """A folder that collects one sub-folder per scenario across runs, and the index beside them."""

    path: Path
    force: bool = False

    def check_entry(self, name: str, inputs: Iterable[Path | str] = ()) -> None:
        """Raise unless the sub-folder `name` may be replaced (it is checked against its own inputs too)."""
        check_folder(self.path / name, inputs, self.force)

    @contextmanager
    def entry(self, name: str, inputs: Iterable[Path | str] = ()) -> Iterator[Path]:
        """A temporary folder replacing `name` when complete (no lock: the batch holds the folder's lock)."""
        folder = self.path / name
        self.check_entry(name, inputs)
        with atomic_folder(folder) as tmp:
            yield tmp
            write_marker(tmp)


@contextmanager
def batch_folder(out: Path | str, inputs: Iterable[Path | str] = (), force: bool = False) -> Iterator[BatchFolder]:
    """Check, create and lock a batch folder (`.cchc-lock` inside it); stale temporary folders are removed.

    An existing folder is used when empty or marked as a batch folder of cchc-rules (else `--force`).
    """
    out = Path(out)
    check_inputs(out, inputs)
    marker = _read_json(out / MARKER) if out.is_dir() else {}
    if os.path.lexists(out) and not force:
        if not out.is_dir() or out.is_symlink() or (
                marker.get("kind") != "batch" and any(p.name != BATCH_LOCK for p in out.iterdir())):
            raise CchcError([Problem(OUT_EXISTS, {"out": shown(out), **_WHAT["folder"]}, Pos(shown(out)))])
    try:
        out.mkdir(parents=True, exist_ok=True)
        lock = _lock(out / BATCH_LOCK, out)
    except OSError as exc:
        raise CchcError([write_problem(exc, out)]) from exc
    try:
        _stale(out, None)
        if marker.get("kind") != "batch":
            (out / MARKER).write_text(json.dumps({"made_by": MADE_BY, "kind": "batch"}), encoding="utf-8")
        yield BatchFolder(out, force)
    except OSError as exc:
        raise CchcError([write_problem(exc)]) from exc
    finally:
        lock.release()
