#!/bin/bash
# Scenario 1: the seed stack on 3 simulated nodes. Every node answers on 8888 over TCP and
# UDP, round robin over both replicas, including the one on another node (node3 has none).
source /scenario/lib.sh
V=/scenario/seed
TOPO=$V/topo.txt
lan_up
topo_up "$TOPO"
sleep 0.5
t0=$(date +%s%N)
run_all "$V" 2 seed.apply
metric seed.apply_ms $(( ($(date +%s%N) - t0) / 3000000 ))
check_rr seed.tcp tcp 8888 web_ngx.1 web_ngx.2
check_rr seed.udp udp 8888 web_ngx.1 web_ngx.2
got=$(in_net node1 timeout 6 socat -T3 -t2 - TCP:127.0.0.1:8888,connect-timeout=3 </dev/null 2>/dev/null)
check seed.node-local "$([[ $got == web_ngx.* ]]; echo $?)" "node1 to its own 127.0.0.1:8888 got [$got]"
t0=$(date +%s%N)
run_all "$V" 0 seed.reapply
metric seed.reapply_ms $(( ($(date +%s%N) - t0) / 3000000 ))
