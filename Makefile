# unvote: every target sets up what it needs (a virtual environment in .venv).
# `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The raw UN files: ../shared/data/raw when it is beside the project, else data/raw.
RAW    ?= $(if $(wildcard ../shared/data/raw),../shared/data/raw,data/raw)
# The forecast's as-of date: outputs go to reports/<scenario>/$(AS_OF)/ (unvote.pipeline).
AS_OF  ?= 2025-10-01

.DEFAULT_GOAL := help
.PHONY: help install forecast docs history data features backtest check test test-all typecheck lint format notebooks outlines benchmark clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	@echo "== installing unvote and its tools into $(VENV) (about a minute, once)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/.installed  ## create .venv and install unvote with its test tools

forecast: $(BIN)/.installed  ## the main job, on the committed data alone
	$(BIN)/unvote history --plot reports/history/history.png
	$(BIN)/unvote forecast --scenario baseline --as-of $(AS_OF)
	$(BIN)/unvote forecast --scenario us_lobbying_2025 --as-of $(AS_OF)
	$(BIN)/unvote report --scenario us_lobbying_2025 --as-of $(AS_OF)

docs: $(BIN)/.installed  ## the lobbying report, and its key figure for the README (docs/)
	$(BIN)/unvote report --scenario us_lobbying_2025 --as-of $(AS_OF)
	cp reports/us_lobbying_2025/$(AS_OF)/2-history.png docs/forecast-history.png

history: $(BIN)/.installed  ## print the embargo vote history 1992-2024 and plot it
	$(BIN)/unvote history --plot reports/history/history.png

data: $(BIN)/.installed  ## rebuild data/processed from the raw UN files in $(RAW)
	$(BIN)/unvote data build --raw $(RAW)

features: $(BIN)/.installed  ## rebuild data/processed/features.csv (needs `make data` first)
	$(BIN)/unvote features build

backtest: $(BIN)/.installed  ## predict each embargo vote 2000-2024 from earlier years; score it
	$(BIN)/unvote backtest

check: $(BIN)/.installed  ## lint, format check and type check
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy

# The tests marked slow (the raw rebuilds, the full report, the notebooks) are most of the
# suite's time: `make test` leaves them out (a quick loop while working, benchmarks/suite_time.py);
# CI runs `make test-all`.
test: check  ## check, then the tests not marked slow (the quick loop)
	$(BIN)/python -m pytest -m "not slow"

test-all: check  ## check, then every test, slow ones included (what CI runs)
	$(BIN)/python -m pytest

typecheck: $(BIN)/.installed  ## mypy on src/unvote (configured in pyproject.toml)
	$(BIN)/mypy

lint: $(BIN)/.installed  ## ruff check only
	$(BIN)/ruff check src tests benchmarks tools

format: $(BIN)/.installed  ## apply ruff's formatting and safe fixes
	$(BIN)/ruff format src tests benchmarks tools
	$(BIN)/ruff check --fix src tests benchmarks tools

notebooks: $(BIN)/.installed  ## open the notebooks in JupyterLab (installs it on first use)
	$(BIN)/python -m pip install --quiet -e '.[dev,notebooks]'
	$(BIN)/jupyter lab notebooks/

outlines: $(BIN)/.installed  ## remake the map's outlines (src/unvote/data/outlines.npz) from Natural Earth
	$(BIN)/python -m pip install --quiet -e '.[dev,shapes]'
	$(BIN)/python tools/make_outlines.py

benchmark: $(BIN)/.installed  ## print the speed and accuracy figures
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:  ## remove the virtual environment and everything rebuilt
	rm -rf $(VENV) data/interim data/cache reports/*/ .pytest_cache .ruff_cache
