/**
 * `playbook.yml` at the output root: an Ansible play for `hosts: all` in which each
 * inventory host stages, validates (iptables-restore --test, or `nft -c` on the nftables
 * dataplane), checks or applies the
 * directory named after its inventory_hostname. Node names in the plan are the
 * inventory host names, so the play refuses hosts the plan does not know. Where the
 * node has a health agent, the play installs it with its systemd unit and a drop-in
 * for the host's meshc_dir and namespaces, and removes it where it has none.
 */
import type { Plan } from '../model/plan.js';
import type { OutputFile } from '../model/rules.js';
import { stackInstallDir } from './render-health.js';
import { meshKind } from './scope.js';
import { renderTemplate } from './templates.js';

export function renderPlaybook(plan: Plan): OutputFile {
  const view = {
    stackJson: yamlString(plan.stack),
    kind: meshKind(plan),
    playNameJson: yamlString(`meshc routing mesh for ${meshKind(plan)} ${plan.stack}`),
    nodesJson: plan.nodes.map((n) => yamlString(n.name)).join(', '),
    // meshc_dir's default: the directory the health agent's unit names (one source), the
    // node's name appended by the play; the shared folder goes beside it.
    stackDirJson: yamlString(stackInstallDir(plan)),
    // apply.sh is the same entry point on both dataplanes; only the files' validator differs.
    nftables: plan.settings.dataplane === 'nftables',
  };
  return { path: 'playbook.yml', content: renderTemplate('playbook.yml.hbs', view), mode: 0o644 };
}

/**
 * A YAML double-quoted scalar. JSON's string syntax is a subset of it, and escaping
 * every non-ASCII character keeps the file 7-bit whatever the names contain.
 */
function yamlString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
