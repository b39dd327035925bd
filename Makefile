# One command to run the suite, one to run the tests (README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PACKAGES := -e shared -e services/members -e services/billing -e services/payroll -e services/notifications -e services/accounting -e services/web -e cli
MANIFESTS := requirements/constraints.txt requirements/test.txt shared/pyproject.toml cli/pyproject.toml $(wildcard services/*/pyproject.toml)

.PHONY: setup demo run test lint services chaos bench migrate clean screenshots

setup: $(VENV)/.installed

$(VENV)/.installed: $(MANIFESTS)
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt setuptools
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt $(PACKAGES) -r requirements/test.txt
	touch $@

demo: setup         ## Dies and BRUCOOP at work in under a minute (starts the suite if none runs)
	$(VENV)/bin/coop demo

run: setup          ## migrate, declare the bus and run the four services (SQLite in ./var by default)
	$(VENV)/bin/coop run

TEST_SHARDS ?= 3

test: setup lint services  ## lint, then unit, integration, end-to-end and browser tests on the real RabbitMQ and PostgreSQL
	$(PY) -m tests.run_shards $(TEST_SHARDS) $(PYTEST_ARGS)

lint: setup         ## ruff: formatting and lint rules of pyproject.toml
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/ruff check --quiet .

services:           ## start RabbitMQ (with its management API) and PostgreSQL when installed but stopped
	@deploy/tools/prepare-test-services

chaos: setup services  ## fault injection: kill -9, a broker restart, dropped database connections (about 3 min)
	$(PY) -m pytest -m chaos tests/chaos -s $(PYTEST_ARGS)

bench: setup services  ## benchmarks against the bus's own limit; results in bench/results/
	$(PY) -m pytest -m bench bench -s $(PYTEST_ARGS)

migrate: setup
	$(VENV)/bin/coop migrate

screenshots: setup services  ## the console's and the portal's home pages, taken by the browser tests, into docs/screenshots/
	COOP_SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -m browser tests/browser/test_home_screenshots.py $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
