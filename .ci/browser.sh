#!/usr/bin/env bash
# The debtor portal and the finance console in real headless Chromium (Selenium), against a fresh `kontor serve` that
# sends mail to an aiosmtpd server on loopback. Installs Chromium, its driver and Selenium when
# missing. Screenshots: .build/browser-screenshots/.
# Usage: [KONTOR_BIN=path] .ci/browser.sh   (default: the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
kontor=${KONTOR_BIN:-.build/debug/kontor}
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
venv=.build/browser-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import selenium, aiosmtpd' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check selenium aiosmtpd
fi
rm -rf .build/browser-screenshots
timeout 600 "$venv/bin/python" Tests/Browser/portal_browser.py "$kontor"
timeout 600 "$venv/bin/python" Tests/Browser/console_browser.py "$kontor"
