"""Hypothesis strategies that damage text, tables and values the way people and attackers do."""

from __future__ import annotations

from hypothesis import strategies as st

# Values a cell or a scalar could hold: numbers at and past the engine's range, formulas, markup,
# control characters, invisible and combining characters, a lone surrogate, YAML specials.
NASTY = [
    "", " ", "NA", "na", "-", "—", "0", "-0", "1", "-1", "0.5", "1,5", "1.000,5", "1e308", "-1e308", "1e10",
    "9223372036854775807", "nan", "inf", "-inf", ".inf", ".nan", "1/0", "0/0", "3/2", "9/10", "2023-13-01",
    "=1+1", "+1", "@SUM(A1)", "=cmd|' /C calc'!A0", "#N/A", "<script>x</script>", "[a](http://x)",
    "\x07", "\x0b", "\x1b[2J", "a\x00b", "\u200b", "1.1\u200b", "Ho\u0302", "\ufeff", "\ud800", "tốt", "Tốt",
    "yes", "no", "true", "~", "null", "&a", "*a", "!!timestamp x", "!!float ''", "<<: 1", "{", "[", "'", '"',
    ": ", "- ", "#", "|", ">", "\t", "\n", "x" * 300,
]
nasty_text = st.one_of(st.sampled_from(NASTY), st.text(max_size=12))
nasty_number = st.one_of(
    st.sampled_from([0, -1, 1, 1e6, 1e6 + 1, 1e9, 1e308, -1e308, 2**63, 2**64, 1e-12]),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(min_value=-(2**70), max_value=2**70),
)


@st.composite
def mutated_text(draw: st.DrawFn, text: str, max_edits: int = 3) -> str:
    """`text` with a few edits: a slice deleted or repeated, a line moved, something nasty inserted."""
    for _ in range(draw(st.integers(1, max_edits))):
        n = len(text)
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 200)))
        kind = draw(st.sampled_from(["delete", "repeat", "insert", "replace", "line"]))
        if kind == "delete":
            text = text[:i] + text[j:]
        elif kind == "repeat":
            text = text[:j] + text[i:j] + text[j:]
        elif kind == "insert":
            text = text[:i] + draw(nasty_text) + text[i:]
        elif kind == "replace":
            text = text[:i] + draw(nasty_text) + text[j:]
        else:
            lines = text.split("\n")
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines.insert(b, lines.pop(a))
            text = "\n".join(lines)
    return text
