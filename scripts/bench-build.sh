#!/usr/bin/env bash
# Build benchmark: raw Docker engine (BuildKit over the Engine API + push) vs `slipway build`,
# plus queued-to-running latency (npm run bench:build). Arguments go to bench/build-bench.ts:
#   scripts/bench-build.sh                 # full run, writes the "## Build benchmark" section of docs/benchmarks.md
#   scripts/bench-build.sh --reps 3 --no-doc
# Engine: $SLIPWAY_ENGINE_SOCKET, else whatever scripts/ensure-engine.sh finds or starts.
# Prints a table and a final JSON line on stdout; progress goes to stderr.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -d node_modules/tsx ]; then
  echo "bench-build: node_modules/tsx is missing; run npm ci" >&2
  exit 1
fi
# Measure the CLI as `npm run up` runs it: compiled (bin/slipway falls back to tsx when stale).
node scripts/build-cli.mjs
SLIPWAY_ENGINE_SOCKET=$(bash scripts/ensure-engine.sh)
export SLIPWAY_ENGINE_SOCKET
exec node --import tsx bench/build-bench.ts "$@"
