"""The seven kinds of change (spec §7) applied to a located document, every failing change reported.

`Applier.run` applies one file's changes in order to a `State`; a change that cannot apply raises
`Fail`, which is reported at the change (file and line) while the next changes are still tried.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cchc_rules.dsl.change_messages import (
    BAD_SEGMENT,
    BAD_TARGET,
    BAD_VALUE,
    DANGLING,
    EQUAL_SHARE,
    GATE_NOT_SCALED,
    ID_EXISTS,
    INDEX_RANGE,
    KEY_MISSING,
    KEY_UNKNOWN,
    KIND_SEVERAL,
    KIND_UNKNOWN,
    MOVE_INTO_ITSELF,
    NEGATIVE,
    SCALED,
    SET_ID,
    TRANSFER_NESTED,
    TRANSFER_TOO_MUCH,
    UNKNOWN_ADJUSTMENT,
    UNKNOWN_BAND,
    UNKNOWN_GROUP,
    UNKNOWN_NODE,
    ZERO_MAX,
    expect,
    scaled_words,
)
from cchc_rules.dsl.located_edit import copy_located, delete, id_items, index_of, insert, looks_like_item, nodes, put
from cchc_rules.dsl.scaling import effective_max, keeping_sums, scale_subtree
from cchc_rules.dsl.source import LDict, LList
from cchc_rules.numbers import number, plain, tidy
from cchc_rules.problems import Pos, Problem, Problems, nearest

# ---------------------------------------------------------------- the language of changes
KINDS = ("set", "remove", "add", "move", "rename", "reweight", "transfer")
REQUIRED = {"set": ("to",), "rename": ("to",), "reweight": ("to",), "transfer": ("from", "to")}
OPTIONAL = {"add": ("under", "to", "after", "before"), "move": ("under", "after", "before")}
FORMS = {
    "set": "{set: criteria/3.1/rule/ladder/1/min, to: 90}",
    "remove": "{remove: criteria/6.4}",
    "add": '{add: {id: "7.6", name: ..., max: 1, rule: ...}, under: "7", after: "7.5"}',
    "move": '{move: criteria/7.3, under: "3", after: "3.2"}',
    "rename": '{rename: criteria/7.5, to: "7.5b"}',
    "reweight": "{reweight: criteria/8, to: 40}",
    "transfer": '{transfer: 0.5, from: "3.2", to: "3.1"}',
}
ROOTS = (
    "criteria", "bands", "bands_by_group", "adjustments", "ranking", "display", "scale", "stages",
    "missing", "not_applicable", "groups", "flags", "references",
)


@dataclass(frozen=True)
class AppliedChange:
    """One change as applied: its file, 1-based index there, kind, what it names and where it stands."""

    file: str
    index: int
    kind: str
    target: str
    pos: Pos



class Fail(Exception):
    """A change cannot be applied: reported at the change with `code` and `params`."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass
class ChangeItem:
    """One change item being applied: the item, its 1-based index, kind and position."""

    item: LDict
    index: int
    kind: str
    pos: Pos



@dataclass
class State:
    """The document being derived and what is known about its ids."""

    doc: LDict
    origin: dict[str, str]  # current id → root-base id, for nodes and adjustments from the root base
    removed: list[str] = field(default_factory=list)
    changes: list[AppliedChange] = field(default_factory=list)
    aliases: dict[tuple[str, str], str] = field(default_factory=dict)  # (scope, old id) → new id, for later changes
    notes: list[Problem] = field(default_factory=list)  # what each reweight/transfer scaled (X291)

    @classmethod
    def root(cls, doc: LDict) -> State:
        ids = [node["id"] for node, _, _ in nodes(doc.get("criteria"))]
        ids += [a["id"] for a in id_items(doc.get("adjustments"))]
        return cls(doc, {i: i for i in ids})



class Applier:
    """Applies the changes of one file to a state, reporting every failing change."""

    def __init__(self, state: State, problems: Problems, file: str):
        self.state, self.problems, self.file = state, problems, file
        self.removals: list[tuple[ChangeItem, str, str]] = []  # change, scope, id: checked for dangling refs
        self.failed = False

    @property
    def doc(self) -> LDict:
        return self.state.doc

    def run(self, changes: Any) -> bool:
        for i, item in enumerate(changes):
            pos = changes.where(i) if isinstance(changes, LList) else Pos(self.file)
            change = self._parse(item, i + 1, pos)
            if change is None:
                continue
            try:
                target = getattr(self, f"_{change.kind}")(change)
            except Fail as fail:
                self._report(change, fail.code, **fail.params)
                continue
            self.state.changes.append(AppliedChange(self.file, change.index, change.kind, target, pos))
        self._check_dangling()
        return not self.failed

    def _report(self, change: ChangeItem, code: str, **params: Any) -> None:
        self.failed = True
        params.setdefault("form", FORMS[change.kind] if change.kind in FORMS else "")
        path = f"changes/{change.index - 1}"
        self.problems.add(code, change.pos, path, index=change.index, kind=change.kind, **params)

    # ------------------------------------------------------------ parsing a change item
    def _parse(self, item: Any, index: int, pos: Pos) -> ChangeItem | None:
        bare = ChangeItem(LDict(pos=pos), index, "?", pos)
        if not isinstance(item, LDict):
            self._report(bare, KIND_UNKNOWN, found=repr(item), kinds=KINDS, nearest=nearest(str(item), KINDS))
            return None
        kinds = [k for k in item if k in KINDS]
        if len(kinds) > 1:
            self._report(bare, KIND_SEVERAL, found=kinds)
            return None
        if not kinds:
            keys = [str(k) for k in item]
            guess = nearest(keys[0], KINDS) if keys else list(KINDS[:3])
            self._report(bare, KIND_UNKNOWN, found=keys, kinds=KINDS, nearest=guess)
            return None
        change = ChangeItem(item, index, kinds[0], pos)
        required, optional = REQUIRED.get(change.kind, ()), OPTIONAL.get(change.kind, ())
        ok = True
        for key in item:
            if key != change.kind and key not in required and key not in optional:
                allowed = [change.kind, *required, *optional]
                self._report(change, KEY_UNKNOWN, key=key, allowed=allowed)
                ok = False
        for key in required:
            if key not in item:
                self._report(change, KEY_MISSING, key=key)
                ok = False
        return change if ok else None

    # ------------------------------------------------------------ finding things
    def _resolve(self, scope: str, ident: str, present: Callable[[str], bool]) -> str:
        """An id as it stands now: itself if present, else what an earlier rename made of it."""
        seen = set()
        while not present(ident) and (scope, ident) in self.state.aliases and ident not in seen:
            seen.add(ident)
            ident = self.state.aliases[(scope, ident)]
        return ident

    def _node(self, ident: Any, key: str) -> tuple[LDict, LList, tuple[LDict, ...]]:
        if not isinstance(ident, str):
            raise Fail(BAD_VALUE, key=key, **expect("id"), found=repr(ident))
        found = {entry[0]["id"]: entry for entry in nodes(self.doc.get("criteria"))}
        ident = self._resolve("criteria", ident, found.__contains__)
        if ident not in found:
            raise Fail(UNKNOWN_NODE, id=ident, nearest=nearest(ident, found))
        return found[ident]

    def _band_list(self, scope: str) -> LList:
        if scope == "bands":
            seq = self.doc.get("bands")
        else:
            groups = self.doc.get("bands_by_group")
            group = scope.split("/", 1)[1]
            if not isinstance(groups, LDict) or group not in groups:
                raise Fail(UNKNOWN_GROUP, id=group, nearest=nearest(group, groups or ()))
            seq = groups[group]
        if not isinstance(seq, LList):
            raise Fail(BAD_SEGMENT, written=scope, segment=scope, at="", existing="—")
        return seq

    def _item(self, seq: LList, scope: str, ident: str) -> int:
        """Index of the band or adjustment `ident` in `seq`."""
        ids = [i["id"] for i in id_items(seq)]
        ident = self._resolve(scope, ident, ids.__contains__)
        for index, item in enumerate(seq):
            if isinstance(item, LDict) and item.get("id") == ident:
                return index
        if scope == "adjustments":
            raise Fail(UNKNOWN_ADJUSTMENT, id=ident, nearest=nearest(ident, ids))
        raise Fail(UNKNOWN_BAND, id=ident, where=scope, nearest=nearest(ident, ids))

    def _path(self, change: ChangeItem, key: str) -> list[str]:
        path = change.item.get(key)
        if not isinstance(path, str) or not path.strip("/"):
            raise Fail(BAD_VALUE, key=key, **expect("path"), found=repr(path))
        return path.strip("/").split("/")

    def _target(self, change: ChangeItem, key: str, create: bool = False) -> tuple[LDict | LList, Any, str, str]:
        """Container and key named by the change's path; also the item's scope and id when it names one."""
        segs = self._path(change, key)
        path = "/".join(segs)
        root = segs[0]
        if root not in ROOTS:
            raise Fail(BAD_SEGMENT, written=path, segment=root, at="/", existing=ROOTS)
        scope, ident, rest = "", "", segs[1:]
        container: LDict | LList = self.doc
        name: Any = root
        if root == "criteria" and rest:
            node, siblings, _ = self._node(rest[0], key)
            container, name, scope, ident, rest = siblings, index_of(siblings, node), "criteria", node["id"], rest[1:]
        elif root in ("bands", "adjustments") and rest:
            seq = self.doc.get(root) if root == "adjustments" else self._band_list("bands")
            if not isinstance(seq, LList):
                raise Fail(BAD_SEGMENT, written=path, segment=root, at="/", existing=list(self.doc))
            container, name, scope, rest = seq, self._item(seq, root, rest[0]), root, rest[1:]
            ident = seq[name]["id"]
        elif root == "bands_by_group" and len(rest) >= 2:
            scope = f"bands_by_group/{rest[0]}"
            seq = self._band_list(scope)
            container, name, rest = seq, self._item(seq, scope, rest[1]), rest[2:]
            ident = seq[name]["id"]
        if rest:
            scope = ident = ""
        done = segs[: len(segs) - len(rest)]
        for i, seg in enumerate(rest):
            at = "/".join(done) or "/"
            if isinstance(container, LDict) and name not in container:
                raise Fail(BAD_SEGMENT, written=path, segment=name, at="/", existing=list(container))
            value = container[name]
            last = i == len(rest) - 1
            if isinstance(value, LDict):
                if seg not in value and not (last and create):
                    raise Fail(BAD_SEGMENT, written=path, segment=seg, at=at, existing=list(value) or "—")
            elif isinstance(value, LList):
                if not seg.isdigit():
                    raise Fail(BAD_SEGMENT, written=path, segment=seg, at=at, existing=f"0…{len(value) - 1}")
                seg = int(seg)
                if seg >= len(value):
                    raise Fail(INDEX_RANGE, item=seg, at=at, size=len(value), last=max(len(value) - 1, 0))
            else:
                raise Fail(BAD_SEGMENT, written=path, segment=seg, at=at, existing=repr(value))
            container, name = value, seg
            done.append(str(seg))
        if isinstance(container, LDict) and name not in container and not create:
            raise Fail(BAD_SEGMENT, written=path, segment=name, at="/", existing=list(container))
        return container, name, scope, ident

    def _item_target(self, change: ChangeItem, key: str, scopes: tuple[str, ...]) -> tuple[LList, int, str]:
        """A change that acts on a whole node, band or adjustment: its list, index and scope."""
        container, name, scope, _ = self._target(change, key)
        if not any(scope == s or scope.startswith(s + "/") for s in scopes):
            what = "criterion" if scopes == ("criteria",) else "any"
            raise Fail(BAD_TARGET, written=change.item.get(key), **expect(what))
        assert isinstance(container, LList)
        return container, name, scope

    def _place(self, change: ChangeItem, seq: LList, scope: str, moving: LDict | None = None) -> int:
        """Where `after`/`before` put an item in `seq` (the end when neither is given)."""
        after, before = change.item.get("after"), change.item.get("before")
        if after is not None and before is not None:
            raise Fail(KEY_UNKNOWN, key="before", allowed=[k for k in OPTIONAL[change.kind] if k != "before"])
        sibling = after if after is not None else before
        if sibling is None:
            return len(seq)
        key = "after" if after is not None else "before"
        if not isinstance(sibling, str):
            raise Fail(BAD_VALUE, key=key, **expect("id"), found=repr(sibling))
        ids = [i["id"] for i in id_items(seq) if i is not moving]
        sibling = self._resolve(scope, sibling, ids.__contains__)
        if sibling not in ids:
            code = {"criteria": UNKNOWN_NODE, "adjustments": UNKNOWN_ADJUSTMENT}.get(scope, UNKNOWN_BAND)
            raise Fail(code, id=sibling, where=scope, nearest=nearest(sibling, ids))
        index = next(i for i, item in enumerate(seq) if isinstance(item, LDict) and item.get("id") == sibling)
        return index + 1 if after is not None else index

    # ------------------------------------------------------------ the seven kinds
    def _set(self, change: ChangeItem) -> str:
        container, name, _, _ = self._target(change, "set", create=True)
        path = change.item["set"]
        if name == "id" and isinstance(container, LDict) and looks_like_item(path):
            raise Fail(SET_ID, written=path, target=path.rsplit("/", 1)[0])
        put(container, name, copy_located(change.item["to"]), change.item.where("to"), change.item.raw.get("to"))
        return path

    def _remove(self, change: ChangeItem) -> str:
        container, name, scope, ident = self._target(change, "remove")
        if scope == "criteria":
            node, _, ancestors = self._node(ident, "remove")
            gone = [node["id"], *(n["id"] for n, _, _ in nodes(node.get("children")))]
            keeping_sums([ancestors], lambda: delete(container, name), change.pos)
            for removed in gone:
                self._forget(change, "criteria", removed)
        else:
            delete(container, name)
            if scope:
                self._forget(change, scope, ident)
        return change.item["remove"]

    def _forget(self, change: ChangeItem, scope: str, ident: str) -> None:
        self.removals.append((change, scope, ident))
        if scope in ("criteria", "adjustments") and ident in self.state.origin:
            self.state.removed.append(self.state.origin.pop(ident))

    def _add(self, change: ChangeItem) -> str:
        value = change.item["add"]
        if not isinstance(value, LDict) or not isinstance(value.get("id"), str) or "/" in value["id"]:
            raise Fail(BAD_VALUE, key="add", **expect("item"), found=repr(value))
        new = copy_located(value)
        if "to" in change.item:
            if "under" in change.item:
                raise Fail(KEY_UNKNOWN, key="under", allowed=["add", "to", "after", "before"])
            return self._add_item(change, new)
        existing = {n["id"]: n for n, _, _ in nodes(self.doc.get("criteria"))}
        if new["id"] in existing:
            raise Fail(ID_EXISTS, id=new["id"], where=existing[new["id"]].pos)
        parent, chain = self._parent(change)
        holder, key = (parent, "children") if parent is not None else (self.doc, "criteria")
        seq = holder.get(key)
        if not isinstance(seq, LList):
            seq = LList(pos=change.pos)
        index = self._place(change, seq, "criteria")

        def mutate() -> None:
            if holder.get(key) is not seq:
                put(holder, key, seq, change.pos)
            insert(seq, index, new, change.item.where("add"))

        keeping_sums([chain], mutate, change.pos)
        return new["id"]

    def _add_item(self, change: ChangeItem, new: LDict) -> str:
        where = change.item["to"]
        if where == "adjustments":
            seq = self.doc.get("adjustments")
            if not isinstance(seq, LList):
                seq = LList(pos=change.pos)
        elif isinstance(where, str) and (where == "bands" or where.startswith("bands_by_group/")):
            seq = self._band_list(where)
        else:
            raise Fail(BAD_VALUE, key="to", **expect("add_to"), found=repr(where))
        clash = [i for i in id_items(seq) if i["id"] == new["id"]]
        if clash:
            raise Fail(ID_EXISTS, id=new["id"], where=clash[0].pos)
        index = self._place(change, seq, where)
        if where == "adjustments" and self.doc.get("adjustments") is not seq:
            put(self.doc, "adjustments", seq, change.pos)
        insert(seq, index, new, change.item.where("add"))
        return f"{where}/{new['id']}"

    def _parent(self, change: ChangeItem) -> tuple[LDict | None, tuple[LDict, ...]]:
        """The node named by `under` and its ancestors with it (root first); none for the top level."""
        if change.item.get("under") is None:
            return None, ()
        parent, _, ancestors = self._node(change.item["under"], "under")
        return parent, (*ancestors, parent)

    def _move(self, change: ChangeItem) -> str:
        siblings, index, _ = self._item_target(change, "move", ("criteria",))
        node = siblings[index]
        _, _, old_chain = self._node(node["id"], "move")
        parent, new_chain = self._parent(change)
        if parent is not None and any(n is node for n in new_chain):
            raise Fail(MOVE_INTO_ITSELF, id=node["id"], under=parent["id"])
        if parent is None:
            seq = self.doc["criteria"]
        elif isinstance(parent.get("children"), LList):
            seq = parent["children"]
        else:
            seq = LList(pos=change.pos)
        place = self._place(change, seq, "criteria", moving=node)
        pos = siblings.where(index)

        def mutate() -> None:
            delete(siblings, index)
            target = place - (seq is siblings and place > index)
            if parent is not None and parent.get("children") is not seq:
                put(parent, "children", seq, change.pos)
            insert(seq, target, node, pos)

        keeping_sums([old_chain, new_chain], mutate, change.pos)
        return change.item["move"]

    def _rename(self, change: ChangeItem) -> str:
        seq, index, scope = self._item_target(
            change, "rename", ("criteria", "bands", "bands_by_group", "adjustments")
        )
        item, new = seq[index], change.item["to"]
        old = item["id"]
        if not isinstance(new, str) or "/" in new or not new.strip():
            raise Fail(BAD_VALUE, key="to", **expect("new_id"), found=repr(new))
        taken = self._ids(scope)
        if new in taken:
            raise Fail(ID_EXISTS, id=new, where=taken[new].pos)
        pos = change.item.where("to")
        put(item, "id", new, pos)
        if scope == "criteria":
            was = item.get("was")
            if not isinstance(was, LList):
                was = LList(pos=pos)
                put(item, "was", was, pos)
            insert(was, len(was), old, pos)
        for container, key, _ in self._references(scope, old):
            put(container, key, new, pos)
        self.state.aliases[(scope, old)] = new
        if old in self.state.origin:
            self.state.origin[new] = self.state.origin.pop(old)
        return f"{change.item['rename']} → {new}"

    def _ids(self, scope: str) -> dict[str, LDict]:
        if scope == "criteria":
            return {n["id"]: n for n, _, _ in nodes(self.doc.get("criteria"))}
        seq = self.doc.get("adjustments") if scope == "adjustments" else self._band_list(scope)
        return {i["id"]: i for i in id_items(seq)}

    def _reweight(self, change: ChangeItem) -> str:
        siblings, index, _ = self._item_target(change, "reweight", ("criteria",))
        to = number(change.item["to"])
        if to is None:
            raise Fail(BAD_VALUE, key="to", **expect("number"), found=repr(change.item["to"]))
        if to < 0:
            raise Fail(NEGATIVE, key="to", value=tidy(to))
        self._scale(siblings[index], to, change)
        return change.item["reweight"]

    def _scale(self, node: LDict, to: float, change: ChangeItem) -> None:
        _, _, ancestors = self._node(node["id"], change.kind)
        if ancestors and ancestors[-1].get("split") == "equal":
            raise Fail(EQUAL_SHARE, id=node["id"], parent=ancestors[-1]["id"])
        old = effective_max(node)
        if old == 0:
            raise Fail(ZERO_MAX, id=node["id"])

        tally: Counter[str] = Counter()

        def mutate() -> None:
            scale_subtree(node, to / old, change.pos, tally)
            if number(node.get("max")) is not None:
                put(node, "max", tidy(to), change.pos)

        keeping_sums([ancestors], mutate, change.pos)
        self.state.notes.append(Problem(
            SCALED, dict(index=change.index, kind=change.kind, id=node["id"], factor=plain(round(to / old, 4)),
                         old=plain(old), new=plain(to), **scaled_words(tally)),
            change.pos, f"changes/{change.index - 1}", "note"))
        self._gates_in_points(node, ancestors, to / old, change)

    def _gates_in_points(self, node: LDict, ancestors: tuple[LDict, ...], factor: float, change: ChangeItem) -> None:
        """A warning for each band gate in points on the scaled node, under it or above it: it is not scaled."""
        under = {node["id"], *(n["id"] for n, _, _ in nodes(node.get("children"))), *(a["id"] for a in ancestors)}
        for path, band in self._bands():
            gates = band.get("when")
            for i, gate in enumerate(gates if isinstance(gates, LList) else ()):
                low = number(gate.get("min")) if isinstance(gate, LDict) else None
                if low is None or gate.get("node") not in under:
                    continue
                self.state.notes.append(Problem(
                    GATE_NOT_SCALED, dict(index=change.index, kind=change.kind, id=node["id"],
                                          factor=plain(round(factor, 4)), gate=f"{path}/when/{i}", min=plain(low),
                                          node=gate["node"], scaled=plain(round(low * factor, 9))),
                    change.pos, f"changes/{change.index - 1}", "warning"))

    def _transfer(self, change: ChangeItem) -> str:
        amount = number(change.item["transfer"])
        if amount is None:
            raise Fail(BAD_VALUE, key="transfer", **expect("points"), found=repr(change.item["transfer"]))
        if amount < 0:
            raise Fail(NEGATIVE, key="transfer", value=tidy(amount))
        source, _, source_up = self._node(change.item["from"], "from")
        target, _, target_up = self._node(change.item["to"], "to")
        if source is target or any(n is source for n in target_up) or any(n is target for n in source_up):
            raise Fail(TRANSFER_NESTED, from_=source["id"], to=target["id"])
        have = effective_max(source)
        if amount > have:
            raise Fail(TRANSFER_TOO_MUCH, amount=tidy(amount), id=source["id"], max=tidy(have))
        if effective_max(target) == 0:
            raise Fail(ZERO_MAX, id=target["id"])
        gained = effective_max(target) + amount
        self._scale(source, have - amount, change)
        self._scale(target, gained, change)
        return f"{source['id']} → {target['id']}"

    # ------------------------------------------------------------ references
    def _references(self, scope: str, ident: str) -> list[tuple[LDict | LList, Any, str]]:
        """Every place that refers to `ident` of `scope`: container, key and document path."""
        found: list[tuple[LDict | LList, Any, str]] = []
        if scope == "criteria":
            ranking = self.doc.get("ranking")
            tie_break = ranking.get("tie_break") if isinstance(ranking, LDict) else None
            for i, value in enumerate(tie_break if isinstance(tie_break, LList) else ()):
                if value == ident:
                    found.append((tie_break, i, f"ranking/tie_break/{i}"))
            for path, band in self._bands():
                gates = band.get("when")
                for i, gate in enumerate(gates if isinstance(gates, LList) else ()):
                    if isinstance(gate, LDict) and gate.get("node") == ident:
                        found.append((gate, "node", f"{path}/when/{i}/node"))
        elif scope.startswith("bands"):
            for path, band in self._bands():
                if path.rsplit("/", 1)[0] != scope:
                    continue
                quota = band.get("quota")
                of = quota.get("of") if isinstance(quota, LDict) else None
                for i, value in enumerate(of if isinstance(of, LList) else ()):
                    if value == ident:
                        found.append((of, i, f"{path}/quota/of/{i}"))
        return found

    def _bands(self) -> Iterator[tuple[str, LDict]]:
        for band in id_items(self.doc.get("bands")):
            yield f"bands/{band['id']}", band
        groups = self.doc.get("bands_by_group")
        for group, seq in groups.items() if isinstance(groups, LDict) else ():
            for band in id_items(seq):
                yield f"bands_by_group/{group}/{band['id']}", band

    def _check_dangling(self) -> None:
        """A removed id that the final document still refers to (and that was not added back)."""
        for change, scope, ident in self.removals:
            try:
                if ident in self._ids(scope):
                    continue
            except Fail:
                continue
            for container, key, path in self._references(scope, ident):
                where = container.where(key)
                self._report(change, DANGLING, id=ident, ref=path, where=where)

