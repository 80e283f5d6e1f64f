#!/usr/bin/env bash
# Sets everything up (see setup.sh), then runs ruff, mypy, eslint and the whole pytest suite.
# Extra arguments go to both pytest runs, e.g. `bash scripts/test.sh -k assets`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff"
ruff check .
ruff format --check .
# mypy (about 25 s of CPU without its cache, as on a fresh clone) runs beside ESLint and the
# tests that restart PostgreSQL and Redis, which mostly wait for those servers; its report is
# printed, and its failure ends the run, before the worker run that needs both cores.
mypy_log=$(mktemp)
mypy >"$mypy_log" 2>&1 &
mypy_pid=$!
trap 'kill "$mypy_pid" 2>/dev/null || true; rm -f "$mypy_log"' EXIT
finish_mypy() {
  local s=0
  wait "$mypy_pid" || s=$?
  echo "== mypy"
  cat "$mypy_log"
  [ "$s" -eq 0 ] || exit "$s"
}
echo "== eslint"
node_modules/.bin/eslint .
# First, alone, the tests that restart the machine's PostgreSQL and Redis (they would cut
# another worker's connections); then the rest on three workers (VR_TEST_WORKERS: the tests
# wait for servers and browsers a third of the time, so a third worker on two cores fills
# those waits; four was slower), a test file
# per worker at a time so that a module's server starts once, the longest files first
# (--no-loadscope-reorder keeps the order of tests/support/schedule.py). pytest's exit 5 (no test selected, e.g. with -k)
# is not a failure of either run on its own; both selecting nothing is.
run() { local s=0; pytest "$@" || s=$?; [ "$s" -eq 0 ] || [ "$s" -eq 5 ] || exit "$s"; return "$s"; }
ran=0
echo "== pytest (tests that restart PostgreSQL and Redis, alone)"
run -m restarts_services "$@" && ran=1
finish_mypy
echo "== pytest (${VR_TEST_WORKERS:-3} workers)"
run -n "${VR_TEST_WORKERS:-3}" --dist loadfile --no-loadscope-reorder -m "not restarts_services" "$@" \
  && ran=1
[ "$ran" -eq 1 ] || { echo "test.sh: no test was selected" >&2; exit 5; }
