"""The words of the self-assessment workbook, in Vietnamese and English."""

from __future__ import annotations

from cchc_rules.labels import by_language
from cchc_rules.labels.documents import WORKBOOK

LABELS: dict[str, dict[str, str]] = by_language(WORKBOOK)
