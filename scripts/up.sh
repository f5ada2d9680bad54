#!/usr/bin/env bash
# `npm run up`: installs what is missing, then runs Slipway in the foreground.
# Extra arguments go to `slipway serve` (e.g. `npm run up -- --listen 0.0.0.0:5000`).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if [ "$(id -u)" -eq 0 ]; then
  bash scripts/ensure-deps.sh
else
  echo "up: not root, skipping Debian packages (docker.io, skopeo, podman); install them yourself" >&2
fi
exec bin/slipway serve "$@"
