"""`cchc schema [--out FILE]`: print (or write) the JSON Schema of the rulebook language."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cchc_rules.dsl.schema import json_schema
from cchc_rules.outputs import add_force_argument, shown, write_text_output

WROTE = {"vi": "Đã ghi JSON Schema: {path}", "en": "JSON Schema written: {path}"}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "schema",
        parents=[common],
        help="JSON Schema of the rulebook language (for editors) / JSON Schema của ngôn ngữ bộ tiêu chí",
    )
    parser.add_argument("--out", type=Path, default=None, help="write to this file instead of stdout / "
                                                               "ghi ra tệp này thay vì in ra màn hình")
    add_force_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = json.dumps(json_schema(args.lang), ensure_ascii=False, indent=2) + "\n"
    if args.out is None:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
        return 0
    write_text_output(args.out, text, force=args.force)
    print(WROTE[args.lang].format(path=shown(args.out)))
    return 0
