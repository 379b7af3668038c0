"""The `cchc` command. Each sub-command lives in `cchc_rules.commands.<name>` and exposes
`register(subparsers, common)`, which adds its parser (with `parents=[common]` for `--lang`)
and sets `func` to a function `(args) -> int` (the exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from cchc_rules.i18n import LANGS, resolve_lang
from cchc_rules.problems import CchcError
from cchc_rules.safe_text import TerminalStream

COMMANDS = ("validate", "schema", "score", "explain", "test", "compare", "run", "handbook", "workbook", "demo")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--lang", choices=LANGS, default=None, help="vi (default) or en; also the CCHC_LANG variable"
    )
    parser = argparse.ArgumentParser(prog="cchc", description="cchc-rules: PAR INDEX rulebooks and simulation")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"cchc_rules.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"cchc_rules.commands.{name}":
                continue
            raise
        module.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.lang = resolve_lang(args.lang)
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalStream(out), TerminalStream(err)  # no escape sequence reaches the terminal
    try:
        return int(args.func(args) or 0)
    except CchcError as exc:
        print(exc.format(args.lang), file=sys.stderr)
        return 1
    finally:
        sys.stdout, sys.stderr = out, err


if __name__ == "__main__":
    sys.exit(main())
