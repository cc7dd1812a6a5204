# Two commands: `make run` and `make test`. Both build the virtual environment first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck pytest chromium openapi client demo bench soak clean

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

# The console's browser tests drive Debian's Chromium (/usr/bin/chromium). Installed here
# where it can be (root, with apt-get); where it cannot, the build goes on and those tests
# skip, saying why (under CI=true they fail).
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
			>/dev/null 2>&1 || echo "chromium could not be installed: the browser tests will skip"; \
	fi

pytest: $(STAMP) chromium
	$(BIN)/pytest

openapi: $(STAMP)
	$(BIN)/singlewindow openapi > openapi/openapi.json

# The Python client in examples/client, generated from openapi/openapi.json (run after
# `make openapi`; the generated code is committed). openapi-python-client pins httpx and
# typer below the versions the service runs on, so it runs from an environment of its own.
CLIENT_GENERATOR := $(VENV)/client-generator
client:
	test -x $(CLIENT_GENERATOR)/bin/openapi-python-client || { $(PYTHON) -m venv $(CLIENT_GENERATOR) \
		&& $(CLIENT_GENERATOR)/bin/python -m pip install --quiet 'openapi-python-client==0.29.1'; }
	PATH="$(abspath $(CLIENT_GENERATOR))/bin:$$PATH" openapi-python-client generate \
		--path openapi/openapi.json --output-path examples/client --overwrite \
		--config examples/client-config.yaml

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
