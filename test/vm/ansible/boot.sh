#!/usr/bin/env bash
# Boots the VM suite's kernel with its base initramfs, the Python + ansible layer
# (build-layer.sh) and DIR as /scenario. Like scripts/vm/run.sh, with the memory
# Python needs and two CPUs so both simulated nodes' Ansible workers run at once.
# usage: boot.sh DIR RESULTS   env: MESHC_VM_TIMEOUT (host seconds, default 3600)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
dir=$1 results=$2
base=$("$root/scripts/vm/build-initramfs.sh")
layer=$("$here/build-layer.sh")
cache=$(cd "$(dirname "$base")" && pwd)
work=$(mktemp -d "$cache/ansible-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/stage"
cp -a "$dir" "$work/stage/scenario"
(cd "$work/stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) >"$work/run.cpio"
cat "$base" "$layer" "$work/run.cpio" >"$work/initrd"
: >"$results"
timeout --kill-after=10 "${MESHC_VM_TIMEOUT:-3600}" qemu-system-x86_64 -accel tcg,tb-size=64 -m 1024 -smp 2 \
  -nodefaults -no-user-config -nographic -no-reboot \
  -kernel "$cache/kernel/vmlinuz" -initrd "$work/initrd" \
  -append "console=ttyS0 panic=-1 quiet MESHC_GUEST_TIMEOUT=${MESHC_GUEST_TIMEOUT:-3500}" \
  -serial stdio -serial "file:$results" </dev/null >"$results.console" 2>&1 || echo "boot.sh: qemu exited $?" >&2
grep -q '^POWEROFF' "$results" || { echo "boot.sh: guest did not finish (see $results.console)" >&2; exit 1; }
