#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the web app's browser tests (playwright-core drives it),
# with a small CJK font so the Simplified Chinese screenshots are legible. Installs with apt-get when missing;
# browsers are never downloaded any other way.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)

if [ ${#missing[@]} -gt 0 ]; then
  echo "ensure-chromium: installing ${missing[*]} from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x /usr/bin/chromium ] || { echo "ensure-chromium: /usr/bin/chromium is still missing after apt-get" >&2; exit 1; }
echo "ensure-chromium: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) is ready"
