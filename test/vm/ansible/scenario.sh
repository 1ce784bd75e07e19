#!/bin/bash
# Guest side of the Ansible test (runs as /scenario/main.sh in the VM; fd 3 is the
# results port). Each inventory host is a simulated node: a network namespace on a
# shared LAN bridge, entered by its Python interpreter wrapper, so every module, the
# validation and apply.sh run inside that node. The generated playbook then runs four
# times: --check --diff on fresh nodes, apply, apply again, --check.
# Reports: RUN <label> rc=<n> seconds=<n>, RECAP <label> <host> ok=… changed=… failed=…,
# STATE <label> <node> chains=<n> sandbox=<yes|no> ipvs=<services> real=<servers>,
# DRYRUN <label> <added rules shown>, LOG lines on failure.
set -u
cd /scenario || exit 1
export LANG=C.UTF-8 PYTHONUTF8=1 HOME=/root ANSIBLE_NOCOLOR=1 ANSIBLE_LOCAL_TEMP=/tmp/ansible-local
mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm   # ansible's worker processes need it

ip netns add lan
ip -n lan link add br0 type bridge
ip -n lan link set br0 up
while read -r kind name address; do
  [[ $kind == node ]] || continue
  ip netns add "$name"
  ip -n "$name" link set lo up
  ip link add eth0 netns "$name" type veth peer name "$name" netns lan
  ip -n "$name" addr add "$address/24" dev eth0
  ip -n "$name" link set eth0 up
  ip -n lan link set "$name" master br0 up
  printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s /usr/bin/python3 "$@"\n' "$name" >"/scenario/py-$name"
  chmod +x "/scenario/py-$name"
done </scenario/topo.txt
# Task containers: named namespaces, as the runner finds them with MESHC_TASK_NETNS=netns.
while read -r kind node task; do
  [[ $kind == task ]] && ip netns add "$node-$task" && ip -n "$node-$task" link set lo up
done </scenario/topo.txt

state() {
  local n sbox ipvs
  while read -r kind n _; do
    [[ $kind == node ]] || continue
    sbox=/run/netns/$n-ingress_sbox ipvs=0 real=0
    if [[ -e $sbox ]]; then
      ipvs=$(nsenter --net="$sbox" ipvsadm -Sn | grep -c '^-A')
      real=$(nsenter --net="$sbox" ipvsadm -Sn | grep -c '^-a')
    fi
    echo "STATE $1 $n chains=$(nsenter --net="/run/netns/$n" iptables-save | grep -c '^:MESHC-') sandbox=$([[ -e $sbox ]] && echo yes || echo no) ipvs=$ipvs real=$real" >&3
  done </scenario/topo.txt
}

play() { # label, ansible-playbook options...
  local label=$1 start rc
  shift
  start=$(date +%s)
  echo "==== ansible-playbook $label $*" >/dev/console
  # The log also goes to the console (the host keeps it as results.console) to follow a slow run.
  ansible-playbook -i /scenario/hosts /scenario/out/playbook.yml "$@" 2>&1 | tee "/tmp/$label.log" >/dev/console
  rc=${PIPESTATUS[0]}
  echo "RUN $label rc=$rc seconds=$(($(date +%s) - start))" >&3
  grep -E '^[A-Za-z0-9_.-]+ +: ok=' "/tmp/$label.log" | tr -s ' ' | sed "s/^/RECAP $label /; s/ : / /" >&3
  # The dry run's added rules, as the debug task prints them ("  + -A MESHC-…").
  echo "DRYRUN $label $(grep -c '"  + -A MESHC-' "/tmp/$label.log")" >&3
  if [[ $rc != 0 ]]; then tail -n 60 "/tmp/$label.log" | sed 's/^/LOG /' >&3; fi
}

start=$(date +%s%N)
python3 -c pass
echo "METRIC python_start_ms $((($(date +%s%N) - start) / 1000000))" >&3
state before
play check --check --diff
state check
play apply1
state apply1
play apply2
play check2 --check
state end
