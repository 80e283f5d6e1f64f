#!/usr/bin/env bash
# Sets up everything the project needs, idempotently: a Python virtual environment with the
# project and its dependencies, (when package.json exists) the npm packages, and the local
# PostgreSQL and Redis servers the tests use, started when they are down (scripts/services.sh).
# Re-running is cheap: each step is skipped when its inputs have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for c in python3.11 python3.12 python3.13 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then PY=$c; break; fi
  done
fi
[ -n "$PY" ] || { echo "setup: Python 3.11 or newer is required" >&2; exit 1; }

stamp() { sha256sum "$@" 2>/dev/null | sha256sum | cut -d' ' -f1; }

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating virtual environment in .venv ($($PY --version))"
  "$PY" -m venv "$VENV"
fi
want=$(stamp pyproject.toml)
if [ "$(cat "$VENV/.setup-stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages"
  # uv (from PyPI, into the venv) installs the same packages as pip in about a fifth of the
  # time (12 s against 55-68 s on a fresh clone, 2026-12-07): the suite's 10-minute budget
  # includes this setup. pip does it when uv cannot be had.
  if "$VENV/bin/python" -m pip install --disable-pip-version-check -q uv \
    && "$VENV/bin/python" -m uv pip install -q --python "$VENV/bin/python" -e ".[dev]"; then
    :
  else
    echo "setup: uv failed (above); installing with pip (this takes a minute)"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q -e ".[dev]"
  fi
  echo "$want" > "$VENV/.setup-stamp"
fi

# Debian's chromium runs the WebXR browser tests (tests/e2e/web); test tools never download browsers.
if ! command -v chromium >/dev/null 2>&1 || [ ! -x /usr/lib/chromium/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian's chromium (for the WebXR browser tests)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "setup: chromium is missing (needed by tests/e2e/web): run 'sudo apt-get install chromium'" \
      "or re-run this script as root" >&2
    exit 1
  fi
fi

if [ -f package.json ]; then
  want=$(stamp package.json package-lock.json)
  if [ ! -d node_modules ] || [ "$(cat node_modules/.setup-stamp 2>/dev/null)" != "$want" ]; then
    command -v npm >/dev/null 2>&1 || { echo "setup: npm (Node.js 18 or newer) is required" >&2; exit 1; }
    echo "setup: installing npm packages"
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
    echo "$want" > node_modules/.setup-stamp
  fi
fi

# PostgreSQL and Redis for the tests (the server itself runs without them, on SQLite): a
# warning here, because the tests that need them fail with their own clear message.
bash scripts/services.sh ||
  echo "setup: warning: PostgreSQL or Redis is not running (see above); the tests that use" \
    "them will fail, the server on SQLite works without them" >&2
