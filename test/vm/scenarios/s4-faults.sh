#!/bin/bash
# Scenario 4: faults. A failed first run leaves nothing behind; a task namespace goes
# missing; a rules file is broken; a run fails half-way (test hook) and rolls back; runs are
# killed at random points (several seeds) and the next run converges. The node keeps
# serving its last good configuration. On the nftables dataplane (lib.sh DATAPLANE) the
# same faults hit its own steps (docs/runner.md test hooks) and files.
source /scenario/lib.sh
world_reset
SEED=/scenario/seed TWO=/scenario/two
TOPO=$TWO/topo.txt
lan_up
topo_up "$TOPO"
if [[ $DATAPLANE == nftables ]]; then
  for n in $(topo_nodes "$TOPO"); do nft_forward_allow "$n"; done
  # Steps of the nftables runner after host.nft is loaded (rules-host): the sandbox's and
  # each task's table, verify.
  ROLLBACK_AT=(rules-sandbox rules-task verify)
  KILL_STEPS=(plumbing snapshot rules-host rules-sandbox rules-task verify state)
  REFUSED='does not load'
else
  ROLLBACK_AT=(rules-sandbox ipvs-phase2 verify)
  KILL_STEPS=(plumbing snapshot rules-host rules-sandbox rules-task ipvs ipvs-phase1 ipvs-phase2 verify state)
  REFUSED=rejects
fi

# 0. A first run that fails, half-way through the plumbing or at the very end (rules and
# IPVS applied), leaves the node as it found it: no namespace, link, address, sysctl, rule
# or state of meshc's.
bare_state() { # node: everything a run may add
  local n=$1 ns
  echo "netns: $(ip netns list | awk '{ print $1 }' | grep "^$n-" | sort | tr '\n' ' ')"
  for ns in "$n" $(ip netns list | awk '{ print $1 }' | grep "^$n-" | sort); do
    echo "$ns links: $(in_net "$ns" ip -o link show | awk -F': ' '{ print $2 }' | sort | tr '\n' ' ')"
    echo "$ns addrs: $(in_net "$ns" ip -o -4 addr show | awk '{ print $2, $4 }' | sort | tr '\n' ' ')"
    echo "$ns meshc rules: $(meshc_objects "$ns")"
  done
  echo "ip_forward: $(in_net "$n" cat /proc/sys/net/ipv4/ip_forward)"
  echo "state: $(compgen -G "/var/lib/meshc/$n-*" | tr '\n' ' ')"
}
bare_state node1 >/tmp/f.bare
for at in plumbing-tasks verify; do
  MESHC_TEST_FAIL_AT=$at run_node node1 "$SEED"
  bare_state node1 | cmp -s - /tmp/f.bare
  same=$?
  check "fault.first-run.$at" "$([[ $RC == 1 && $same == 0 ]]; echo $?)" \
    "rc=$RC same=$same $JSON $(diff /tmp/f.bare <(bare_state node1) | grep '^[<>]' | head -6 | tr '\n' ' ')"
done

run_all "$SEED" 2 fault.setup
run_node node3 "$TWO"   # node3 runs the api task of variant two; node1 moves between both

node_rr() { # node proto port task... : N requests to this node reach each task once
  local node=$1 proto=$2 port=$3 addr got want i
  shift 3
  addr=$(node_addr "$TOPO" "$node")
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  got=$(for ((i = 0; i < $#; i++)); do probe "$proto" "$addr" "$port"; done | sort | tr '\n' ' ')
  [[ $got == "$want" ]] && return 0
  echo "$node $proto/$port got [$got] want [$want]"
  return 1
}

serves_seed() { # label: node1 serves ngx over both replicas and nothing on 9000
  local out
  out=$(node_rr node1 tcp 8888 web_ngx.1 web_ngx.2; node_rr node1 udp 8888 web_ngx.1 web_ngx.2)
  local rc=$?
  [[ $(probe tcp 192.168.56.11 9000) == - ]] || { out+=" 9000 answers"; rc=1; }
  check "$1" "$rc" "$out"
}

# a. A task's namespace disappears: its node gives it weight 0 (nftables: leaves it out of
# the service chain) and says so.
task_down node2 web_ngx.2
run_node node2 "$SEED"
check fault.absent-task.apply "$([[ $RC == 2 && $JSON == *'"warnings":["task web_ngx.2: container absent'* ]]; echo $?)" "rc=$RC $JSON"
out=$(node_rr node2 tcp 8888 web_ngx.1 web_ngx.1)
check fault.absent-task.no-traffic $? "$out"
run_node node2 "$SEED"
check fault.absent-task.stable "$([[ $RC == 0 ]]; echo $?)" "rc=$RC $JSON"
task_up node2 web_ngx.2 tcp:80 udp:80
run_node node2 "$SEED"
out=$(node_rr node2 tcp 8888 web_ngx.1 web_ngx.2)
check fault.absent-task.back "$([[ $RC == 2 ]] && [[ -z $out ]]; echo $?)" "rc=$RC $out"

# b. A broken rule in one file: nothing is applied, the node keeps the old configuration.
mesh_state node1 >/tmp/f.before
cp -a "$TWO" /tmp/broken
if [[ $DATAPLANE == nftables ]]; then
  printf 'add rule inet meshc_ingress no_such_chain accept\n' >>/tmp/broken/node1/ingress.nft
else
  awk '!done && /^COMMIT$/ { print "-A MESHC-MARK -p tcp -m tcp --dport 1 -j NO-SUCH-TARGET"; done = 1 } { print }' \
    "$TWO/node1/ingress.rules" >/tmp/broken/node1/ingress.rules
fi
run_node node1 /tmp/broken
mesh_state node1 | cmp -s - /tmp/f.before
same=$?
check fault.broken-file.unchanged "$([[ $RC == 1 && $same == 0 && $JSON == *'"errors":["'* ]]; echo $?)" "rc=$RC same=$same $JSON"
serves_seed fault.broken-file.serves

# c. A failure half-way (after the host rules were applied; after IPVS was changed, or the
# sandbox's table replaced): the transaction rolls back and the node is exactly as before.
for at in "${ROLLBACK_AT[@]}"; do
  MESHC_TEST_FAIL_AT=$at run_node node1 "$TWO"
  mesh_state node1 | cmp -s - /tmp/f.before
  same=$?
  check "fault.rollback.$at" "$([[ $RC == 1 && $same == 0 ]]; echo $?)" \
    "rc=$RC same=$same $JSON $(diff /tmp/f.before <(mesh_state node1) | grep '^[<>]' | head -5 | tr '\n' ' ')"
  serves_seed "fault.rollback.$at.serves"
done

# d. Killed at random points (a step boundary, or a random moment), alternating between
# the two configurations: the next run converges and --check then reports in sync.
steps=("${KILL_STEPS[@]}")
for seed in 1 2 3 4 5 6; do
  RANDOM=$seed
  if ((seed % 2)); then target=$TWO; else target=$SEED; fi
  if ((seed <= 3)); then
    at=${steps[RANDOM % ${#steps[@]}]}
    MESHC_TEST_KILL_AT=$at run_node node1 "$target"
    how="at step $at"
  else
    ms=$((200 + RANDOM % 6000))
    nsenter --net=/run/netns/node1 env MESHC_NETNS_PREFIX=node1- MESHC_TASK_NETNS=netns \
      timeout -s KILL "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))" bash "$target/node1/apply.sh" >/dev/null 2>&1
    RC=$?
    how="after ${ms} ms"
  fi
  killed=$RC
  run_node node1 "$target"
  first=$RC
  run_node node1 "$target" --check
  if [[ $target == "$TWO" ]]; then
    out=$(node_rr node1 tcp 8888 web_ngx.1 web_ngx.2; node_rr node1 tcp 9000 web_api.1)
  else
    out=$(node_rr node1 tcp 8888 web_ngx.1 web_ngx.2)
  fi
  served=$?
  check "fault.kill.$seed" "$([[ $first =~ ^[02]$ && $RC == 0 && $served == 0 ]]; echo $?)" \
    "killed $how (rc $killed), next run rc $first, --check rc $RC $JSON $out"
done

# e. Another tool changes the tables between runs: a rule deleted from a meshc chain, then
# a foreign rule inserted above meshc's jump. --check sees each, apply repairs it, and the
# foreign rule stays where it was put, below meshc's jump. (nftables: meshc's table has
# no jump from another table's chain, so only the deleted rule applies.)
run_node node1 "$SEED"
if [[ $DATAPLANE == nftables ]]; then
  h=$(in_net node1 nft -a list chain inet meshc_host prerouting | sed -n 's/.* dnat .*# handle \([0-9]*\)$/\1/p')
  in_net node1 nft delete rule inet meshc_host prerouting handle "${h:-0}"
else
  in_net node1 iptables -t nat -D MESHC-INGRESS 1
fi
run_node node1 "$SEED" --check
c1=$RC
run_node node1 "$SEED"
a1=$RC
run_node node1 "$SEED" --check
out=$(node_rr node1 tcp 8888 web_ngx.1 web_ngx.2)
check fault.tamper.rule-deleted "$([[ $c1 == 2 && $a1 == 2 && $RC == 0 && -z $out ]]; echo $?)" \
  "check rc=$c1, apply rc=$a1, check again rc=$RC $out"
if [[ $DATAPLANE == ipvs ]]; then
  in_net node1 iptables -t nat -I PREROUTING 1 -p tcp --dport 8888 -m comment --comment foreign-above-meshc -j RETURN
  run_node node1 "$SEED" --check
  c2=$RC
  run_node node1 "$SEED"
  a2=$RC
  first=$(in_net node1 iptables -t nat -S PREROUTING | sed -n 2p)
  foreign=$(in_net node1 iptables -t nat -S PREROUTING | grep -c foreign-above-meshc)
  run_node node1 "$SEED" --check
  out=$(node_rr node1 tcp 8888 web_ngx.1 web_ngx.2)
  check fault.tamper.rule-above-hook "$([[ $c2 == 2 && $a2 == 2 && $first == *'-j MESHC-INGRESS'* && $foreign == 1 && $RC == 0 && -z $out ]]; echo $?)" \
    "check rc=$c2, apply rc=$a2, first rule [$first], foreign rules $foreign, check again rc=$RC $out"
  in_net node1 iptables -t nat -D PREROUTING -p tcp --dport 8888 -m comment --comment foreign-above-meshc -j RETURN
fi

# f. Two runs at once with a change pending: the lock serialises them (one changes, the
# other then finds nothing to do) and the node ends in sync, no rule or hook twice.
pids=()
for i in 1 2; do
  (nsenter --net=/run/netns/node1 env MESHC_NETNS_PREFIX=node1- MESHC_TASK_NETNS=netns \
    bash "$TWO/node1/apply.sh" >/tmp/conc.$i 2>&1; echo $? >/tmp/conc.$i.rc) &
  pids+=($!)
done
wait "${pids[@]}"
rcs="$(cat /tmp/conc.1.rc) $(cat /tmp/conc.2.rc)"
run_node node1 "$TWO" --check
if [[ $DATAPLANE == nftables ]]; then
  dups=$(in_net node1 nft list tables | sort | uniq -d | wc -l)
else
  dups=$(in_net node1 iptables-save | grep -e '-j MESHC-' | sort | uniq -d | wc -l)
fi
out=$(node_rr node1 tcp 9000 web_api.1)
check fault.concurrent "$([[ ($rcs == '2 0' || $rcs == '0 2') && $RC == 0 && $dups == 0 && -z $out ]]; echo $?)" \
  "exit codes $rcs, --check rc=$RC, duplicated hooks $dups $out"

# g. A run refused before it changes anything (a broken file, at step canon) keeps meshc's
# record of what earlier runs created (the host bridge, ip_forward's old value): --down
# then leaves node1 exactly as it was before meshc's first run.
run_node node1 /tmp/broken
refused=$RC refused_json=$JSON
run_node node1 "$TWO" --down
down=$RC
bare_state node1 | cmp -s - /tmp/f.bare
same=$?
check fault.down-after-refused-run "$([[ $refused == 1 && $refused_json == *"$REFUSED"* && $down == 2 && $same == 0 ]]; echo $?)" \
  "refused run rc=$refused $refused_json, --down rc=$down same=$same $(diff /tmp/f.bare <(bare_state node1) | grep '^[<>]' | head -6 | tr '\n' ' ')"
