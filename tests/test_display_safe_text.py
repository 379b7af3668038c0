"""The shared formatting and text-safety layers, checked on values worked out by hand."""

import io
import sys

from cchc_rules.display import count, counted, number, percent
from cchc_rules.safe_text import (
    TerminalStream,
    clean,
    csv_cell,
    has_invisible,
    html_text,
    markdown_text,
    progress_stream,
    terminal_text,
)


def test_vietnamese_and_english_notation():
    assert number(1234567.891, "vi") == "1.234.567,89"
    assert number(1234567.891, "en") == "1,234,567.89"
    assert number(1.0, "vi", 3) == "1,000"  # one, not one thousand
    assert count(4676, "vi") == "4.676" and count(4676, "en") == "4,676"
    assert percent(0.9415, "vi") == "94,2%" and percent(0.9415, "en", 2) == "94.15%"


def test_half_up_decimal_rounding_and_signs():
    assert number(9.415, "en") == "9.42"  # binary round() gives 9.41
    assert number(-0.001, "vi") == "0,00"
    assert number(2.5, "en", 1, signed=True) == "+2.5"
    assert number(-15.356, "vi", 3) == "-15,356"
    assert number(10.5, "vi", trim=True) == "10,5" and number(4.0, "vi", trim=True) == "4"
    assert number(None, "vi") == "—" and number(float("nan"), "en") == "—"


def test_plurals():
    assert counted(1, "warning", "warnings", "en") == "1 warning"
    assert counted(2, "warning", "warnings", "en") == "2 warnings"
    assert counted(2, "cảnh báo", "cảnh báo", "vi") == "2 cảnh báo"


def test_text_safety():
    assert csv_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert csv_cell("Sở Nội vụ") == "Sở Nội vụ"
    assert clean("a\x07b\x0bc\nd") == "abc\nd"
    assert clean("Ho\u0302") == "Hô"  # NFD to NFC
    assert has_invisible("1.1\u200b") and not has_invisible("1.1")
    assert html_text("<script>") == "&lt;script&gt;"
    assert markdown_text("<b>[x](y)</b>") == "\\<b\\>\\[x\\](y)\\</b\\>"
    assert markdown_text("80 – < 100 (tốt) - a|b\nc") == "80 – \\< 100 (tốt) - a\\|b c"
    assert terminal_text("\x1b[2JAll checks passed") == "\\x1b[2JAll checks passed"


def test_a_progress_bar_redraws_its_line_but_user_text_in_it_is_shown_as_text(monkeypatch) -> None:
    raw = io.StringIO()
    monkeypatch.setattr(sys, "stderr", TerminalStream(raw))
    progress_stream().write("\r 3/7")  # the bar's own carriage return reaches the terminal
    sys.stderr.write("\r")  # anything else written to stderr still shows it as text
    assert raw.getvalue() == "\r 3/7\\x0d"
    assert terminal_text("evil\x1b[2J: ok") == "evil\\x1b[2J: ok"
