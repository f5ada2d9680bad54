#!/usr/bin/env bash
# Build a minimal busybox root filesystem from Debian's busybox-static and write it as
# an uncompressed tar, suitable for `docker import` / `podman import`:
#
#   scripts/make-busybox-image.sh OUT_TAR
#   docker import OUT_TAR 127.0.0.1:5000/library/busybox:latest
#
# The tar is deterministic for a given /bin/busybox: sorted entries, mtime 0,
# owner 0:0, fixed modes. No network access.
set -euo pipefail

die() { echo "make-busybox-image: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 OUT_TAR"
OUT=$1
BUSYBOX=/bin/busybox

[ -x "$BUSYBOX" ] || die "$BUSYBOX is missing (apt-get install busybox-static, or run scripts/ensure-deps.sh)"
"$BUSYBOX" --list-full >/dev/null 2>&1 || die "$BUSYBOX has no --list-full (need the static build from busybox-static)"
if command -v file >/dev/null && ! file -L "$BUSYBOX" | grep -q 'statically linked'; then
  die "$BUSYBOX is not statically linked (install busybox-static)"
fi

work=$(mktemp -d /tmp/slipway-busybox.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
umask 022
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,home,var,proc,sys,dev,run,tmp,var/tmp}
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"

install -m 0755 "$BUSYBOX" "$root/bin/busybox"

# Applet links (bin/sh, bin/ls, usr/bin/wget, ...), all pointing at /bin/busybox.
while IFS= read -r applet; do
  case "$applet" in
    ""|bin/busybox|linuxrc) continue ;;
  esac
  mkdir -p "$root/$(dirname "$applet")"
  ln -sfn /bin/busybox "$root/$applet"
done < <("$BUSYBOX" --list-full)
[ -L "$root/bin/sh" ] || die "no bin/sh applet in $BUSYBOX"

printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group"
chmod 0644 "$root/etc/passwd" "$root/etc/group"

mkdir -p "$(dirname "$OUT")"
tar -C "$root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
    --format=gnu -cf "$OUT.tmp.$$" . || { rm -f "$OUT.tmp.$$"; die "tar failed"; }
mv -f "$OUT.tmp.$$" "$OUT"
