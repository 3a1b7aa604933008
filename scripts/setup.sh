#!/usr/bin/env bash
# Installs what kube-cost-exporter needs on Debian/Ubuntu: Debian packages (nats-server, prometheus
# and promtool, prometheus-alertmanager for amtool, clickhouse-server for the ClickHouse sink's tests,
# a kubectl, openssl for the TLS tests, libjemalloc2 for the benchmarks of `kce all`, chromium and firefox-esr for the web app's browser tests, Node.js/npm if absent) and the npm packages, including the pinned Node 24 that every npm
# script runs on. Safe to run again; installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

packages=()
have nats-server || packages+=(nats-server)
have promtool || packages+=(prometheus)
have amtool || packages+=(prometheus-alertmanager)
have clickhouse-server || packages+=(clickhouse-server clickhouse-client)
have kubectl || packages+=(kubernetes-client)
have curl || packages+=(curl)
have openssl || packages+=(openssl)
# The web app's browser tests drive Debian's Chromium (playwright-core, executablePath /usr/bin/chromium).
[ -x /usr/bin/chromium ] || packages+=(chromium)
# … and Debian's Firefox ESR (puppeteer-core, WebDriver BiDi).
[ -x /usr/bin/firefox-esr ] || packages+=(firefox-esr)
{ have node && have npm; } || packages+=(nodejs npm)
# jemalloc: the install preloads it for `kce all`, and the benchmarks run the stages as the install does.
compgen -G "/usr/lib/*/libjemalloc.so.2" >/dev/null || packages+=(libjemalloc2)

if [ "${#packages[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${packages[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  # The prometheus package may start a server on :9090 where systemd runs; the demo and the tests
  # do not need it (tests start their own processes on free ports).
  # The same holds for alertmanager and clickhouse-server.
  if command -v systemctl >/dev/null 2>&1; then
    for unit in prometheus prometheus-alertmanager clickhouse-server; do
      if systemctl is-active --quiet "$unit" 2>/dev/null; then $SUDO systemctl disable --now "$unit" >/dev/null 2>&1 || true; fi
    done
  fi
fi

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi
echo "setup: ready (node $(node_modules/.bin/node --version), $(nats-server --version 2>/dev/null || /usr/sbin/nats-server --version))"
