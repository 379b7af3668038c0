"""Languages: every text a person reads exists in Vietnamese (default) and English."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

from cchc_rules.labels import by_key
from cchc_rules.labels.levels import LEVELS, STAGES

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")
DEFAULT_LANG: Lang = "vi"


def resolve_lang(lang: str | None = None) -> Lang:
    """The language asked for, else `CCHC_LANG`, else Vietnamese."""
    value = (lang or os.environ.get("CCHC_LANG") or DEFAULT_LANG).strip().lower()
    if value not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {value!r}")
    return value


def pick(text: str | Mapping[str, str] | None, lang: str | None = None) -> str:
    """A rulebook text (a string or a map language → string) in `lang`, falling back to the other."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    want = resolve_lang(lang)
    for key in (want, *LANGS, *text.keys()):
        if text.get(key):
            return text[key]
    return ""


def both(text: str | Mapping[str, str] | None) -> dict[str, str]:
    """A text as {vi, en}; a plain string serves both languages."""
    return {lang: pick(text, lang) for lang in LANGS}


_STAGES = by_key(STAGES)


def stage_label(stage: str, lang: str | None = None) -> str:
    """A stage as people name it (the usual stage ids; any other id is shown as written)."""
    return _STAGES.get(stage, {}).get(resolve_lang(lang), stage)


_LEVELS = by_key(LEVELS)


def level_label(level: str, lang: str | None = None) -> str:
    """A level of a `levels` rule as people name it (the usual level ids; any other id is shown as written)."""
    return _LEVELS.get(level, {}).get(resolve_lang(lang), level)


def level_names(level: str) -> tuple[str, ...]:
    """Every way to write a level: its id and its labels in each language (matched in any case)."""
    return tuple(dict.fromkeys([level, *(level_label(level, lang) for lang in LANGS)]))
