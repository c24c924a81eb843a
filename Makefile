# attention-animated: two commands from a fresh clone.
#   make demo   renders the demo into media/
#   make test   runs the fast test suite (a few minutes); make test-all runs every test (what CI runs)
# Both install what they need first (apt packages, .venv, the project); a second run does nothing extra.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
APT_PACKAGES := libcairo2-dev libpango1.0-dev pkg-config \
	texlive-latex-base texlive-latex-recommended texlive-latex-extra \
	texlive-fonts-recommended dvisvgm
# The tests also read numbers back from rendered frames (OCR).
TEST_APT_PACKAGES := tesseract-ocr tesseract-ocr-eng
STAMP  := $(VENV)/.installed

.PHONY: setup system-deps test-deps demo test test-all golden bench clean
.DEFAULT_GOAL := help

help:
	@echo "make demo    render the demo into media/ (installs what it needs first)"
	@echo "make test    run the fast test suite, a few minutes (installs what it needs first)"
	@echo "make test-all  run every test, the slow renders too (what CI runs)"
	@echo "make golden  regenerate the golden frames after an intended visual change"
	@echo "make bench   run the benchmarks (prints a table, writes benchmarks/results/)"

system-deps:
	@sh tools/install-system-deps.sh $(APT_PACKAGES)

test-deps: setup
	@sh tools/install-system-deps.sh $(TEST_APT_PACKAGES)

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch first, pinned: the CPU wheel is on these machines' disk, an open range would fetch a CUDA build.
$(STAMP): pyproject.toml | $(PY)
	$(MAKE) system-deps
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[real,test]'
	touch $(STAMP)

setup: system-deps $(STAMP)

demo: setup
	$(VENV)/bin/attention-render demo
	@echo "attention-render is in .venv/bin: run '. .venv/bin/activate' to put it on your PATH"

# The fast suite: everything not marked slow (see tests/conftest.py). test-all: every test.
test: test-deps
	$(PY) -m pytest -m "not slow"

test-all: test-deps
	$(PY) -m pytest

golden: setup
	$(PY) -m pytest tests/test_golden.py --regenerate-golden

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache
