#!/usr/bin/env bash
# Makes sure the engines of the web app's cross-browser tests (packages/web/test/cross-browser) are installed from
# Debian's packages: Firefox ESR (puppeteer-core drives it over WebDriver BiDi), WebKitGTK's WebKitWebDriver and
# MiniBrowser (WebKit, Safari's engine; the webdriver package drives it) and Xvfb (MiniBrowser has no headless mode).
# Installs with apt-get when missing; browsers are never downloaded any other way.
set -euo pipefail

minibrowser() { ls /usr/lib/*-linux-gnu/webkit2gtk-4.*/MiniBrowser 2>/dev/null | sort | tail -n 1; }

missing=()
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || missing+=(webkit2gtk-driver)
[ -n "$(minibrowser)" ] || missing+=(libwebkit2gtk-4.1-0)
[ -x /usr/bin/Xvfb ] || missing+=(xvfb)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)

if [ ${#missing[@]} -gt 0 ]; then
  echo "ensure-browsers: installing ${missing[*]} from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

fail() { echo "ensure-browsers: $1 is still missing after apt-get" >&2; exit 1; }
[ -x /usr/bin/firefox-esr ] || fail /usr/bin/firefox-esr
[ -x /usr/bin/WebKitWebDriver ] || fail /usr/bin/WebKitWebDriver
[ -n "$(minibrowser)" ] || fail "/usr/lib/*-linux-gnu/webkit2gtk-4.*/MiniBrowser"
[ -x /usr/bin/Xvfb ] || fail /usr/bin/Xvfb
echo "ensure-browsers: $(/usr/bin/firefox-esr --version 2>/dev/null || echo firefox-esr)," \
  "WebKitGTK $(dpkg-query -W -f='${Version}' webkit2gtk-driver 2>/dev/null || echo '?') and Xvfb are ready"
