#!/usr/bin/env bash
# Build the judge image for this checkout when it is missing. Uses the offline
# recipe (debootstrap + docker import) unless LCAGENT_IMAGE_BUILD=dockerfile.
set -euo pipefail
LCAGENT="${LCAGENT:-.venv/bin/lcagent}"
if "$LCAGENT" judge-image show >/dev/null 2>&1; then
  exit 0
fi
if [ "${LCAGENT_IMAGE_BUILD:-offline}" = "dockerfile" ]; then
  exec "$LCAGENT" judge-image build
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq debootstrap >/dev/null
fi
echo "ensure-judge-image: building the judge image offline (debootstrap, about a minute)" >&2
exec "$LCAGENT" judge-image build --offline
