#!/bin/bash
# Guest side of bench/vm-apply.mjs: in one VM boot, per size (/scenario/sizes), the same
# mesh of one node installed twice from a clean machine, and compared:
#  1. Swarm's way (libnetwork): one `iptables` call per rule and one `ipvsadm` call per
#     service and per real server, from the scripts in p<N>/swarm/ (generated on the host
#     from meshc's plan). The links and namespaces come first from meshc's own runner,
#     untimed, with every rule and IPVS service removed after it: Swarm's sandbox and
#     task containers exist before their rules do.
#  2. meshc's apply.sh, cold, then a no-change re-apply.
# After each: a sample of ports must answer from the right task, and the effective mesh
# (every DNAT, mark, VIP, SNAT and REDIRECT, the IPVS table) is dumped; both must match.
# With /scenario/trace, the largest size's cold apply and re-apply run once more under
# `bash -x` with timestamps, and the lines that took the most time are reported.
# shellcheck source=test/vm/scenarios/lib.sh
source /scenario/lib.sh

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# Every namespace of the simulated node: the node itself, then its sandbox and tasks.
node_namespaces() { echo node1; ip netns list | awk '{ print $1 }' | grep -e '^node1-ingress_sbox$' -e '^node1-big_' | sort; }

strip_rules() { # every rule, chain and IPVS service in the node's namespaces (policies stay)
  local ns t
  for ns in $(node_namespaces); do
    for t in nat mangle filter; do in_net "$ns" iptables -w -t "$t" -F; in_net "$ns" iptables -w -t "$t" -X; done
  done
  in_net node1-ingress_sbox ipvsadm -C
}

# The mesh as tuples that do not depend on chain names or comments: what each rule does.
effective() {
  local ns
  for ns in $(node_namespaces); do
    in_net "$ns" iptables-save | awk -v ns="${ns#node1-}" '
      /^-A / {
        delete o; for (i = 3; i <= NF; i++) if ($i ~ /^-/) o[$i] = $(i + 1)
        if (o["-j"] == "DNAT") print ns, "dnat", o["-p"], o["--dport"], o["--to-destination"]
        else if (o["-j"] == "MARK" && ("--dport" in o)) print ns, "mark", o["-p"], o["--dport"], o["--set-xmark"]
        else if (o["-j"] == "MARK") print ns, "vip", o["-d"], o["--set-xmark"]
        else if (o["-j"] == "SNAT") print ns, "snat", o["-d"], o["--to-source"]
        else if (o["-j"] == "REDIRECT") print ns, "redirect", o["-d"], o["-p"], o["--dport"], o["--to-ports"]
      }'
  done
  in_net node1-ingress_sbox ipvsadm -Sn | sed 's/^/ipvs /'
}

rule_count() { # every rule (-A line) in the node's namespaces
  local ns n=0
  for ns in $(node_namespaces); do n=$((n + $(in_net "$ns" iptables-save | grep -c '^-A '))); done
  echo "$n"
}

serves() { # label size: a first, a middle and a last port answer from their service's task
  local per=$(($2 / 10)) p want got bad=''
  for p in 20000 $((20000 + $2 / 2 + 7)) $((20000 + $2 - 1)); do
    want=big_svc0$(((p - 20000) / per)).1
    got=$(probe tcp 192.168.56.11 "$p")
    [[ $got == "$want" ]] || bad+=" $p -> $got (want $want);"
  done
  check "$1" "$([[ -z $bad ]]; echo $?)" "$bad"
}

fresh_node() { # size: an empty machine with the node and its tasks' servers
  world_reset
  lan_up
  topo_up "/scenario/p$1/topo.txt"
}

swarm() {
  local N=$1 V=/scenario/p$1 t0 f rc=0
  fresh_node "$N"
  run_node node1 "$V"
  check "p$N.swarm.plumbing" "$([[ $RC == 2 ]]; echo $?)" "rc=$RC $(tail -3 /tmp/runner.node1.err)"
  strip_rules
  t0=$(date +%s%N)
  in_net node1 bash -e "$V/swarm/host.sh" || rc=$?
  in_net node1-ingress_sbox bash -e "$V/swarm/sandbox.sh" || rc=$?
  for f in "$V"/swarm/task-*.sh; do
    f=${f##*/task-}
    in_net "node1-${f%.sh}" bash -e "$V/swarm/task-$f" || rc=$?
  done
  metric "p$N.swarm_ms" "$(ms_since "$t0")"
  check "p$N.swarm.ran" "$rc" "rc=$rc"
  metric "p$N.swarm_rules" "$(rule_count)"
  serves "p$N.swarm.serves" "$N"
  effective | sort >"/tmp/effective.swarm.$N"
}

meshc() {
  local N=$1 V=/scenario/p$1 t0
  fresh_node "$N"
  t0=$(date +%s%N)
  run_node node1 "$V"
  metric "p$N.cold_ms" "$(ms_since "$t0")"
  check "p$N.cold" "$([[ $RC == 2 ]]; echo $?)" "rc=$RC $JSON"
  t0=$(date +%s%N)
  run_node node1 "$V"
  metric "p$N.reapply_ms" "$(ms_since "$t0")"
  check "p$N.reapply" "$([[ $RC == 0 ]]; echo $?)" "rc=$RC $JSON"
  metric "p$N.meshc_rules" "$(rule_count)"
  serves "p$N.meshc.serves" "$N"
  effective | sort >"/tmp/effective.meshc.$N"
  metric "p$N.effective" "$(wc -l <"/tmp/effective.meshc.$N")"
  [[ -f /tmp/effective.swarm.$N ]] || return 0
  check "p$N.same-mesh" "$(cmp -s "/tmp/effective.swarm.$N" "/tmp/effective.meshc.$N"; echo $?)" \
    "$(diff "/tmp/effective.swarm.$N" "/tmp/effective.meshc.$N" | grep '^[<>]' | head -5)"
}

# apply.sh under bash -x, each trace line stamped; the time until the next line is the
# line's own (subshells' lines come before the line that uses their output).
traced() { # label tree
  local out
  # Sourced under `set -x` in a shell that sets PS4 itself: bash ignores PS4 from the
  # environment when it runs as root.
  # shellcheck disable=SC2016 # expanded by the traced shell
  out=$(nsenter --net=/run/netns/node1 env MESHC_NETNS_PREFIX=node1- MESHC_TASK_NETNS=netns \
    bash -c 'PS4="+ \$EPOCHREALTIME \${FUNCNAME[0]:-main}:\$LINENO "; set -x; source "$0"' "$2/node1/apply.sh" 2>"/tmp/trace.$1")
  RC=$?
  note "trace $1: rc=$RC ${out##*$'\n'}; $(wc -l <"/tmp/trace.$1") trace lines, from: $(head -c 300 "/tmp/trace.$1")"
  awk -v label="$1" '
    /^\++ [0-9]+\.[0-9]+ / {
      if (prev != "") { d = $2 - pt; line[prev] += d; lines[prev]++; fn[pf] += d; total += d }
      split($3, w, ":"); pf = w[1]; prev = $3 " " $4; pt = $2
    }
    END {
      printf "TRACE %s total %.2f s\n", label, total
      for (k in fn) printf "TRACEFN %s %.3f %s\n", label, fn[k], k | "sort -k3,3nr | head -20"
      close("sort -k3,3nr | head -20")
      for (k in line) printf "TRACELINE %s %.3f %d %s\n", label, line[k], lines[k], k | "sort -k3,3nr | head -30"
    }' "/tmp/trace.$1" >&3
}

read -ra SIZES </scenario/sizes
for N in "${SIZES[@]}"; do
  # /scenario/meshc-only: apply.sh alone (profiling it), no Swarm run and no comparison.
  [[ -f /scenario/meshc-only ]] || swarm "$N"
  meshc "$N"
done
if [[ -f /scenario/trace ]]; then
  N=${SIZES[-1]}
  fresh_node "$N"
  traced cold "/scenario/p$N"
  traced reapply "/scenario/p$N"
fi
