# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Test processes (pytest-xdist): one per core.
JOBS   ?= auto
PY     := $(VENV)/bin/python
# The venv's Python: Debian's own python3 where it is 3.11 or newer (a profile-guided build: the
# suite costs ~14 % less CPU than under a default pyenv build), else the python3 on PATH.
PYTHON ?= $(shell /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& echo /usr/bin/python3 || echo python3)
STAMP  := $(VENV)/.installed
UV     := $(VENV)/bin/uv
LOCK   := requirements.lock
# What a web host installs: the runtime dependencies only, at the versions of $(LOCK).
APP_LOCK := requirements-app.lock
FLASK  := $(VENV)/bin/flask --app app
# What the browser tests take from the npm registry (axe-core), at package-lock.json's versions.
NODE_STAMP := node_modules/.package-lock.json
NPM    := npm --ignore-scripts --no-audit --no-fund
# The address to open in a browser: a server listening on all interfaces is also on 127.0.0.1.
URL    := http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
# The one way the locks are made: hashes, pip and setuptools pinned too, no local indexes.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
# Every extra: what `make` installs for development and tests.
COMPILE := $(PIP_COMPILE) --extra test --extra bench --extra lock --extra install --output-file $(LOCK) pyproject.toml
# Then the host's lock from it: no extras, but setuptools to install the project itself with,
# every version taken from $(LOCK) (tests/test_tooling.py checks they agree).
COMPILE_APP := $(PIP_COMPILE) --build-deps-for editable --upgrade --constraint $(LOCK) \
	--output-file $(APP_LOCK) pyproject.toml

.PHONY: run test demo build bench install lock upgrade screenshots packages-run packages-test clean

# Debian packages: installed as root or with sudo without a password; otherwise the command to run.
packages-run packages-test: packages-%:
	@PYTHON=$(PYTHON) scripts/system-packages $*

# uv installs; pip comes from the lock like everything else (pip-compile needs it).
$(PY): | packages-run
	$(PYTHON) -m venv --without-pip $(VENV)

# uv at the version and hashes the lock pins, from PyPI through ensurepip's pip wheel.
$(UV): | $(PY)
	$(PY) scripts/bootstrap-uv $(LOCK)

# uv reads neither pip.conf nor PIP_* variables. It trusts the system's CA certificates, as pip
# did (a proxy's own CA may be only there), and installs into the venv's Python, never a Python
# of its own. Bytecode compiled at install, as pip did: other accounts (Apache's CGI) cannot
# write it later, and the test processes would write it with umask 077.
UV_PIP       := $(UV) pip --quiet --system-certs --no-python-downloads
INSTALL_LOCK := $(UV_PIP) install --python $(PY) --require-hashes --compile-bytecode -r $(LOCK)

# Exactly what the lock says (hash-checked), then this project itself; redone when either changes.
# Every file in the lock is pinned by its hash, so uv's cache alone can answer: the index is
# asked only when the cache lacks a file (then --offline fails, quietly, and the second try fetches).
$(STAMP): $(LOCK) pyproject.toml | $(UV)
	$(INSTALL_LOCK) --offline 2>/dev/null || $(INSTALL_LOCK)
	$(UV_PIP) install --python $(PY) --no-deps --no-build-isolation -e .
	@$(UV_PIP) check --python $(PY) >/dev/null || { $(UV_PIP) check --python $(PY); \
		echo "$(LOCK) mist wat pyproject.toml vraagt: maak hem opnieuw met 'make lock'." >&2; exit 1; }
	touch $(STAMP)

# npm writes its own copy of the lock into node_modules after every install: newer than the lock
# when node_modules is up to date. The cache first, the registry only if it lacks a package.
$(NODE_STAMP): package-lock.json package.json | packages-test
	$(NPM) ci --prefer-offline --loglevel=error

install: $(STAMP)

build: $(STAMP)
	$(PY) build.py

run: packages-run build
	@echo "Publieke site: $(URL)/   beheer: $(URL)/beheer/"
	FLASK_SESSION_COOKIE_SECURE=false FLASK_SETUP_CODE_REQUIRED=false $(FLASK) run --host $(HOST) --port $(PORT)

demo: $(STAMP)
	$(FLASK) demo --url $(URL)

# worksteal: a worker that runs out takes tests from the other's queue (tests/conftest.py puts
# the longest first), so both stay busy to the end. Bytecode caches are written even where the
# environment says not to (PYTHONDONTWRITEBYTECODE=1, common in CI images), from the build on:
# otherwise each worker rewrites every test module's asserts at every run (collecting on two
# workers took 13.7 s of CPU, 5.6 s cached) and every process a test starts compiles the project.
test: export PYTHONDONTWRITEBYTECODE :=
test: packages-test build $(NODE_STAMP)
	$(PY) -m pytest -n $(JOBS) --dist worksteal

# The locks after a change to pyproject.toml: keeps every other pin as it is.
lock: | $(UV)
	$(INSTALL_LOCK)
	$(COMPILE)
	$(COMPILE_APP)
	$(NPM) install --package-lock-only

# Every dependency to its newest allowed version, then the whole suite as the gate.
upgrade: | $(UV)
	$(INSTALL_LOCK)
	$(COMPILE) --upgrade
	$(COMPILE_APP)
	$(NPM) update --package-lock-only
	$(MAKE) test

screenshots: packages-test build
	$(PY) scripts/screenshots.py

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf public $(VENV) .pytest_cache node_modules
