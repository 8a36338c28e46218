# Two commands do all set-up (a virtual environment in .venv, created on first use):
#   make demo   build the demo site from ./content into ./site
#   make test   run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_AT := 2026-11-27T18:00:00Z

.PHONY: demo test serve bench clean

$(BIN)/statuskit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/statuskit
	$(BIN)/statuskit check --at $(DEMO_AT)
	$(BIN)/statuskit build --at $(DEMO_AT)
	@echo "site/ is ready; preview it with: $(BIN)/statuskit serve --at $(DEMO_AT)"

# ruff (lint), then mypy (types; strict on model/, gate/, render/), then the suite: each fails the run
test: $(BIN)/statuskit
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
