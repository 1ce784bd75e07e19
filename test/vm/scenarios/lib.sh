#!/bin/bash
# Guest-side helpers of the VM suite: the simulated cluster (a `lan` namespace with a
# bridge and the client, one namespace per node, one per task running small TCP/UDP
# servers that answer with their task name), meshc's runner per node, probes, checks.
# Checks go to fd 3 (the second serial port) as "CHECK <name> ok|fail <detail>".
set -uo pipefail
LAN_IP=192.168.56.100
# The dataplane this boot's output trees were compiled for (one per boot, docs/dataplanes.md):
# nftables when they hold .nft files. The helpers below that dump or plant dataplane state
# (node_state, mesh_state, plant_foreign*, meshc_objects) follow it.
DATAPLANE=ipvs
if compgen -G '/scenario/*/*/ingress.nft' >/dev/null; then DATAPLANE=nftables; fi

check() { # name, status (0 = ok), detail (flattened to one line)
  local detail=${3:-}
  detail=${detail//$'\n'/ }
  if [[ $2 == 0 ]]; then echo "CHECK $1 ok $detail" >&3; else echo "CHECK $1 fail $detail" >&3; fi
}
metric() { echo "METRIC $1 $2" >&3; }
note() { echo "NOTE $*" >&3; echo "NOTE $*"; }

in_net() { local ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }

lan_up() {
  ip netns add lan
  ip -n lan link set lo up
  ip -n lan link add br0 type bridge
  ip -n lan addr add "$LAN_IP/24" dev br0
  ip -n lan link set br0 up
}

node_up() { # name address
  [[ ! -e /run/netns/$1 ]] || return 0
  ip netns add "$1"
  ip link add eth0 netns "$1" type veth peer name "$1" netns lan
  ip -n lan link set "$1" master br0 up
  ip -n "$1" link set lo up
  ip -n "$1" addr add "$2/24" dev eth0
  ip -n "$1" link set eth0 up
  # Like any Docker host: forwarded traffic is dropped unless a rule accepts it.
  in_net "$1" iptables -P FORWARD DROP
}

# The nftables dataplane on a node whose firewall drops forwarded traffic (node_up): an
# accept in meshc's table cannot override another table's drop, so the node allows what
# docs/dataplanes.md says: DNATed connections to the sandbox, and their replies.
nft_forward_allow() { # node
  in_net "$1" iptables -A FORWARD -d 172.18.0.2 -m conntrack --ctstate DNAT -j ACCEPT
  in_net "$1" iptables -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
}

# A namespace's nftables tables, whole, without rule counters (traffic moves them); with
# `foreign`, meshc's own tables (inet meshc_*) left out.
nft_view() { # ns [foreign]
  local fam name
  in_net "$1" nft list tables | while read -r _ fam name; do
    [[ ${2:-} == foreign && $name == meshc_* ]] && continue
    in_net "$1" nft list table "$fam" "$name"
  done | sed 's/counter packets [0-9]* bytes [0-9]*/counter/'
}

# How many objects of meshc's a namespace holds: MESHC lines of iptables-save, or meshc tables.
meshc_objects() { # ns
  local out
  if [[ $DATAPLANE == nftables ]]; then
    out=$(in_net "$1" nft list tables 2>/dev/null)
    grep -c ' meshc_' <<<"$out"
  else
    out=$(in_net "$1" iptables-save 2>/dev/null)
    grep -c MESHC <<<"$out"
  fi
}

task_up() { # node task proto:port...
  local node=$1 task=$2 ns=$1-$2 p
  shift 2
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  # TCP servers: -t5, because a probe closes its side at once, and after that EOF socat
  # waits only -t (0.5 s by default) for the shell's answer: on a busy emulated host the
  # fork and exec of the shell took longer, and the probe got nothing. The answer still ends
  # the connection as soon as the shell exits.
  for p in "$@"; do
    case ${p%%:*} in
      tcp) in_net "$ns" socat -t5 "TCP-LISTEN:${p#*:},fork,reuseaddr" "SYSTEM:echo $task" </dev/null >/dev/null 2>&1 & ;;
      # The reply goes out at once; the pause keeps the child until socat has sent it: with
      # a bare echo about one reply in twelve was lost (the child ends with its shell).
      udp) in_net "$ns" socat "UDP-RECVFROM:${p#*:},fork" "SYSTEM:echo $task; sleep 0.2" </dev/null >/dev/null 2>&1 & ;;
      # An HTTP health check's target: status 200, the task name as the body's last line.
      http) in_net "$ns" socat -t5 "TCP-LISTEN:${p#*:},fork,reuseaddr" "SYSTEM:echo HTTP/1.0 200 OK; echo; echo $task" </dev/null >/dev/null 2>&1 & ;;
      # Says its name, then echoes until the client closes (a long-lived connection).
      hold) in_net "$ns" socat -t5 "TCP-LISTEN:${p#*:},fork,reuseaddr" "SYSTEM:echo $task; exec cat" </dev/null >/dev/null 2>&1 & ;;
    esac
  done
}

task_down() { # node task
  local ns=$1-$2 pids
  pids=$(ip netns pids "$ns" 2>/dev/null) || pids=
  [[ -z $pids ]] || kill $pids 2>/dev/null
  ip netns del "$ns" 2>/dev/null || true
}

# topo file lines: "node NAME ADDRESS" and "task NODE TASK proto:port..."
topo_up() {
  local kind a b rest
  while read -r kind a b rest; do
    case $kind in
      node) node_up "$a" "$b" ;;
      task) # shellcheck disable=SC2086
        task_up "$a" "$b" $rest ;;
    esac
  done <"$1"
}

topo_tasks() { awk '$1 == "task" { print $2, $3 }' "$1"; }
topo_nodes() { awk '$1 == "node" { print $2 }' "$1"; }
node_addr() { awk -v n="$2" '$1 == "node" && $2 == n { print $3 }' "$1"; }

# Runs meshc's own runner of node $1 from tree $2; sets RC and JSON (its last stdout line).
RC=0 JSON=
run_node() {
  local node=$1 tree=$2 out
  shift 2
  out=$(nsenter --net="/run/netns/$node" env MESHC_NETNS_PREFIX="$node-" MESHC_TASK_NETNS=netns \
    bash "$tree/$node/apply.sh" "$@" 2>/tmp/runner.$node.err)
  RC=$?
  JSON=$(awk 'NF { last = $0 } END { print last }' <<<"$out")
  OUT=$out
}

run_all() { # tree, expected rc, label, args...: every node's runner at once (as Ansible would)
  local tree=$1 want=$2 label=$3 node bad='' rc pids=()
  shift 3
  for node in $(topo_nodes "$tree/topo.txt"); do
    (run_node "$node" "$tree" "$@"; printf '%s\n' "$RC" >/tmp/rc.$node; printf '%s\n' "$OUT" >/tmp/out.$node) &
    pids+=($!)
  done
  wait "${pids[@]}" # not a bare wait: the task servers are this shell's children too
  OUT=''
  for node in $(topo_nodes "$tree/topo.txt"); do
    read -r rc </tmp/rc.$node
    OUT+=$(cat /tmp/out.$node)$'\n'
    if [[ $rc != "$want" ]]; then bad+=" $node:rc=$rc:$(tail -1 /tmp/out.$node):$(tail -3 /tmp/runner.$node.err | tr '\n' ' ')"; fi
  done
  check "$label" "$([[ -z $bad ]]; echo $?)" "$bad"
}

rcs_all() { # tree args... → the exit codes of every node's runner, space-separated
  local tree=$1 node out=''
  shift
  for node in $(topo_nodes "$tree/topo.txt"); do run_node "$node" "$tree" "$@"; out+="$RC "; done
  echo "$out"
}

# UDP: one datagram out, exactly one reply datagram read (dd), from a new client port each
# time (a new flow: the next round-robin pick). Not socat's UDP client: it lost about one
# reply in four here (8 of 12 answered, 24 of 24 with dd), and waited its whole -t timeout
# even after the reply. A datagram still went unanswered now and then on a busy host,
# hence the second try on the same flow.
probe() { # proto address port → the answering task's name, or "-"
  local r
  case $1 in
    tcp) r=$(in_net lan socat -T6 -t4 - "TCP:$2:$3,connect-timeout=6" </dev/null 2>/dev/null)
      r=${r##*$'\n'} ;; # the last line: an HTTP server's body
    udp) # the server forks a shell per datagram: up to 10 s under emulation; then once more
      # on the same socket (the same flow, so the same backend) if no reply came
      r=$(in_net lan bash -c 'exec 3<>"/dev/udp/$1/$2" || exit
        for _ in 1 2; do
          echo ping >&3 || exit
          timeout 10 dd bs=4096 count=1 <&3 2>/dev/null && exit
        done' _ "$2" "$3") ;;
  esac
  echo "${r:--}"
}

# Every node answers on published port $3/$2 with round robin over exactly the tasks $4...:
# N consecutive requests (N = number of tasks) reach each task once.
# TCP probes of different nodes run in parallel (only each node's own order matters); UDP
# ones one after the other: socat's forking UDP server mixes up concurrent datagrams.
check_rr() { # label proto port task...
  local label=$1 proto=$2 port=$3 node addr want bad='' i pids=()
  shift 3
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  for node in $(topo_nodes "$TOPO"); do
    addr=$(node_addr "$TOPO" "$node")
    (for ((i = 0; i < $#; i++)); do probe "$proto" "$addr" "$port"; done | sort | tr '\n' ' ' >/tmp/rr.$node) &
    pids+=($!)
    [[ $proto == tcp ]] || wait "${pids[@]}"
  done
  wait "${pids[@]}"
  for node in $(topo_nodes "$TOPO"); do
    [[ $(</tmp/rr.$node) == "$want" ]] || bad+=" $node got [$(</tmp/rr.$node)] want [$want];"
  done
  check "$label" "$([[ -z $bad ]]; echo $?)" "$bad"
}

check_closed() { # label proto port: no node answers
  local label=$1 node addr got bad=''
  for node in $(topo_nodes "$TOPO"); do
    addr=$(node_addr "$TOPO" "$node")
    got=$(probe "$2" "$addr" "$3")
    [[ $got == - ]] || bad+=" $node answered $got;"
  done
  check "$label" "$([[ -z $bad ]]; echo $?)" "$bad"
}

# Everything a node's kernel holds that meshc could touch, for before/after comparisons
# (with `foreign`, meshc's nftables tables left out).
node_state() { # node [foreign]
  local n=$1 ns
  in_net "$n" iptables-save | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
  if [[ $DATAPLANE == nftables ]]; then nft_view "$n" "${2:-}"; else in_net "$n" ipvsadm -Sn; fi
  ip -n "$n" -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' | sort
  for ns in $(ip netns list | awk '{ print $1 }' | grep "^$n-" | sort); do
    echo "netns $ns"
  done
}

# node_state plus what meshc keeps inside the node's sandbox and task namespaces.
mesh_state() { # node
  local n=$1 ns
  node_state "$n"
  for ns in $(ip netns list | awk '{ print $1 }' | grep "^$n-" | sort); do
    echo "== $ns"
    in_net "$ns" iptables-save | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
    if [[ $DATAPLANE == nftables ]]; then nft_view "$ns"; else in_net "$ns" ipvsadm -Sn; fi
  done
}

json_field() { # json key → raw value (numbers, booleans) of a flat key
  sed -n "s/.*\"$2\":\\([^,}]*\\).*/\\1/p" <<<"$1"
}

kill_all() {
  local ns pids
  for ns in $(ip netns list | awk '{ print $1 }'); do
    pids=$(ip netns pids "$ns" 2>/dev/null) || continue
    [[ -z $pids ]] || kill -9 $pids 2>/dev/null
  done
}

# Foreign state every node carries before meshc runs: a chain with a hook, rules in nat
# and mangle, an IPVS service (on nftables: a table with a nat base chain), a link and a
# namespace. meshc must never touch them.
plant_foreign() { # node
  local n=$1
  in_net "$n" iptables -N FOREIGN-CHAIN
  in_net "$n" iptables -A FOREIGN-CHAIN -s 10.9.9.9/32 -j ACCEPT
  in_net "$n" iptables -I INPUT -j FOREIGN-CHAIN
  in_net "$n" iptables -t nat -A PREROUTING -p tcp --dport 9999 -j REDIRECT --to-ports 9998
  in_net "$n" iptables -t mangle -A PREROUTING -p udp --dport 9999 -j MARK --set-mark 7
  if [[ $DATAPLANE == nftables ]]; then
    printf 'table ip foreign_keep {\n\tchain pre {\n\t\ttype nat hook prerouting priority -150; policy accept;\n\t\ttcp dport 9997 return\n\t}\n}\n' | in_net "$n" nft -f -
  else
    in_net "$n" ipvsadm -A -t 192.0.2.1:80 -s rr
  fi
  ip -n "$n" link add foreign0 type bridge
  ip netns add "$n-foreign"
}

# The same inside a sandbox meshc made: an fwmark service and a TCP service meshc did not
# create (on nftables: a table with a nat base chain), and a mangle chain hooked before meshc's.
plant_foreign_sandbox() { # node
  local sb=$1-ingress_sbox
  if [[ $DATAPLANE == nftables ]]; then
    printf 'table ip foreign_sbox {\n\tchain pre {\n\t\ttype nat hook prerouting priority -150; policy accept;\n\t\ttcp dport 4242 return\n\t}\n}\n' | in_net "$sb" nft -f -
  else
    in_net "$sb" ipvsadm -A -f 4242 -s rr
    in_net "$sb" ipvsadm -a -f 4242 -r 10.0.0.250:0 -m -w 1
    in_net "$sb" ipvsadm -A -t 10.0.0.251:80 -s rr
  fi
  in_net "$sb" iptables -t mangle -N FOREIGN-SBOX
  in_net "$sb" iptables -t mangle -A FOREIGN-SBOX -j RETURN
  in_net "$sb" iptables -t mangle -I PREROUTING -j FOREIGN-SBOX
}

# A node's state with everything meshc owns filtered out: equal before, during and after.
foreign_view() { # node
  node_state "$1" foreign | grep -v -e MESHC -e '^meshc_' -e '^docker_gwbridge$' -e '^meshc_gwbridge$' -e "^netns $1-ingress_" -e "^netns $1-web_"
}

sandbox_foreign_view() { # node
  local sb=$1-ingress_sbox
  in_net "$sb" iptables-save | grep -v -e '^#' -e MESHC | sed 's/\[[0-9]*:[0-9]*\]//'
  if [[ $DATAPLANE == nftables ]]; then nft_view "$sb" foreign; else in_net "$sb" ipvsadm -Sn | grep -v -e '^-[Aa] -f 25[6-9] '; fi
}

# Starts the servers of tasks the topology has and the cluster lacks.
topo_sync() { # topo
  local kind a b rest
  while read -r kind a b rest; do
    if [[ $kind == task && ! -e /run/netns/$a-$b ]]; then
      # shellcheck disable=SC2086
      task_up "$a" "$b" $rest
    fi
  done <"$1"
}

# Stops tasks the topology no longer has (after the runners ran), checking first that the
# runner cleaned meshc's rules out of them.
topo_prune() { # topo label
  local ns node task bad=''
  for ns in $(ip netns list | awk '{ print $1 }' | grep -- '-web_'); do
    node=${ns%%-*} task=${ns#*-}
    if ! grep -q "^task $node $task " "$1"; then
      if [[ $(meshc_objects "$ns") != 0 ]]; then bad+=" $ns keeps meshc's rules;"; fi
      task_down "$node" "$task"
    fi
  done
  check "$2" "$([[ -z $bad ]]; echo $?)" "$bad"
}

svc_tasks() { awk -v s="$2" '$1 == "svc" && $2 == s { $1 = ""; $2 = ""; print }' "$1"; }

# Round robin on every published port of every service of the topology.
check_topo_rr() { # label
  local kind svc proto port
  while read -r kind svc proto port; do
    [[ $kind == port ]] || continue
    # shellcheck disable=SC2046
    check_rr "$1.$svc.$proto.$port" "$proto" "$port" $(svc_tasks "$TOPO" "$svc")
  done <"$TOPO"
}

check_foreign() { # label
  local n bad=''
  for n in $(topo_nodes "$TOPO"); do
    foreign_view "$n" >/tmp/foreign.now.$n
    cmp -s /tmp/foreign.now.$n /tmp/foreign.pre.$n || bad+=" $n: $(diff /tmp/foreign.pre.$n /tmp/foreign.now.$n | grep '^[<>]' | head -5 | tr '\n' ' ');"
  done
  if [[ -f /tmp/sbox.pre ]]; then
    sandbox_foreign_view node1 >/tmp/sbox.now
    cmp -s /tmp/sbox.now /tmp/sbox.pre || bad+=" node1 sandbox: $(diff /tmp/sbox.pre /tmp/sbox.now | grep '^[<>]' | head -5 | tr '\n' ' ')"
  fi
  check "$1" "$([[ -z $bad ]]; echo $?)" "$bad"
}

# Back to an empty machine: every process in a namespace killed, every namespace and
# meshc's lock and state gone (all meshc objects of a simulated node live in its netns).
world_reset() {
  local ns
  kill_all
  sleep 0.2
  for ns in $(ip netns list | awk '{ print $1 }'); do ip netns del "$ns"; done
  rm -rf /var/lib/meshc /run/meshc
}
