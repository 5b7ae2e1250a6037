# Two commands do all the set-up on a machine with python3, make and git:
#   make demo   — create .venv, install luoshi, ingest the bundled demo corpus into demo.db
#   make test   — create .venv, install luoshi with test tools, run the whole test suite and measure
#                 its branch coverage of src/luoshi (fails below the floor in pyproject.toml)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/luoshi demo --db demo.db

test: $(STAMP)
	$(BIN)/python -m pytest -q --cov --cov-report=term

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy  # src/luoshi strictly, tests/ and benchmarks/ checked too: see [tool.mypy]

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ingest_search.py
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_writers.py
	$(BIN)/python benchmarks/bench_sheet_import.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm
