#!/usr/bin/env bash
# Installs what the tests need when it is missing: the moto virtualenv (an AWS emulator).
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION="5.2.5"
if [ ! -x .venv/bin/moto_server ]; then
  echo "test setup: creating .venv with moto[server]==${MOTO_VERSION}" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==${MOTO_VERSION}"
fi
