"""Terminal output neutralises escape sequences (issue 11, item 3): a name cannot clear the screen."""

from __future__ import annotations

from pathlib import Path

from cchc_rules.cli import main
from cchc_rules.problems import Pos, Problems
from cchc_rules.safe_text import TerminalStream

from .conftest import RULEBOOK


def test_score_table_shows_escape_sequences_as_text(hostile_dataset: Path, capsys):
    assert main(["score", str(RULEBOOK), str(hostile_dataset)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    # the data layer removed the ESC characters: the rest of the name is plain text
    assert "Sở [2J[H All checks passed" in out


def test_problem_messages_show_control_characters_escaped():
    problems = Problems()
    problems.add("Y002", Pos("a\x1b[2J.yaml", 3, 1), key="k\x1b[31m", first=1)
    text = problems.items[0].format("en")
    assert "\x1b" not in text
    assert "a\\x1b[2J.yaml:3:1" in text and "'k\\x1b[31m'" in text


def test_terminal_stream_passes_tabs_and_newlines(capsys):
    import sys

    stream = TerminalStream(sys.stdout)
    stream.write("a\tb\nc\x07d\x1b[2J\n")
    assert capsys.readouterr().out == "a\tb\nc\\x07d\\x1b[2J\n"
