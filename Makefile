# The two commands: `make run` (serve the app with demo data) and `make test` (every test).
# `make lint` is the style and type checks .ci/run does before the tests.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
ASSETS := booking/static/govuk/govuk-frontend.min.css
JSQR := booking/static/vendor/jsQR.js
AXE := tests/browser/vendor/axe.min.js
export FLASK_APP := wsgi

.PHONY: run test test-browser bench lint install assets clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

$(ASSETS):
	./scripts/fetch-govuk-frontend.sh

$(AXE):
	./scripts/fetch-axe.sh

$(JSQR): package-lock.json
	./scripts/fetch-jsqr.sh

assets: $(ASSETS) $(JSQR)

run: install assets
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install assets $(AXE)
	VENV=$(VENV) ./scripts/test.sh

bench: install assets
	VENV=$(VENV) $(BIN)/python bench/run_all.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) booking/static/govuk .pytest_cache .mypy_cache .ruff_cache
