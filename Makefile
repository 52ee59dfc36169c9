# The two commands that work from nothing: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENV2 := .venv-openai2
BIN2 := $(VENV2)/bin
DEMO_VENV := .venv-demo
# -rs: the short summary lists every skipped test with its reason; -n 2: two workers (pytest-xdist), so each leg
# stays within a few minutes on a 2-core machine
PYTEST_FLAGS ?= -q -rs -n 2

.PHONY: demo test test-sdk3 test-sdk2 test-install lint contract contract-data conformance bench clean screenshots

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

$(BIN2)/.installed: pyproject.toml
	test -x $(BIN2)/python || $(PYTHON) -m venv $(VENV2)
	$(BIN2)/python -m pip install -q --upgrade pip
	$(BIN2)/python -m pip install -q -e '.[dev]' 'openai>=2,<3'
	touch $@

## make demo: the quickstart against an in-process emulator, from a small venv of its own (the package and openai,
## nothing of the dev tools): seconds with a warm pip cache.
# The venv gets no pip of its own (that alone takes seconds): the interpreter's pip installs into it, or, where
# that pip is missing or too old for --python, a venv with its own pip does.
DEMO_INSTALL := install -q --disable-pip-version-check -e '.[openai]'
$(DEMO_VENV)/.installed: pyproject.toml
	test -x $(DEMO_VENV)/bin/python || $(PYTHON) -m venv --without-pip $(DEMO_VENV)
	$(PYTHON) -m pip --python $(DEMO_VENV)/bin/python $(DEMO_INSTALL) 2>/dev/null \
		|| ($(PYTHON) -m venv --clear $(DEMO_VENV) && $(DEMO_VENV)/bin/python -m pip $(DEMO_INSTALL))
	touch $@

demo: $(DEMO_VENV)/.installed
	$(DEMO_VENV)/bin/python -m fake_assistants.demo

## make test: lint and type checks, the installed wheel's smoke tests, then the whole suite on openai 3.x (httpx2)
## and on openai 2.x (httpx). Each stage prints its name and its time; a table of them ends the run.
test:
	@$(PYTHON) -m tools.stages lint test-install test-sdk3 test-sdk2

lint: $(BIN)/.installed
	$(BIN)/ruff check fake_assistants tests contract_tests install_tests tools
	$(BIN)/mypy --strict fake_assistants
	$(BIN)/mkdocs build --strict --quiet --site-dir $$(mktemp -d)

test-sdk3: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_FLAGS)

test-sdk2: $(BIN2)/.installed
	$(BIN2)/python -m pytest $(PYTEST_FLAGS)

## make test-install: build the sdist and the wheel, install the wheel in a throwaway venv, smoke-test it from outside.
test-install: $(BIN)/.installed
	$(BIN)/python -m install_tests.run

## make contract-data: derive the shipped contract again from the pinned spec (SPEC=... to name another file).
SPEC ?= ../shared/contract/openapi-assistants.normalized.json
contract-data: $(BIN)/.installed
	$(BIN)/python -m fake_assistants.contract.build $(SPEC)

contract: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_FLAGS) contract_tests

## make conformance: derive the recorded-conformance fixtures again from ../shared/recordings (and its more/).
conformance: $(BIN)/.installed
	$(BIN)/python -m fake_assistants.conformance.derive ../shared/recordings -o contract_tests/conformance
	$(BIN)/python -m fake_assistants.conformance.derive ../shared/recordings/more -o contract_tests/conformance

clean:
	rm -rf $(VENV) $(VENV2) $(DEMO_VENV) $(PEER_VENV) site build *.egg-info

## make bench: one table of side-by-side ratios (lists, memory, state files, server, streams); it also
## regenerates docs/performance.md. A minute or two; never part of `make test`.
# The peer (openai-responses) needs openai 2.x: it gets a venv of its own, so the 2.x test leg stays as it is.
# When it cannot be installed (no network), the peer's row says it was skipped.
PEER_VENV := .venv-peer
$(PEER_VENV)/.installed: pyproject.toml
	test -x $(PEER_VENV)/bin/python || $(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/python -m pip install -q -e '.[openai]' 'openai>=2,<3' openai-responses && touch $@ \
		|| echo "make bench: openai-responses could not be installed; its row will say skipped"

bench: $(BIN)/.installed
	-@$(MAKE) --no-print-directory $(PEER_VENV)/.installed
	FAKE_ASSISTANTS_BENCH_OPENAI2=$${FAKE_ASSISTANTS_BENCH_OPENAI2:-$(PEER_VENV)/bin/python} $(BIN)/python -m tools.benchmark

## make screenshots: pictures of the inspector for the docs (docs/images/), with the system's Chromium.
screenshots: $(BIN)/.installed
	$(BIN)/python -W ignore::DeprecationWarning -m tools.screenshots
