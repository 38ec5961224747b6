#!/usr/bin/env bash
# Wheels for the agent image, downloaded on this machine (which reaches the
# package index) for the base image's Python, so `docker build` installs them
# without any index: deploy/wheels/. Usage: build-wheelhouse.sh [BASE_IMAGE]
set -euo pipefail
cd "$(dirname "$0")/.."
BASE="${1:-lcagent-base:bookworm}"
PY="${PYTHON:-.venv/bin/python}"
FINAL=deploy/wheels
OUT="$(mktemp -d deploy/.wheels.XXXXXX)"  # filled aside, swapped in whole: a build never sees half
trap 'rm -rf "$OUT"' EXIT
TARGET="$(docker run --rm --network none "$BASE" python3 -c 'import platform; print(platform.python_version())')"
"$PY" -m pip wheel -q --no-deps . -w "$OUT"
DEPS="$("$PY" - <<'PY'
import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))
PY
)"
mapfile -t REQS <<<"$DEPS"
"$PY" -m pip download -q --dest "$OUT" --only-binary=:all: --python-version "$TARGET" \
  --implementation cp --abi "cp$(echo "$TARGET" | cut -d. -f1,2 | tr -d .)" --abi abi3 --abi none \
  "${REQS[@]}" 2>&1 | grep -v "^WARNING: Location" || true
rm -f "$FINAL"/*.whl
mv "$OUT"/*.whl "$FINAL"/
ls "$FINAL"/*.whl | wc -l
