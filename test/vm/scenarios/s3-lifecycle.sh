#!/bin/bash
# Scenario 3 (after scenario 1): re-apply, --check and --dry-run change nothing; a service
# is added, scaled up, scaled down and removed, and traffic follows exactly the new set of
# tasks; --down restores each node to its state before meshc. Foreign chains, rules, IPVS
# services (also inside node1's sandbox), links and namespaces are checked after each step.
# On the nftables dataplane (lib.sh DATAPLANE) the dumps are nft's, and foreign nftables
# tables stand in for foreign IPVS services.
source /scenario/lib.sh
TOPO=/scenario/seed/topo.txt

# The services live in a node's sandbox (IPVS fwmark services below 4000, or nft service
# chains), and whether its host still dispatches a port.
live_services() { # node
  if [[ $DATAPLANE == nftables ]]; then
    in_net "$1-ingress_sbox" nft list table inet meshc_ingress | sed -n 's/^\tchain svc_\([0-9]*\) {$/\1/p' | tr '\n' ' '
  else
    in_net "$1-ingress_sbox" ipvsadm -Sn | awk '$2 == "-f" && $1 == "-A" && $3 < 4000 { print $3 }' | tr '\n' ' '
  fi
}
host_dispatches() { # node port
  if [[ $DATAPLANE == nftables ]]; then
    in_net "$1" nft list table inet meshc_host | grep -q -- " $2"
  else
    in_net "$1" iptables-save | grep -q -- "--dport $2"
  fi
}

for n in $(topo_nodes "$TOPO"); do mesh_state "$n" >/tmp/applied.$n; done
run_all /scenario/seed 0 life.reapply
bad=''
for n in $(topo_nodes "$TOPO"); do mesh_state "$n" | cmp -s - /tmp/applied.$n || bad+=" $n"; done
check life.reapply-identical "$([[ -z $bad ]]; echo $?)" "state changed on:$bad"
run_all /scenario/seed 0 life.check --check
run_all /scenario/seed 0 life.dry-run --dry-run
check life.dry-run-silent "$([[ $OUT != *would* ]]; echo $?)" "$OUT"

plant_foreign_sandbox node1
sandbox_foreign_view node1 >/tmp/sbox.pre
check_foreign life.foreign.applied

step_to() { # variant label [check]: --check first must see the change on every node
  TOPO=/scenario/$1/topo.txt
  topo_sync "$TOPO"
  if [[ ${3:-} == check ]]; then
    run_all "/scenario/$1" 2 "life.$2.check-detects" --check
  fi
  run_all "/scenario/$1" 2 "life.$2.apply"
  check_topo_rr "life.$2.rr"
  topo_prune "$TOPO" "life.$2.former-tasks-clean"
  check_foreign "life.$2.foreign"
}

step_to two add check
step_to scaled-up scale-up
step_to scaled-down scale-down
step_to removed remove
run_all /scenario/removed 0 life.remove.reapply
check_closed life.remove.tcp-closed tcp 8888
check_closed life.remove.udp-closed udp 8888
bad=''
for n in $(topo_nodes "$TOPO"); do
  fw=$(live_services "$n")
  [[ $fw == "257 " ]] || bad+=" $n services [$fw];"
  if host_dispatches "$n" 8888; then bad+=" $n host keeps 8888;"; fi
  if ip -n "$n-ingress_sbox" -o addr show | grep -q '10\.0\.0\.9/32'; then bad+=" $n keeps the VIP;"; fi
done
check life.remove.gone "$([[ -z $bad ]]; echo $?)" "$bad"

run_all /scenario/removed 2 life.down --down
bad=''
for n in $(topo_nodes "$TOPO"); do
  node_state "$n" >/tmp/post.$n
  if [[ $n == node1 ]]; then
    # The sandbox holds foreign IPVS services (nftables tables), so it stays (docs/runner.md).
    grep -v '^netns node1-ingress_sbox$' /tmp/post.$n >/tmp/post.$n.f && mv /tmp/post.$n.f /tmp/post.$n
  fi
  # Tasks still running (this scenario's own namespaces) are not meshc's.
  grep -v "^netns $n-web_" /tmp/post.$n >/tmp/post.$n.f; grep -v "^netns $n-web_" /tmp/pre.$n >/tmp/pre.$n.f
  cmp -s /tmp/pre.$n.f /tmp/post.$n.f || bad+=" $n: $(diff /tmp/pre.$n.f /tmp/post.$n.f | grep '^[<>]' | head -8 | tr '\n' ' ');"
  fwd=$(in_net "$n" cat /proc/sys/net/ipv4/ip_forward)
  [[ $fwd == 0 ]] || bad+=" $n ip_forward=$fwd;"
done
check life.down-restores "$([[ -z $bad ]]; echo $?)" "$bad"
sandbox_foreign_view node1 >/tmp/sbox.now
cmp -s /tmp/sbox.now /tmp/sbox.pre; check life.down-keeps-foreign-sandbox $? "$(diff /tmp/sbox.pre /tmp/sbox.now | tr '\n' ' ')"
left=$(meshc_objects node1-ingress_sbox)
check life.down-sandbox-clean "$([[ $left == 0 ]]; echo $?)" "$left objects of meshc's left in node1's sandbox"
run_all /scenario/removed 0 life.down-again --down
