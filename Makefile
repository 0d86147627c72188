# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
FLASK  := $(VENV)/bin/flask --app app

.PHONY: run test demo build bench install clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the project's dependency list changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(PY) build.py

run: build
	FLASK_SESSION_COOKIE_SECURE=false FLASK_SETUP_CODE_REQUIRED=false $(FLASK) run --host 127.0.0.1 --port 5000

demo: $(STAMP)
	$(FLASK) demo

test: build
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf public $(VENV) .pytest_cache
