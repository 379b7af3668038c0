"""Bilingual labels: places in a ranking, as words."""

from __future__ import annotations

from cchc_rules.labels.label import Catalogue, Label

# Places and ranks (used by cchc_rules/display.py).
PLACES: Catalogue = {
    "unranked": Label("Không xếp hạng", "Not ranked"),
    "place_of": Label("hạng {place}/{peers}", "{place} of {peers}"),
}
