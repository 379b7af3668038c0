"""Text we did not compute, made safe for where it is written.

Names, titles, labels and notes come from rulebooks, datasets and returned workbooks: a sender
controls them. Written as they are they can become a live spreadsheet formula, raw HTML, a
Markdown link or a terminal escape sequence. Every writer passes such text through one of these.
"""

from __future__ import annotations

import html
import re
import sys
import unicodedata
from typing import TextIO

# C0 controls except tab and newline, DEL, C1 controls; lone surrogates cannot be encoded at all.
CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # (also read by Arrow's regex engine: `data.columnar`)
_CONTROL = re.compile(CONTROL)
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


# What can start markup inside a line of Markdown (CommonMark backslash-escapes any ASCII punctuation):
# emphasis, code, links and images, raw HTML and entities, table cells, strikethrough.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def markdown_text(text: str) -> str:
    """Text for a line of Markdown: its marks backslashed (no raw HTML, link or emphasis), on one line.

    Callers put it after their own mark (`# `, `- `, `| `), so a `#` or `-` it begins with is plain text.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", clean(text)).replace("\r", " ").replace("\n", " ")


def terminal_text(text: str) -> str:
    """Text for a terminal: escape sequences and other controls shown as \\x1b, never sent."""
    text = _SURROGATE.sub("\ufffd", str(text))
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class TerminalStream:
    """A text stream that shows control characters as `\\x..` instead of sending them to the terminal.

    The CLI wraps stdout and stderr in it: a unit name holding `\\x1b[2J` cannot clear the screen, move
    the cursor or overwrite a line to fake "All checks passed". Tabs and newlines pass.
    """

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(terminal_text(text))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def progress_stream() -> TextIO:
    """Standard error for a progress bar: its carriage returns must pass (the bar redraws its own line), so
    the stream under `TerminalStream` is given. Any text of the user's shown in a bar goes through
    `terminal_text` first."""
    err = sys.stderr
    return err.stream if isinstance(err, TerminalStream) else err
