#!/bin/bash
# /init of the VM suite's initramfs: mounts the pseudo file systems, loads the mesh's
# modules, runs /scenario/main.sh (appended per run) and powers off whatever happens.
# Results go to the second serial port (/dev/ttyS1), the console to the first.
export PATH=/usr/sbin:/usr/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
ln -sf /proc/self/fd /dev/fd
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /run/netns /var/lib
echo /usr/bin/modprobe >/proc/sys/kernel/modprobe
while read -r m; do modprobe "$m" || echo "init: cannot load $m"; done </etc/meshc-modules
if [[ ${MESHC_BACKEND:-legacy} == nft ]]; then
  for s in '' -save -restore; do ln -sf "iptables-nft$s" "/usr/bin/iptables$s"; done
fi
exec 3>/dev/ttyS1
echo "BOOTED $(uname -r) backend=${MESHC_BACKEND:-legacy}" >&3
if [[ -x /scenario/main.sh ]]; then
  timeout "${MESHC_GUEST_TIMEOUT:-600}" /scenario/main.sh 3>&3 || echo "MAIN_EXIT $?" >&3
else
  echo "MAIN_EXIT missing /scenario/main.sh" >&3
fi
echo "POWEROFF" >&3
exec 3>&-
poweroff -f
