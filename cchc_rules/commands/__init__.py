"""Sub-commands of `cchc`, one module each (see `cchc_rules.cli`)."""
