"""The drafter's editor, as plain objects: edits as changes (spec §7), live comparison, save as proposal.

An `Editor` holds a baseline rulebook, a dataset and the file the edits start from (the baseline,
or a proposal that extends it). Each edit is one change in the language's spelling: `reweight`
for a maximum, `set` for a ladder threshold, a band minimum or a band's gates. Editing the same
thing again replaces its change and moves it last, so the list stays short and in the order the
drafter last touched things. `evaluate()` builds the variant exactly as a derived file would be
built (every validator message at once), scores it and compares it with the baseline.
`save()` writes the proposal (`extends` + `changes`) into rulebooks/proposals/, checked before
it is renamed into place, so a file that lands there always validates.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cchc_rules.analysis.compare import Comparison, compare
from cchc_rules.analysis.variants import variant_of
from cchc_rules.atomic import atomic_file
from cchc_rules.data.model import Dataset
from cchc_rules.dsl.load import check_rulebook, load_rulebook
from cchc_rules.dsl.models import Band, Rulebook
from cchc_rules.engine.result import Result
from cchc_rules.engine.score import score
from cchc_rules.i18n import pick
from cchc_rules.numbers import tidy
from cchc_rules.problems import CchcError, Pos, Problem, Problems, define
from cchc_rules.widgets.params import project_root

BAD_NAME = define(
    "B930",
    "Tên đề xuất '{name}' không dùng được",
    "The proposal name '{name}' cannot be used",
    "Dùng chữ thường không dấu, chữ số, '-', '_' hoặc '.', bắt đầu bằng chữ hoặc số, ví dụ: survey-45.",
    "Use lower-case letters without accents, digits, '-', '_' or '.', starting with a letter or digit, "
    "e.g. survey-45.",
)
NOTHING_TO_SAVE = define(
    "B931",
    "Chưa có thay đổi nào để lưu",
    "There is no edit to save",
    "Sửa ít nhất một điểm tối đa, ngưỡng, mức xếp loại hoặc điều kiện trước khi lưu.",
    "Edit a maximum, a threshold, a band minimum or a gate before saving.",
)
INVALID_VARIANT = define(
    "B932",
    "Phương án còn lỗi nên không lưu được",
    "The variant still has errors, so it cannot be saved",
    "Sửa các lỗi mà trình kiểm tra báo (hoặc bỏ thay đổi gây lỗi), rồi lưu lại.",
    "Fix the errors the validator lists (or undo the edit that causes them), then save again.",
)
EXISTS = define(
    "B933",
    "Đã có tệp đề xuất {file}",
    "The proposal file {file} exists already",
    "Chọn tên khác, hoặc đánh dấu 'ghi đè' để thay tệp cũ.",
    "Choose another name, or tick 'overwrite' to replace the old file.",
)
NO_NODE = define(
    "B934",
    "Không có {what} '{ident}' để sửa",
    "There is no {what} '{ident}' to edit",
    "Chọn một trong: {choices}.",
    "Choose one of: {choices}.",
)

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass
class Evaluation:
    """The variant after the current edits: the model (None when invalid), every message, the comparison."""

    rulebook: Rulebook | None
    problems: list[Problem] = field(default_factory=list)
    result: Result | None = None
    comparison: Comparison | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class Editor:
    """Edits on a rulebook file, compared with a baseline on one dataset."""

    def __init__(self, baseline: Path | str, dataset: Dataset, start: Path | str | None = None):
        self.baseline_path = Path(baseline).resolve()
        self.start_path = Path(start).resolve() if start else self.baseline_path
        self.baseline = load_rulebook(self.baseline_path)
        self.start = load_rulebook(self.start_path) if start else self.baseline
        self.dataset = dataset
        self.base_result = score(self.baseline, dataset)
        self._edits: dict[str, dict[str, Any]] = {}
        self.evaluation = self.evaluate()

    # ------------------------------------------------------------ edits
    @property
    def changes(self) -> list[dict[str, Any]]:
        return list(self._edits.values())

    @property
    def current(self) -> Rulebook:
        """The last valid variant (the starting rulebook while edits are invalid)."""
        return self.evaluation.rulebook or self.start

    def _put(self, key: str, change: dict[str, Any]) -> Evaluation:
        self._edits.pop(key, None)
        self._edits[key] = change
        self.evaluation = self.evaluate()
        return self.evaluation

    def set_max(self, node_id: str, to: float) -> Evaluation:
        """Reweight a node: its maximum becomes `to`, its descendants and absolute rule points scale with it."""
        self._known("node", node_id, list(self.current.nodes()))
        return self._put(f"max:{node_id}", {"reweight": f"criteria/{node_id}", "to": tidy(to)})

    def set_threshold(self, leaf_id: str, step: int, to: float) -> Evaluation:
        """Set the `min` of a ladder step (0-based, in the rule's order)."""
        ladders = [leaf.id for leaf in self.current.leaves() if leaf.rule.ladder is not None]
        self._known("ladder", leaf_id, ladders)
        return self._put(f"ladder:{leaf_id}:{step}",
                         {"set": f"criteria/{leaf_id}/rule/ladder/{step}/min", "to": tidy(to)})

    def set_band_min(self, band_id: str, to: float, group: str | None = None) -> Evaluation:
        self._known("band", band_id, [b.id for b in self.bands(group)])
        return self._put(f"band:{group}:{band_id}", {"set": f"{_band_path(band_id, group)}/min", "to": tidy(to)})

    def set_gates(self, band_id: str, gates: list[dict[str, Any]], group: str | None = None) -> Evaluation:
        """Replace a band's gates (`when`), each as written in a rulebook: {flag, is} or {node, min_share|min|...}."""
        self._known("band", band_id, [b.id for b in self.bands(group)])
        return self._put(f"gates:{group}:{band_id}", {"set": f"{_band_path(band_id, group)}/when", "to": list(gates)})

    def remove_node(self, node_id: str) -> Evaluation:
        """Remove a criterion (and everything under it)."""
        self._known("node", node_id, list(self.current.nodes()))
        return self._put(f"remove:{node_id}", {"remove": f"criteria/{node_id}"})

    def add_node(self, under: str | None, ident: str, name_vi: str, name_en: str, maximum: float,
                 rule: dict[str, Any] | None = None) -> Evaluation:
        """Add a criterion under `under` (None: a new field at the top), by default a yes/no one worth `maximum`."""
        if under is not None:
            self._known("node", under, list(self.current.nodes()))
        item = {"id": ident, "code": ident, "name": {"vi": name_vi.strip() or ident, "en": name_en.strip() or ident},
                "max": tidy(maximum), "rule": rule or {"binary": {}}}
        return self._put(f"add:{ident}", {"add": item, **({"under": under} if under is not None else {})})

    def move_node(self, node_id: str, under: str | None) -> Evaluation:
        """Move a criterion under another node (None: to the top level)."""
        self._known("node", node_id, list(self.current.nodes()))
        return self._put(f"move:{node_id}", {"move": f"criteria/{node_id}", **({"under": under} if under else {})})

    def rename_node(self, node_id: str, to: str) -> Evaluation:
        """Give a criterion another id (references to it follow)."""
        self._known("node", node_id, list(self.current.nodes()))
        return self._put(f"rename:{node_id}", {"rename": f"criteria/{node_id}", "to": to.strip()})

    def transfer(self, amount: float, source: str, target: str) -> Evaluation:
        """Move `amount` points of maximum from one criterion to another (the total stays the same)."""
        nodes = list(self.current.nodes())
        self._known("node", source, nodes)
        self._known("node", target, nodes)
        return self._put(f"transfer:{source}:{target}", {"transfer": tidy(amount), "from": source, "to": target})

    def undo(self) -> Evaluation:
        if self._edits:
            self._edits.popitem()
            self.evaluation = self.evaluate()
        return self.evaluation

    def clear(self) -> Evaluation:
        self._edits.clear()
        self.evaluation = self.evaluate()
        return self.evaluation

    def bands(self, group: str | None = None) -> list[Band]:
        rb = self.current
        return rb.bands if group is None else rb.bands_by_group.get(group, [])

    def gates(self, band_id: str, group: str | None = None) -> list[dict[str, Any]]:
        """A band's gates as written in a rulebook (for editing)."""
        band = next(b for b in self.bands(group) if b.id == band_id)
        return [g.model_dump(by_alias=True, exclude_none=True) for g in band.when]

    def _known(self, what: str, ident: str, choices: list[str]) -> None:
        if ident not in choices:
            problems = Problems()
            problems.add(NO_NODE, path=ident, what=what, ident=ident, choices=choices[:12])
            problems.raise_if_errors()

    # ------------------------------------------------------------ evaluating
    def evaluate(self) -> Evaluation:
        problems = Problems()
        if self.changes:
            variant = variant_of(self.start_path, self.changes, label="workbench").build_into(problems)
            if variant is None:
                return Evaluation(None, list(problems))
        else:  # the starting file as loaded: its warnings were kept on the model
            variant = self.start
            problems.extend(variant.warnings)
        try:
            result = self.base_result if variant is self.baseline else score(variant, self.dataset)
        except CchcError as exc:
            return Evaluation(variant, [*problems, *exc.problems])
        comparison = compare(self.base_result, result)
        # A criterion nobody has data for, different scales or group sizes: shown with the messages.
        return Evaluation(variant, [*problems, *comparison.warnings], result, comparison)

    # ------------------------------------------------------------ saving
    def proposal_text(self, name: str, title_vi: str, title_en: str, folder: Path) -> str:
        """The derived rulebook as YAML: metadata, `extends` (relative to `folder`) and the changes."""
        extends = Path(os.path.relpath(self.start_path, folder.resolve())).as_posix()
        doc = {
            "dsl": 1,
            "id": name,
            "extends": extends,
            "title": {"vi": title_vi.strip() or f"Đề xuất {name}", "en": title_en.strip() or f"Proposal {name}"},
            "illustrative": self.start.illustrative,
            "changes": self.changes,
        }
        head = (f"# {pick(doc['title'], 'vi')}\n# {pick(doc['title'], 'en')}\n"
                f"# Made with the framework editor (notebooks/02_framework_editor.ipynb) from {extends}.\n")
        return head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=None, width=110)

    def save(self, name: str, title_vi: str = "", title_en: str = "", folder: Path | str | None = None,
             overwrite: bool = False) -> Path:
        """Write rulebooks/proposals/<name>.yaml; raises `CchcError` (nothing written) on any problem."""
        folder = Path(folder) if folder is not None else project_root() / "rulebooks" / "proposals"
        target = folder / f"{name}.yaml"
        problems = Problems()
        if not _NAME.match(name or ""):
            problems.add(BAD_NAME, path="name", name=name)
        if not self._edits:
            problems.add(NOTHING_TO_SAVE, path="changes")
        if self.evaluation.errors:
            problems.add(INVALID_VARIANT, path="changes")
            problems.extend(self.evaluation.errors)
        if target.exists() and not overwrite:
            problems.add(EXISTS, Pos(str(target)), "name", file=str(target))
        problems.raise_if_errors()
        with atomic_file(target) as tmp:  # checked under its temporary name: a bad proposal is never saved
            tmp.write_text(self.proposal_text(name, title_vi, title_en, folder), encoding="utf-8")
            checked, found = check_rulebook(tmp)
            if checked is None:
                raise CchcError(found)
        return target


def _band_path(band_id: str, group: str | None) -> str:
    return f"bands/{band_id}" if group is None else f"bands_by_group/{group}/{band_id}"
