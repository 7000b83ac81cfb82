# The two commands of the README: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint format system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[test]"
	@touch $@ $(VENV)/.installed-run

# Embedded mode: SQLite under var/, emails on the console, Celery tasks run in-process.
run: export DJANGO_DEBUG ?= true
run: export PORTAL_DOMAIN ?= localhost:$(PORT)
run: $(VENV)/.installed-run
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_communes
	$(BIN)/python manage.py load_demo --port $(PORT)
	$(BIN)/python manage.py runserver 0.0.0.0:$(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

# The W3C Nu HTML checker (RGAA 8.2), from its npm package, for tests/test_html_validity.py.
VNU_VERSION := 26.9.27
VNU := .cache/vnu-$(VNU_VERSION)/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU):
	npm install --prefix .cache/vnu-$(VNU_VERSION) --no-audit --no-fund --silent vnu-jar@$(VNU_VERSION)

test: $(VENV)/.installed-test system-deps $(VNU) lint
	$(BIN)/python -m pytest -n 2

# The browser tests drive Debian's Chromium; docker-compose validates the deployment file; the
# HTML checker needs Java and npm. Each tool, and the Debian package that brings it.
SYSTEM_TOOLS := chromium:chromium docker-compose:docker-compose java:default-jre-headless npm:npm
system-deps:
	@missing=""; for pair in $(SYSTEM_TOOLS); do \
		command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get install -y -q $$missing </dev/null \
			|| (apt-get update -q </dev/null && apt-get install -y -q $$missing </dev/null); \
		else echo "Installez d'abord :$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/db.sqlite3
