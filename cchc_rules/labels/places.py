"""Bilingual labels: places in a ranking, as words."""

from __future__ import annotations

from cchc_rules.labels.label import Catalogue, Label

# Places and ranks (used by cchc_rules/display.py).
PLACES: Catalogue = {
    "unranked": Label("Không xếp hạng", "Not ranked"),
    "place_of": Label("hạng {place}/{peers}", "{place} of {peers}"),
    "first": Label("thứ nhất", "1st"),
    "second": Label("thứ nhì", "2nd"),
    "third": Label("thứ ba", "3rd"),
    "fourth": Label("thứ tư", "4th"),
    "nth": Label("thứ {n}", "{n}th"),
}
