#!/usr/bin/env bash
# A Debian bookworm base image with python3, venv and pip, built without any
# container registry: debootstrap into a folder, then docker import. For the
# agent Dockerfile's BASE_IMAGE where no registry is reachable.
set -euo pipefail
TAG="${1:-lcagent-base:bookworm}"
MIRROR="${LCAGENT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
if docker image inspect "$TAG" >/dev/null 2>&1; then
  echo "$TAG"
  exit 0
fi
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
ROOT="$(mktemp -d)"
trap 'rm -rf "$ROOT"' EXIT
debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates bookworm "$ROOT/rootfs" "$MIRROR" >/dev/null
rm -rf "$ROOT"/rootfs/usr/share/doc "$ROOT"/rootfs/usr/share/man "$ROOT"/rootfs/var/lib/apt/lists/*
tar --numeric-owner -C "$ROOT/rootfs" -c . | docker import --change 'CMD ["python3"]' - "$TAG" >/dev/null
echo "$TAG"
