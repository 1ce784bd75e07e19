#!/usr/bin/env bash
# Builds the cached base initramfs for the VM suite (.cache/vm/base.cpio.gz): this
# machine's userland tools the runner and the scenarios need, their libraries, the
# whole xtables extension folder (dlopen'ed, invisible to ldd), the kernel modules of
# the mesh with their dependencies, and a small /init. Rebuilt only when this script
# or the kernel changes. Prints the archive's path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${MESHC_VM_CACHE:-$here/../../.cache/vm}
# Two VM runs at once (two suites, or a suite and a manual boot): one builds (the kernel
# fetch included), the other waits here and then finds the archive.
mkdir -p "$cache"
exec 8>"$cache/.build.lock"
flock 8
version=$("$here/fetch-kernel.sh")
cache=$(cd "$cache" && pwd)
stamp=$(cat "$0" "$here/init.sh" "$cache/kernel/version" | sha256sum | cut -c1-16)
out=$cache/base-$stamp.cpio.gz
if [[ -f $out ]]; then echo "$out"; exit 0; fi

root=$(mktemp -d "$cache/root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{proc,sys,dev,run,tmp,etc,var/lib,usr/bin,usr/sbin,usr/lib,lib64,root}
ln -s usr/bin "$root/bin"; ln -s usr/sbin "$root/sbin"; ln -s usr/lib "$root/lib"

tools=(bash dash busybox xtables-legacy-multi xtables-nft-multi ipvsadm ip bridge socat
  nsenter flock unshare sysctl ps pkill pgrep grep sed diff cmp cat sort comm mkdir rm mv cp
  tr head tail wc sleep timeout env dd mktemp tee cut uniq seq ls chmod ln touch true false
  stat readlink dirname basename id date sha256sum od printf expr uname nproc)
copy_file() { # copies a host file to the same path under the root (resolving symlinks)
  local dst=$root${2:-$1}
  mkdir -p "$(dirname "$dst")"
  cp -L "$1" "$dst"
}
libs_of() { ldd "$1" 2>/dev/null | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }'; }

declare -A libs=()
for t in "${tools[@]}"; do
  path=$(type -P "$t") || { echo "build-initramfs: missing host tool $t" >&2; exit 1; }
  copy_file "$(readlink -f "$path")" "/usr/bin/$t"
  for l in $(libs_of "$path"); do libs[$l]=1; done
done
awk_bin=$(readlink -f "$(type -P awk)")
copy_file "$awk_bin" /usr/bin/awk
for l in $(libs_of "$awk_bin"); do libs[$l]=1; done
xt=/usr/lib/x86_64-linux-gnu/xtables
mkdir -p "$root$xt"
cp -a "$xt"/. "$root$xt/"
for so in "$xt"/*.so; do for l in $(libs_of "$so"); do libs[$l]=1; done; done
for l in "${!libs[@]}"; do copy_file "$(readlink -f "$l")" "$l"; done

# Debian's busybox prefers its own applets even over PATH: never make it /bin/sh.
ln -s dash "$root/usr/bin/sh"
for a in mount umount poweroff modprobe insmod hostname; do ln -s busybox "$root/usr/bin/$a"; done
for b in legacy nft; do
  for s in '' -save -restore; do ln -s "xtables-$b-multi" "$root/usr/bin/iptables-$b$s"; done
done
for s in '' -save -restore; do ln -s "iptables-legacy$s" "$root/usr/bin/iptables$s"; done

# Modules of the mesh, with their dependencies from modules.dep.
kroot=$cache/kernel
mods=(ip_vs ip_vs_rr xt_ipvs vxlan veth bridge nf_nat nf_conntrack iptable_nat iptable_filter
  iptable_mangle xt_nat xt_REDIRECT xt_MASQUERADE xt_mark xt_comment xt_conntrack xt_addrtype
  xt_tcpudp xt_multiport nf_tables nft_compat nft_chain_nat nf_conntrack_netlink
  xt_mac xt_connmark) # the last two: client_ip: preserve (docs/client-ip.md)
moddir=lib/modules/$version
dep=$kroot/$moddir/modules.dep
declare -A want=()
for m in "${mods[@]}"; do
  line=$(grep -E "(^|/)$m\.ko:" "$dep" || true)
  [[ -n $line ]] || { grep -qE "/$m\.ko$" "$kroot/$moddir/modules.builtin" && continue; echo "build-initramfs: module $m not found" >&2; exit 1; }
  for f in ${line/:/}; do want[$f]=1; done
done
for f in "${!want[@]}"; do mkdir -p "$(dirname "$root/$moddir/$f")"; cp "$kroot/$moddir/$f" "$root/$moddir/$f"; done
cp "$kroot/$moddir"/modules.{dep,builtin,order} "$root/$moddir/"
printf '%s\n' "${mods[@]}" >"$root/etc/meshc-modules"
install -m 0755 "$here/init.sh" "$root/init"
echo root:x:0:0:root:/root:/bin/bash >"$root/etc/passwd"

tmp=$out.tmp
(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) | gzip -1 >"$tmp"
# The kernel ignores an appended archive unless the first ends on a 4-byte boundary.
truncate -s %4 "$tmp"
mv "$tmp" "$out"
echo "$out"
