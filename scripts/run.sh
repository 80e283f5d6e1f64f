#!/usr/bin/env bash
# Sets everything up (see setup.sh), packages the sample scenes in scenes/ into var/dist, and
# runs the server on the embedded default (SQLite in var/, in-process bus) at
# http://localhost:8000 (VR_HOST / VR_PORT change that; VR_HOST=0.0.0.0 serves a LAN).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
export VR_DATA_DIR="${VR_DATA_DIR:-$PWD/var}"
dist="$VR_DATA_DIR/dist"
scene_dirs=()
for yaml in scenes/*/scene.yaml; do scene_dirs+=("$(dirname "$yaml")"); done
echo "== packaging the ${#scene_dirs[@]} scenes in scenes/ into $dist"
vr-content package "${scene_dirs[@]}" -o "$dist"
export VR_CONTENT_DIRS="${VR_CONTENT_DIRS:-[\"$dist\"]}"
echo "== starting the server"
exec vr-server serve "$@"
