"""A bilingual label: its Vietnamese and English text (the catalogue's one shape)."""

from __future__ import annotations

from typing import NamedTuple


class Label(NamedTuple):
    """One text a person reads, in Vietnamese and in English (`{fields}` alike in both)."""

    vi: str
    en: str

    def text(self, lang: str) -> str:
        """The text in `lang` ("vi" or "en", already resolved)."""
        return self.en if lang == "en" else self.vi


Catalogue = dict[str, Label]
