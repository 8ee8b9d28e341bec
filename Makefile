# The two commands: `make run` (serve the app with demo data) and `make test` (every test).
# `make lint` is the style and type checks .ci/run does before the tests.
# `make run` installs only what serving needs; `make test` and `make lint` add the test tools
# (the `test` extra in pyproject.toml). `make run PORT=5050` serves on another port, and the
# links in emails follow it unless SITE_URL is set.
VENV ?= .venv
PORT ?= 5000
PYTHON ?= python3
BIN := $(VENV)/bin
ASSETS := booking/static/govuk/govuk-frontend.min.css
JSQR := booking/static/vendor/jsQR.js
AXE := tests/browser/vendor/axe.min.js
export FLASK_APP := wsgi

.PHONY: run test test-browser bench lint install install-test assets clean pango

# What serving needs (the app and its dependencies), then the test tools on top.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(BIN)/.installed pango

# WeasyPrint (certificates as PDF) needs Pango and a font from Debian's packages.
pango:
	@if ! ldconfig -p | grep -q 'libpango-1.0.so' || ! ldconfig -p | grep -q 'libpangoft2-1.0.so' \
	   || ! ldconfig -p | grep -q 'libharfbuzz-subset.so' \
	   || [ ! -d /usr/share/fonts/truetype/liberation ]; then \
	  echo "Installing Pango and fonts for PDF certificates"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation >/dev/null; \
	fi

install-test: $(BIN)/.installed-test

# Pinned in package-lock.json (and tests/browser/package-lock.json): a new lock rebuilds.
$(ASSETS): package-lock.json
	./scripts/fetch-govuk-frontend.sh

$(AXE): tests/browser/package-lock.json
	./scripts/fetch-axe.sh

$(JSQR): package-lock.json
	./scripts/fetch-jsqr.sh

assets: $(ASSETS) $(JSQR)

run: install assets
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: install-test assets $(AXE)
	VENV=$(VENV) ./scripts/test.sh

$(BIN)/.installed-bench: $(BIN)/.installed-test
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	touch $@

bench: $(BIN)/.installed-bench assets
	VENV=$(VENV) $(BIN)/python bench/run_all.py

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) booking/static/govuk node_modules tests/browser/node_modules tests/browser/vendor .pytest_cache .mypy_cache .ruff_cache
