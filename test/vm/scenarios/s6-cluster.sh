#!/bin/bash
# Scenario 6 (issue 12): one cluster of stacks on 3 nodes, one mesh per node. Variants
# (compiled on the host from fixtures/cluster, one lock carried through): c3 = proxy, app,
# monitoring; c4 = c3 plus a fourth stack `extra`; c3b = c4 without `app`. After each
# apply: TCP and UDP round robin to the right tasks from every node for every stack's
# published ports (the health agents run where the tree has them, and every checked task
# must be in the balancer first). A long-lived TCP connection through monitoring (in
# neither change) must survive both applies; `app`'s tasks and port are gone after its
# removal; `--check` is in sync at the end.
source /scenario/lib.sh
TOPO=/scenario/c3/topo.txt
now_ms() { local us=${EPOCHREALTIME//[!0-9]/}; echo $((us / 1000)); }

agents_restart() { # tree: stop the agents, start the tree's (where it has one)
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
wait_admitted() { # label: until no node's sandbox has a real server at weight 0 (limit 120 s)
  local t0 n zero
  t0=$(now_ms)
  while :; do
    zero=''
    for n in $(topo_nodes "$TOPO"); do
      zero+=$(in_net "$n-ingress_sbox" ipvsadm -Sn | grep -- '-w 0$' | sed "s/^/$n: /")
    done
    [[ -z $zero ]] && { metric "$1_ms" $(($(now_ms) - t0)); return 0; }
    if (($(now_ms) - t0 > 120000)); then
      check "$1" 1 "still at weight 0: $zero; agents: $(tail -n 5 /tmp/agent.node1.log 2>/dev/null)"
      return 1
    fi
    sleep 0.5
  done
}
port_of() { awk -v s="$1" -v p="$2" '$1 == "port" && $2 == s && $3 == p { print $4; exit }' "$TOPO"; }

# The long-lived connection: through node1's published port of monitoring (a `hold` server).
ll_open() {
  coproc LL { in_net lan socat - "TCP:$(node_addr "$TOPO" node1):$(port_of monitoring_node-exporter tcp)" 2>/dev/null; }
  LL_TASK=-
  read -r -t 30 -u "${LL[0]}" LL_TASK
  check cluster.long-lived.open "$([[ $LL_TASK == monitoring_node-exporter.* ]]; echo $?)" "first line [$LL_TASK]"
}
ll_check() { # label: the same connection still echoes
  local reply=-
  [[ -n ${LL[1]:-} ]] && echo "ping-$1" >&"${LL[1]}"
  [[ -n ${LL[0]:-} ]] && read -r -t 30 -u "${LL[0]}" reply
  check "$1" "$([[ $reply == "ping-$1" ]]; echo $?)" "sent ping-$1 on the connection opened before (to $LL_TASK), got [$reply]"
}

step_to() { # variant label
  TOPO=/scenario/$1/topo.txt
  topo_sync "$TOPO"
  run_all "/scenario/$1" 2 "cluster.$2.apply"
  agents_restart "/scenario/$1"
  wait_admitted "cluster.$2.admitted" && check_topo_rr "cluster.$2.rr"
}

lan_up
topo_up "$TOPO"
sleep 0.5
t0=$(now_ms)
run_all /scenario/c3 2 cluster.c3.apply
metric cluster.c3.apply_ms $(($(now_ms) - t0))
agents_restart /scenario/c3
wait_admitted cluster.c3.admitted && check_topo_rr cluster.c3.rr
app_port=$(port_of app_api tcp)
ll_open

step_to c4 add
ll_check cluster.add.long-lived

step_to c3b remove
ll_check cluster.remove.long-lived
check_closed cluster.remove.app-closed tcp "$app_port"
# The removed stack's tasks: the runner took meshc's rules out of them.
bad=''
for ns in $(ip netns list | awk '{ print $1 }' | grep -- '-app_'); do
  if in_net "$ns" iptables-save | grep -q MESHC; then bad+=" $ns keeps MESHC rules;"; fi
done
check cluster.remove.app-tasks-clean "$([[ -z $bad ]]; echo $?)" "$bad"
run_all /scenario/c3b 0 cluster.in-sync --check
