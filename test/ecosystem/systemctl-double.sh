#!/usr/bin/env bash
# Test double for systemctl, for the Ansible playbook test on simulated nodes (network
# namespaces on this machine, where there is no systemd to manage their units). It answers
# what ansible.builtin.systemd_service asks (show, is-enabled, daemon-reload, enable,
# disable, start, stop, restart) from a per-node state directory, as systemd would for a
# unit file in the node's unit directory, and logs every call. The real unit is checked by
# `systemd-analyze verify` (test/unit/health-render.test.ts and the playbook test).
#   env: SYSTEMCTL_DOUBLE_STATE (state and call log), SYSTEMCTL_DOUBLE_UNITS (unit directory)
set -euo pipefail
state=${SYSTEMCTL_DOUBLE_STATE:?} units=${SYSTEMCTL_DOUBLE_UNITS:?}
mkdir -p "$state"
echo "$*" >>"$state/calls"
cmd=${1:-} unit=${2:-}
loaded() { [[ -f $units/$unit ]]; }
need_unit() { loaded || { echo "Failed to $cmd $unit: Unit $unit not found." >&2; exit 5; }; }
case $cmd in
  daemon-reload) ;;
  show)
    if loaded; then echo LoadState=loaded; else echo LoadState=not-found; fi
    if [[ -e $state/$unit.active ]]; then printf 'ActiveState=active\nSubState=running\n'; else printf 'ActiveState=inactive\nSubState=dead\n'; fi
    echo "Id=$unit" ;;
  is-enabled)
    if [[ -e $state/$unit.enabled ]]; then echo enabled; exit 0; fi
    loaded || { echo "Failed to get unit file state for $unit: No such file or directory" >&2; exit 1; }
    echo disabled; exit 1 ;;
  enable) need_unit; touch "$state/$unit.enabled" ;;
  disable) rm -f "$state/$unit.enabled" ;;
  start | restart) need_unit; touch "$state/$unit.active" ;;
  stop) rm -f "$state/$unit.active" ;;
  *) echo "systemctl double: unsupported: $*" >&2; exit 1 ;;
esac
