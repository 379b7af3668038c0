"""The reference in docs/LANGUAGE.md lists every message code of every layer, in both languages."""

import importlib
import os
import pkgutil
import re
from pathlib import Path

import cchc_rules
from cchc_rules.problems import CATALOGUE, Problem

DOC = Path(__file__).resolve().parents[1] / "docs" / "LANGUAGE.md"
LAYERS = {
    "Y": "YAML source", "R": "rulebook validation", "X": "derived rulebooks", "D": "data",
    "E": "scoring", "G": "golden tests", "S": "scenarios", "A": "analysis", "W": "documents",
    "B": "workbench (notebooks)", "F": "files and outputs",
}


def render_codes() -> str:
    """The message-code table: every code registered by any module of the package."""
    for module in pkgutil.walk_packages(cchc_rules.__path__, "cchc_rules."):
        importlib.import_module(module.name)

    def cell(code: str, lang: str) -> str:
        return Problem(code).what(lang).replace("|", "\\|").replace("\n", " ")

    rows = ["| code | layer | what is wrong (en) | sai ở đâu (vi) |", "|---|---|---|---|"]
    for code in sorted(CATALOGUE):
        rows.append(f"| {code} | {LAYERS[code[0]]} | {cell(code, 'en')} | {cell(code, 'vi')} |")
    return "\n".join(rows)


def test_every_code_has_texts_in_both_languages_and_a_known_prefix():
    render_codes()
    for code in CATALOGUE:
        assert code[0] in LAYERS, code
        for lang in ("vi", "en"):
            assert Problem(code).what(lang), (code, lang)
            Problem(code).fix(lang)  # a literal brace in a template would raise here


def test_language_doc_lists_every_code():
    text = DOC.read_text(encoding="utf-8")
    block = f"<!-- codes:start -->\n{render_codes()}\n<!-- codes:end -->"
    fresh = re.sub(r"<!-- codes:start -->.*<!-- codes:end -->", lambda _: block, text, flags=re.S)
    if os.environ.get("CCHC_WRITE_DOCS") == "1":
        DOC.write_text(fresh, encoding="utf-8")
        text = fresh
    assert text == fresh, "docs/LANGUAGE.md is out of date: rerun `CCHC_WRITE_DOCS=1 pytest tests/test_docs.py`"
