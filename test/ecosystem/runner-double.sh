#!/usr/bin/env bash
# Test double for a node's apply.sh, for the Ansible playbook test on a kernel without
# IPVS (where the real runner refuses to run). It keeps the runner's contract (docs/runner.md):
# modes apply/--check/--dry-run, exit 0 unchanged · 2 changed · 1 error, a JSON summary
# as the last stdout line, rule files found next to itself; "the node's state" is a
# digest of the rule files it last applied. Every call is logged with its mode, the
# environment the playbook set and the network namespace it ran in.
set -euo pipefail
NODE=@NODE@
STATE=@STATE@
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case ${1:-} in
  '') mode=apply ;;
  --check) mode=check ;;
  --dry-run) mode=dry-run ;;
  *) echo "apply.sh: unknown argument $1" >&2; exit 1 ;;
esac
want=$(cd "$here" && find . -name '*.rules' | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16)
have=$(cat "$STATE/$NODE.applied" 2>/dev/null || echo none)
echo "$mode node=$NODE prefix=${MESHC_NETNS_PREFIX-unset} tasks=${MESHC_TASK_NETNS-unset} netns=$(stat -L -c %i /proc/self/ns/net) dir=$here" >>"$STATE/calls"
changed=false rc=0
if [[ $want != "$have" ]]; then changed=true rc=2; fi
if [[ $mode == apply && $rc == 2 ]]; then echo "$want" >"$STATE/$NODE.applied"; fi
if [[ $mode == dry-run && $rc == 2 ]]; then echo "would load rules $want (now: $have)"; fi
printf '{"node":"%s","mode":"%s","changed":%s,"rules":0,"services":0,"reals":0,"errors":[],"warnings":[]}\n' "$NODE" "$mode" "$changed"
exit "$rc"
