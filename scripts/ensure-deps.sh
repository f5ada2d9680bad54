#!/usr/bin/env bash
# Install the Debian packages Slipway's scripts and end-to-end tests need, and
# configure podman/skopeo for this kind of machine. Idempotent; quiet on success.
#
# Usage: scripts/ensure-deps.sh        (as root)
#
# Settings written (drop-ins owned by Slipway, system files are left alone):
#   /etc/containers/containers.conf.d/50-slipway.conf
#       [containers] default_ulimits = []           (setting rlimits fails otherwise)
#       [engine] runtime = "runc", cgroup_manager = "cgroupfs"  (crun/systemd fail here)
#   /etc/containers/registries.conf.d/50-slipway-insecure-local.conf
#       127.0.0.1 and localhost registries are plain HTTP (insecure = true)
set -euo pipefail

die() { echo "ensure-deps: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root"

# curl: scripts/ensure-engine.sh talks to the Engine API socket with it. openssl and iproute2:
# the end-to-end tests make a TLS certificate and a bridge for a second dockerd.
PACKAGES=(docker.io skopeo podman docker-registry busybox-static runc uidmap git ca-certificates curl openssl iproute2)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed$'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  log=$(mktemp /tmp/slipway-apt.XXXXXX.log)
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -q && \
         apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "apt-get install failed for: ${missing[*]} (full log: $log)"
  fi
  rm -f "$log"
fi

# write_if_changed PATH CONTENT: only touch the file when its content differs.
write_if_changed() {
  local path=$1 content=$2
  if [ -f "$path" ] && [ "$(cat "$path")" = "$content" ]; then
    return 0
  fi
  mkdir -p "$(dirname "$path")"
  printf '%s\n' "$content" >"$path.tmp.$$"
  mv -f "$path.tmp.$$" "$path"
}

CONTAINERS_DROPIN=/etc/containers/containers.conf.d/50-slipway.conf
write_if_changed "$CONTAINERS_DROPIN" '# Managed by Slipway (scripts/ensure-deps.sh). Required on these VMs:
# crun fails ("cgroups in hybrid mode not supported") and setting rlimits fails otherwise.
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"'

REGISTRIES_DROPIN=/etc/containers/registries.conf.d/50-slipway-insecure-local.conf
write_if_changed "$REGISTRIES_DROPIN" '# Managed by Slipway (scripts/ensure-deps.sh): local registries speak plain HTTP.
[[registry]]
location = "127.0.0.1"
insecure = true

[[registry]]
location = "localhost"
insecure = true'

# --- verification -----------------------------------------------------------
# CONTAINERS_CONF, when set, replaces the system configuration files; warn so a
# caller is not surprised that the drop-in seems ignored.
if [ -n "${CONTAINERS_CONF:-}" ]; then
  echo "ensure-deps: warning: CONTAINERS_CONF=$CONTAINERS_CONF is set; podman may ignore $CONTAINERS_DROPIN" >&2
fi

dbg=$(podman --log-level=debug info 2>&1 >/dev/null) || {
  podman info >&2 || true
  die "podman info failed"
}
grep -q "Merged system config \\\\\"$CONTAINERS_DROPIN\\\\\"" <<<"$dbg" ||
  die "podman did not load $CONTAINERS_DROPIN"
grep -q "Loading registries configuration \\\\\"$REGISTRIES_DROPIN\\\\\"" <<<"$dbg" ||
  die "podman did not load $REGISTRIES_DROPIN"

info=$(podman info --format '{{.Host.OCIRuntime.Name}} {{.Host.CgroupManager}}') ||
  die "podman info --format failed"
[ "$info" = "runc cgroupfs" ] ||
  die "podman runtime/cgroup manager is '$info', expected 'runc cgroupfs'"
