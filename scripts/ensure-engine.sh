#!/usr/bin/env bash
# Find a Docker Engine that answers, or start one, and print its socket path
# (the only line on stdout):   SOCK=$(scripts/ensure-engine.sh)
#
# Order: $SLIPWAY_ENGINE_SOCKET (path or unix:// URL), /run/slipway/docker.sock,
# /var/run/docker.sock; otherwise start a detached dockerd on /run/slipway/docker.sock
# (data in /var/lib/slipway/docker, log in /var/log/slipway-dockerd.log) and wait up to
# 60 s for GET /_ping to answer OK. The started dockerd keeps running after this script.
#
# Optional, used only when this script starts dockerd:
#   SLIPWAY_DOCKERD_MIRROR=URL          -> --registry-mirror URL
#   SLIPWAY_DOCKERD_INSECURE="h:p h:p"  -> --insecure-registry h:p (comma or space separated)
set -euo pipefail

die() { echo "ensure-engine: $*" >&2; exit 1; }

RUN_DIR=/run/slipway
OUR_SOCK=$RUN_DIR/docker.sock
PIDFILE=$RUN_DIR/docker.pid
DATA_ROOT=/var/lib/slipway/docker
EXEC_ROOT=$RUN_DIR/docker-exec
LOG=/var/log/slipway-dockerd.log
DEADLINE_S=60

command -v curl >/dev/null || die "curl is missing (run scripts/ensure-deps.sh)"

# ping SOCKET: true when the Engine API on SOCKET answers GET /_ping with OK.
ping_engine() {
  [ -S "$1" ] || return 1
  [ "$(curl -fsS --max-time 3 --unix-socket "$1" http://localhost/_ping 2>/dev/null)" = "OK" ]
}

# When an already running engine is used, the mirror/insecure settings can't be applied.
check_settings() {
  [ -n "${SLIPWAY_DOCKERD_MIRROR:-}" ] || return 0
  local info
  info=$(curl -fsS --max-time 5 --unix-socket "$1" http://localhost/info 2>/dev/null) || return 0
  if ! grep -qF "${SLIPWAY_DOCKERD_MIRROR%/}" <<<"$info"; then
    echo "ensure-engine: warning: engine at $1 was already running without registry mirror $SLIPWAY_DOCKERD_MIRROR" >&2
  fi
}

use() { check_settings "$1"; printf '%s\n' "$1"; exit 0; }

if [ -n "${SLIPWAY_ENGINE_SOCKET:-}" ]; then
  sock=${SLIPWAY_ENGINE_SOCKET#unix://}
  if ping_engine "$sock"; then use "$sock"; fi
  echo "ensure-engine: warning: SLIPWAY_ENGINE_SOCKET=$SLIPWAY_ENGINE_SOCKET does not answer; looking elsewhere" >&2
fi
if ping_engine "$OUR_SOCK"; then use "$OUR_SOCK"; fi
if ping_engine /var/run/docker.sock; then use /var/run/docker.sock; fi

[ "$(id -u)" -eq 0 ] || die "no engine answers and starting dockerd needs root"
command -v dockerd >/dev/null || die "dockerd is missing (run scripts/ensure-deps.sh)"
mkdir -p "$RUN_DIR" "$DATA_ROOT" "$EXEC_ROOT" "$(dirname "$LOG")"

# Serialize concurrent callers so only one dockerd is started.
exec 9>"$RUN_DIR/ensure-engine.lock"
flock -w $((DEADLINE_S + 10)) 9 || die "timed out waiting for another ensure-engine.sh"
if ping_engine "$OUR_SOCK"; then use "$OUR_SOCK"; fi

pid=""
if [ -f "$PIDFILE" ]; then
  old=$(cat "$PIDFILE" 2>/dev/null || true)
  if [ -n "$old" ] && kill -0 "$old" 2>/dev/null && [ "$(cat /proc/"$old"/comm 2>/dev/null)" = dockerd ]; then
    pid=$old   # a dockerd of ours is still starting up: wait for it below
  else
    rm -f "$PIDFILE"
  fi
fi

if [ -z "$pid" ]; then
  args=(--host "unix://$OUR_SOCK" --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" --pidfile "$PIDFILE")
  if [ -n "${SLIPWAY_DOCKERD_MIRROR:-}" ]; then
    args+=(--registry-mirror "$SLIPWAY_DOCKERD_MIRROR")
  fi
  insecure=${SLIPWAY_DOCKERD_INSECURE:-}
  read -r -a insecure_list <<<"${insecure//,/ }"
  for r in "${insecure_list[@]}"; do
    args+=(--insecure-registry "$r")
  done
  printf '%s ensure-engine: starting dockerd %s\n' "$(date -Is)" "${args[*]}" >>"$LOG"
  # setsid + nohup + all fds redirected: dockerd outlives this script and does not
  # keep the caller's $(...) pipe open. The lock fd 9 is closed for the child.
  setsid nohup dockerd "${args[@]}" </dev/null >>"$LOG" 2>&1 9>&- &
  pid=$!
fi

deadline=$((SECONDS + DEADLINE_S))
until ping_engine "$OUR_SOCK"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -n 20 "$LOG" >&2 || true
    die "dockerd (pid $pid) exited; see $LOG"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    tail -n 20 "$LOG" >&2 || true
    die "dockerd (pid $pid) did not answer /_ping on $OUR_SOCK within ${DEADLINE_S}s; see $LOG"
  fi
  sleep 0.2
done
printf '%s\n' "$OUR_SOCK"
