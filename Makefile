# The two commands: `make run` (serve the app with demo data) and `make test` (every test).
# `make lint` is the style and type checks .ci/run does before the tests.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
ASSETS := booking/static/govuk/govuk-frontend.min.css
AXE := tests/browser/vendor/axe.min.js
export FLASK_APP := wsgi

.PHONY: run test test-browser bench lint install assets clean pango

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed pango

# WeasyPrint (certificates as PDF) needs Pango and a font from Debian's packages.
pango:
	@if ! ldconfig -p | grep -q 'libpango-1.0.so' || ! ldconfig -p | grep -q 'libpangoft2-1.0.so' \
	   || [ ! -d /usr/share/fonts/truetype/liberation ]; then \
	  echo "Installing Pango and fonts for PDF certificates"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation >/dev/null; \
	fi

$(ASSETS):
	./scripts/fetch-govuk-frontend.sh

$(AXE):
	./scripts/fetch-axe.sh

assets: $(ASSETS)

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
