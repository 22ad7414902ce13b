# Two commands (see README): `make book` sets everything up and builds the HTML book and the PDF;
# `make test` does whatever of that is still missing, then runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml setup.py | sha256sum | cut -c1-12)

.PHONY: book book-public html test test-fast system check bench clean lab
book: $(STAMP) system
	$(PY) -m cjreport.build --pdf

html: $(STAMP)
	$(PY) -m cjreport.build

# The public edition (cjreport/edition.py; README: which edition to publish where), HTML and PDF, in _build/public/.
book-public: $(STAMP) system
	CJREPORT_EDITION=public $(PY) -m cjreport.build --pdf --out _build/public

test: book book-public
	$(PY) -m pytest -p no:cacheprovider

# The unit tier only (tests/unit: data, loaders, analysis, display objects, the import contracts): no book build,
# no browser; the inner loop while changing the package or data/.
test-fast: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider tests/unit

check: $(STAMP)
	$(PY) -m cjreport.build --check

bench: $(STAMP) system
	$(PY) scripts/benchmark.py

# JupyterLab on this machine only (127.0.0.1), as root too; chapters (book/*.md) open as notebooks through
# Jupytext (scripts/jupyterlab/overrides.json); kernels get CurveZMQ-encrypted transport, so they warn of nothing.
# overrides.json also sets the notebook's windowingMode to "none": JupyterLab's default (contentVisibility) parses
# Markdown cells below the fold later, in idle time, and jupyterlab-myst evaluates a cell's {eval} values only from
# its parsed form, so a Run All soon after opening left those cells showing names (3 of 6 trial runs of methods).
LAB_FLAGS := --allow-root --no-browser --ip=127.0.0.1 --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/book \
	--LabApp.app_settings_dir=scripts/jupyterlab --KernelManager.transport_encryption=auto
lab: $(STAMP)
	@echo "JupyterLab: open the http://127.0.0.1:... address printed below in your browser; the book/ folder is shown."
	@echo "Double-click a chapter such as alliance.md (it opens as a notebook), then Run > Run All Cells."
	@echo "The quotation explorer is at the end of methods.md. Stop JupyterLab with Ctrl-C."
	$(VENV)/bin/jupyter lab $(LAB_FLAGS)

system:
	bash scripts/install-system.sh

$(STAMP): requirements.txt pyproject.toml setup.py
	@echo "python: creating $(VENV) and installing requirements.txt (pinned) and the cjreport package"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

clean:
	rm -rf _build
