# certsite: `make run` serves the site with seed data; `make test` runs the whole suite.
PYTHON ?= python3.13
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
AXE_VERSION := 4.14.1
VNU_VERSION := 26.9.27

.PHONY: run serve test test-fast lint format migrations-check deps dev-deps browser-deps nginx-deps check-deploy clean bench loadtest backup restore

$(VENV)/.base: requirements/base.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.dev: requirements/dev.txt $(VENV)/.base
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $@

deps: $(VENV)/.base
dev-deps: $(VENV)/.dev

# Debian's Chromium (never a downloaded browser), axe-core for accessibility checks, and the
# Nu Html Checker (vnu-jar, run with Java) for markup. One npm call: npm prunes what it is not told.
browser-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }
	@command -v java >/dev/null || { apt-get update -qq && apt-get install -y -qq default-jre-headless; }
	@test -f node_modules/axe-core/axe.min.js -a -f node_modules/vnu-jar/build/dist/vnu.jar || \
		npm install --no-save --no-package-lock --silent axe-core@$(AXE_VERSION) vnu-jar@$(VNU_VERSION)

# Debian's nginx, run only by deploy/serve.py with its own config (never the system service).
nginx-deps:
	@test -x /usr/sbin/nginx || command -v nginx >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

run: deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py runserver $(HOST):$(PORT)

# The production stack on 127.0.0.1:8080: nginx → gunicorn → PostgreSQL + Redis (README "Deploy").
serve: deps nginx-deps
	$(PY) deploy/serve.py

# A copy of the database in var/backups/ (or BACKUP_DIR); `make restore FILE=…` puts one back.
backup: deps
	$(PY) manage.py backup

restore: deps
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/…"; exit 2; }
	$(PY) manage.py restore "$(FILE)"

# 60 s at 64 connections against a running `make serve`, an editor saving a price each second.
loadtest: dev-deps
	$(PY) -m deploy.loadtest $(LOADTEST_ARGS)

test: dev-deps browser-deps nginx-deps
	$(PY) -m pytest

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: dev-deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# wrk (Debian's package) against gunicorn: SQLite, plus PostgreSQL when DATABASE_URL is set
# (README "Benchmarks"); narrow it with e.g. BENCH_ARGS="--sizes seed,10000 --kinds partial,home".
bench: dev-deps
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(PY) -m bench.run $(BENCH_ARGS)

migrations-check: deps
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules staticfiles artifacts var/run
