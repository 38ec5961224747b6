#!/usr/bin/env bash
# Make sure a Docker engine answers. On a machine without one (Debian/Ubuntu, as
# root or with sudo), install Debian's docker.io and start dockerd in the
# background. Prints the pid of a dockerd it started to $LCAGENT_DOCKERD_PIDFILE
# (if set), so a CI script can stop it at the end.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v dockerd >/dev/null 2>&1; then
  echo "ensure-docker: installing Debian's docker.io" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq docker.io >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  log="${TMPDIR:-/tmp}/lcagent-dockerd.log"
  echo "ensure-docker: starting dockerd in the background (log: $log)" >&2
  $SUDO sh -c "nohup dockerd >'$log' 2>&1 & echo \$! > '${TMPDIR:-/tmp}/lcagent-dockerd.pid'"
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    echo "ensure-docker: dockerd did not come up; last log lines:" >&2
    tail -20 "$log" >&2 || true
    exit 1
  fi
  if [ -n "${LCAGENT_DOCKERD_PIDFILE:-}" ]; then
    cp "${TMPDIR:-/tmp}/lcagent-dockerd.pid" "$LCAGENT_DOCKERD_PIDFILE"
  fi
fi
