#!/bin/bash
# Scenario 2: a stack compiled by meshc's CLI — tcp, udp, a port range, a dynamic port and
# a host-mode port — on 3 nodes. Every ingress port answers on every node with round robin
# over its service's tasks; the host-mode port gets no mesh rules anywhere.
source /scenario/lib.sh
V=/scenario/multi
TOPO=$V/topo.txt
lan_up
topo_up "$TOPO"
run_all "$V" 2 multi.apply
check_topo_rr multi.rr
check_closed multi.host-mode-closed tcp 8125
bad=''
for n in $(topo_nodes "$TOPO"); do
  if in_net "$n" iptables-save | grep -q 8125; then bad+=" $n host rules mention 8125;"; fi
  if in_net "$n-ingress_sbox" iptables-save | grep -q 8125; then bad+=" $n sandbox rules mention 8125;"; fi
done
check multi.host-mode-no-rules "$([[ -z $bad ]]; echo $?)" "$bad"
dyn=$(awk '$1 == "port" && $2 == "dyn" { print $4 }' "$TOPO")
check multi.dynamic-port-range "$([[ $dyn -ge 30000 && $dyn -le 32767 ]]; echo $?)" "dyn published on [$dyn]"
run_node node1 "$V" --check
metric multi.rules_node1 "$(json_field "$JSON" rules)"
metric multi.ipvs_services "$(json_field "$JSON" services)"
metric multi.ipvs_reals "$(json_field "$JSON" reals)"
run_all "$V" 0 multi.reapply
