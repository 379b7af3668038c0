# Everything the project needs is installed by these targets into .venv/ in the project root.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint lab bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install  ## the main job on the bundled sample data
	$(BIN)/cchc demo

test: install  ## the whole test suite
	$(BIN)/ruff check cchc_rules tests benchmarks
	$(BIN)/pytest

bench: install
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) out
