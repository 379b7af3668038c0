"""The rulebook language: models, loading (with `extends`/`changes`), validation, JSON Schema."""
