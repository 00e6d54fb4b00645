#!/usr/bin/env bash
# Installs what the tests need when it is missing: the moto virtualenv (an AWS emulator) and Debian's
# Chromium (the browser tests drive it with playwright-core).
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION="5.2.5"
if [ ! -x .venv/bin/moto_server ]; then
  echo "test setup: creating .venv with moto[server]==${MOTO_VERSION}" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==${MOTO_VERSION}"
fi

if [ -z "${FINOPS_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" = "0" ] || SUDO="sudo"
    echo "test setup: installing chromium with apt-get" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  else
    echo "test setup: chromium is missing and apt-get is not available: the browser tests will fail" >&2
  fi
fi

# Trino (the billing engine's tests): assembled from Maven when missing, skipped without Java 25.
bash test/trino/install.sh
