"""The live formulas of the self-assessment workbook: a leaf's points, a parent's subtotal, the running band.

They show the unit its running points as it types; the official score is always computed by
cchc from the input cells, never from these formulas or their cached results.
"""

from __future__ import annotations

from cchc_rules.data.workbook_layout import YES_WORDS, Layout, cell_ref
from cchc_rules.documents import rule_text as rt
from cchc_rules.dsl.models import Node, Rulebook
from cchc_rules.i18n import level_names, pick


def quoted(text: str) -> str:
    """A text as an Excel string literal."""
    return '"' + str(text).replace('"', '""') + '"'


def literal(x: float) -> str:
    """A number as an Excel literal (no float noise)."""
    return rt.num(x, "en")


# ---------------------------------------------------------------- formulas
def leaf_formula(leaf: Node, rulebook: Rulebook, v: str, m: str) -> str:
    """The points of a leaf from its value cell `v` and max cell `m`: a number, or "NA" when out of the maximum."""
    kind, spec = leaf.rule.kind, leaf.rule.spec
    na = '"NA"' if rulebook.not_applicable == "rescale" else "0"
    missing = {"zero": "0", "max": m, "na": '"NA"', "error": "0"}[rulebook.missing_for(leaf)]

    def clamp(expr: str) -> str:
        return f"ROUND(MIN({m},MAX(0,{expr})),9)"

    if kind == "binary":
        test = ",".join([f"{v}=1", f"{v}=TRUE"] + [f"{v}={quoted(w)}" for w in YES_WORDS])
        expr = f"IF(OR({test}),{m},0)"
    elif kind == "ladder":
        expr = "0"
        for step in reversed(spec):
            pts = literal(step.points if step.points is not None else step.share * (leaf.max or 0))
            expr = pts if step.min is None else f"IF({v}>={literal(step.min)},{pts},{expr})"
        expr = clamp(expr)
    elif kind == "linear":
        expr = clamp(f"{m}*({v}-({literal(spec.from_)}))/({literal(spec.to - spec.from_)})")
    elif kind == "ratio":
        slash = f'FIND("/",{v})'
        done, total = f"VALUE(LEFT({v},{slash}-1))", f"VALUE(MID({v},{slash}+1,30))"
        zero = {"na": '"NA"', "max": m, "zero": "0"}[spec.if_zero_total]
        expr = (
            f"IF(ISNUMBER({v}),{clamp(f'{m}*{v}')},IF(ISERROR({slash}),{clamp(f'{m}*VALUE({v})')},"
            f"IF({total}=0,{zero},{clamp(f'{m}*{done}/{total}')})))"
        )
    elif kind == "levels":
        expr = "0"
        for name, pts in reversed(list(spec.items())):
            test = ",".join(f"{v}={quoted(spelling)}" for spelling in level_names(name))  # any case, as Excel compares
            expr = f"IF(OR({test}),{literal(pts)},{expr})"
        expr = clamp(expr)
    elif kind == "deduct":
        expr = clamp(f"{m}-{literal(spec.per)}*{v}")
    elif kind == "points":  # entered out of `out_of` after a reweight: scaled to the leaf's max
        expr = clamp(v if leaf.points_factor == 1 else f"{v}*{m}/{literal(spec.out_of)}")
    else:
        raise ValueError(f"{kind} points are computed at export, not by a formula")
    return f'=IF({v}="NA",{na},IF({v}="",{missing},{expr}))'


def band_formula(rulebook: Rulebook, unit: dict, index: str, row_of: dict[str, int], lay: Layout, lang: str) -> str:
    """The band of the running index and of the gates a sheet can check; quotas need the other units (not here)."""
    flags = set(unit["flags"])

    def p(node_id: str) -> str:
        return cell_ref(lay.points, row_of[node_id])

    def a(node_id: str) -> str:
        return cell_ref(lay.appl, row_of[node_id])

    key = f"ROUND({index},{rulebook.display.decimals})" if rulebook.display.rank_on == "published" else index
    if any(band.quantile is not None for band in rulebook.bands_for(str(unit["group"]))):
        # quantile bands need the other units of the group: the sheet says so instead of guessing
        return "=" + quoted("xếp loại theo phân vị trong nhóm: xem kết quả chấm" if lang == "vi" else
                            "banded by quantile within the group: see the scored results")
    expr = '""'
    for band in reversed(rulebook.bands_for(str(unit["group"]))):
        tests = [f"{key}>={literal(band.min)}"]
        for gate in band.when:
            if gate.flag is not None:
                tests.append("TRUE" if (gate.flag in flags) == gate.is_ else "FALSE")
                continue
            if gate.node not in row_of:
                continue  # a gate on a node out of the unit's maximum holds
            node = gate.node
            if gate.min_share is not None:
                tests.append(f"IF({a(node)}=0,TRUE,{p(node)}/{a(node)}>={literal(gate.min_share)})")
            if gate.min is not None:
                tests.append(f"IF({a(node)}=0,TRUE,{p(node)}>={literal(gate.min)})")
            if gate.max_zero_leaves is not None:
                leaves = [leaf.id for leaf, _, _ in rulebook.node(node).walk() if leaf.is_leaf and leaf.id in row_of]
                zeros = "+".join(f"({p(x)}=0)*({a(x)}>0)" for x in leaves) or "0"
                tests.append(f"({zeros})<={gate.max_zero_leaves}")
        expr = f"IF(AND({','.join(tests)}),{quoted(pick(band.label, lang))},{expr})"
    return f'=IF({index}="","",{expr})'


def parent_formulas(
    node: Node, kids_p: list[str], kids_a: list[str], helper: tuple[str, str] | None
) -> tuple[str, str]:
    """(points, applicable max) formulas of a parent from its children's cells.

    Best-of-k needs the children in one range: `helper` names two ranges (points, maxima) on
    the parent's own row, in hidden columns, that mirror the children's cells.
    """
    mx = literal(node.max or 0)
    if isinstance(node.aggregate, str):
        raw_p, raw_a = f"SUM({','.join(kids_p)})", f"SUM({','.join(kids_a)})"
        if node.aggregate == "capped":
            raw_p, raw_a = f"MIN({mx},{raw_p})", f"MIN({mx},{raw_a})"
    else:
        k = node.aggregate.best
        hp, ha = helper
        raw_p = "+".join(f"IFERROR(LARGE({hp},{i}),0)" for i in range(1, k + 1))
        raw_a = "+".join(f"IFERROR(LARGE({ha},{i}),0)" for i in range(1, k + 1))
    return raw_p, raw_a
