#!/usr/bin/env bash
# Sets everything up (see setup.sh), then runs ruff, mypy and the whole pytest suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k assets`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff"
ruff check .
ruff format --check .
echo "== mypy"
mypy
echo "== pytest"
pytest "$@"
