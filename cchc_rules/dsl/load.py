"""Load a rulebook file: read YAML, resolve `extends`/`changes`, check, build the model."""

from __future__ import annotations

from pathlib import Path

from cchc_rules.dsl.models import Rulebook
from cchc_rules.dsl.source import YAML_DUPLICATE, read_yaml
from cchc_rules.problems import CchcError, Problem, Problems


def check_rulebook(path: Path | str) -> tuple[Rulebook | None, list[Problem]]:
    """Every problem of a rulebook file (errors and warnings); the model when there is no error."""
    from cchc_rules.dsl import derive, validate

    problems = Problems()
    raw = read_yaml(path, problems)
    derivation = None
    if raw is not None and "extends" in raw:
        raw, derivation = derive.resolve(raw, Path(path), problems)
    # Duplicate keys leave a usable document (the first value is kept): check it all the same,
    # so that every mistake of the file is reported in one run.
    usable = raw is not None and all(p.code == YAML_DUPLICATE for p in problems.errors)
    rulebook = validate.build(raw, problems) if usable else None
    if rulebook is not None:
        rulebook._derivation = derivation
    return (None if problems.errors else rulebook), list(problems)


def load_rulebook(path: Path | str) -> Rulebook:
    """The validated rulebook at `path`; raises `CchcError` listing every problem."""
    rulebook, problems = check_rulebook(path)
    if rulebook is None:
        raise CchcError(problems)
    rulebook._warnings = [p for p in problems if p.severity != "error"]
    return rulebook
