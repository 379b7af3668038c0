"""Text we did not compute, made safe for where it is written.

Names, titles, labels and notes come from rulebooks, datasets and returned workbooks: a sender
controls them. Written as they are they can become a live spreadsheet formula, raw HTML, a
Markdown link or a terminal escape sequence. Every writer passes such text through one of these.
"""

from __future__ import annotations

import html
import re
import unicodedata

# C0 controls except tab and newline, DEL, C1 controls; lone surrogates cannot be encoded at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\u00ad]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(text: str) -> str:
    """NFC text without control characters (tab and newline kept) or lone surrogates."""
    text = _SURROGATE.sub("\ufffd", str(text))
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))


def has_invisible(text: str) -> bool:
    """Whether `text` holds characters a reader cannot see (zero-width spaces, direction marks)."""
    return bool(_INVISIBLE.search(text))


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would take this text as a formula (or a DDE payload)."""
    return text.startswith(FORMULA_START)


def csv_cell(text: str) -> str:
    """A text cell for CSV: cleaned, and a leading apostrophe where a spreadsheet would see a formula."""
    text = clean(text)
    return "'" + text if looks_like_formula(text) else text


def html_text(text: str) -> str:
    """Text for an HTML page or a notebook's HTML: cleaned and escaped (quotes too)."""
    return html.escape(clean(text), quote=True)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~-])")


def markdown_text(text: str) -> str:
    """Text for Markdown: HTML escaped, Markdown's own marks backslashed, lines kept in one cell."""
    escaped = html.escape(clean(text), quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped).replace("\n", " ")


def terminal_text(text: str) -> str:
    """Text for a terminal: escape sequences and other controls shown as \\x1b, never sent."""
    text = _SURROGATE.sub("\ufffd", str(text))
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
