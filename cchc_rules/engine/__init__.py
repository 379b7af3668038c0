"""The vectorised scoring engine: compile a rulebook to arrays, score, explain."""
