#!/bin/bash
# Scenario 7 (docs/client-ip.md): client_ip: preserve with IPVS, 3 nodes, the client on the
# LAN outside them. Variants compiled on the host with meshc's CLI: v1 = echo (preserving,
# tasks on node2 and node3, so node1 has none; TCP + UDP; TCP health check) and plain;
# v2 = v1 plus `extra` (a re-apply that changes every node's rules and IPVS).
# The task servers answer "<task> <peer address>". Checked: echo's peer is the client
# through every node, round robin over both tasks, TCP and UDP; plain's peer is the entry
# node's sandbox; a long-lived TCP connection and a UDP exchange opened before the v2
# re-apply still work after it; health failover takes a preserving task out and puts it
# back; --check is in sync; --down removes the tasks' return rules.
source /scenario/lib.sh
TOPO=/scenario/v1/topo.txt
PEERS=/scenario/v1/peers.txt
now_ms() { local us=${EPOCHREALTIME//[!0-9]/}; echo $((us / 1000)); }

# "task NODE TASK IP preserve|plain" and "sbox NODE INGRESS_IP" lines, written by the host.
start_task() { # node task ip kind
  local ns=$1-$2
  [[ -e /run/netns/$ns ]] || ip netns add "$ns"
  ip -n "$ns" link set lo up
  in_net "$ns" socat TCP-LISTEN:80,fork,reuseaddr "SYSTEM:echo $2 \$SOCAT_PEERADDR; exec cat" </dev/null >/dev/null 2>&1 &
  if [[ $4 == preserve ]]; then
    # A default route elsewhere, as every Docker container has (docker_gwbridge).
    if ! ip -n "$ns" link show gw0 >/dev/null 2>&1; then
      ip -n "$ns" link add gw0 type veth peer name gw1
      ip -n "$ns" addr add 172.31.0.2/24 dev gw0
      ip -n "$ns" link set gw0 up
      ip -n "$ns" link set gw1 up
      ip -n "$ns" route add default via 172.31.0.1
    fi
  fi
}
start_udp() { # after the runner made the ingress addresses: bound to it (a UDP server answers from the address it was asked on)
  local kind node task ip mode
  while read -r kind node task ip mode; do
    [[ $kind == task && $mode == preserve ]] || continue
    in_net "$node-$task" socat "UDP-RECVFROM:53,bind=$ip,fork" "SYSTEM:echo $task \$SOCAT_PEERADDR" </dev/null >/dev/null 2>&1 &
  done <"$PEERS"
}
# lib.sh's probe with longer bounds: the guest is emulated on a shared host, and a reply
# needs a fork and exec of a shell in the task.
probe_slow() { # proto address port → "<task> <peer>", or "-"
  local r
  case $1 in
    tcp) r=$(in_net lan socat -T15 -t10 - "TCP:$2:$3,connect-timeout=10" </dev/null 2>/dev/null)
      r=${r%%$'\n'*} ;;
    udp) r=$(in_net lan socat -T15 -t12 - "UDP:$2:$3" <<<ping 2>/dev/null) ;;
  esac
  echo "${r:--}"
}
stop_tcp() { # node task: kills the task's TCP server (its health check fails), keeps UDP
  local pid
  for pid in $(ip netns pids "$1-$2"); do
    if grep -q 'TCP-LISTEN' "/proc/$pid/cmdline" 2>/dev/null; then kill "$pid" 2>/dev/null; fi
  done
}
tasks_up() { local kind node task ip mode; while read -r kind node task ip mode; do [[ $kind == task ]] && start_task "$node" "$task" "$ip" "$mode"; done <"$PEERS"; }
sbox_ip() { awk -v n="$1" '$1 == "sbox" && $2 == n { print $3 }' "$PEERS"; }
agents_restart() { # tree
  local n pid i
  for n in $(topo_nodes "$1/topo.txt"); do
    if [[ -f /tmp/agent.$n.pid ]]; then
      pid=$(<"/tmp/agent.$n.pid")
      kill "$pid" 2>/dev/null
      for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      rm -f "/tmp/agent.$n.pid"
    fi
    [[ -f $1/$n/health-agent.sh ]] || continue
    nsenter --net="/run/netns/$n" env MESHC_NETNS_PREFIX="$n-" MESHC_TASK_NETNS=netns \
      bash "$1/$n/health-agent.sh" >>"/tmp/agent.$n.log" 2>&1 &
    echo $! >"/tmp/agent.$n.pid"
  done
}
agents_stop() {
  local n
  for n in $(topo_nodes "$TOPO"); do [[ -f /tmp/agent.$n.pid ]] && kill "$(<"/tmp/agent.$n.pid")" 2>/dev/null; rm -f "/tmp/agent.$n.pid"; done
}
weights_settle() { # label want-zero-count: until exactly that many echo reals have weight 0 on every node (limit 60 s)
  local t0 n zero all
  t0=$(now_ms)
  while :; do
    all=1
    for n in $(topo_nodes "$TOPO"); do
      zero=$(in_net "$n-ingress_sbox" ipvsadm -Sn | grep -c -- "-a -f $ECHO_MARK .* -w 0$")
      [[ $zero == "$2" ]] || all=0
    done
    ((all)) && { metric "$1_ms" $(($(now_ms) - t0)); return 0; }
    if (($(now_ms) - t0 > 60000)); then check "$1" 1 "weights did not settle: $(in_net node1-ingress_sbox ipvsadm -Sn | tr '\n' ' ')"; return 1; fi
    sleep 0.5
  done
}

# Through every node, until `count` answers (at most 3 x count probes: under emulation on a
# shared host a probe can time out, which is counted, not failed): every answer "<task>
# <peer>" must have peer $want (sbox: the entry node's sandbox), and the answering tasks must
# be exactly $tasks. A path that is broken for one task leaves that task out: a failure.
check_peers() { # label proto port want_peer count tasks...
  local label=$1 proto=$2 port=$3 want=$4 count=$5 node addr got peer bad='' i n names lost=0
  shift 5
  for node in $(topo_nodes "$TOPO"); do
    addr=$(node_addr "$TOPO" "$node")
    peer=$want
    [[ $want != sbox ]] || peer=$(sbox_ip "$node")
    names='' n=0
    for ((i = 0; i < 3 * count && n < count; i++)); do
      got=$(probe_slow "$proto" "$addr" "$port")
      if [[ $got == - ]]; then lost=$((lost + 1)); continue; fi
      n=$((n + 1))
      [[ ${got#* } == "$peer" ]] || bad+=" $node: answer [$got], want peer $peer;"
      names+="${got%% *}"$'\n'
    done
    names=$(sort <<<"${names%$'\n'}" | uniq | tr '\n' ' ')
    [[ $names == "$* " ]] || { bad+=" $node: tasks [$names] want [$* ];"; diag "$label.$node"; }
  done
  metric "$label.timeouts" "$lost"
  check "$label" "$([[ -z $bad ]]; echo $?)" "$bad (probes timed out: $lost)"
}

diag() { # label: what the return path did, for a failure's report
  local kind node task ip mode
  while read -r kind node task ip mode; do
    [[ $kind == task && $mode == preserve ]] || continue
    note "$1 $task mangle: $(in_net "$node-$task" iptables -t mangle -L MESHC-RETURN-IN -v -n -x 2>&1 | awk 'NR > 2 { print $1 }' | tr '\n' ' ')"
    note "$1 $task neigh: $(ip -n "$node-$task" neigh show 2>&1 | tr '\n' ';')"
  done <"$PEERS"
  for node in $(topo_nodes "$TOPO"); do
    note "$1 $node sandbox conns: $(in_net "$node-ingress_sbox" ipvsadm -Lnc 2>&1 | grep -c ESTABLISHED) established; neigh: $(ip -n "$node-ingress_sbox" neigh show dev ingress0 2>&1 | tr '\n' ';')"
  done
}

lan_up
topo_up "$TOPO" # nodes (their tasks get lib's servers here; replaced below)
for ns in $(ip netns list | awk '{ print $1 }' | grep -- '-cip_'); do task_down "${ns%%-*}" "${ns#*-}"; done
tasks_up
sleep 0.5
ECHO_MARK=$(awk '$1 == "mark" && $2 == "echo" { print $3 }' "$PEERS")
read -r -a ECHO_TASKS <<<"$(svc_tasks "$TOPO" echo)"
t0=$(now_ms)
run_all /scenario/v1 2 cip.apply
metric cip.apply_ms $(($(now_ms) - t0))
start_udp
agents_restart /scenario/v1
weights_settle cip.admitted 0

check_peers cip.preserve.tcp tcp 8080 "$LAN_IP" 2 "${ECHO_TASKS[@]}"
check_peers cip.preserve.udp udp 5353 "$LAN_IP" 2 "${ECHO_TASKS[@]}"
check_peers cip.plain.tcp tcp 8081 sbox 1 cip_plain.1
# The mark a task saved names the entry node: node1's sandbox MAC gives 0x2000000.
marks=$(in_net node2-cip_echo.1 ip rule show pref 20000 | wc -l)
check cip.task-rules "$([[ $marks == 3 ]]; echo $?)" "$marks rules at pref 20000 in node2-cip_echo.1 (want 3: one per node)"
mac=$(ip -n node1-ingress_sbox -o link show ingress0 | grep -o 'link/ether [^ ]*')
check cip.sandbox-mac "$([[ $mac == 'link/ether 02:42:0a:00:00:02' ]]; echo $?)" "[$mac]"

# Long-lived TCP through node1 (no replica) and a UDP exchange from a fixed port through node1.
node1=$(node_addr "$TOPO" node1)
coproc LL { in_net lan socat - "TCP:$node1:8080" 2>/dev/null; }
first=-
read -r -t 30 -u "${LL[0]}" first
check cip.long-lived.open "$([[ $first == *" $LAN_IP" ]]; echo $?)" "first line [$first]"
# (bash runs one coproc at a time: the UDP client reads a fifo and writes a file.)
udp_line() { # n → the n-th reply line of the UDP exchange (waits up to 20 s)
  local i
  for ((i = 0; i < 40; i++)); do
    [[ $(wc -l </tmp/ud.out) -ge $1 ]] && { sed -n "$1p" /tmp/ud.out; return 0; }
    sleep 0.5
  done
  echo -
}
mkfifo /tmp/ud.in
: >/tmp/ud.out
in_net lan socat -T900 - "UDP:$node1:5353,sourceport=40053" </tmp/ud.in >>/tmp/ud.out 2>/dev/null &
exec 7>/tmp/ud.in
echo one >&7
u1=$(udp_line 1)
check cip.udp-exchange.open "$([[ $u1 == *" $LAN_IP" ]]; echo $?)" "first reply [$u1]"

TOPO=/scenario/v2/topo.txt
topo_sync "$TOPO" # extra's task
run_all /scenario/v2 2 cip.reapply
agents_restart /scenario/v2
weights_settle cip.readmitted 0
reply=-
echo ping >&"${LL[1]}"
read -r -t 30 -u "${LL[0]}" reply
check cip.long-lived.after-reapply "$([[ $reply == ping ]]; echo $?)" "sent ping on the connection opened before (to [$first]), got [$reply]"
u2=-
for _ in 1 2 3; do # the same flow; a datagram lost to the emulation's stalls is sent again
  echo two >&7
  u2=$(udp_line 2)
  [[ $u2 == - ]] || break
done
check cip.udp-exchange.after-reapply "$([[ $u2 == "$u1" ]]; echo $?)" "before [$u1] after [$u2]"
check_peers cip.after-reapply.tcp tcp 8080 "$LAN_IP" 2 "${ECHO_TASKS[@]}"

# Health failover: echo.1's TCP server dies; the agents take it out; it comes back.
stop_tcp node2 cip_echo.1
weights_settle cip.failover.out 1 && check_peers cip.failover.out.tcp tcp 8080 "$LAN_IP" 2 cip_echo.2
start_task node2 cip_echo.1 "$(awk '$1 == "task" && $3 == "cip_echo.1" { print $4 }' "$PEERS")" plain
weights_settle cip.failover.back 0 && check_peers cip.failover.back.tcp tcp 8080 "$LAN_IP" 2 "${ECHO_TASKS[@]}"

run_all /scenario/v2 0 cip.in-sync --check
agents_stop
run_all /scenario/v2 2 cip.down --down
left=''
for ns in node2-cip_echo.1 node3-cip_echo.2; do
  [[ -z $(in_net "$ns" ip rule show pref 20000) ]] || left+=" $ns: $(in_net "$ns" ip rule show pref 20000 | tr '\n' ' ')"
done
check cip.down.rules-gone "$([[ -z $left ]]; echo $?)" "$left"
