"""The `cchc` command. Each sub-command lives in `cchc_rules.commands.<name>` and exposes
`register(subparsers, common)`, which adds its parser (with `parents=[common]` for `--lang` and
`--allow-path`) and sets `func` to a function `(args) -> int` (the exit code).

Help texts are written "English / Tiếng Việt": the help shows the side of the chosen language
(`--lang`, before or after the sub-command, else `CCHC_LANG`, else Vietnamese), argparse's own
words included. `main` is the last line of defence: an expected failure (bad input, a file that
cannot be read or written, a closed pipe, Ctrl-C) ends with a located, bilingual message, never a
traceback; an unexpected one with a one-line report (the traceback with `CCHC_DEBUG=1`).
Whatever it prints passes through `TerminalStream`: control characters are shown escaped.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cchc_rules.i18n import LANGS, resolve_lang
from cchc_rules.places import allow_paths
from cchc_rules.problems import CchcError
from cchc_rules.safe_text import TerminalStream

COMMANDS = ("validate", "schema", "score", "explain", "test", "compare", "run", "handbook", "workbook", "demo",
            "appraisal", "analyses", "import_table", "card", "panel",
            "sensitivity")  # modules; analyses adds three commands

# argparse's own words (it looks up `argparse._` when it formats them).
_ARGPARSE_VI = {
    "usage: ": "cách dùng: ",
    "positional arguments": "đối số",
    "options": "tuỳ chọn",
    "show this help message and exit": "hiện trợ giúp này rồi thoát",
    "the following arguments are required: %s": "thiếu các đối số: %s",
    "unrecognized arguments: %s": "đối số không nhận ra: %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "đối số %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn %(value)r không có (chọn một trong %(choices)s)",
    "expected one argument": "cần một giá trị",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "tuỳ chọn %(option)s mơ hồ: có thể là %(matches)s",
}
_TEXT = {
    "vi": {
        "description": "cchc-rules: bộ tiêu chí và mô phỏng Chỉ số CCHC",
        "lang": "ngôn ngữ: vi (mặc định) hoặc en; cũng đặt được bằng biến CCHC_LANG",
        "allow_path": "cho phép đọc tệp trong THƯ_MỤC dù nằm ngoài dự án (extends, crosswalk, dữ liệu); lặp lại được",
        "interrupted": "Đã dừng theo yêu cầu (Ctrl-C).",
        "internal": "Lỗi nội bộ của cchc-rules ({error}). Hãy báo lỗi này kèm lệnh đã chạy "
                    "(đặt CCHC_DEBUG=1 để xem chi tiết).",
    },
    "en": {
        "description": "cchc-rules: PAR INDEX rulebooks and simulation",
        "lang": "language: vi (default) or en; also the CCHC_LANG variable",
        "allow_path": "allow reading files under DIR although outside the project (extends, crosswalk, data); "
                      "repeatable",
        "interrupted": "Stopped on request (Ctrl-C).",
        "internal": "Internal error of cchc-rules ({error}). Please report it with the command you ran "
                    "(set CCHC_DEBUG=1 for the details).",
    },
}


def _lang_from(argv: list[str]) -> str:
    """The language asked for anywhere on the command line (so that help and errors speak it)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGS:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGS:
            return arg.split("=", 1)[1]
    try:
        return resolve_lang(None)
    except ValueError:
        return "vi"


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    lang = lang or _lang_from(sys.argv[1:])
    text = _TEXT[lang]
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGS, default=None, help=text["lang"])
    common.add_argument("--allow-path", action="append", type=Path, default=None, metavar="DIR",
                        help=text["allow_path"])
    parser = argparse.ArgumentParser(prog="cchc", description=text["description"])
    parser.add_argument("--lang", choices=LANGS, default=None, dest="lang_before", help=text["lang"])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"cchc_rules.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"cchc_rules.commands.{name}":
                continue
            raise
        module.register(sub, common)
    _localise(parser, lang)
    return parser


def _side(text: str | None, lang: str) -> str | None:
    """"English / Tiếng Việt" → the side of `lang` (a text without " / " is shown as written)."""
    if not text or " / " not in text:
        return text
    english, vietnamese = text.rsplit(" / ", 1)
    return vietnamese if lang == "vi" else english


def _localise(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.description = _side(parser.description, lang)
    for action in parser._actions:
        if action.help not in (None, argparse.SUPPRESS):
            action.help = _side(action.help, lang)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                choice.help = _side(choice.help, lang)
            for sub in action.choices.values():
                _localise(sub, lang)


@contextmanager
def _argparse_words(lang: str) -> Iterator[None]:
    before: Callable[[str], str] = argparse._  # type: ignore[attr-defined]
    if lang == "vi":
        argparse._ = lambda message: _ARGPARSE_VI.get(message, before(message))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = before  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_from(argv)
    with _argparse_words(lang):
        args = build_parser(lang).parse_args(argv)
    args.lang = resolve_lang(args.lang or args.lang_before or lang)
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalStream(out), TerminalStream(err)  # no escape sequence reaches the terminal
    try:
        with allow_paths(args.allow_path or []):  # for this command only (workers inherit it)
            return guarded(lambda: int(args.func(args) or 0), args.lang)
    finally:
        sys.stdout, sys.stderr = out, err


def guarded(action: Callable[[], int], lang: str) -> int:
    """Run a command; every failure becomes a message and an exit code, never a traceback."""
    from cchc_rules.outputs import write_problem

    try:
        return action()
    except CchcError as exc:
        _error(exc.format(lang))
        return 1
    except BrokenPipeError:  # `cchc score ... | head`: the reader has had enough; end quietly
        _silence_stdout()
        return 141
    except OSError as exc:  # commands that write turn their own write failures into F105 first
        _error(CchcError([write_problem(exc, writing=False)]).format(lang))
        return 1
    except KeyboardInterrupt:
        _error(_TEXT[lang]["interrupted"])
        return 130
    except Exception as exc:  # a fault of the tool: one line, the traceback only on request
        if os.environ.get("CCHC_DEBUG") == "1":
            traceback.print_exc()
        _error(_TEXT[lang]["internal"].format(error=f"{type(exc).__name__}: {exc}"))
        return 2


def _error(text: str) -> None:
    try:
        print(text, file=sys.stderr)
    except (BrokenPipeError, OSError):
        pass


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's final flush does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
