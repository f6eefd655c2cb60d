# Two commands on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WITH_DB := $(BIN)/python bin/devdb.py

# Development values; production reads its own environment (README, Configuration).
DEV_ENV := DJANGO_DEBUG=true DJANGO_SECRET_KEY=development-only-key-never-use-in-production-5f1c9a7e \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost

.PHONY: run test install lint format manage messages benchmark requirements

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(DEV_ENV) $(WITH_DB) sh -c '$(BIN)/python manage.py migrate --noinput && \
		$(BIN)/python manage.py seed_demo --first-run --clients 300 && \
		exec $(BIN)/python manage.py runserver 127.0.0.1:8000'

test: install
	$(WITH_DB) $(BIN)/pytest -n 4 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# make manage ARGS="seed_demo --help"
manage: install
	$(DEV_ENV) $(WITH_DB) $(BIN)/python manage.py $(ARGS)

# Recompile the German translations after editing hagen_zuhause/locale/de/LC_MESSAGES/django.po.
messages: install
	$(DEV_ENV) DATABASE_URL=postgres://unused/unused $(BIN)/python manage.py makemessages -l de --no-obsolete --ignore=.venv --ignore=var
	$(DEV_ENV) DATABASE_URL=postgres://unused/unused $(BIN)/python manage.py compilemessages -l de --ignore=.venv

# Speed at scale: seeds 100,000 clients once into its own database, writes docs/performance.md.
# make benchmark BENCH_ARGS="--clients 5000 --requests 10 --load-seconds 10" for a quick run.
benchmark: install
	$(WITH_DB) $(BIN)/python bench/run.py $(BENCH_ARGS)

# Recompile the hashed pins after editing requirements.in or requirements-dev.in (README, Dependencies).
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras --no-emit-index-url --no-emit-find-links
requirements: install
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in
