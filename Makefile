# Two commands on a fresh clone: `make run` and `make test`. Only python3 and make are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CONFIG ?= feeds.yaml
DB     ?= db/monitor.db

.PHONY: run test lint typecheck pytest setup clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	@mkdir -p db
	$(BIN)/monitor --config $(CONFIG) --db $(DB)

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check monitor tests bench
	$(BIN)/ruff format --check monitor tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/poll.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
