# Developer entry points. Installs are stamped, so a second `make test` does not reinstall unless setup.cfg or
# pyproject.toml changed (the install is editable: code changes need no reinstall).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check --quiet
PACKAGING := setup.cfg pyproject.toml

.PHONY: venv install install-test install-bench install-peers install-lint install-tempest install-fuzz run test lint \
	typecheck bench conformance fuzz clean

venv: $(PY)

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed: $(PACKAGING) | $(PY)
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: $(PACKAGING) | $(PY)
	$(PIP) install -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: $(PACKAGING) | $(PY)
	$(PIP) install -e '.[bench]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

install-bench: $(VENV)/.installed-bench

# moto_server (extra "peers"), measured beside fakenova by `make bench PEERS=1`
$(VENV)/.installed-peers: $(PACKAGING) | $(PY)
	$(PIP) install -e '.[peers]'
	touch $@ $(VENV)/.installed

install-peers: $(VENV)/.installed-peers

# ruff and mypy (extra "lint"); their settings live in pyproject.toml ([tool.ruff]) and setup.cfg ([mypy])
$(VENV)/.installed-lint: $(PACKAGING) | $(PY)
	$(PIP) install -e '.[lint]'
	touch $@ $(VENV)/.installed

install-lint: $(VENV)/.installed-lint

run: install
	$(VENV)/bin/fakenova serve --host 127.0.0.1 --port 8774

test: install-test
	$(PY) -m pytest

lint: install-lint
	$(VENV)/bin/ruff check fakenova tests bench conformance scripts

typecheck: install-lint
	$(VENV)/bin/mypy

# `make bench PEERS=1` also runs the API benchmark's rows against moto_server's EC2 API, side by side
bench: install-test install-bench $(if $(PEERS),install-peers)
	$(PY) bench/api_bench.py $(if $(PEERS),--peers)
	$(PY) bench/list_servers.py
	$(PY) bench/fleet_bench.py
	$(PY) bench/startup.py
	$(PY) bench/port_bench.py
	$(PY) bench/plugin_overhead.py
	$(PY) bench/wsgi_choice.py
	$(PY) bench/round_trips.py
	$(PY) bench/store_bench.py --requests 400
	$(PY) bench/list_servers.py --redis --runs 50

# tempest in a venv of its own (its ~60 pinned packages must not change what the test venv imports)
TEMPEST_VENV ?= .venv-tempest
TEMPEST_PY := $(TEMPEST_VENV)/bin/python
TEMPEST_REQS := conformance/requirements.txt conformance/constraints.txt

$(TEMPEST_PY):
	python3 -m venv $(TEMPEST_VENV)

$(TEMPEST_VENV)/.installed: $(TEMPEST_REQS) | $(TEMPEST_PY)
	$(TEMPEST_PY) -m pip --disable-pip-version-check --quiet install \
		-r conformance/requirements.txt -c conformance/constraints.txt
	touch $@

install-tempest: $(TEMPEST_VENV)/.installed

# tempest.api.compute, serially, against a fresh `fakenova serve`; fails on a failure not in
# conformance/exclude.txt and on an excluded test that no longer fails (see README, Conformance)
conformance: install install-tempest
	$(TEMPEST_PY) -m conformance --fakenova $(VENV)/bin/fakenova
# schemathesis against the reference compute OpenAPI document (../shared), 5xx per operation; minutes, so not in
# `make test`. FUZZ_TIME=seconds bounds the run.
SHARED ?= ../shared
FUZZ_TIME ?= 180
$(VENV)/.installed-fuzz: $(PACKAGING) | $(PY)
	$(PIP) install -e '.[fuzz]'
	touch $@ $(VENV)/.installed

install-fuzz: $(VENV)/.installed-fuzz

fuzz: install-test install-fuzz
	@if [ -d "$(SHARED)/reference/openapi" ]; then \
		$(PY) scripts/fuzz_openapi.py --spec $(SHARED)/reference/openapi/compute-v2.96.yaml --max-time $(FUZZ_TIME); \
	else \
		echo "make fuzz: skipped: $(SHARED)/reference/openapi is absent (the reference OpenAPI document lives there)"; \
	fi

clean:
	rm -rf $(VENV) $(TEMPEST_VENV) build dist *.egg-info .pytest_cache .mypy_cache .coverage
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
