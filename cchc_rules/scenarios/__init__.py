"""Scenario files (spec §10) and the batch runner: load and check, compute (execute), publish, run many."""

from __future__ import annotations

from cchc_rules.scenarios.load import check_scenario, load_scenario
from cchc_rules.scenarios.models import Scenario

__all__ = ["Scenario", "check_scenario", "load_scenario"]
