#!/usr/bin/env bash
# Boots the VM suite's kernel with the cached initramfs plus, appended, an uncompressed
# archive holding DIR as /scenario (DIR/main.sh is run by /init). Writes the guest's
# result lines (second serial port) to RESULTS and its console to RESULTS.console.
# usage: run.sh DIR RESULTS [legacy|nft]
# env: MESHC_VM_TIMEOUT (host seconds, default 1140), MESHC_GUEST_TIMEOUT (default 1080),
#      MESHC_VM_CPUS (default 2: the three simulated nodes run their runners in parallel)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$1 results=$2 backend=${3:-legacy}
cache=${MESHC_VM_CACHE:-$here/../../.cache/vm}
base=$("$here/build-initramfs.sh")
cache=$(cd "$cache" && pwd)
work=$(mktemp -d "$cache/run.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/stage"
cp -a "$dir" "$work/stage/scenario"
(cd "$work/stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) >"$work/run.cpio"
cat "$base" "$work/run.cpio" >"$work/initrd"
: >"$results"
accel="-accel tcg,thread=multi,tb-size=64"
timeout --kill-after=10 "${MESHC_VM_TIMEOUT:-1140}" qemu-system-x86_64 $accel -smp "${MESHC_VM_CPUS:-2}" -m 256 \
  -nodefaults -no-user-config -nographic -no-reboot \
  -kernel "$cache/kernel/vmlinuz" -initrd "$work/initrd" \
  -append "console=ttyS0 panic=-1 quiet MESHC_BACKEND=$backend MESHC_GUEST_TIMEOUT=${MESHC_GUEST_TIMEOUT:-1080}" \
  -serial stdio -serial "file:$results" </dev/null >"$results.console" 2>&1 || {
  rc=$?
  echo "run.sh: qemu exited $rc (see $results.console)" >&2
}
grep -q '^POWEROFF' "$results" || { echo "run.sh: guest did not finish" >&2; exit 1; }
