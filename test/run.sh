#!/usr/bin/env bash
# The whole test suite: set-up, strict type-check and build, format and lint, then every test file.
set -euo pipefail
cd "$(dirname "$0")/.."

bash test/setup.sh
[ -d node_modules ] || npm ci
npm run build
npx biome check --error-on-warnings .

# The suite's own folder, and each rule kind's test beside its kind (rules/kinds/<kind>.test.ts).
mapfile -t files < <(find dist/test dist/rules -name '*.test.js' | sort)
# Node 20's --test takes no globs: the files are listed. TAP ends with the "# pass N" / "# fail N" lines.
node --test --test-reporter=tap --test-concurrency=2 "${files[@]}"
