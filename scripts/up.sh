#!/usr/bin/env bash
# `npm run up`: installs what is missing, makes sure a Docker engine answers (started with
# Slipway as its Docker Hub mirror), seeds library/busybox:latest, then runs Slipway in the
# foreground. Extra arguments go to `slipway serve` (e.g. `npm run up -- --listen 0.0.0.0:5000
# --data-dir /var/lib/slipway`); --listen, --data-dir and --config are also read here, for the
# mirror URL and the seed. Safe to run again: every step is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

listen=${SLIPWAY_LISTEN:-127.0.0.1:5000}
seed_args=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  a=${args[i]}
  next=${args[i + 1]:-}
  case "$a" in
    --listen) listen=$next ;;
    --listen=*) listen=${a#--listen=} ;;
    --data-dir) seed_args+=(--data-dir "$next") ;;
    --data-dir=*) seed_args+=(--data-dir "${a#--data-dir=}") ;;
    --config) seed_args+=(--config "$next") ;;
    --config=*) seed_args+=(--config "${a#--config=}") ;;
  esac
done

# The engine reaches Slipway on loopback even when Slipway listens on every address.
host=${listen%:*}
port=${listen##*:}
case "$host" in
  0.0.0.0 | "" | "[::]" | "::") host=127.0.0.1 ;;
esac
mirror="http://$host:$port"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# The compiled CLI (dist/cli/): bin/slipway starts in ~0.1 s instead of ~0.6 s through tsx.
node scripts/build-cli.mjs
if [ "$(id -u)" -eq 0 ]; then
  bash scripts/ensure-deps.sh
else
  echo "up: not root, skipping Debian packages (docker.io, busybox-static, skopeo, podman); install them yourself" >&2
fi

# An engine: $SLIPWAY_ENGINE_SOCKET or a reachable Docker socket, else a dockerd started with
# --registry-mirror pointing here (scripts/ensure-engine.sh; an engine already running keeps its settings).
if sock=$(SLIPWAY_DOCKERD_MIRROR=$mirror bash scripts/ensure-engine.sh); then
  export SLIPWAY_ENGINE_SOCKET=$sock
  echo "up: using engine socket $sock (a dockerd started by up gets --registry-mirror $mirror)" >&2
else
  echo "up: warning: no container engine; the registry runs, builds will not" >&2
fi

bin/slipway seed busybox ${seed_args[@]+"${seed_args[@]}"} >&2
exec bin/slipway serve "$@"
