#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the web app's browser tests (playwright-core drives it).
# Installs it with apt-get when missing; browsers are never downloaded any other way.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "ensure-chromium: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) is installed"
  exit 0
fi

echo "ensure-chromium: installing chromium from Debian's packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
[ -x /usr/bin/chromium ] || { echo "ensure-chromium: /usr/bin/chromium is still missing after apt-get" >&2; exit 1; }
echo "ensure-chromium: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) is ready"
