"""Every label the workbench shows, in Vietnamese and English, and number formatting for display."""

from __future__ import annotations

from cchc_rules.display import number
from cchc_rules.i18n import resolve_lang
from cchc_rules.labels import by_language
from cchc_rules.labels.workbench import WORKBENCH

LABELS: dict[str, dict[str, str]] = by_language(WORKBENCH)


def label(key: str, lang: str | None = None, **params: object) -> str:
    text = LABELS[resolve_lang(lang)][key]
    return text.format(**params) if params else text


def figure(value: float, decimals: int, lang: str | None = None) -> str:
    """A score for display: rounded half up, decimal comma and thousands dot in Vietnamese (`display.number`)."""
    return number(value, lang, decimals)


def signed(value: float, decimals: int, lang: str | None = None) -> str:
    text = figure(abs(value), decimals, lang)
    if text.strip("0,.") == "":
        return "±" + text
    return ("+" if value > 0 else "−") + text
