# Everything the project needs is installed by these targets into .venv/ in the project root.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install browser libreoffice demo test fuzz lab app bench clean national

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser test (Playwright drives it; its own browser download does not work
# offline). Without root, outside CI, the browser test is skipped instead.
browser:
	sh scripts/install-browser.sh || [ "$$CI" != "true" ]

# Debian's LibreOffice Calc for the print tests (Excel outputs converted to PDF, pages counted). Without root,
# outside CI, those tests are skipped instead.
libreoffice:
	sh scripts/install-libreoffice.sh || [ "$$CI" != "true" ]

demo: install  ## the main job on the bundled sample data
	$(BIN)/cchc demo

test: install browser libreoffice  ## the whole test suite
	$(BIN)/ruff check cchc_rules tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

# About ten minutes of property-based fuzzing of the shipped inputs (tests/fuzz). Random each run;
# `make fuzz SEED=1234` replays one run, `EXAMPLES=n` sets the examples per test.
fuzz: install  ## mutated rulebooks, datasets, scenarios and workbooks: a located error or a valid result
	CCHC_FUZZ_PROFILE=cchc-fuzz CCHC_FUZZ_EXAMPLES=$(or $(EXAMPLES),80) \
		$(BIN)/pytest tests/fuzz -q --durations=10 $(if $(SEED),--hypothesis-seed=$(SEED),)

lab: install  ## JupyterLab on the workbench, opened on the trainer's notebook
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) $(if $(filter 0,$(shell id -u)),--allow-root,) notebooks/01_scoring_walkthrough.ipynb

# The trainer's sandbox and the drafter's editor as web apps: Voilà runs the same notebooks and shows only their
# text and widgets (no code cell, no traceback). PORT=8866 by default; open the two addresses it prints.
APP_PORT := $(or $(PORT),8866)
app: install  ## the sandbox and the editor as web apps without code cells (Voilà), for a room of trainees
	@echo "Trainer / Thử chấm điểm:     http://127.0.0.1:$(APP_PORT)/voila/render/01_scoring_walkthrough.ipynb"
	@echo "Drafter / Soạn bộ tiêu chí:  http://127.0.0.1:$(APP_PORT)/voila/render/02_framework_editor.ipynb"
	$(BIN)/voila notebooks/ --no-browser --port=$(APP_PORT) --Voila.ip=127.0.0.1 \
		--VoilaConfiguration.show_tracebacks=False --VoilaConfiguration.strip_sources=True

bench: install  ## speed and memory, each beside its baseline; figures in benchmarks/RESULTS.md
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks.bench_uncertainty
	$(BIN)/python -m benchmarks.bench_batch
	$(BIN)/python -m benchmarks.bench_widgets
	$(BIN)/python -m benchmarks.bench_problems
	$(BIN)/python -m benchmarks.bench_load  # 10k, 100k and 1M units (7.9 GB of temporary files, a few minutes)
	$(BIN)/python -m benchmarks.bench_load  # 10k and 1M units (1M: a 7.9 GB folder built in /tmp, deleted after)
	$(BIN)/python -m benchmarks.bench_dask --no-grid  # the scenario grid on Dask: `python -m benchmarks.bench_dask` (minutes)

national: install  ## the national synthetic panel (34 provinces, 3 years) into out/national, and its scenario grid on Dask
	$(BIN)/python -m cchc_rules.data.national --out out/national
	$(BIN)/cchc run scenarios/national --out out/national-scenarios --dask local:$(or $(WORKERS),2)

clean:
	rm -rf $(VENV) out
