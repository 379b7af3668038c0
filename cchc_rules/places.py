"""Which files a rulebook, a scenario or a dataset may name: only where they belong.

A path written in a file (`extends`, a dataset's `crosswalk`, a scenario's `data`, `baseline`,
`rulebook`, `notebook`) must resolve, symbolic links followed, inside the file's own folder tree
or inside its project: the nearest folder above it holding `.git`, `pyproject.toml` or
`.cchc-project`, else the nearest holding a `rulebooks/`, `datasets/` or `scenarios/` folder
(and `CCHC_ROOT` when set). Other folders are allowed only when the user says so: `--allow-path DIR`
(repeatable) on the command line, or the `CCHC_ALLOW_PATHS` variable (folders separated by
`os.pathsep`), which worker processes inherit. A scenario's report notebook runs code: outside the
project's `notebooks/` folder it needs `--allow-notebook` too (see `scenarios.runner`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cchc_rules.problems import define

ENV = "CCHC_ALLOW_PATHS"
PROJECT_MARKERS = (".git", "pyproject.toml", ".cchc-project")
PROJECT_FOLDERS = ("rulebooks", "datasets", "scenarios")

OUTSIDE = define(
    "F110",
    "'{written}' nằm ngoài dự án và ngoài thư mục của tệp này (tìm thấy tại {looked})",
    "'{written}' lies outside the project and outside this file's folder (found at {looked})",
    "Chuyển tệp đó vào trong dự án, hoặc cho phép thư mục của nó: --allow-path THƯ_MỤC (hay biến CCHC_ALLOW_PATHS).",
    "Move that file into the project, or allow its folder: --allow-path DIR (or the CCHC_ALLOW_PATHS variable).",
)
NOT_RULEBOOK = define(
    "F111",
    "'{written}' không phải một bộ tiêu chí (không có khoá 'dsl' hay 'extends'); nội dung của nó không được hiển thị",
    "'{written}' is not a rulebook (it has no 'dsl' or 'extends' key); its content is not shown",
    "Trỏ 'extends' tới một tệp bộ tiêu chí .yaml.",
    "Point 'extends' at a rulebook .yaml file.",
)


def real(path: Path | str) -> Path:
    """`path` absolute with symbolic links followed; never raises (a loop or a too long name stays as written)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return Path(os.path.abspath(path))


def is_file(path: Path | str) -> bool:
    """Whether `path` is a readable file's name; False, not an exception, for a NUL, a too long name, a loop."""
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


def project_root(folder: Path) -> Path | None:
    """The nearest folder at or above `folder` holding a project marker, else one holding the project's
    folders (`rulebooks/`, `datasets/`, `scenarios/`); None when there is neither."""
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in PROJECT_MARKERS):
            return candidate
    for candidate in (folder, *folder.parents):
        if any((candidate / name).is_dir() for name in PROJECT_FOLDERS):
            return candidate
    return None


def extra_roots() -> list[Path]:
    """The folders the user allowed (`--allow-path`, `CCHC_ALLOW_PATHS`)."""
    folders = [p for p in os.environ.get(ENV, "").split(os.pathsep) if p.strip()]
    if os.environ.get("CCHC_ROOT"):  # the project folder the notebooks were pointed at
        folders.append(os.environ["CCHC_ROOT"])
    return [real(p) for p in folders]


def roots(referrer: Path | str) -> list[Path]:
    """Where the files named by `referrer` may lie: its folder tree, its project, the allowed folders."""
    folder = real(Path(referrer)).parent
    project = project_root(folder)
    return [folder, *([project] if project is not None else []), *extra_roots()]


def allowed(target: Path | str, referrer: Path | str) -> bool:
    """Whether `target` (symbolic links followed) lies where a file named in `referrer` may lie."""
    resolved = real(target)
    return any(resolved == root or resolved.is_relative_to(root) for root in roots(referrer))


@contextmanager
def allow_paths(folders: Iterable[Path | str]) -> Iterator[None]:
    """Allow more folders while the block runs (the environment variable, so workers see them too)."""
    before = os.environ.get(ENV)
    added = [str(real(f)) for f in folders]
    os.environ[ENV] = os.pathsep.join([*(before.split(os.pathsep) if before else []), *added])
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before
