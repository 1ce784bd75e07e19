#!/usr/bin/env bash
# Builds an initramfs layer with Python 3 and ansible-core from this machine's Debian
# packages (python3, ansible-core), to append to the VM suite's base initramfs
# (scripts/vm/build-initramfs.sh): the VM boots Debian's kernel, which has IPVS, so the
# generated playbook can run apply.sh for real there. Cached by content of this script;
# prints the archive's path.
#   usage: build-layer.sh [--dir DIR]   (--dir: also leave the unpacked tree in DIR, for chroot tests)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${MESHC_VM_CACHE:-$here/../../../.cache/vm}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
exec 8>"$cache/.layer.lock"   # one build at a time (two runs at once share the cache)
flock 8
py=$(readlink -f /usr/bin/python3)
pyver=$(basename "$py")                       # python3.11
stamp=$( (cat "$0"; dpkg-query -W -f '${Version}\n' ansible-core "$(basename "$py")-minimal" 2>/dev/null) | sha256sum | cut -c1-16)
out=$cache/ansible-$stamp.cpio.gz
keep=
[[ ${1:-} == --dir ]] && keep=$2
if [[ -f $out && -z $keep ]]; then echo "$out"; exit 0; fi

root=${keep:-$(mktemp -d "$cache/ansible-root.XXXXXX")}
[[ -n $keep ]] || trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/bin" "$root/usr/lib/python3/dist-packages"
libs_of() { ldd "$1" 2>/dev/null | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }'; }
declare -A libs=()

cp -L "$py" "$root/usr/bin/$pyver"
ln -sf "$pyver" "$root/usr/bin/python3"
for l in $(libs_of "$py"); do libs[$l]=1; done

# The standard library without what a playbook run never imports (tests, IDLE, Tk, 2to3,
# the static library in config-*: a quarter of its size).
tar -C /usr/lib -cf - --exclude="$pyver/test" --exclude="$pyver/idlelib" --exclude="$pyver/tkinter" \
  --exclude="$pyver/ensurepip" --exclude="$pyver/lib2to3" --exclude="$pyver/config-*" "$pyver" | tar -C "$root/usr/lib" -xf -
for so in "/usr/lib/$pyver/lib-dynload"/*.so; do for l in $(libs_of "$so"); do libs[$l]=1; done; done

dist=/usr/lib/python3/dist-packages
for pkg in ansible ansible_core-*.dist-info jinja2 Jinja2-*.egg-info markupsafe MarkupSafe-*.egg-info yaml _yaml PyYAML-*.dist-info packaging packaging-*.dist-info resolvelib resolvelib-*.dist-info; do
  for p in $dist/$pkg; do cp -a "$p" "$root$dist/"; done
done
while IFS= read -r -d '' so; do for l in $(libs_of "$so"); do libs[$l]=1; done; done < <(find "$root$dist" -name '*.so' -print0)
# The base archive has lib -> usr/lib: an entry under a real /lib here would replace that link.
for l in "${!libs[@]}"; do
  dst=$root${l/#\/lib\//\/usr\/lib\/}
  mkdir -p "$(dirname "$dst")"
  cp -L "$l" "$dst"
done
cp /usr/bin/ansible-playbook "$root/usr/bin/ansible-playbook"
# ansible refuses to start without a UTF-8 locale; Debian ships C.UTF-8 as files.
mkdir -p "$root/usr/lib/locale"
cp -a /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"

tmp=$out.tmp
(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) | gzip -1 >"$tmp"
# The kernel ignores an archive appended after this one unless it ends on a 4-byte boundary.
truncate -s %4 "$tmp"
find "$cache" -maxdepth 1 -name 'ansible-*.cpio.gz' ! -name "$(basename "$out")" -delete   # older builds of this layer
mv "$tmp" "$out"
echo "$out"
