# The two commands a newcomer needs: `make run` and `make test`.
#
# PYTHON: the interpreter that creates the venv. Unless given (`PYTHON=python3.13 make run`),
# the first of python3.13, python3.12, python3.11 and python3 that is 3.11 or newer.
PYTHON_CANDIDATES := python3.13 python3.12 python3.11 python3
IS_311_OR_NEWER := -c 'import sys; sys.exit(sys.version_info < (3, 11))'
ifeq ($(origin PYTHON),undefined)
PYTHON := $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell command -v $(p) >/dev/null 2>&1 && $(p) $(IS_311_OR_NEWER) 2>/dev/null && echo $(p))))
endif
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Exact versions with their hashes (main and test dependencies), written by `make lock`.
LOCK := requirements.lock
UV_VERSION ?= 0.13.9

.PHONY: install run test test-sqlite lint migrate data clean serve bench lock python worker beat

# Stops with a clear message, before anything is created, when no interpreter fits.
python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python 3.11 or newer found (tried $(PYTHON_CANDIDATES))." >&2; \
		echo "Install one, or name it: PYTHON=/path/to/python3.12 make run" >&2; exit 1; fi
	@if ! $(PYTHON) $(IS_311_OR_NEWER) 2>/dev/null; then \
		echo "PYTHON=$(PYTHON) is not Python 3.11 or newer ($$($(PYTHON) --version 2>&1))." >&2; \
		exit 1; fi

$(PY):
	@$(MAKE) --no-print-directory python PYTHON="$(PYTHON)"
	$(PYTHON) -m venv $(VENV)

# Re-install only when the locked versions (or the project's own metadata) change:
# exactly the locked, hash-checked versions, then the project itself without resolving again.
# `pip check` fails when pyproject.toml asks for what the lock lacks (a dependency added without
# `make lock`), instead of a test failing later on a missing import.
$(STAMP): $(LOCK) pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@$(PY) -m pip check || { echo "$(LOCK) does not fit pyproject.toml: run \`make lock\`." >&2; exit 1; }
	touch $@

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

data: migrate
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_examples

run: data
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest

# The suite without the browser on SQLite, the database `make run` uses (CI runs it after `make test`
# on PostgreSQL, so the SQLite write path is tested too).
test-sqlite: install
	env -u DATABASE_URL $(PY) -m pytest -m "not browser"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# The production set-up on this machine: gunicorn, whitenoise, DEBUG off, PostgreSQL.
SERVE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ekokommun
WORKERS ?= $(shell $(PYTHON) -c 'import os; print(2 * (os.cpu_count() or 1) + 1)')
SERVE_ENV = DJANGO_ENV=production \
	DATABASE_URL="$${DATABASE_URL:-$(SERVE_DATABASE_URL)}" \
	SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" \
	SECURE_COOKIES="$${SECURE_COOKIES:-false}"

serve: install
	createdb -h 127.0.0.1 -U postgres ekokommun 2>/dev/null || true
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py load_reference_data
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(VENV)/bin/gunicorn ekokommun.wsgi --workers $(WORKERS) \
		--bind 127.0.0.1:8000 --graceful-timeout 10
# Background jobs (Celery): workers (as many as wanted, on any machine) and exactly one beat,
# all on the same broker. Without CELERY_BROKER_URL (or REDIS_URL) the targets use this
# machine's Redis, database 1 (the cache's is another).
CELERY_BROKER_DEFAULT ?= redis://127.0.0.1:6379/1
CELERY_ENV = CELERY_BROKER_URL="$${CELERY_BROKER_URL:-$${REDIS_URL:-$(CELERY_BROKER_DEFAULT)}}"
# beat remembers when each entry last ran; a writable place outside the code tree.
BEAT_SCHEDULE_FILE ?= $${XDG_STATE_HOME:-$$HOME/.local/state}/ekokommun/celerybeat-schedule

worker: migrate
	$(CELERY_ENV) $(VENV)/bin/celery -A ekokommun worker -l info

beat: install
	mkdir -p "$$(dirname "$(BEAT_SCHEDULE_FILE)")"
	$(CELERY_ENV) $(VENV)/bin/celery -A ekokommun beat -l info --schedule "$(BEAT_SCHEDULE_FILE)"

# Benchmarks on this machine's PostgreSQL, each in a database of its own; not timed tests.
# They need wrk (apt-get install wrk) and restart PostgreSQL once (the fault run).
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/bulk_load.py
	$(PY) bench/kolada_sync.py
	$(PY) bench/load.py
	$(PY) bench/fault.py
	$(PY) bench/page_weight.py
	$(PY) bench/cold.py
	$(PY) bench/memory.py
	$(PY) bench/browser_main_thread.py

# Rewrites requirements.lock from pyproject.toml after a dependency is added, removed or its range
# changed: for every platform and every Python from 3.11, each file with its hash. Versions already
# in the lock stay unless they must move; `make lock LOCK_ARGS=--upgrade` takes the newest allowed
# everywhere, `LOCK_ARGS="--upgrade-package django"` one package. uv runs from a throwaway venv,
# so neither the project's venv nor the system gets it.
lock:
	@$(MAKE) --no-print-directory python PYTHON="$(PYTHON)"
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
		$(PYTHON) -m venv "$$tmp"; \
		"$$tmp/bin/python" -m pip install --quiet "uv==$(UV_VERSION)"; \
		"$$tmp/bin/uv" pip compile pyproject.toml --extra test --universal --generate-hashes \
			--custom-compile-command "make lock" --quiet -o $(LOCK) $(LOCK_ARGS)
	@echo "$(LOCK) written; \`make install\` installs it."

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
