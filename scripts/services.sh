#!/usr/bin/env bash
# Makes the services the tests use available on this machine: ClickHouse on 127.0.0.1:8123
# and NATS with JetStream on 127.0.0.1:4222. Idempotent: it runs before every `npm test`,
# so when both already answer it only says so. Installs with apt when a server is missing
# and we are root (CI machines: Debian's clickhouse-server 18.16 and nats-server). Then Dovecot,
# Chromium and helm (services-helm.sh: built with Go for the Helm chart test) each have a script.
#
# CXPULSE_SERVICES=skip leaves everything alone (e.g. you point the tests elsewhere).
set -euo pipefail

CH_HOST=127.0.0.1
CH_PORT=8123
NATS_HOST=127.0.0.1
NATS_PORT=4222
NATS_STORE="${CXPULSE_NATS_STORE:-${TMPDIR:-/tmp}/cxpulse-nats-js}"
NATS_LOG="${TMPDIR:-/tmp}/cxpulse-nats.log"

say() { echo "[services] $*"; }
die() { echo "[services] ERROR: $*" >&2; exit 1; }

if [[ "${CXPULSE_SERVICES:-}" == "skip" ]]; then
  say "CXPULSE_SERVICES=skip: not checking services"
  exit 0
fi

is_root() { [[ "$(id -u)" == "0" ]]; }

apt_updated=0
apt_install() {
  is_root || die "need to install $* but not root; install it yourself (apt-get install $*)"
  if [[ $apt_updated == 0 ]]; then
    say "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# HTTP GET returning the body; curl when present, else bash's /dev/tcp.
http_get() {
  local host=$1 port=$2 path=$3
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 2 "http://${host}:${port}${path}" 2>/dev/null
  else
    timeout 2 bash -c "exec 3<>/dev/tcp/${host}/${port} && printf 'GET ${path} HTTP/1.0\r\nHost: ${host}\r\n\r\n' >&3 && cat <&3" 2>/dev/null |
      sed '1,/^\r\{0,1\}$/d'
  fi
}

clickhouse_up() { [[ "$(http_get "$CH_HOST" "$CH_PORT" /ping || true)" == Ok.* ]]; }

# The first line a NATS server sends is `INFO {...}`.
nats_info() { timeout 2 bash -c "exec 3<>/dev/tcp/${NATS_HOST}/${NATS_PORT} && head -n1 <&3" 2>/dev/null || true; }

wait_for() {
  local what=$1 seconds=$2 check=$3
  say "waiting up to ${seconds} s for ${what}"
  for ((i = 0; i < seconds * 2; i++)); do
    if $check; then return 0; fi
    sleep 0.5
  done
  return 1
}

ensure_clickhouse() {
  if clickhouse_up; then
    say "clickhouse: answering on ${CH_HOST}:${CH_PORT}"
    return
  fi
  if [[ ! -x /usr/sbin/clickhouse-server ]]; then
    apt_install clickhouse-server clickhouse-client
  fi
  # The package's init hook may have started it already (where there is an init system).
  if wait_for clickhouse 3 clickhouse_up; then
    say "clickhouse: started by the package"
    return
  fi
  is_root || die "clickhouse-server is not running and starting it needs root (it runs as user clickhouse)"
  say "clickhouse: starting /usr/sbin/clickhouse-server as user clickhouse"
  [[ -f /etc/clickhouse-server/config.xml ]] ||
    die "/etc/clickhouse-server/config.xml is missing (deleted by hand?); reinstall: apt-get purge clickhouse-server clickhouse-common && apt-get install clickhouse-server"
  # Debian's package expects these to exist and belong to clickhouse.
  for d in /var/lib/clickhouse /var/log/clickhouse-server /var/run/clickhouse-server; do
    mkdir -p "$d"
    chown clickhouse:clickhouse "$d"
  done
  # --oknodo: a server that is still starting up counts as started; we wait for it below.
  start-stop-daemon --start --oknodo --background --chuid clickhouse:clickhouse \
    --exec /usr/sbin/clickhouse-server -- --config-file=/etc/clickhouse-server/config.xml
  if ! wait_for clickhouse 60 clickhouse_up; then
    tail -n 30 /var/log/clickhouse-server/clickhouse-server.err.log 2>/dev/null >&2 || true
    die "clickhouse did not answer on ${CH_HOST}:${CH_PORT}/ping within 60 s"
  fi
  say "clickhouse: up ($(http_get "$CH_HOST" "$CH_PORT" '/?query=SELECT%20version()' || echo '?'))"
}

nats_up() { [[ "$(nats_info)" == INFO* ]]; }

ensure_nats() {
  local info
  info=$(nats_info)
  if [[ "$info" == INFO* ]]; then
    say "nats: answering on ${NATS_HOST}:${NATS_PORT}"
    if [[ "$info" != *'"jetstream":true'* ]]; then
      say "WARNING: the NATS on ${NATS_HOST}:${NATS_PORT} does not announce JetStream; tests that need it will fail"
    fi
    return
  fi
  if ! command -v nats-server >/dev/null 2>&1; then
    apt_install nats-server
  fi
  mkdir -p "$NATS_STORE"
  say "nats: starting nats-server -js (store ${NATS_STORE}, log ${NATS_LOG})"
  # setsid + nohup: the server must outlive this script and the npm process that ran it.
  setsid nohup nats-server -a "$NATS_HOST" -p "$NATS_PORT" -js -sd "$NATS_STORE" >"$NATS_LOG" 2>&1 </dev/null &
  if ! wait_for nats 30 nats_up; then
    tail -n 30 "$NATS_LOG" >&2 || true
    die "nats-server did not answer on ${NATS_HOST}:${NATS_PORT} within 30 s"
  fi
  say "nats: up"
}

ensure_clickhouse
ensure_nats
bash "$(dirname "$0")/services-dovecot.sh"
bash "$(dirname "$0")/services-chromium.sh"
bash "$(dirname "$0")/services-helm.sh"
