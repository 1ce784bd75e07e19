#!/bin/bash
# Scenario 1: the seed stack on 3 simulated nodes, on the dataplane it was compiled for
# (lib.sh DATAPLANE; on nftables the nodes' FORWARD DROP gets the accepts it needs). Every node answers on 8888 over TCP and
# UDP, round robin over both replicas wherever they run (a node without a replica too).
# Foreign state is planted first; scenario 3 checks it stays untouched.
source /scenario/lib.sh
V=/scenario/seed
TOPO=$V/topo.txt
lan_up
topo_up "$TOPO"
for n in $(topo_nodes "$TOPO"); do
  if [[ $DATAPLANE == nftables ]]; then nft_forward_allow "$n"; fi
  plant_foreign "$n"
  node_state "$n" >/tmp/pre.$n
  foreign_view "$n" >/tmp/foreign.pre.$n
done
t0=$(date +%s%N)
run_all "$V" 2 seed.apply
metric seed.apply_ms_per_node $(( ($(date +%s%N) - t0) / 3000000 ))
for n in $(topo_nodes "$TOPO"); do metric "seed.rules_$n" "$(json_field "$(tail -1 /tmp/out.$n)" rules)"; done
# shellcheck disable=SC2046
check_rr seed.tcp tcp 8888 $(svc_tasks "$TOPO" ngx)
# shellcheck disable=SC2046
check_rr seed.udp udp 8888 $(svc_tasks "$TOPO" ngx)
without=$(for n in $(topo_nodes "$TOPO"); do grep -q "^task $n " "$TOPO" || echo "$n"; done | head -1)
check seed.node-without-task "$([[ -n $without ]]; echo $?)" "a node with no replica answered above: ${without:-none in this placement}"
got=$(in_net node1 socat -T3 -t2 - TCP:127.0.0.1:8888,connect-timeout=3 </dev/null 2>/dev/null)
check seed.node-local "$([[ $got == web_ngx.* ]]; echo $?)" "node1 to its own 127.0.0.1:8888 got [$got]"
t0=$(date +%s%N)
run_all "$V" 0 seed.reapply
metric seed.reapply_ms_per_node $(( ($(date +%s%N) - t0) / 3000000 ))
