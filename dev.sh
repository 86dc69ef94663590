#!/usr/bin/env bash
# The two commands a newcomer needs; both set up a virtual environment first.
#   ./dev.sh build [build options]   set up, then rebuild the pinned releases (python -m tfhub_dataset build)
#   ./dev.sh test [pytest options]   set up, then lint, validate CITATION.cff and run the tests
set -euo pipefail
cd "$(dirname "$0")"
VENV="${TFHUB_VENV:-.venv}"
PY="${PYTHON:-python3}"

setup() {
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  # Reinstall only when pyproject.toml changed since the last install.
  stamp="$VENV/.tfhub-installed-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e '.[test]'
    rm -f "$VENV"/.tfhub-installed-*
    touch "$stamp"
  fi
}

validate_citation() {
  # cffconvert 2 pins jsonschema 3, which breaks frictionless 5: it lives in a venv of its own.
  cff="build/cffvenv"
  [ -x "$cff/bin/cffconvert" ] || { "$PY" -m venv "$cff" && "$cff/bin/python" -m pip install --quiet 'cffconvert==2.0.0'; }
  "$cff/bin/cffconvert" --validate -i CITATION.cff
}

case "${1:-}" in
  build)
    shift
    setup
    exec "$VENV/bin/python" -m tfhub_dataset build "$@"
    ;;
  test)
    shift
    setup
    "$VENV/bin/ruff" check tfhub_dataset tests benchmarks
    validate_citation
    # -n auto: one test worker per core (pytest-xdist), the tests of an expensive shared fixture
    # on one of them, in the order collected (tests/conftest.py); -n 0 runs in one process.
    exec "$VENV/bin/python" -m pytest -q -n auto --dist loadgroup --no-loadscope-reorder "$@"
    ;;
  *)
    echo "usage: ./dev.sh build [options]   (set up and rebuild the pinned releases)" >&2
    echo "       ./dev.sh test [options]    (set up and run the tests)" >&2
    exit 2
    ;;
esac
