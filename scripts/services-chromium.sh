#!/usr/bin/env bash
# Makes Debian's Chromium available for the browser tests (test/browser/, driven by
# playwright-core, which downloads no browser of its own). Idempotent: when /usr/bin/chromium
# exists it only says so. Installs with apt when it is absent and we are root; otherwise it
# says how, and the browser tests skip (or fail, with CI set).
#
# CXPULSE_SERVICES=skip leaves everything alone.
set -euo pipefail

CHROMIUM="${CXPULSE_CHROMIUM:-/usr/bin/chromium}"
say() { echo "[chromium] $*"; }

if [[ "${CXPULSE_SERVICES:-}" == "skip" ]]; then
  say "CXPULSE_SERVICES=skip: not checking Chromium"
  exit 0
fi

if [[ -x "$CHROMIUM" ]]; then
  # --version goes through Debian's wrapper script; a failure here is only cosmetic.
  say "$CHROMIUM present: $("$CHROMIUM" --version 2>/dev/null | head -n1 || echo 'version unknown')"
  exit 0
fi

if [[ "$(id -u)" != "0" ]]; then
  say "$CHROMIUM is absent and we are not root: install it with 'apt-get install chromium' (the browser tests skip without it, and fail when CI is set)"
  exit 0
fi

say "apt-get update"
apt-get update -qq
say "apt-get install chromium"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
say "installed: $("$CHROMIUM" --version 2>/dev/null | head -n1 || echo "$CHROMIUM")"
