#!/usr/bin/env bash
# Tools the test suite drives besides Docker and PostgreSQL: a headless browser
# (Debian's chromium) for the report/dashboard checks and Debian's docker-compose
# for the deployment test. Installed when missing (Debian/Ubuntu, root or sudo).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "ensure-test-tools: installing ${need[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
