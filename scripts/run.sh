#!/usr/bin/env bash
# Sets everything up (see setup.sh), packages the sample scenes in scenes/ into var/dist, and
# runs the server on the embedded default (SQLite in var/, in-process bus) at
# http://localhost:8000 (VR_HOST / VR_PORT change that; VR_HOST=0.0.0.0 serves a LAN).
#
#   bash scripts/run.sh [--demo N] [vr-server serve options...]
#
# On a fresh data folder the server prints a one-time setup link for the first admin account.
# --demo N also starts N simulated headsets (`vr-server demo`) once that account exists;
# Ctrl-C stops the server and them.
set -euo pipefail
cd "$(dirname "$0")/.."
demo=""
port="${VR_PORT:-8000}"
serve_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --demo) demo="${2:?--demo needs a number of headsets}"; shift 2 ;;
    --demo=*) demo="${1#--demo=}"; shift ;;
    --port) port="${2:?--port needs a number}"; serve_args+=("$1" "$2"); shift 2 ;;
    --port=*) port="${1#--port=}"; serve_args+=("$1"); shift ;;
    *) serve_args+=("$1"); shift ;;
  esac
done
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
export VR_DATA_DIR="${VR_DATA_DIR:-$PWD/var}"
dist="$VR_DATA_DIR/dist"
scene_dirs=()
for yaml in scenes/*/scene.yaml; do scene_dirs+=("$(dirname "$yaml")"); done
echo "== packaging the ${#scene_dirs[@]} scenes in scenes/ into $dist"
vr-content package "${scene_dirs[@]}" -o "$dist" --compress meshopt  # what headsets should get
export VR_CONTENT_DIRS="${VR_CONTENT_DIRS:-[\"$dist\"]}"
if [[ -n "$demo" ]]; then
  echo "== $demo simulated headset(s) will join once the server has its admin account"
  # same process group: the terminal's Ctrl-C reaches it and the server alike
  vr-server demo --headsets "$demo" --server "http://127.0.0.1:$port" &
fi
echo "== starting the server"
exec vr-server serve "${serve_args[@]}"
