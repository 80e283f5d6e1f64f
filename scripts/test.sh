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
# printed, and its failure ends the run, before the two-worker run that needs both cores.
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
# First the tests that restart the machine's PostgreSQL and Redis (they would cut another
# worker's connections), with no other end-to-end test beside them; meanwhile the fast tier
# (no server process, no PostgreSQL or Redis: tests/support/e2e.py) runs on two workers, its
# report printed after theirs (those tests mostly wait for the servers to come back). Then the
# other end-to-end tests on two workers (VR_TEST_WORKERS), a test file per worker at a time so
# that a module's server starts once, the longest files first (--no-loadscope-reorder keeps
# the order of tests/support/schedule.py). pytest's exit 5 (no test selected, e.g. with -k) is
# not a failure of any run on its own; all of them selecting nothing is.
run() { local s=0; pytest "$@" || s=$?; [ "$s" -eq 0 ] || [ "$s" -eq 5 ] || exit "$s"; return "$s"; }
ran=0
fast_log=$(mktemp)
pytest -p no:cacheprovider -n 2 -m "not e2e and not restarts_services" "$@" >"$fast_log" 2>&1 &
fast_pid=$!
trap 'kill "$mypy_pid" "$fast_pid" 2>/dev/null || true; rm -f "$mypy_log" "$fast_log"' EXIT
echo "== pytest (tests that restart PostgreSQL and Redis, alone but for the fast tier)"
run -m restarts_services "$@" && ran=1
finish_mypy
fast=0
wait "$fast_pid" || fast=$?
echo "== pytest (the fast tier, beside them)"
cat "$fast_log"
[ "$fast" -eq 0 ] || [ "$fast" -eq 5 ] || exit "$fast"
[ "$fast" -eq 5 ] || ran=1
echo "== pytest (end-to-end, ${VR_TEST_WORKERS:-2} workers)"
run -n "${VR_TEST_WORKERS:-2}" --dist loadfile --no-loadscope-reorder -m "e2e and not restarts_services" "$@" \
  && ran=1
[ "$ran" -eq 1 ] || { echo "test.sh: no test was selected" >&2; exit 5; }
