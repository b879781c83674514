#!/usr/bin/env bash
# Makes the `dovecot` binary available for the e-mail connector's integration tests
# (test/connectors/email-*.test.ts). It does NOT start a system-wide IMAP server: each test
# starts its own throwaway Dovecot on a free loopback port (test/helpers/dovecot.ts).
#
# Idempotent; installs Debian's dovecot-imapd with apt when the binary is missing and we are root.
# Without root it only says what to do: the tests then skip locally, and fail when CI=true.
# CXPULSE_SERVICES=skip leaves everything alone, as in scripts/services.sh.
set -euo pipefail

say() { echo "[services] $*"; }

if [[ "${CXPULSE_SERVICES:-}" == "skip" ]]; then
  exit 0
fi

dovecot_bin() {
  command -v dovecot 2>/dev/null || { [[ -x /usr/sbin/dovecot ]] && echo /usr/sbin/dovecot; } || true
}

if [[ -n "$(dovecot_bin)" ]]; then
  say "dovecot: $("$(dovecot_bin)" --version 2>/dev/null || echo installed) (tests start their own server)"
  exit 0
fi

if [[ "$(id -u)" != "0" ]]; then
  say "dovecot: not installed and not root; the IMAP tests will skip (run: sudo apt-get install dovecot-imapd)"
  if [[ "${CI:-}" == "true" ]]; then
    echo "[services] ERROR: CI=true and dovecot-imapd cannot be installed without root" >&2
    exit 1
  fi
  exit 0
fi

say "apt-get install dovecot-imapd"
apt-get update -qq
# policy-rc.d 101: the package must not start the system-wide server (there may be no init, and
# the tests want none); only our own instance is ever started.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=1
fi
trap '[[ $created_policy == 1 ]] && rm -f "$policy"' EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
say "dovecot: $(/usr/sbin/dovecot --version) installed (tests start their own server)"
