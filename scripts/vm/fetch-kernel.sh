#!/usr/bin/env bash
# Unpacks Debian's cloud kernel (the package linux-image-cloud-amd64 depends on) into
# .cache/vm/kernel/ without installing it: the development machines' own kernel has no
# IPVS, this one has it as modules. Prints the kernel version on stdout. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${MESHC_VM_CACHE:-$here/../../.cache/vm}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

if [[ -f $cache/kernel/version ]]; then cat "$cache/kernel/version"; exit 0; fi

deps=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null || true)
pkg=$(awk '/Depends: linux-image-[0-9]/ { print $2; exit }' <<<"$deps")
if [[ -z $pkg ]]; then
  echo "fetch-kernel: cannot resolve linux-image-cloud-amd64 (run apt-get update first)" >&2
  exit 1
fi
work=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "$pkg" >&2)
dpkg-deb -x "$work"/*.deb "$work/root"
version=$(ls "$work/root/lib/modules")
# The .deb ships no modules.dep; busybox's depmod writes one busybox modprobe understands.
busybox depmod -b "$work/root" "$version"
rm -rf "$cache/kernel"
mkdir -p "$cache/kernel"
mv "$work/root/boot/vmlinuz-$version" "$cache/kernel/vmlinuz"
mv "$work/root/lib" "$cache/kernel/lib"
echo "$version" >"$cache/kernel/version"
echo "$version"
