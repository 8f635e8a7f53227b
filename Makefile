# Baton: `make run` to start it, `make test` to test it. Everything else is a step of those two.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.deps-installed
NPM_STAMP := node_modules/.deps-installed

.PHONY: run test deps migrate demo lint typecheck pytest pytest-pg pytest-redis test-week chromium clean bench screenshots

run: migrate
	@$(BIN)/python manage.py load_demo --if-empty
	@bin/run

test: deps chromium lint typecheck pytest

deps: $(PY_STAMP) $(NPM_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

migrate: deps
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# Each role's home at 1440x900 and 390x844 into docs/screenshots/ (a fresh demo in a temporary data directory).
screenshots: deps chromium
	$(BIN)/python manage.py screenshots

# Browser tests drive Debian's chromium (no browser download). Install it when missing and we are root.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium at /usr/bin/chromium. Install it with: sudo apt-get install chromium"; \
	    exit 1; \
	  fi; \
	fi

# ruff (with PLC0415: no import inside a function), the layers contract (import-linter: apps depend downward only,
# core knows no domain, domains never import automation) and the complexity rule (bin/check_complexity.py).
lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python bin/check_complexity.py

typecheck: deps
	$(BIN)/mypy baton

# The suite runs on TEST_WORKERS processes (pytest-xdist; default 2, the cores CI has; each worker has its own test
# database). TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2

pytest: deps chromium
	$(BIN)/pytest -q -n $(TEST_WORKERS)

# The same suite on PostgreSQL (DATABASE_URL must point at a server; .ci/run sets it).
pytest-pg: deps chromium
	$(BIN)/pytest -q -n $(TEST_WORKERS)

# The automation tests with the task queue on Redis: a real RedisHuey queue and consumer (.ci/run starts Redis).
pytest-redis: deps
	REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/15}" $(BIN)/pytest -q baton/automation

# The whole suite once for each day of one week (Monday 2027-03-22 to Sunday 2027-03-28, the night EU clocks move
# forward), each at 23:30 UTC: a test that assumes today's weekday, a month end or an offset fails here. Long (7 runs);
# CI runs two of these clocks (.ci/run), this is for changes to dates, calendars and cadences.
test-week: deps chromium
	@for day in 22 23 24 25 26 27 28; do \
	  echo "== the suite as if it were 2027-03-$$day 23:30 UTC =="; \
	  $(BIN)/pytest -q -n 2 --clock=2027-03-$${day}T23:30:00+00:00 || exit 1; \
	done

# Scale benchmarks (issues #10, #21): agency-S and -L on SQLite and PostgreSQL, reports vs the bare SQL aggregate,
# pages at S and L, HTTP time-entry creation, memory; prints every goal with pass/miss and writes one JSON per run.
# BENCH_SIZES=S for a quick run, S,M,L,XL to add sizes. See bench/run.py.
bench: deps
	BENCH_SIZES="$${BENCH_SIZES:-S,$${BENCH_SIZE:-L}}" $(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) node_modules staticfiles
