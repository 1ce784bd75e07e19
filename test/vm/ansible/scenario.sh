#!/bin/bash
# Guest side of the Ansible test (runs as /scenario/main.sh in the VM; fd 3 is the
# results port). Each inventory host is a simulated node: a network namespace on a
# shared LAN bridge, entered by its Python interpreter wrapper, so every module, the
# validation and apply.sh run inside that node. The service is health-checked, so the
# playbook also installs the health agent, its unit and drop-in. There is no systemd in the
# VM (the hosts set meshc_systemd=false): in its place, agent_start runs exactly the
# ExecStart and Environment of the drop-in the playbook installed, in the node's namespace.
# The generated playbook runs three times (each run costs minutes under emulation):
# --check --diff on fresh nodes, apply (then the agents start, the service serves, one task
# goes unhealthy and comes back), and apply again with the agents running (changed=0).
# The tree's dataplane is topo.txt's `dataplane` line: on nftables a task's "weight" is
# whether its address is in its service chain's round robin (docs/dataplanes.md).
# Reports: RUN <label> rc=<n> seconds=<n>, RECAP <label> <host> ok=… changed=… failed=…,
# STATE <label> <node> chains=<n> sandbox=<yes|no> ipvs=<services> real=<servers> (nftables:
# tables=<meshc tables on the node> sandbox=<yes|no> chains=<service chains> backends=<n>),
# DRYRUN <label> <added rules shown (nftables: added tables)>, WAIT <label> <ms|timeout> <node:ip=weight…>,
# TRAFFIC <label> <node> <answering tasks…>, LOG lines on failure.
set -u
cd /scenario || exit 1
export LANG=C.UTF-8 PYTHONUTF8=1 HOME=/root ANSIBLE_NOCOLOR=1 ANSIBLE_LOCAL_TEMP=/tmp/ansible-local
mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm   # ansible's worker processes need it

ip netns add lan
ip -n lan link add br0 type bridge
ip -n lan addr add 192.168.100.1/24 dev br0   # the client
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
# Task containers: named namespaces, as the runner finds them with MESHC_TASK_NETNS=netns,
# each serving HTTP on port 80 with its task name. busybox httpd forks per request without
# an exec (an exec costs about a second under emulation).
web_serve() { # node task
  mkdir -p "/tmp/www-$2" && echo "$2" >"/tmp/www-$2/index.html"
  nsenter --net="/run/netns/$1-$2" busybox httpd -f -p 80 -h "/tmp/www-$2" </dev/null >/dev/null 2>&1 &
}
declare -A TASK_IP=() TASK_NODE=()
while read -r kind node task ip; do
  [[ $kind == task ]] || continue
  ip netns add "$node-$task" && ip -n "$node-$task" link set lo up
  TASK_IP[$task]=$ip TASK_NODE[$task]=$node
  web_serve "$node" "$task"
done </scenario/topo.txt
MARK=$(awk '$1 == "mark" { print $2 }' /scenario/topo.txt)
DATAPLANE=$(awk '$1 == "dataplane" { print $2 }' /scenario/topo.txt)
mapfile -t NODES < <(awk '$1 == "node" { print $2 }' /scenario/topo.txt)

# nftables: meshc's tables in the node's own namespace, the sandbox, its service chains and
# the backends of their round robin (`N : address` slots).
state_nft() { # label node
  local sbox=/run/netns/$2-ingress_sbox table='' tables
  tables=$(nsenter --net="/run/netns/$2" nft list tables | grep -c ' meshc_')
  [[ -e $sbox ]] && table=$(nsenter --net="$sbox" nft list table inet meshc_ingress 2>/dev/null)
  echo "STATE $1 $2 tables=$tables sandbox=$([[ -e $sbox ]] && echo yes || echo no)" \
    "chains=$(grep -c $'^\tchain svc_' <<<"$table") backends=$(grep -Eo '[0-9]+ : [0-9]+\.[0-9.]+' <<<"$table" | grep -c .)" >&3
}
state() {
  local n sbox ipvs
  while read -r kind n _; do
    [[ $kind == node ]] || continue
    if [[ $DATAPLANE == nftables ]]; then state_nft "$1" "$n"; continue; fi
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
  # The dry run's added rules, as the debug task prints them ("  + -A MESHC-…"), or on
  # nftables its added tables (the diff of each namespace's table: "+table inet meshc_…").
  if [[ $DATAPLANE == nftables ]]; then
    echo "DRYRUN $label $(grep -c '"+table inet meshc_' "/tmp/$label.log")" >&3
  else
    echo "DRYRUN $label $(grep -c '"  + -A MESHC-' "/tmp/$label.log")" >&3
  fi
  if [[ $rc != 0 ]]; then tail -n 60 "/tmp/$label.log" | sed 's/^/LOG /' >&3; fi
}

# In place of systemd: the command and environment of the installed drop-in (meshc.conf
# overrides the unit's ExecStart and sets the host's namespaces), run in the node's namespace.
agent_start() { # node
  local conf=/var/lib/meshc-nodes/$1-systemd/meshc-health.service.d/meshc.conf envs cmd
  eval "envs=($(sed -n 's/^Environment=//p' "$conf"))"
  eval "cmd=($(sed -n 's/^ExecStart=//p' "$conf" | tail -n 1))"
  nsenter --net="/run/netns/$1" env "${envs[@]}" "${cmd[@]}" >"/tmp/agent.$1.log" 2>&1 &
}
weights() { # → node:ip=weight for every node and task of the health-checked service
  local n t line
  for n in "${NODES[@]}"; do
    if [[ $DATAPLANE == nftables ]]; then
      line=$(nsenter --net="/run/netns/$n-ingress_sbox" nft list chain inet meshc_ingress "svc_$MARK" 2>/dev/null) || continue
      for t in "${!TASK_IP[@]}"; do
        if [[ $line == *": ${TASK_IP[$t]},"* || $line == *": ${TASK_IP[$t]} }"* ]]; then printf '%s:%s=1 ' "$n" "${TASK_IP[$t]}"; else printf '%s:%s=0 ' "$n" "${TASK_IP[$t]}"; fi
      done
      continue
    fi
    line=$(nsenter --net="/run/netns/$n-ingress_sbox" ipvsadm -Sn 2>/dev/null)
    for t in "${!TASK_IP[@]}"; do
      [[ $line =~ -a\ -f\ $MARK\ -r\ ${TASK_IP[$t]}:0\ -m\ -w\ ([0-9]+) ]] && printf '%s:%s=%s ' "$n" "${TASK_IP[$t]}" "${BASH_REMATCH[1]}"
    done
  done
}
wait_weights() { # label task=weight...: until every node has them (limit 90 s)
  local label=$1 t0 now ok tw n w
  shift
  t0=$(date +%s%N)
  while :; do
    w=" $(weights)" ok=1
    for tw in "$@"; do for n in "${NODES[@]}"; do [[ $w == *" $n:${TASK_IP[${tw%=*}]}=${tw#*=} "* ]] || ok=0; done; done
    now=$((($(date +%s%N) - t0) / 1000000))
    if ((ok)); then echo "WAIT $label $now $w" >&3; return 0; fi
    if ((now > 90000)); then echo "WAIT $label timeout $w" >&3; for n in "${NODES[@]}"; do sed "s/^/LOG agent.$n: /" "/tmp/agent.$n.log" >&3; done; return 1; fi
    sleep 0.5
  done
}
traffic() { # label: the tasks answering 6 new connections to each node's published port 8080
  local n addr i
  for n in "${NODES[@]}"; do
    addr=$(awk -v n="$n" '$1 == "node" && $2 == n { print $3 }' /scenario/topo.txt)
    echo "TRAFFIC $1 $n $(for ((i = 0; i < 6; i++)); do
      printf 'GET / HTTP/1.0\r\n\r\n' | nsenter --net=/run/netns/lan timeout 8 socat -T3 -t2 - "TCP:$addr:8080,connect-timeout=3" 2>/dev/null | tail -n 1
    done | sort -u | tr '\n' ' ')" >&3
  done
}

start=$(date +%s%N)
python3 -c pass
echo "METRIC python_start_ms $((($(date +%s%N) - start) / 1000000))" >&3
state before
play check --check --diff
state check
play apply1
state apply1
for n in "${NODES[@]}"; do agent_start "$n"; done
mapfile -t TASKS < <(printf '%s\n' "${!TASK_IP[@]}" | sort)
victim=${TASKS[0]}
# New real servers start at weight 0; the agents raise them once a probe passes.
wait_weights healthy "${TASKS[@]/%/=1}" && traffic healthy
# The victim's server dies (every process of the task): it leaves every node's balancer.
mapfile -t pids < <(ip netns pids "${TASK_NODE[$victim]}-$victim")
kill -9 "${pids[@]}" 2>/dev/null
wait_weights unhealthy "$victim=0" && traffic unhealthy
web_serve "${TASK_NODE[$victim]}" "$victim"
wait_weights recovered "${TASKS[@]/%/=1}" && traffic recovered
# The second run, with the agents running: nothing to change (the runner leaves the
# agent's weights alone, and the agent's files are the same).
play apply2
state end
echo "VICTIM $victim" >&3
