# Developer entry points. Installs are stamped, so a second `make test` does not reinstall unless setup.cfg or
# pyproject.toml changed (the install is editable: code changes need no reinstall).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check --quiet
PACKAGING := setup.cfg pyproject.toml

.PHONY: venv install install-test install-bench install-peers install-fuzz run test bench fuzz clean

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

run: install
	$(VENV)/bin/fakenova serve --host 127.0.0.1 --port 8774

test: install-test
	$(PY) -m pytest

# `make bench PEERS=1` also runs the API benchmark's rows against moto_server's EC2 API, side by side
bench: install-test install-bench $(if $(PEERS),install-peers)
	$(PY) bench/api_bench.py $(if $(PEERS),--peers)
	$(PY) bench/list_servers.py
	$(PY) bench/plugin_overhead.py
	$(PY) bench/wsgi_choice.py

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
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .coverage
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
