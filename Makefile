# Two commands on a fresh machine: `make run` and `make test`. Everything lives in .venv/.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
APT_STAMP := $(VENV)/.apt-tools
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint typecheck bench bench-nutrition tools clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Debian tools the tests drive for real: promtool/Prometheus, Alertmanager, Chromium.
$(APT_STAMP): scripts/install_tools.sh | $(BIN)/python
	bash scripts/install_tools.sh
	touch $@

tools: $(APT_STAMP)

run: $(STAMP)
	$(BIN)/meallog serve --host $(HOST) --port $(PORT)

test: $(TEST_STAMP) $(APT_STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy

bench: $(TEST_STAMP) $(APT_STAMP)
	$(BIN)/python bench/run_all.py

bench-nutrition: $(STAMP)
	$(BIN)/python bench/nutrition/run.py

clean:
	rm -rf $(VENV) var .pytest_cache
