"""`cchc test [PATH...]`: run the golden tests (spec §8) of the files and folders given
(default rulebooks/tests/). One line per case (✓/✗; a failure shows expected against got and
the ledger), then `N passed, N failed`. Exit 1 when a case fails or a golden file is invalid."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cchc_rules.display import counted
from cchc_rules.problems import CchcError

DEFAULT = Path("rulebooks/tests")
SUMMARY = {"vi": "{passed} đạt, {failed} không đạt", "en": "{passed} passed, {failed} failed"}
INVALID = {"vi": ("tệp kiểm thử không hợp lệ", "tệp kiểm thử không hợp lệ"),
           "en": ("invalid golden file", "invalid golden files")}


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("test", parents=[common],
                              help="run the golden tests of rulebooks / chạy các ca kiểm thử mẫu")
    p.add_argument("paths", nargs="*", type=Path, help=f"golden files or folders (default: {DEFAULT}/) / "
                                                       f"tệp hoặc thư mục ca kiểm thử (mặc định: {DEFAULT}/)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cchc_rules import golden

    files = golden.collect(args.paths or [DEFAULT])
    passed = failed = invalid = 0
    rulebooks: dict = {}
    for path in files:
        print(f"{path}")
        try:
            outcomes = golden.run_file(path, rulebooks)
        except CchcError as exc:
            invalid += 1
            print(exc.format(args.lang), file=sys.stderr)
            continue
        for outcome in outcomes:
            print("  " + outcome.format(args.lang).replace("\n", "\n  "))
            passed += outcome.passed
            failed += not outcome.passed
    line = SUMMARY[args.lang].format(passed=passed, failed=failed)
    if invalid:
        line += "; " + counted(invalid, *INVALID[args.lang], args.lang)
    print(line)
    return 1 if failed or invalid else 0
