"""How a derived rulebook was made (`Rulebook.derivation`): its chain of files and the changes applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cchc_rules.dsl.change_kinds import AppliedChange
from cchc_rules.problems import Problem


@dataclass
class Derivation:
    """How a derived rulebook was made.

    `chain` lists the files base first (the root full rulebook, any derived bases, this file);
    `changes` holds the changes of every level in the order applied. `removed` and `renamed` are
    relative to the root base (ids of nodes and adjustments, removed subtrees in full; a rename
    chain a → b → c shows as a → c), which is what data written for the root base needs.
    `base_id` is the id of the immediate base (the file named by `extends`).
    """

    chain: list[Path]
    base_id: str
    changes: list[AppliedChange] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)  # X291: what each reweight or transfer scaled

    @property
    def base_path(self) -> Path:
        """The file named by `extends`."""
        return self.chain[-2]
