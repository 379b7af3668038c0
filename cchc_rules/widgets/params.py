"""Notebook parameters checked before anything runs: every problem at once, in the user's language.

papermill only warns about unknown parameters and passes any value through, so each notebook
calls one of these right after its `parameters` cell. Paths may be absolute or relative to the
project root (the folder holding `rulebooks/` and `datasets/`), whatever the notebook's folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cchc_rules.data.model import Dataset
from cchc_rules.dsl.models import Rulebook
from cchc_rules.i18n import LANGS
from cchc_rules.problems import CchcError, Problems, define, nearest
from cchc_rules.shipped import shipped_root

NO_RULEBOOK = define(
    "B920",
    "Không có tệp bộ tiêu chí '{file}' (đã tìm: {looked})",
    "There is no rulebook file '{file}' (looked for: {looked})",
    "Đặt `rulebook` là đường dẫn tới một tệp .yaml trong rulebooks/, tuyệt đối hoặc tính từ thư mục dự án.",
    "Set `rulebook` to a .yaml file under rulebooks/, absolute or relative to the project folder.",
)
NO_DATASET = define(
    "B921",
    "Không có bộ dữ liệu '{file}' (đã tìm: {looked})",
    "There is no dataset '{file}' (looked for: {looked})",
    "Đặt `dataset` là một thư mục trong datasets/ hoặc một tệp .xlsx, tuyệt đối hoặc tính từ thư mục dự án.",
    "Set `dataset` to a folder under datasets/ or an .xlsx file, absolute or relative to the project folder.",
)
BAD_LANG = define(
    "B922",
    "Ngôn ngữ '{lang}' không có",
    "There is no language '{lang}'",
    "Đặt `lang` là 'vi' (tiếng Việt) hoặc 'en' (tiếng Anh).",
    "Set `lang` to 'vi' (Vietnamese) or 'en' (English).",
)
UNKNOWN_UNIT = define(
    "B923",
    "Không có đơn vị '{unit}' trong bộ dữ liệu",
    "There is no unit '{unit}' in the dataset",
    "Đặt `unit` là một mã đơn vị có trong units.csv, ví dụ: {near}.",
    "Set `unit` to a unit id of units.csv, e.g. {near}.",
)
BAD_COUNT = define(
    "B924",
    "`{name}` phải là một số nguyên {least} trở lên, không phải {value!r}",
    "`{name}` must be a whole number, {least} or more, not {value!r}",
    "Ví dụ: {name} = {example}.",
    "For example: {name} = {example}.",
)
NO_PROPOSAL = define(
    "B925",
    "Không có tệp đề xuất '{file}' (đã tìm: {looked})",
    "There is no proposal file '{file}' (looked for: {looked})",
    "Đặt `proposal` là một tệp .yaml trong rulebooks/proposals/, hoặc \"\" để bắt đầu từ bộ tiêu chí gốc.",
    "Set `proposal` to a .yaml file under rulebooks/proposals/, or \"\" to start from the baseline.",
)


def project_root() -> Path:
    """The project folder: `CCHC_ROOT` when set, else the checkout the package lives in, else the working folder."""
    if os.environ.get("CCHC_ROOT"):
        return Path(os.environ["CCHC_ROOT"]).resolve()
    here = shipped_root()
    if (here / "pyproject.toml").is_file():  # a checkout (installed, the examples are package data: not a project)
        return here
    return Path.cwd()


def resolve_path(value: Any) -> Path | None:
    """An absolute path, or one relative to the project root; None for an empty value."""
    if value is None or not str(value).strip():
        return None
    path = Path(str(value).strip()).expanduser()
    return path if path.is_absolute() else project_root() / path


def catalogue() -> tuple[list[Path], list[Path]]:
    """The rulebook files (proposals included) and the dataset folders and workbooks of the project."""
    root = project_root()
    books = sorted((root / "rulebooks").glob("*.yaml")) + sorted((root / "rulebooks" / "proposals").glob("*.yaml"))
    data = sorted(p for p in (root / "datasets").iterdir() if p.is_dir() or p.suffix == ".xlsx") \
        if (root / "datasets").is_dir() else []
    return books, data


def shown_path(path: Path) -> str:
    """A path as the user wrote it: relative to the project root when it is inside it."""
    try:
        return path.resolve().relative_to(project_root()).as_posix()
    except ValueError:
        return str(path)


@dataclass
class Loaded:
    """Parameters checked and loaded: the rulebook (or None), the dataset (or None), the language."""

    rulebook: Rulebook | None
    dataset: Dataset | None
    lang: str
    problems: Problems


def check_lang(lang: Any, problems: Problems) -> str:
    if lang not in LANGS:
        problems.add(BAD_LANG, path="lang", lang=lang)
        return "vi"
    return str(lang)


def check_count(name: str, value: Any, least: int, example: int, problems: Problems) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        problems.add(BAD_COUNT, path=name, name=name, value=value, least=least, example=example)
        return least
    return value


def load(rulebook: Any, dataset: Any, lang: Any, proposal: Any = None) -> Loaded:
    """Check the common parameters and load what they name; problems are collected, not raised.

    A `proposal` is only checked to exist: the editor loads it (the rulebook loaded is the baseline).
    """
    from cchc_rules.data.load import load_dataset
    from cchc_rules.dsl.load import load_rulebook

    problems = Problems()
    lang = check_lang(lang, problems)
    book_path = _existing(rulebook, NO_RULEBOOK, "rulebook", problems, Path.is_file)
    data_path = _existing(dataset, NO_DATASET, "dataset", problems, Path.exists)
    if proposal is not None and str(proposal).strip():
        _existing(proposal, NO_PROPOSAL, "proposal", problems, Path.is_file)
    model = data = None
    if book_path is not None:
        try:
            model = load_rulebook(book_path)
        except CchcError as exc:
            problems.extend(exc.problems)
    if model is not None and data_path is not None:
        try:
            data = load_dataset(data_path, model)
        except CchcError as exc:
            problems.extend(exc.problems)
    return Loaded(model, data, lang, problems)


def check_unit(unit: Any, dataset: Dataset | None, problems: Problems) -> str:
    if dataset is None:
        return str(unit)
    ids = dataset.units["unit_id"].astype(str).tolist()
    if str(unit) not in ids:
        problems.add(UNKNOWN_UNIT, path="unit", unit=unit, near=nearest(str(unit), ids))
    return str(unit)


def _existing(value: Any, code: str, name: str, problems: Problems, test: Any) -> Path | None:
    path = resolve_path(value)
    if path is None or not test(path):
        problems.add(code, path=name, file=value, looked=str(path) if path else "—")
        return None
    return path
