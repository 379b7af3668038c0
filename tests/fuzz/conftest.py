"""Property-based fuzzing of the shipped inputs (issue 11, item 8).

Two hypothesis profiles: `cchc-quick` (the default: a few examples per test, derandomised, so the
normal test run stays fast and reproducible) and `cchc-fuzz` (`make fuzz`: many examples, random
unless `--hypothesis-seed` is given). Every outcome must be the project's own located error
(`CchcError`) or a valid result with no NaN; anything else (a traceback) fails the test.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

# No shrinking: a failing example is reported as found (with the blob to replay it through
# @reproduce_failure), because shrinking a workbook example can take many minutes.
_COMMON = {"deadline": None, "suppress_health_check": list(HealthCheck), "database": None, "print_blob": True,
           "phases": [Phase.explicit, Phase.reuse, Phase.generate]}
settings.register_profile("cchc-quick", max_examples=int(os.environ.get("CCHC_FUZZ_EXAMPLES", "8")),
                          derandomize=True, **_COMMON)
settings.register_profile("cchc-fuzz", max_examples=int(os.environ.get("CCHC_FUZZ_EXAMPLES", "400")), **_COMMON)
settings.load_profile(os.environ.get("CCHC_FUZZ_PROFILE", "cchc-quick"))
