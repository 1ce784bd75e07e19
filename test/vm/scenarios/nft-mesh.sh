#!/bin/bash
# The nftables dataplane (docs/dataplanes.md) in Debian's kernel with Debian's nft 1.0.6:
# the seed stack compiled with `meshc compile --dataplane nftables` for 3 nodes
# (/scenario/nseed), then the same stack with a second service (/scenario/ntwo, one lock).
# Every node answers on 8888 over TCP and UDP, round robin over both replicas (node3 runs
# none), node-local clients too; a re-apply is a no-op that moves no rule handle; the
# changed stack is applied while a long-lived TCP connection through node3 stays up and on
# its backend; --check is in sync; --down leaves every node as it was, a foreign nftables
# table and the firewall's own rules included. No IPVS service exists anywhere.
source /scenario/lib.sh
V=/scenario/nseed W=/scenario/ntwo
TOPO=$V/topo.txt
now_ms() { local us=${EPOCHREALTIME//[!0-9]/}; echo $((us / 1000)); }

# Everything of a node that meshc could touch: its nftables ruleset, its iptables rules, its
# links, ip_forward, and each of its namespaces (tasks, sandbox, overlay) with theirs.
node_view() { # node (rule counters left out: traffic moves them)
  local n=$1 ns
  in_net "$n" nft list ruleset | sed 's/counter packets [0-9]* bytes [0-9]*/counter/'
  in_net "$n" iptables-save | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
  ip -n "$n" -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' | sort
  echo "ip_forward $(in_net "$n" cat /proc/sys/net/ipv4/ip_forward)"
  for ns in $(ip netns list | awk '{ print $1 }' | grep "^$n-" | sort); do
    echo "netns $ns"
    in_net "$ns" nft list ruleset | sed 's/counter packets [0-9]* bytes [0-9]*/counter/'
    ip -n "$ns" -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' | sort
  done
}

lan_up
# Both versions' tasks exist from the start (the second adds api): their namespaces are
# part of the state --down must give back.
topo_up "$W/topo.txt"
for n in $(topo_nodes "$TOPO"); do
  nft_forward_allow "$n"
  # A foreign nftables table with a base chain: meshc must never touch it.
  in_net "$n" nft -f - <<'EOF'
table inet foreign {
	chain input {
		type filter hook input priority 10; policy accept;
		tcp dport 9999 accept
	}
}
EOF
  node_view "$n" >"/tmp/nview.pre.$n"
done
sleep 0.5

# 1. The first apply, round robin from every node, node-local clients, no IPVS.
t0=$(now_ms)
run_all "$V" 2 nft.apply
metric nft.apply_ms $(($(now_ms) - t0))
for n in $(topo_nodes "$TOPO"); do metric "nft.rules_$n" "$(json_field "$(tail -1 /tmp/out.$n)" rules)"; done
bad=''
for n in $(topo_nodes "$TOPO"); do
  in_net "$n" nft list table inet meshc_host >/dev/null 2>&1 || bad+=" $n: no inet meshc_host;"
  in_net "$n-ingress_sbox" nft list table inet meshc_ingress >/dev/null 2>&1 || bad+=" $n: no inet meshc_ingress in the sandbox;"
  ipvs=$(in_net "$n-ingress_sbox" ipvsadm -Sn 2>&1)
  [[ -z $ipvs ]] || bad+=" $n sandbox IPVS: [$ipvs];"
done
for t in $(svc_tasks "$TOPO" ngx); do
  node=$(awk -v t="$t" '$1 == "task" && $3 == t { print $2 }' "$TOPO")
  in_net "$node-$t" nft list table inet meshc_task >/dev/null 2>&1 || bad+=" $node-$t: no inet meshc_task;"
done
check nft.tables "$([[ -z $bad ]]; echo $?)" "$bad"
# shellcheck disable=SC2046
check_rr nft.tcp tcp 8888 $(svc_tasks "$TOPO" ngx)
# shellcheck disable=SC2046
check_rr nft.udp udp 8888 $(svc_tasks "$TOPO" ngx)
without=$(for n in $(topo_nodes "$TOPO"); do grep -q "^task $n " "$TOPO" || echo "$n"; done | head -1)
check nft.node-without-task "$([[ -n $without ]]; echo $?)" "a node with no replica answered above: ${without:-none in this placement}"
got=$(in_net node3 socat -T3 -t2 - TCP:127.0.0.1:8888,connect-timeout=3 </dev/null 2>/dev/null | head -1)
check nft.node-local "$([[ $got == web_ngx.* ]]; echo $?)" "node3 to its own 127.0.0.1:8888 got [$got]"

# 2. A re-apply changes nothing: exit 0 everywhere, not one rule handle moved.
for n in $(topo_nodes "$TOPO"); do
  for ns in "$n" "$n-ingress_sbox"; do in_net "$ns" nft -a list ruleset; done >"/tmp/handles.$n"
done
t0=$(now_ms)
run_all "$V" 0 nft.reapply
metric nft.reapply_ms $(($(now_ms) - t0))
bad=''
for n in $(topo_nodes "$TOPO"); do
  for ns in "$n" "$n-ingress_sbox"; do in_net "$ns" nft -a list ruleset; done | cmp -s - "/tmp/handles.$n" || bad+=" $n;"
done
check nft.reapply-handles "$([[ -z $bad ]]; echo $?)" "rule handles moved on:$bad"
run_all "$V" 0 nft.check --check

# 3. A long-lived connection through node3 (no replica: it crosses the overlay), then the
# changed stack applied: the connection keeps echoing on its backend, the new service
# balances from every node, ngx still does.
coproc LL { in_net lan socat - "TCP:$(node_addr "$TOPO" node3):8888" 2>/dev/null; }
LL_TASK=-
[[ -n ${LL[0]:-} ]] && read -r -t 30 -u "${LL[0]}" LL_TASK
check nft.long-lived.open "$([[ $LL_TASK == web_ngx.* ]]; echo $?)" "first line [$LL_TASK]"
ll_check() { # label: the same connection still echoes
  local reply=-
  [[ -n ${LL[1]:-} ]] && echo "ping-$1" >&"${LL[1]}"
  [[ -n ${LL[0]:-} ]] && read -r -t 30 -u "${LL[0]}" reply
  check "$1" "$([[ $reply == "ping-$1" ]]; echo $?)" "sent ping-$1 on the connection opened before (to $LL_TASK), got [$reply]"
}
ll_check nft.long-lived.before
run_all "$W" 2 nft.change.dry-run --dry-run
t0=$(now_ms)
run_all "$W" 2 nft.change.apply
metric nft.change_apply_ms $(($(now_ms) - t0))
ll_check nft.change.long-lived
TOPO=$W/topo.txt
check_topo_rr nft.change.rr
ll_check nft.change.long-lived-after-traffic
run_all "$W" 0 nft.change.in-sync --check

# 4. --down: every node as it was before meshc, foreign table and firewall rules included;
# a second --down finds nothing to do.
# (bash unsets LL_PID once the coproc has ended: -u would end this script)
if [[ -n ${LL_PID:-} ]]; then kill "$LL_PID" 2>/dev/null; wait "$LL_PID" 2>/dev/null; fi
run_all "$W" 2 nft.down --down
bad=''
for n in $(topo_nodes "$TOPO"); do
  node_view "$n" | cmp -s - "/tmp/nview.pre.$n" || bad+=" $n: $(diff "/tmp/nview.pre.$n" <(node_view "$n") | grep '^[<>]' | head -6 | tr '\n' ' ');"
done
check nft.down-restores "$([[ -z $bad ]]; echo $?)" "$bad"
run_all "$W" 0 nft.down-again --down
