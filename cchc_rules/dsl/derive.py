"""Derived rulebooks (spec §7): a base rulebook plus changes, resolved on the raw located document.

`resolve` reads the base named by `extends` (relative to the derived file; a base may itself be
derived), applies the `changes` in order to a deep copy of the base's located document and
returns the final raw document, which the loader then validates. Nodes copied from the base keep
the base file's positions; whatever a change writes carries the change's position, so a later
validation error points at the change that caused it. All or nothing: when any change fails, no
document is returned, but every failing change is reported (later changes are still tried on
the document as it stands, to find their own errors).

Extensions to the spec's wording (documented in docs/LANGUAGE.md):
- `add` also adds a band, `{add: {...band...}, to: bands, after: good}` (or
  `to: bands_by_group/<group>`), and an adjustment, `{add: {...}, to: adjustments}`.
- `add` and `move` take `before: <id>` as well as `after: <id>`; without `under` they place the
  node at the top level.
- `rename` also renames a band (rewriting quota `of` in the same band list) or an adjustment.
- `add`, `remove` and `move` keep the tree consistent as `reweight` does: ancestors under
  `aggregate: sum` (or best-of-k) that state an explicit `max` are adjusted by the change in
  their children's maxima, so a moved criterion takes its points with it. A `capped` parent stops
  the adjustment (its max does not follow its children).
- `set` paths may also start at `groups`, `flags` and `references` (a new flag for a new gate).
- `references` beside `changes` add to the base's; a key the base already has is an error.
- An id renamed by a change may still be used by later changes, in this file and in files that
  extend it (`under`, `after`, paths), as the spec asks for `after`/`under`.
- `reweight`/`transfer` keep each unit's share of the node (`dsl/scaling.py`; a `points` leaf gets
  `out_of`), with a note (X291) saying what was scaled. Gate `min` (points) is not scaled: it is a
  threshold the drafter wrote; a warning (X292) names it.
- References left dangling (a removed node named by a tie-break or gate, a removed band named by a
  quota) are checked on the final document, so another change may drop the reference. `set` of an
  `id` is refused (use `rename`). A derived file without its own `id` gets a warning (X290).

`apply_changes(base_path, changes, problems)` does the same for changes that live elsewhere (a
scenario variant's inline `changes`, a sweep's generated `set`s).

Modules: `change_messages` (X2xx codes), `change_kinds` (the seven kinds), `scaling` (what
reweight and transfer mean), `located_edit` (writing into the located document).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import cchc_rules.places as places
from cchc_rules.dsl.change_kinds import Applier, State
from cchc_rules.dsl.change_messages import (
    EXTENDS_CYCLE,
    EXTENDS_MISSING,
    EXTENDS_NOT_TEXT,
    KEY_BESIDE_CHANGES,
    NO_OWN_ID,
    REFERENCE_EXISTS,
    expect,
)
from cchc_rules.dsl.derivation import Derivation
from cchc_rules.dsl.located_edit import copy_located, put
from cchc_rules.dsl.models import METADATA_KEYS
from cchc_rules.dsl.source import LDict, LList, parse_document, read_yaml
from cchc_rules.problems import Pos, Problem, Problems

ALLOWED_BESIDE = (*METADATA_KEYS, "extends", "changes")


def _derivation(state: State, chain: list[Path], base_id: str) -> Derivation:
    renamed = {old: new for new, old in state.origin.items() if new != old}
    return Derivation(chain, base_id, list(state.changes), list(state.removed), renamed, list(state.notes))


# ---------------------------------------------------------------- resolving `extends`
def apply_changes(
    base: Path | str, changes: Any, problems: Problems
) -> tuple[LDict | None, Derivation | None]:
    """The raw document of the rulebook at `base` with `changes` (a located list, e.g. a scenario variant's
    inline changes) applied, and its derivation; (None, None) on any error. Validate it with `validate.build`.
    """
    pos = getattr(changes, "pos", None) or Pos("<changes>")
    raw = LDict(extends=str(Path(base).resolve()), changes=changes, pos=pos)
    raw.val_pos = {"extends": pos, "changes": pos}
    resolved = _resolve(raw, Path(pos.file), problems, (), placed=False)  # `base` is named by code, not a file
    if resolved is None:
        return None, None
    state, chain, base_id = resolved
    return state.doc, _derivation(state, chain, base_id)


def resolve(raw: LDict, path: Path, problems: Problems) -> tuple[LDict | None, Derivation | None]:
    """The final raw document of a derived rulebook and how it was made; (None, None) on any error."""
    resolved = _resolve(raw, Path(path), problems, ())
    if resolved is None:
        return None, None
    state, chain, base_id = resolved
    if "id" not in raw:
        problems.add(NO_OWN_ID, raw.pos, "id", severity="warning", base_id=base_id)
    derivation = _derivation(state, chain, base_id)
    problems.extend(derivation.notes)  # the validator's note on each reweight and transfer
    return state.doc, derivation


def _resolve(
    raw: LDict, path: Path, problems: Problems, seen: tuple[Path, ...], placed: bool = True
) -> tuple[State, list[Path], str] | None:
    file = str(path)
    ok = _check_keys(raw, problems)
    extends, changes = raw.get("extends"), raw.get("changes", LList(pos=raw.pos))
    if not isinstance(changes, LList):
        problems.add(EXTENDS_NOT_TEXT, raw.where("changes"), "changes", key="changes", **expect("changes"))
        ok = False
    if not isinstance(extends, str) or not extends.strip():
        problems.add(EXTENDS_NOT_TEXT, raw.where("extends"), "extends", key="extends",
                     **expect("extends"))
        return None
    base_path = Path(os.path.normpath(path.parent / extends))
    here = (*seen, places.real(path))  # realpath: a symlink loop or a too long name is not an exception
    if places.real(base_path) in here:
        names = [p.name for p in here] + [base_path.name]
        problems.add(EXTENDS_CYCLE, raw.where("extends"), "extends", chain=" → ".join(names))
        return None
    if not places.is_file(base_path):
        problems.add(EXTENDS_MISSING, raw.where("extends"), "extends", extends=extends, looked=base_path)
        return None
    base = _read_base(base_path, raw, extends, path if placed else None, problems)
    if base is None:
        return None
    if "extends" in base:
        resolved = _resolve(base, base_path, problems, here)
        if resolved is None:
            return None
        state, chain = resolved[0], resolved[1]
    else:
        state, chain = State.root(copy_located(base)), [base_path]
    base_id = str(state.doc.get("id", ""))
    ok = _merge_metadata(state.doc, raw, problems) and ok
    ok = Applier(state, problems, file).run(changes if isinstance(changes, LList) else ()) and ok
    return (state, [*chain, path], base_id) if ok else None


def _read_base(
    path: Path, derived: LDict, written: str, derived_path: Path | None, problems: Problems
) -> LDict | None:
    """A base's document, parsed once per file content: a sweep derives many variants of one base.

    The document is shared between calls, so it is only read: `State.root` copies the root base
    before any change applies, and changes copy whatever they take from a derived base. A base
    outside the project (`places`) is refused; a file that is not a rulebook is refused without
    showing anything of its content (its own problems could quote it).
    """
    if derived_path is not None and not places.allowed(path, derived_path):
        problems.add(places.OUTSIDE, derived.where("extends"), "extends", written=written, looked=path)
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return read_yaml(path, problems)  # reports why
    raw, found = _parse_base(str(path), data)
    if raw is None or not ("dsl" in raw or "extends" in raw):
        problems.add(places.NOT_RULEBOOK, derived.where("extends"), "extends", written=written)
        return None
    problems.extend(found)
    return raw


@functools.lru_cache(maxsize=16)
def _parse_base(file: str, data: bytes) -> tuple[LDict | None, tuple[Problem, ...]]:
    found = Problems()
    return parse_document(data, file, found), tuple(found)


def _check_keys(raw: LDict, problems: Problems) -> bool:
    bad = [key for key in raw if key not in ALLOWED_BESIDE]
    for key in bad:
        problems.add(KEY_BESIDE_CHANGES, raw.key_pos.get(key, raw.pos), str(key), key=key, allowed=METADATA_KEYS)
    return not bad


def _merge_metadata(doc: LDict, raw: LDict, problems: Problems) -> bool:
    """The derived file's metadata replace the base's; its references add to them."""
    ok = True
    for key in METADATA_KEYS:
        if key not in raw:
            continue
        if key == "references" and isinstance(raw[key], LDict) and isinstance(doc.get(key), LDict):
            for name, value in raw[key].items():
                if name in doc[key]:
                    problems.add(REFERENCE_EXISTS, raw[key].key_pos.get(name), f"references/{name}", key=name)
                    ok = False
                    continue
                put(doc[key], name, copy_located(value), raw[key].where(name))
                doc[key].key_pos[name] = raw[key].key_pos.get(name, raw.pos)
            continue
        put(doc, key, copy_located(raw[key]), raw.where(key), raw.raw.get(key))
        doc.key_pos[key] = raw.key_pos.get(key, raw.pos)
    return ok
