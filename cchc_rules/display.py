"""Numbers as a person reads them, in their language: the one formatting layer for every output.

Vietnamese writes `1.234,56` (thousands dot, decimal comma); English writes `1,234.56`. Scores stay
unrounded everywhere else; rounding here is decimal and half up, like the published figures
(9.415 → 9.42, where a binary-float `round` gives 9.41).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from cchc_rules.i18n import resolve_lang
from cchc_rules.labels.places import PLACES

NO_VALUE = "—"
_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)


def _rounded(value: float, decimals: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(value: float | int | None, lang: str | None = None, decimals: int = 2, *, signed: bool = False,
           trim: bool = False, grouping: bool = True) -> str:
    """`value` rounded half up to `decimals` places in `lang`'s notation; "—" for no value.

    `trim` drops trailing zeros (10,50 → 10,5; 4,00 → 4); `signed` writes "+" before positives.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NO_VALUE
    thousands, point = _SEPARATORS[resolve_lang(lang)]
    amount = _rounded(value, max(decimals, 0))
    if amount == 0:
        amount = abs(amount)  # never "-0,00"
    whole, _, fraction = f"{abs(amount):f}".partition(".")
    if trim:
        fraction = fraction.rstrip("0")
    if grouping and len(whole) > 3:
        head = len(whole) % 3 or 3
        whole = whole[:head] + "".join(thousands + whole[i:i + 3] for i in range(head, len(whole), 3))
    text = whole + (point + fraction if fraction else "")
    sign = "-" if amount < 0 else ("+" if signed and amount > 0 else "")
    return sign + text


def count(value: int, lang: str | None = None) -> str:
    """A whole number with thousands grouped: 4.676 (vi), 4,676 (en)."""
    return number(value, lang, 0)


def percent(value: float | None, lang: str | None = None, decimals: int = 1) -> str:
    """A share given as a fraction (0.9415) shown as a percentage: 94,2% (vi), 94.2% (en)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NO_VALUE
    return number(float(value) * 100, lang, decimals) + "%"


def counted(n: int, one: str, many: str, lang: str | None = None) -> str:
    """`n` with its noun: Vietnamese nouns do not change ("1 cảnh báo", "2 cảnh báo"); English ones do."""
    if resolve_lang(lang) == "vi":
        return f"{count(n, lang)} {one}"
    return f"{count(n, lang)} {one if n == 1 else many}"


def excel_format(decimals: int = 2) -> str:
    """An Excel number format with `decimals` places; Excel shows it in the reader's own locale."""
    return "0" if decimals <= 0 else "0." + "0" * decimals


def decimal_text(text: str, lang: str | None = None) -> str:
    """A figure already written with a decimal point (a published index, "95.71") in `lang`'s notation,
    digit for digit (no rounding again); any other text ("—") as it is."""
    try:
        value = Decimal(text)
    except (ArithmeticError, ValueError, TypeError):
        return text
    if not value.is_finite():
        return text
    decimals = max(-value.as_tuple().exponent, 0)  # type: ignore[operator]
    return number(float(value), lang, decimals)


def rank(value: float | int | None, lang: str | None = None, peers: int | None = None) -> str:
    """A rank as people read it: "3", or "hạng 3/19" / "3 of 19" with `peers`; unranked in words, never <NA>."""
    if value is None or str(value) in ("<NA>", "nan", "NaT") or (isinstance(value, float) and math.isnan(value)):
        return PLACES["unranked"].text(resolve_lang(lang))
    place = count(int(value), lang)
    if peers is None:
        return place
    return PLACES["place_of"].text(resolve_lang(lang)).format(place=place, peers=count(peers, lang))


def vega_locale(lang: str | None = None) -> dict[str, object]:
    """The d3-format number locale of `lang`, for Vega charts (`config.locale.number`)."""
    thousands, point = _SEPARATORS[resolve_lang(lang)]
    return {"decimal": point, "thousands": thousands, "grouping": [3], "currency": ["", " ₫"], "percent": "%",
            "minus": "-"}
