# High needs intervention portal. Quick start: `make run` (then http://127.0.0.1:8000), `make test`.
# Needs Python 3.11 or newer as python3 (or: make run PYTHON=python3.12).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# Tests run in parallel, one pytest-xdist worker per core, each with its own test database. `load`
# hands each worker its tests in the suite's order, so a transactional test (which empties the
# database) is never followed by one that expects the reference data in place (not so `worksteal`).
PYTEST_WORKERS ?= auto
CHECK_VERSION := import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])

.PHONY: venv run test lint check

# Internal: the virtualenv, with the pinned development requirements (which include the runtime
# ones). The stamp file makes a re-run quick until a requirements file changes.
venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if [ ! -x $(BIN)/python ]; then \
		$(PYTHON) -c '$(CHECK_VERSION)' \
			|| { echo "make: $(PYTHON) is missing or older than Python 3.11; install 3.11+ or run make with PYTHON=python3.11" >&2; exit 1; }; \
		echo "Creating $(VENV) with $$($(PYTHON) --version)"; \
		$(PYTHON) -m venv $(VENV); \
	fi
	@$(BIN)/python -c '$(CHECK_VERSION)' \
		|| { echo "make: $(VENV) has a Python older than 3.11; remove it (rm -rf $(VENV)) and run make again" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# The portal on the embedded defaults (SQLite file, Celery tasks in-process) with demo data.
run: venv
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_reference_data
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# All tests. Extra pytest arguments: make test PYTEST_ARGS="-k healthz -x"; one process: PYTEST_WORKERS=0
test: venv
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist load $(PYTEST_ARGS)

# ruff, and the layers of docs/decisions/0017-layers.md (import-linter contracts in pyproject.toml).
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Django's system checks, and no model change left without its migration.
check: venv
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
