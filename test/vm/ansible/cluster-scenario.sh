#!/bin/bash
# Guest side of the Ansible test's full-matrix variant (issue 12): the three-stack cluster
# of fixtures/cluster (proxy: ingress and host-mode ports, TCP and UDP; app: an HTTP
# health-checked service and a dynamic port; monitoring: a global service) on three
# simulated nodes, delivered by the generated playbook under the real ansible-playbook.
# Runs as /scenario/main.sh in the VM (fd 3 is the results port); the nodes, task servers
# and probes are the VM suite's own (lib.sh, topo.txt with full service names). Each
# inventory host is a node's namespace entered by its Python wrapper, as in scenario.sh.
# The playbook applies (then the health agents start from the drop-ins it installed, since
# the VM has no systemd), every stack's published port answers round robin from every node,
# the health-checked service's task leaves every node's balancer when its server dies and
# returns when it serves again, and a second run reports changed=0.
# Reports: RUN <label> rc=<n> seconds=<n>, RECAP <label> <host> ok=… changed=… failed=…,
# CHECK and METRIC lines (lib.sh).
source /scenario/lib.sh
cd /scenario || exit 1
export LANG=C.UTF-8 PYTHONUTF8=1 HOME=/root ANSIBLE_NOCOLOR=1 ANSIBLE_LOCAL_TEMP=/tmp/ansible-local
mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm # ansible's worker processes need it
TOPO=/scenario/topo.txt
now_ms() { local us=${EPOCHREALTIME//[!0-9]/}; echo $((us / 1000)); }

lan_up
topo_up "$TOPO"
for n in $(topo_nodes "$TOPO"); do
  printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s /usr/bin/python3 "$@"\n' "$n" >"/scenario/py-$n"
  chmod +x "/scenario/py-$n"
done

play() { # label, ansible-playbook options...
  local label=$1 start rc
  shift
  start=$(date +%s)
  echo "==== ansible-playbook $label $*" >/dev/console
  ansible-playbook -i /scenario/hosts /scenario/out/playbook.yml "$@" 2>&1 | tee "/tmp/$label.log" >/dev/console
  rc=${PIPESTATUS[0]}
  echo "RUN $label rc=$rc seconds=$(($(date +%s) - start))" >&3
  grep -E '^[A-Za-z0-9_.-]+ +: ok=' "/tmp/$label.log" | tr -s ' ' | sed "s/^/RECAP $label /; s/ : / /" >&3
  if [[ $rc != 0 ]]; then tail -n 60 "/tmp/$label.log" | sed 's/^/LOG /' >&3; fi
}

# In place of systemd: the command and environment of the drop-in the playbook installed.
agent_start() { # node
  local conf=/var/lib/meshc-nodes/$1-systemd/meshc-health.service.d/meshc.conf envs cmd
  [[ -f $conf ]] || return 0
  eval "envs=($(sed -n 's/^Environment=//p' "$conf"))"
  eval "cmd=($(sed -n 's/^ExecStart=//p' "$conf" | tail -n 1))"
  nsenter --net="/run/netns/$1" env "${envs[@]}" "${cmd[@]}" >"/tmp/agent.$1.log" 2>&1 &
  AGENTS+=" $1"
}

wait_zeros() { # label count: until every node's sandbox has exactly <count> real servers at weight 0 (limit 120 s)
  local t0 n zero bad
  t0=$(now_ms)
  while :; do
    bad=''
    for n in $(topo_nodes "$TOPO"); do
      zero=$(in_net "$n-ingress_sbox" ipvsadm -Sn | grep -- '-w 0$')
      [[ $(grep -c . <<<"$zero") == "$2" ]] || bad+=" $n: [${zero//$'\n'/; }]"
    done
    if [[ -z $bad ]]; then
      metric "$1_ms" $(($(now_ms) - t0))
      check "$1" 0 "agents on:$AGENTS"
      return 0
    fi
    if (($(now_ms) - t0 > 120000)); then
      check "$1" 1 "not $2 server(s) at weight 0 on:$bad; agents on:$AGENTS; node1's: $(tail -n 5 /tmp/agent.node1.log 2>/dev/null)"
      return 1
    fi
    sleep 0.5
  done
}

# The health-checked service of the app stack (fixtures/cluster/stacks/app.yml): its first
# task's server, where it runs, and what it serves.
HC=app_api
read -r -a HC_TASKS <<<"$(svc_tasks "$TOPO" "$HC")"
victim=${HC_TASKS[0]}
vnode=$(awk -v t="$victim" '$1 == "task" && $3 == t { print $2 }' "$TOPO")
vport=$(awk -v s="$HC" '$1 == "port" && $2 == s && $3 == "tcp" { print $4; exit }' "$TOPO")
read -r -a vspecs <<<"$(awk -v t="$victim" '$1 == "task" && $3 == t { $1 = $2 = $3 = ""; print }' "$TOPO")"

play apply1
AGENTS=''
for n in $(topo_nodes "$TOPO"); do agent_start "$n"; done
wait_zeros ansible-cluster.admitted 0 && check_topo_rr ansible-cluster.rr
# The victim's server dies (every process of the task): it leaves every node's balancer,
# and the published port keeps answering from the other task.
mapfile -t pids < <(ip netns pids "$vnode-$victim")
kill -9 "${pids[@]}" 2>/dev/null
wait_zeros ansible-cluster.unhealthy 1 && check_rr ansible-cluster.unhealthy.rr tcp "$vport" "${HC_TASKS[@]:1}"
# It serves again (lib.sh's HTTP health target): the agents weigh it back in everywhere.
for spec in "${vspecs[@]}"; do
  [[ $spec == http:* ]] && in_net "$vnode-$victim" socat -t5 "TCP-LISTEN:${spec#http:},fork,reuseaddr" "SYSTEM:echo HTTP/1.0 200 OK; echo; echo $victim" </dev/null >/dev/null 2>&1 &
done
wait_zeros ansible-cluster.recovered 0 && check_rr ansible-cluster.recovered.rr tcp "$vport" "${HC_TASKS[@]}"
play apply2
kill_all
