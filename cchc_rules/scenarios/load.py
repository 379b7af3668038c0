"""Load a scenario file (spec §10): every problem at once, each with its file and line.

A scenario is checked in three layers, all reported together: its own shape (the pydantic
models, translated by `dsl.validate` into located bilingual problems), the files it names
(they must exist), and what those files hold: the baseline and variant rulebooks (problems
located in their own files), inline `changes` and sweep values applied to their rulebook
(problems located at the change or value in the scenario), and the datasets checked against
the rulebook that scores them (problems located in the data files).

`load_scenario(path)` returns the `Scenario` with the loaded rulebooks and datasets attached
(`scenario.prepared`), so that `scenarios.execute` scores without reading anything again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

import cchc_rules.places as places
import cchc_rules.scenarios.models as models
from cchc_rules.data.model import Dataset
from cchc_rules.dsl import validate
from cchc_rules.dsl.models import Rulebook
from cchc_rules.dsl.source import LDict, LList, locate, read_yaml
from cchc_rules.problems import CchcError, Pos, Problem, Problems, define
from cchc_rules.scenarios.models import Scenario
from cchc_rules.shipped import scenario_notebook

DEFAULT_NOTEBOOK = scenario_notebook()

NO_FILE = define(
    "S601",
    "Không có {what_vi} '{written}' (đã tìm tại {looked})",
    "There is no {what_en} '{written}' (looked at {looked})",
    "Ghi đường dẫn tính từ thư mục của tệp kịch bản, ví dụ ../datasets/sample-province-2023.",
    "Write the path relative to the scenario file's folder, e.g. ../datasets/sample-province-2023.",
)
BAD_SLUG = define(
    "S602",
    "Mã '{value}' không hợp lệ",
    "The id '{value}' is not a valid slug",
    "Chỉ dùng chữ thường không dấu, chữ số, '.', '_' hoặc '-', ví dụ stricter-excellent.",
    "Use lowercase letters, digits, '.', '_' or '-' only, e.g. stricter-excellent.",
)
VARIANT_EMPTY = define(
    "S603",
    "Phương án không nêu bộ tiêu chí, thay đổi hay dữ liệu nào",
    "The variant names no rulebook, changes or data",
    "Viết ít nhất một trong: {{rulebook: ...}}, {{changes: [...]}}, {{data: ...}}.",
    "Write at least one of: {{rulebook: ...}}, {{changes: [...]}}, {{data: ...}}.",
)
VARY_KINDS = define(
    "S604",
    "Mỗi mục 'vary' cần đúng một loại; ở đây có: {found}",
    "Each 'vary' item has exactly one kind; this one has: {found}",
    "Dùng một trong: {{weights: top, spread: 0.1}}, {{thresholds: 1.0}}, {{appraisal_noise: calibrated}}, "
    "{{survey: bootstrap}}.",
    "Use one of: {{weights: top, spread: 0.1}}, {{thresholds: 1.0}}, {{appraisal_noise: calibrated}}, "
    "{{survey: bootstrap}}.",
)
VARY_SPREAD = define(
    "S605",
    "'spread' chỉ đi cùng 'weights'",
    "'spread' goes only with 'weights'",
    "Viết {{weights: top, spread: 0.1}}.",
    "Write {{weights: top, spread: 0.1}}.",
)
NOISE_FORM = define(
    "S606",
    "appraisal_noise phải là 'calibrated' hoặc một số điểm ≥ 0, không phải {found}",
    "appraisal_noise must be 'calibrated' or a number of points ≥ 0, not {found}",
    "Ví dụ {{appraisal_noise: calibrated}} hoặc {{appraisal_noise: 0.5}}.",
    "For example {{appraisal_noise: calibrated}} or {{appraisal_noise: 0.5}}.",
)
UNKNOWN_STAGE = define(
    "S607",
    "Bộ tiêu chí '{rulebook}' không có giai đoạn '{stage}'",
    "Rulebook '{rulebook}' has no stage '{stage}'",
    "Các giai đoạn của nó: {stages}.",
    "Its stages: {stages}.",
)
NOT_NOTEBOOK = define(
    "S608",
    "'{written}' không phải một sổ tay Jupyter (.ipynb)",
    "'{written}' is not a Jupyter notebook (.ipynb)",
    "Trỏ tới tệp .ipynb có ô 'parameters', ví dụ ../notebooks/scenario_report.ipynb.",
    "Point at an .ipynb file with a 'parameters' cell, e.g. ../notebooks/scenario_report.ipynb.",
)
DUPLICATE_OUTPUT = define(
    "S609",
    "Định dạng '{value}' được nêu hai lần trong outputs",
    "Format '{value}' is listed twice in outputs",
    "Giữ mỗi định dạng một lần: html, xlsx, csv.",
    "List each format once: html, xlsx, csv.",
)
_CUSTOM = {"variant_empty": VARIANT_EMPTY, "vary_spread": VARY_SPREAD}

_MODEL_NAMES: dict[type, tuple[str, str]] = {
    models.Scenario: ("tệp kịch bản", "the scenario file"),
    models.Variant: ("một phương án", "a variant"),
    models.SweepAxis: ("một mục quét (sweep)", "a sweep item"),
    models.Uncertainty: ("phần bất định (uncertainty)", "the uncertainty block"),
    models.Vary: ("một nguồn bất định (vary)", "an uncertainty source (vary)"),
}
_FILES = {
    "data": ("bộ dữ liệu", "dataset"),
    "rulebook": ("tệp bộ tiêu chí", "rulebook file"),
    "notebook": ("sổ tay", "notebook"),
}


@dataclass
class Side:
    """A rulebook and the dataset it scores (the baseline, or one variant)."""

    rulebook: Rulebook
    dataset: Dataset
    title: Any = None  # a text (string or {vi, en}); None: the id


@dataclass
class Prepared:
    """What a valid scenario resolved to: loaded and checked, ready to score."""

    file: Path
    baseline: Side
    baseline_path: Path
    variants: dict[str, Side] = field(default_factory=dict)
    notebook: Path = DEFAULT_NOTEBOOK


def load_scenario(path: Path | str) -> Scenario:
    """The scenario at `path` with `.prepared` set; raises `CchcError` listing every problem."""
    scenario, problems = check_scenario(path)
    if scenario is None:
        raise CchcError(problems)
    return scenario


def check_scenario(path: Path | str) -> tuple[Scenario | None, list[Problem]]:
    """Every problem of a scenario file and of the files it names; the scenario when there is no error."""
    path = Path(path)
    problems = Problems()
    raw = read_yaml(path, problems)
    if raw is None:
        return None, list(problems)
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            _translate(raw, err, problems)
    _check_outputs(raw, problems)
    prepared = _Resolver(path, raw, problems).run()
    found = _unique(problems)
    if problems.errors or scenario is None or prepared is None:
        return None, found
    scenario._prepared = prepared
    return scenario, found


def _unique(problems: Problems) -> list[Problem]:
    """Each problem once: a base rulebook loaded for several variants reports its warnings once."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in problems:
        pos = p.pos or Pos("")
        key = (p.code, os.path.abspath(pos.file) if pos.file else "", pos.sheet, pos.line, pos.col, p.path,
               p.what("en"))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def resolve_path(scenario_file: Path, written: str) -> Path:
    """A path written in a scenario, relative to the scenario file's folder."""
    return Path(os.path.normpath(scenario_file.parent / written))


# ---------------------------------------------------------------- shape problems
def _translate(raw: LDict, err: Any, problems: Problems) -> None:
    """Scenario-specific kinds here; the rest through the rulebook validator's translation."""
    loc, kind = tuple(err["loc"]), err["type"]
    pos, path = locate(raw, loc), validate.doc_path(raw, loc)
    if kind == "string_pattern_mismatch":
        value = loc[-2] if loc and loc[-1] == "[key]" else err.get("input")
        problems.add(BAD_SLUG, pos, path.removesuffix("/[key]"), value=value)
    elif kind == "vary_kinds":
        problems.add(VARY_KINDS, pos, path, found=(err.get("ctx") or {}).get("found", ""))
    elif kind == "noise_form":
        problems.add(NOISE_FORM, pos, path, found=validate._short(err.get("input")))
    elif kind in _CUSTOM:
        problems.add(_CUSTOM[kind], pos, path)
    else:
        validate.translate(raw, err, problems, models.Scenario, _MODEL_NAMES)


def _check_outputs(raw: LDict, problems: Problems) -> None:
    outputs = raw.get("outputs")
    if not isinstance(outputs, LList):
        return
    seen: set[Any] = set()
    for i, value in enumerate(outputs):
        if isinstance(value, str) and value in seen:
            problems.add(DUPLICATE_OUTPUT, outputs.where(i), f"outputs/{i}", value=value)
        seen.add(value)


# ---------------------------------------------------------------- what the files hold
class _Resolver:
    """Loads the rulebooks and datasets a scenario names, adding every problem found."""

    def __init__(self, file: Path, raw: LDict, problems: Problems):
        self.file, self.raw, self.problems = file, raw, problems
        self.datasets: dict[Path, Dataset | None] = {}

    def run(self) -> Prepared | None:
        raw = self.raw
        notebook = self._file(raw, "notebook", "notebook") if isinstance(raw.get("notebook"), str) else DEFAULT_NOTEBOOK
        if notebook is not None and notebook.suffix != ".ipynb":
            self.problems.add(NOT_NOTEBOOK, raw.where("notebook"), "notebook", written=raw["notebook"])
        base_path = self._file(raw, "baseline", "rulebook")
        data_path = self._file(raw, "data", "data")
        baseline = self._rulebook(base_path, None) if base_path else None
        dataset = self._dataset(data_path, baseline) if data_path and baseline else None
        variants: dict[str, Side] = {}
        items = raw.get("variants") if isinstance(raw.get("variants"), LDict) else LDict()
        for name, item in items.items():
            if not isinstance(item, LDict):
                continue
            side = self._variant(str(name), item, base_path, baseline, data_path)
            if side is not None:
                variants[str(name)] = side
        if base_path is not None and baseline is not None:
            self._sweep(base_path)
        if self.problems.errors or baseline is None or dataset is None or base_path is None:
            return None
        return Prepared(self.file, Side(baseline, dataset), base_path, variants, notebook or DEFAULT_NOTEBOOK)

    def _file(self, item: LDict, key: str, kind: str, path: str | None = None) -> Path | None:
        written = item.get(key)
        if not isinstance(written, str):
            return None  # missing or malformed: the shape check reports it
        target = resolve_path(self.file, written)
        exists = target.exists() if kind == "data" else target.is_file()
        if not exists:
            vi, en = _FILES[kind]
            self.problems.add(NO_FILE, item.where(key), path or key, what_vi=vi, what_en=en, written=written,
                              looked=str(target))
            return None
        if not places.allowed(target, self.file):
            self.problems.add(places.OUTSIDE, item.where(key), path or key, written=written, looked=str(target))
            return None
        return target

    def _rulebook(self, path: Path, changes: Any, where: str = "") -> Rulebook | None:
        from cchc_rules.analysis.variants import build_changes
        from cchc_rules.dsl.load import check_rulebook

        if changes is None:
            rulebook, found = check_rulebook(path)
            self.problems.extend(found)
        else:
            problems = Problems()
            rulebook = build_changes(path, changes, problems)
            self.problems.extend(_moved(p, self.file, f"{where}/{p.path}", None) for p in problems)
        if rulebook is not None:
            self._stage(rulebook)
        return rulebook

    def _stage(self, rulebook: Rulebook) -> None:
        stage = self.raw.get("stage")
        if isinstance(stage, str) and stage not in rulebook.stages:
            self.problems.add(UNKNOWN_STAGE, self.raw.where("stage"), "stage", rulebook=rulebook.id, stage=stage,
                              stages=rulebook.stages)

    def _dataset(self, path: Path, rulebook: Rulebook) -> Dataset | None:
        from cchc_rules.data.load import load_dataset
        from cchc_rules.data.parse import inputs_for

        key = path.resolve()
        if key in self.datasets:
            dataset = self.datasets[key]
            if dataset is None:
                return None  # its problems are already reported
            try:
                inputs_for(dataset, rulebook)
            except CchcError as exc:
                self.problems.extend(exc.problems)
                return None
            return dataset
        try:
            dataset = load_dataset(path, rulebook)
        except CchcError as exc:
            self.problems.extend(exc.problems)
            dataset = None
        self.datasets[key] = dataset
        return dataset

    def _variant(
        self, name: str, item: LDict, base_path: Path | None, baseline: Rulebook | None, data_path: Path | None
    ) -> Side | None:
        where = f"variants/{name}"
        rulebook_path = base_path
        if "rulebook" in item:
            rulebook_path = self._file(item, "rulebook", "rulebook", f"{where}/rulebook")
        if "data" in item:
            data_path = self._file(item, "data", "data", f"{where}/data")
        changes = item.get("changes")
        if rulebook_path is None:
            return None
        if rulebook_path == base_path and (changes is None or baseline is None):
            rulebook = baseline  # the baseline's own problems are reported once, not again per variant
        else:
            rulebook = self._rulebook(rulebook_path, changes if isinstance(changes, LList) else None, where)
        if rulebook is None or data_path is None:
            return None
        dataset = self._dataset(data_path, rulebook)
        return Side(rulebook, dataset, item.get("title")) if dataset is not None else None

    def _sweep(self, base_path: Path) -> None:
        """Each swept value applied alone to the baseline: a bad path or value points at the sweep item."""
        from cchc_rules.analysis.variants import build_changes

        for i, axis in enumerate(self.raw.get("sweep") or ()):
            if not isinstance(axis, LDict) or not isinstance(axis.get("path"), str):
                continue
            values = axis.get("values")
            for j, value in enumerate(values if isinstance(values, LList) else ()):
                pos = values.where(j)
                change = LDict({"set": axis["path"], "to": value}, pos=pos)
                change.key_pos = change.val_pos = {"set": axis.where("path"), "to": pos}
                changes = LList([change], pos=pos)
                changes.item_pos = [pos]
                found = Problems()
                build_changes(base_path, changes, found)
                self.problems.extend(_moved(p, self.file, f"sweep/{i}/values/{j}", pos) for p in found.errors)


def _moved(problem: Problem, scenario: Path, path: str, pos: Pos | None) -> Problem:
    """A problem of a change written in the scenario, named by its place there (`path`).

    One found in the scenario file keeps its position; one found in the base rulebook (the
    document the change produced is invalid) is moved to `pos` when given, naming the base path too.
    """
    in_scenario = problem.pos is not None and Path(problem.pos.file).resolve() == scenario.resolve()
    if in_scenario:
        return Problem(problem.code, problem.params, problem.pos, path, problem.severity, problem.column)
    if pos is None:
        return problem
    return Problem(problem.code, problem.params, pos, f"{path} → {problem.path}", problem.severity, problem.column)
