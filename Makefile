# Two commands (see README): `make book` sets everything up and builds the HTML book and the PDF;
# `make test` does whatever of that is still missing, then runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | sha256sum | cut -c1-12)

.PHONY: book html test system check bench clean
book: $(STAMP) system
	$(PY) -m cjreport.build --pdf

html: $(STAMP)
	$(PY) -m cjreport.build

test: book
	$(PY) -m pytest -p no:cacheprovider

check: $(STAMP)
	$(PY) -m cjreport.build --check

bench: $(STAMP) system
	$(PY) scripts/benchmark.py

system:
	bash scripts/install-system.sh

$(STAMP): requirements.txt pyproject.toml
	@echo "python: creating $(VENV) and installing requirements.txt (pinned) and the cjreport package"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

clean:
	rm -rf _build
