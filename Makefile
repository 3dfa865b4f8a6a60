# Qualipilote: `make run` starts the demo, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# make run serves as production does (DEBUG off: French error pages, static files by whitenoise
# after collectstatic), with a secret key generated once into var/secret-key, plain HTTP on loopback.
SECRET_KEY_FILE := var/secret-key
MANAGE := DJANGO_DEBUG=false DJANGO_SECRET_KEY="$$(cat $(SECRET_KEY_FILE))" DJANGO_SECURE_SSL_REDIRECT=false \
	DJANGO_SECURE_COOKIES=false DJANGO_HSTS_SECONDS=0 $(BIN)/python manage.py
RUN_PACKAGES := libharfbuzz-subset0
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils nginx
HOST ?= 127.0.0.1
PORT ?= 8000
# Bytecode: each module is compiled on its first import and kept under var/pycache/ (not beside
# the sources), even where PYTHONDONTWRITEBYTECODE is set (as on CI's machine): without it every
# process compiles again all it imports, 3 to 4 s of CPU for Django, the apps and WeasyPrint, and
# the suites and benchmarks start hundreds of processes (workers, gunicorn, concurrent writers).
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX := $(CURDIR)/var/pycache

.PHONY: run test test-packages venv system-packages check lint types imports migrations-check pytest test-postgres lock bench-quick bench-postgres bench-calendar bench-calendar-postgres bench-load bench-load-postgres bench-city bench-city-postgres bench-journal-postgres bench-survey-load bench-survey-results bench-evidence demo clean

# --no-compile: Python compiles a module the first time it is imported (var/pycache/, above), not
# the 650 MB installed (a third of the install's time in CI).
$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-compile --require-hashes -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

# Installs the Debian packages named in PACKAGES that are missing, when running as root.
system-packages:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installation des paquets Debian : $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Paquets Debian manquants (à installer en root) : $$missing"; exit 1; fi; \
	fi

run: venv $(SECRET_KEY_FILE)
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(RUN_PACKAGES)"
	$(MANAGE) migrate --no-input
	$(MANAGE) collectstatic --no-input -v 0
	$(MANAGE) load_demo --if-empty
	@$(MANAGE) demo_accounts
	-$(MANAGE) daily
	@# The daily jobs run again every 15 minutes beside the server and stop with it (ADR 0010).
	$(MANAGE) daily --loop & daily=$$!; trap 'kill $$daily 2>/dev/null' EXIT; \
	$(MANAGE) runserver $(HOST):$(PORT)

$(SECRET_KEY_FILE):
	@mkdir -p $(@D) && umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

demo: venv $(SECRET_KEY_FILE)
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo --if-empty

# The checks run beside the suite (-j2): mypy keeps one CPU busy for a quarter of a minute.
test: venv test-packages
	@$(MAKE) --no-print-directory -j2 check pytest

test-packages:
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(TEST_PACKAGES)"

check: lint types imports migrations-check

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types:
	$(BIN)/mypy .

imports:
	$(BIN)/lint-imports

migrations-check:
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=qualipilote.test_settings

# Two workers, dealt out by worksteal: each takes half of the tests, then the idle one takes the
# last ones left of the other; conftest.py orders them so that the slow ones come first and the
# modules sharing a fixture (test_demo's demo) stay on one worker.
# The workers copy a SQLite database migrated once for the tree's migrations (conftest.py,
# QUALIPILOTE_TEST_TEMPLATE) instead of each migrating its own: the 94 migrations cost a quarter
# of a minute of CPU, Django's migration states. bench/_migrated.py keeps it in var/bench/ under
# their digest, where the benchmarks find it too; under `make test` it is made beside the checks.
MIGRATED_TEMPLATE := $(BIN)/python -c 'import os, sys; sys.path.insert(0, "bench"); from _migrated import _sqlite_template; \
	print(_sqlite_template({**os.environ, "DJANGO_SETTINGS_MODULE": "qualipilote.test_settings"}))'
pytest:
	template=$$($(MIGRATED_TEMPLATE)) && \
	QUALIPILOTE_TEST_TEMPLATE=$$template $(BIN)/pytest -q -n 2 --dist worksteal $(PYTEST_ARGS)

# The suite on a throwaway PostgreSQL cluster (see .ci/postgres.sh), without the browser tests:
# they check pages, keyboard and axe, which the SQLite run covers; the data they reach is tested
# on PostgreSQL by the other tests. Nor the tests on a SQLite file of their own (own_database:
# the deployment guide's), which would only run again. PYTEST_ARGS='-m ""' runs them too. Nor,
# whatever the markers, the tests that never reach the database (no django_db marker, db
# fixture or live server): conftest.py leaves them out on PostgreSQL, they would run exactly
# as in the SQLite run.
test-postgres: venv
	bash .ci/postgres.sh $(BIN)/pytest -q -n 2 --dist worksteal -m "not browser and not own_database" $(PYTEST_ARGS)

bench-quick: venv
	@PYTHON=$(BIN)/python bash .ci/bench-quick

# The import benchmark on a throwaway PostgreSQL cluster, against a plain COPY (bench/import_calls.py).
bench-postgres: venv
	bash .ci/postgres.sh $(BIN)/python bench/import_calls.py --postgres $(BENCH_ARGS)

# A closure day added to a town with five years of calls (5 million), beside DuckDB.
bench-calendar: venv
	$(BIN)/python bench/calendar_change.py $(BENCH_ARGS)

# The same on a throwaway PostgreSQL cluster (see .ci/postgres.sh).
bench-calendar-postgres: venv
	bash .ci/postgres.sh $(BIN)/python bench/calendar_change.py --postgres $(BENCH_ARGS)

# The journal's hash chain: cost per event before/after, on a throwaway PostgreSQL cluster (bench/journal_chain.py).
bench-journal-postgres: venv
	bash .ci/postgres.sh $(BIN)/python bench/journal_chain.py --postgres $(BENCH_ARGS)

# Load test: agents and citizens through gunicorn for 2 minutes, with locust (bench/load.py).
bench-load: venv
	$(BIN)/python bench/load.py $(BENCH_ARGS)

# The same on a throwaway PostgreSQL cluster (see .ci/postgres.sh).
bench-load-postgres: venv
	bash .ci/postgres.sh $(BIN)/python bench/load.py --postgres $(BENCH_ARGS)

# A large city (10 sites, 5 years, 10 million calls...): generation, home and overview under 8
# clients through gunicorn, the steering PDFs (bench/large_city.py).
bench-city: venv
	$(BIN)/python bench/large_city.py $(BENCH_ARGS)

# The same on a throwaway PostgreSQL cluster (see .ci/postgres.sh).
bench-city-postgres: venv
	bash .ci/postgres.sh $(BIN)/python bench/large_city.py --postgres $(BENCH_ARGS)

# Satisfaction survey: 50 citizens send 2,000 questionnaires through gunicorn, with locust; rows
# counted, POST p95 < 300 ms (bench/survey_load.py).
bench-survey-load: venv
	$(BIN)/python bench/survey_load.py $(BENCH_ARGS)

# A campaign of 100,000 responses: stored counts checked against a recount, then its results page
# timed (p95 < 200 ms) with its SQL queries counted (bench/survey_results.py).
bench-survey-results: venv
	$(BIN)/python bench/survey_results.py $(BENCH_ARGS)

# The evidence pack of last year of the large city (closed first): build time, ZIP size, files, peak
# memory (bench/evidence_pack.py; BENCH_ARGS="--scale 0.1" for a quicker run, --postgres under .ci/postgres.sh).
bench-evidence: venv
	$(BIN)/python bench/evidence_pack.py $(BENCH_ARGS)

# Supply chain: requirements*.txt are lock files (every package, direct and indirect, with its
# PyPI hashes) written by pip-tools from the exact pins of requirements*.in. pip-compile runs in a
# throwaway venv and sees PyPI alone, not this machine's pip configuration (local indexes).
PIP_TOOLS := pip-tools==7.7.0
PYPI := https://pypi.org/simple
LOCK_ENV := env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock"
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --index-url $(PYPI)

lock:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(LOCK_ENV) $(PYTHON) -m venv "$$tmp" && \
	$(LOCK_ENV) "$$tmp/bin/pip" install --quiet --disable-pip-version-check --index-url $(PYPI) $(PIP_TOOLS) && \
	$(LOCK_ENV) "$$tmp/bin/pip-compile" $(LOCK_FLAGS) --output-file requirements.txt requirements.in && \
	$(LOCK_ENV) "$$tmp/bin/pip-compile" $(LOCK_FLAGS) --output-file requirements-dev.txt requirements-dev.in
	@echo "requirements.txt et requirements-dev.txt régénérés ; lancez make venv."

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
