#!/bin/bash
# Measurement: cold apply and no-change re-apply on one node publishing 1 port (the
# baseline, same boot) and 1,000 ports; a sample of the ports must answer.
source /scenario/lib.sh
world_reset
lan_up

measure() { # variant
  local V=/scenario/$1 t0
  TOPO=$V/topo.txt
  topo_up "$TOPO"
  t0=$(date +%s%N)
  run_node node1 "$V"
  metric "$1.cold_ms" $(( ($(date +%s%N) - t0) / 1000000 ))
  check "$1.cold" "$([[ $RC == 2 ]]; echo $?)" "rc=$RC $JSON"
  metric "$1.rules" "$(json_field "$JSON" rules)"
  metric "$1.services" "$(json_field "$JSON" services)"
  t0=$(date +%s%N)
  run_node node1 "$V"
  metric "$1.reapply_ms" $(( ($(date +%s%N) - t0) / 1000000 ))
  check "$1.reapply" "$([[ $RC == 0 ]]; echo $?)" "rc=$RC $JSON"
}

measure p1
got=$(probe tcp 192.168.56.11 20000)
check p1.serves "$([[ $got == big_svc00.1 ]]; echo $?)" "20000 -> $got"
run_node node1 /scenario/p1 --down
for ns in $(ip netns list | awk '{ print $1 }' | grep -- '-big_'); do task_down "${ns%%-*}" "${ns#*-}"; done
measure p1000
bad=''
for p in 20000 20457 20999; do
  got=$(probe tcp 192.168.56.11 "$p")
  want=big_svc0$(( (p - 20000) / 100 )).1
  [[ $got == "$want" ]] || bad+=" $p -> $got (want $want);"
done
check p1000.serves "$([[ -z $bad ]]; echo $?)" "$bad"
