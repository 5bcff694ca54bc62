# Two commands do all the set-up on a fresh Debian machine with only python3:
#   make demo   check the guides, verify them against the simulators in English and in
#               German (refreshing the screenshots), build the site in both languages
#   make test   run the whole test suite (browser tests included)
PYTHON   ?= python3
VENV     ?= .venv
ZVENV    ?= .venv-zensical
BIN      := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium
export NO_MKDOCS_2_WARNING := 1

.PHONY: demo test venv chromium shellcheck zensical serve project-docs bench bench-report lint clean

demo: venv chromium
	$(BIN)/guidegen check
	$(BIN)/guidegen verify --update-screenshots
	$(BIN)/guidegen verify --locale de --update-screenshots --report-dir report/de
	$(BIN)/guidegen build
	@echo "Verification reports: $(CURDIR)/report/results.json, in German report/de/results.json"
	@echo "Site: $(CURDIR)/site/index.html"

test: venv chromium shellcheck zensical
	$(BIN)/pytest $(PYTEST_ARGS)

serve: venv
	$(BIN)/guidegen serve

# guidegen's own documentation, a site apart from the customers' help centre.
project-docs: venv
	$(BIN)/mkdocs build --strict -f mkdocs.project.yml
	@echo "Project documentation: $(CURDIR)/project-site/index.html"

# Each benchmark saves bench/results/<name>.json and exits non-zero when a run it timed
# failed; bench-report regenerates project-docs/benchmarks.md's tables from those files.
bench: venv
	$(BIN)/python bench/build_bench.py
	$(BIN)/python bench/serve_bench.py
	$(BIN)/python bench/sim_bench.py
	$(BIN)/python bench/diff_bench.py
	$(BIN)/python bench/report.py

bench-report: venv
	$(BIN)/python bench/report.py

lint: venv
	$(BIN)/ruff check src simulators tests bench

venv: $(BIN)/.installed
	@# An editable install leaves guidegen's and the simulators' bytecode to the first import,
	@# which cannot write it where PYTHONDONTWRITEBYTECODE is set (as on these machines): every
	@# command then compiled them again (a seventh of a second of each verify's start). Only
	@# what changed is compiled again.
	@$(BIN)/python -m compileall -q src simulators >/dev/null

# Re-installs only when the dependency declarations change.
$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# Playwright cannot download its own browser here: Debian's Chromium is the one we drive.
chromium:
	@test -x $(CHROMIUM) || command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's Chromium (one time)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; }
	@# The simulators' SAML sign-in signs and checks with Debian's xmlsec1 (pysaml2 runs it).
	@command -v xmlsec1 >/dev/null 2>&1 || { \
	  echo "Installing Debian's xmlsec1 (one time)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1; }

# actionlint checks the workflows' run: scripts with shellcheck (tests/unit/test_workflows.py);
# Debian's, since the PyPI wheel exists for x86_64 only.
shellcheck:
	@command -v shellcheck >/dev/null 2>&1 || { \
	  echo "Installing Debian's shellcheck (one time)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck; }

# Zensical pins its own Markdown stack, so it lives in a virtual environment of its own.
zensical: $(ZVENV)/.installed

$(ZVENV)/.installed: constraints-zensical.txt
	$(PYTHON) -m venv $(ZVENV)
	$(ZVENV)/bin/pip install --quiet -c constraints-zensical.txt zensical
	touch $@

clean:
	rm -rf site project-site docs/guides docs-de/guides docs-de/assets .venv .venv-zensical .pytest_cache
