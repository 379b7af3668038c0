"""Variant rulebooks: a rulebook file plus changes (spec §7), built and validated in memory.

A `Variant` is a recipe, not a model: the file of a rulebook (full or derived) and the changes
to apply to it, in the language's spelling (`{set: bands/excellent/min, to: 92}`). Sweeps add
one `set` per swept path (`with_values`), the scenario runner builds its variants' inline
`changes`, and the workbench builds a drafter's edits, all through `build()`, which goes
through `dsl.derive.apply_changes` and `dsl.validate.build` like a derived file would: every
problem of every change at once (X2xx, R1xx), each naming its change.

Changes written in code are plain lists and dicts; they are given the position `label` (e.g.
"sweep: bands/excellent/min = 92") so that a problem says which variant it comes from. Changes
read from a YAML file (located `LList`) keep their own file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cchc_rules import limits
from cchc_rules.dsl.models import Rulebook
from cchc_rules.dsl.source import located
from cchc_rules.problems import CchcError, Pos, Problems, define

NO_FILE = define(
    "A801",
    "Bộ tiêu chí '{rulebook}' được tạo trong bộ nhớ, không có tệp để áp dụng thay đổi (đã tìm: {file})",
    "Rulebook '{rulebook}' was built in memory and has no file to apply changes to (looked for: {file})",
    "Truyền đường dẫn tệp bộ tiêu chí, hoặc một Variant (tệp gốc + các thay đổi) thay cho mô hình.",
    "Pass the rulebook's file path, or a Variant (base file + changes) instead of the model.",
)
NO_VALUES = define(
    "A802",
    "Không có giá trị nào để quét cho đường dẫn: {paths}",
    "There are no values to sweep for the path: {paths}",
    "Cho mỗi đường dẫn một danh sách giá trị, ví dụ {{bands/excellent/min: [88, 90, 92]}}.",
    "Give each path a list of values, e.g. {{bands/excellent/min: [88, 90, 92]}}.",
)
BAD_COMBINE = define(
    "A803",
    "Cách kết hợp '{found}' không có",
    "There is no way of combining called '{found}'",
    "Dùng 'product' (mọi tổ hợp) hoặc 'zip' (ghép các giá trị cùng vị trí).",
    "Use 'product' (every combination) or 'zip' (values at the same position together).",
)
ZIP_LENGTHS = define(
    "A804",
    "Ghép 'zip' cần các danh sách cùng độ dài, nhưng: {sizes}",
    "'zip' needs lists of one length, but: {sizes}",
    "Cho các danh sách cùng số giá trị, hoặc dùng 'product'.",
    "Give the lists the same number of values, or use 'product'.",
)
TOO_MANY_VARIANTS = define(
    "A808",
    "Phép quét tạo ra {n} phương án, nhiều hơn giới hạn {limit}",
    "The sweep makes {n} variants, more than the limit of {limit}",
    "Bớt giá trị cần quét (hoặc dùng 'zip' thay cho 'product'); nếu thật cần, nâng giới hạn bằng biến môi "
    "trường {env}.",
    "Sweep fewer values (or use 'zip' instead of 'product'); if it is really needed, raise the limit with the "
    "environment variable {env}.",
)


@dataclass(frozen=True)
class Variant:
    """A rulebook file and the changes applied to it, in order; `label` names it in problems."""

    base: Path
    changes: tuple[Mapping[str, object], ...] = ()
    label: str = "<changes>"

    def with_values(self, values: Mapping[str, object], label: str | None = None) -> Variant:
        """This variant with one `{set: path, to: value}` per entry appended."""
        sets = tuple({"set": path, "to": value} for path, value in values.items())
        return Variant(self.base, (*self.changes, *sets), label or describe_values(values))

    def build(self) -> Rulebook:
        """The validated rulebook; raises `CchcError` with every problem of every change."""
        problems = Problems()
        rulebook = self.build_into(problems)
        problems.raise_if_errors()
        assert rulebook is not None
        return rulebook

    def build_into(self, problems: Problems) -> Rulebook | None:
        """Like `build`, but adds the problems to `problems` and returns None on error."""
        if not self.changes:
            from cchc_rules.dsl.load import load_rulebook

            try:
                return load_rulebook(self.base)
            except CchcError as exc:
                problems.extend(exc.problems)
                return None
        return build_changes(self.base, located(self.changes, Pos(self.label)), problems)


def build_changes(base: Path, changes: Any, problems: Problems) -> Rulebook | None:
    """The rulebook file `base` with located `changes` applied and validated, its derivation kept;
    the problems go to `problems` (None on error)."""
    from cchc_rules.dsl import derive, validate

    raw, derivation = derive.apply_changes(base, changes, problems)
    if raw is None:
        return None
    rulebook = validate.build(raw, problems)
    if rulebook is not None:
        rulebook._derivation = derivation
        problems.extend(derivation.notes)  # what each reweight/transfer scaled (X291), unscaled gates (X292)
    return rulebook


def variant_of(
    rulebook: Rulebook | Variant | Path | str, changes: Sequence[Any] = (), label: str = "<changes>"
) -> Variant:
    """The recipe of a rulebook given as a path, a loaded model or a `Variant`, plus `changes`.

    A loaded model is taken from its own file: the last file of its derivation chain (a proposal
    that `extends` a base) or the file it was read from. A model built in memory (from changes
    held by a scenario or typed in a notebook) has no such file: A801 (pass its `Variant`).
    """
    if isinstance(rulebook, Variant):
        return Variant(rulebook.base, (*rulebook.changes, *changes), label if changes else rulebook.label)
    if isinstance(rulebook, Rulebook):
        derivation = rulebook.derivation
        file = Path(derivation.chain[-1]) if derivation is not None else Path(rulebook.pos.file)
        if not _is_rulebook_file(file, derived=derivation is not None):
            problems = Problems()
            problems.add(NO_FILE, rulebook.pos, "", rulebook=rulebook.id, file=str(file))
            problems.raise_if_errors()
        return Variant(file, tuple(changes), label)
    return Variant(Path(rulebook), tuple(changes), label)


def _is_rulebook_file(file: Path, derived: bool) -> bool:
    """The file exists and, for a derived rulebook, is itself a derived rulebook (not a scenario's changes)."""
    if not file.is_file():
        return False
    if not derived:
        return True
    from cchc_rules.dsl.source import read_yaml

    raw = read_yaml(file, Problems())
    return raw is not None and "extends" in raw


def describe_values(values: Mapping[str, Any]) -> str:
    """`path = value` pairs as one label, e.g. "bands/excellent/min = 92"."""
    return "; ".join(f"{path} = {_text(value)}" for path, value in values.items())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def combinations(values: Mapping[str, Iterable[Any]], combine: str = "product") -> list[dict[str, Any]]:
    """Every combination of swept values (`product`), or the values taken side by side (`zip`).

    Raises `CchcError` (A802, A803, A804) naming the paths when there is nothing to combine.
    """
    import itertools
    import math

    lists = {path: list(vals) for path, vals in values.items()}
    problems = Problems()
    if not lists:
        problems.add(NO_VALUES, path="sweep", paths="—")
    for path, vals in lists.items():
        if not vals:
            problems.add(NO_VALUES, path=path, paths=path)
    if combine not in ("product", "zip"):
        problems.add(BAD_COMBINE, path="combine", found=combine)
    elif combine == "zip" and len({len(v) for v in lists.values()}) > 1:
        problems.add(ZIP_LENGTHS, path="sweep", sizes=[f"{p}: {len(v)}" for p, v in lists.items()])
    count = math.prod(len(v) for v in lists.values()) if combine == "product" else max(map(len, lists.values()),
                                                                                      default=0)
    if count > limits.value(limits.SWEEP_VARIANTS):
        problems.add(TOO_MANY_VARIANTS, path="sweep", n=count, limit=limits.value(limits.SWEEP_VARIANTS),
                     env=limits.SWEEP_VARIANTS.env)
    problems.raise_if_errors()
    rows = itertools.product(*lists.values()) if combine == "product" else zip(*lists.values())
    return [dict(zip(lists, row)) for row in rows]
