#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine, then run all of it:
# lint, types, and pytest (browser tests included, in Debian's chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# Debian's chromium for the browser tests (Playwright's own browser download is not
# possible here), plus independent RDF/XML validators and pandoc (a real citeproc
# consumer of the BibTeX and CSL-JSON exports) used by some tests.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v rapper >/dev/null 2>&1 || need+=(raptor2-utils)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
command -v pandoc >/dev/null 2>&1 || need+=(pandoc)  # renders papers.bib / papers.csl.json (--citeproc)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource-7-bin)  # a second real SPARQL store (tests/test_virtuoso.py)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

.venv/bin/ruff check kg tests benchmarks
.venv/bin/ruff format --check kg tests benchmarks
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
