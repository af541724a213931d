# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint migrate data clean serve bench

$(PY):
	$(PYTHON) -m venv $(VENV)

# Re-install only when the dependency list changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

data: migrate
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo

run: data
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest

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
# Benchmarks on this machine's PostgreSQL, each in a database of its own; not timed tests.
# They need wrk (apt-get install wrk) and restart PostgreSQL once (the fault run).
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/bulk_load.py
	$(PY) bench/load.py
	$(PY) bench/fault.py
	$(PY) bench/page_weight.py
	$(PY) bench/cold.py
	$(PY) bench/browser_main_thread.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
