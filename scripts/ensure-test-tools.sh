#!/usr/bin/env bash
# Tools the test suite drives besides Docker and PostgreSQL: a headless browser
# (Debian's chromium) for the report/dashboard checks, Debian's docker-compose
# for the deployment test, and mkfs.fat and fusefat for a case-insensitive file
# system (tests/test_slugs.py). Installed when missing (Debian/Ubuntu, root or sudo).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
PATH="$PATH:/usr/sbin:/sbin" command -v mkfs.fat >/dev/null 2>&1 || need+=(dosfstools)  # sbin: not on a user's PATH
command -v fusefat >/dev/null 2>&1 || need+=(fusefat)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "ensure-test-tools: installing ${need[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
