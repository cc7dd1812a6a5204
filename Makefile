# Two commands: `make run` and `make test`. Both build the virtual environment first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck pytest openapi demo bench soak clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Settings come from the environment, a .env file or the make command line, e.g.
# `make run SW_PORT=9000 SW_CUSTOMS_URL=http://127.0.0.1:9101`, then `make demo SW_PORT=9000`.
run: $(STAMP)
	$(BIN)/singlewindow db upgrade
	$(BIN)/singlewindow serve --with-agencies

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

openapi: $(STAMP)
	$(BIN)/singlewindow openapi > openapi/openapi.json

demo: $(STAMP)
	$(BIN)/singlewindow demo

# Throughput and latency on SQLite and PostgreSQL (~10 minutes): bench/README.md.
# Flags through BENCH_ARGS, e.g. make bench BENCH_ARGS="--rates 50,100 --duration 60".
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# The reliability soak (15 minutes or more: 10 at 300 declarations/s, an agency down a minute,
# a hanging webhook endpoint): bench/README.md. E.g. make soak SOAK_ARGS="--minutes 1 --rate 100".
soak: $(STAMP)
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache singlewindow.db*
