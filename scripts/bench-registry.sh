#!/usr/bin/env bash
# Benchmark Slipway against the CNCF distribution registry (npm run bench:registry).
# Arguments are passed to bench/registry-bench.ts, e.g.:
#   scripts/bench-registry.sh                       # full run, writes docs/benchmarks.md
#   scripts/bench-registry.sh --only distribution   # just the peer registry + fsync baseline
# Prints a table and a final JSON line on stdout; progress goes to stderr.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x /usr/bin/docker-registry ]; then
  echo "bench-registry: /usr/bin/docker-registry is missing; run scripts/ensure-deps.sh" >&2
  exit 1
fi
if [ ! -d node_modules/tsx ]; then
  echo "bench-registry: node_modules/tsx is missing; run npm ci" >&2
  exit 1
fi

# More libuv threads so the fsync baseline at concurrency 8 is not capped at 4.
export UV_THREADPOOL_SIZE="${UV_THREADPOOL_SIZE:-16}"
exec node --import tsx bench/registry-bench.ts "$@"
