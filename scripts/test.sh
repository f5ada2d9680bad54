#!/usr/bin/env bash
# `npm test`: installs and starts everything the tests need on a fresh Debian machine
# (npm packages, Debian packages, dockerd), then runs the type check and every test.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# The compiled CLI that the end-to-end tests' bin/slipway runs (tsx while it is stale, see ADR 0006).
node scripts/build-cli.mjs
bash scripts/ensure-deps.sh
SLIPWAY_ENGINE_SOCKET=$(bash scripts/ensure-engine.sh)
export SLIPWAY_ENGINE_SOCKET

echo "== type check"
npx tsc --noEmit -p .
echo "== lint and import cycles"
npx eslint --quiet .
npx madge --circular --extensions ts --ts-config tsconfig.json src
echo "== tests (engine at $SLIPWAY_ENGINE_SOCKET)"
npx vitest run --coverage "$@"
