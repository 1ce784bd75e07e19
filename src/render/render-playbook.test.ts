import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { nodeInstallDir, stackInstallDir } from './render-health.js';
import { renderPlaybook } from './render-playbook.js';
import { samplePlan } from '../explain/testing/sample.js';

interface Task {
  name: string;
  when?: string;
  check_mode?: boolean;
  changed_when?: string | boolean;
  failed_when?: string;
  [module: string]: unknown;
}

function play(plan = samplePlan) {
  const file = renderPlaybook(plan);
  const [first] = parse(file.content) as [{ hosts: string; vars: Record<string, unknown>; environment: Record<string, string>; tasks: Task[] }];
  const block = first.tasks.find((t) => Array.isArray(t.block)) as Task & { block: Task[]; always: Task[] };
  const named = (needle: string) => {
    const t = block.block.find((x) => x.name.includes(needle));
    if (!t) throw new Error(`no task named like ${needle}`);
    return t;
  };
  return { file, play: first, block, named };
}

describe('renderPlaybook', () => {
  it('writes playbook.yml at the output root for all inventory hosts, naming the plan nodes', () => {
    const { file, play: p } = play();
    expect(file.path).toBe('playbook.yml');
    expect(file.mode).toBe(0o644);
    expect(p.hosts).toBe('all');
    expect(p.vars.meshc_stack).toBe('shop');
    expect(p.vars.meshc_nodes).toEqual(['node1', 'node2']);
    expect(p.vars.meshc_source_dir).toBe('{{ playbook_dir }}/{{ meshc_node }}');
    expect(p.vars.meshc_node).toBe('{{ meshc_name | default(inventory_hostname) }}');
    expect(p.vars.meshc_prefix).toBe("{{ meshc_netns_prefix | default('') }}");
    expect(p.vars.meshc_tasks).toBe("{{ meshc_task_netns | default('docker') }}");
    expect(p.environment).toEqual({ MESHC_NETNS_PREFIX: '{{ meshc_prefix }}', MESHC_TASK_NETNS: '{{ meshc_tasks }}' });
  });

  it('installs the node\'s files where the health agent\'s unit looks for them: one default, one variable', () => {
    const { play: p } = play();
    expect(p.vars.meshc_stack_dir).toBe(stackInstallDir(samplePlan));
    expect(p.vars.meshc_stack_dir).toBe('/etc/meshc/shop');
    expect(p.vars.meshc_default_dir).toBe('{{ meshc_stack_dir }}/{{ meshc_node }}');
    expect(nodeInstallDir(samplePlan, 'node1')).toBe('/etc/meshc/shop/node1');
    expect(p.vars.meshc_node_dir).toBe("{{ meshc_dir | default(meshc_default_dir) | regex_replace('/+$', '') }}");
    // The shared folder beside the node's, where apply.sh looks for it.
    expect(p.vars.meshc_shared_dir).toBe('{{ meshc_node_dir | dirname }}/shared');
  });

  it('installs, starts and restarts the agent where the node has one, and removes it where not', () => {
    const { play: p, block, named } = play();
    const order = block.block.map((t) => t.name);
    const agent = named('Install the health agent') as Task & { block: Task[] };
    expect(agent.when).toBe('meshc_health');
    expect(p.vars.meshc_health).toBe("{{ (meshc_source_dir ~ '/health-agent.sh') is file }}");
    // Files from this machine, one task per file (--diff shows them), each notifying the restart.
    const copies = agent.block.filter((t) => 'ansible.builtin.copy' in t);
    expect(copies.map((t) => t.notify)).toEqual(['Restart the health agent', 'Restart the health agent', 'Restart the health agent']);
    expect(copies.every((t) => !('remote_src' in (t['ansible.builtin.copy'] as object)))).toBe(true);
    const dropIn = (copies.at(-1)!['ansible.builtin.copy'] as { content: string }).content;
    expect(dropIn).toContain("ExecStart=/bin/bash {{ (meshc_node_dir ~ '/health-agent.sh') | replace('%', '%%') | to_json }}");
    const stop = named('Stop and disable');
    expect(stop['ansible.builtin.systemd_service']).toEqual({ name: '{{ meshc_health_unit }}', state: 'stopped', enabled: false });
    const start = named('Start the health agent');
    expect(start['ansible.builtin.systemd_service']).toMatchObject({ state: 'started', enabled: true });
    expect(start.when).toContain('meshc_use_systemd');
    // Stopped before the stale-file removal deletes it; started after apply.sh.
    expect(order.indexOf(stop.name)).toBeLessThan(order.indexOf('Remove files the plan no longer has'));
    expect(order.indexOf(start.name)).toBeGreaterThan(order.indexOf('Apply (apply.sh)'));
    const handlers = (p as unknown as { handlers: Task[]; force_handlers: boolean }).handlers;
    expect(handlers.map((h) => h.name)).toEqual(['Restart the health agent']);
    expect(handlers[0]!['ansible.builtin.systemd_service']).toMatchObject({ state: 'restarted', daemon_reload: true });
    expect((p as unknown as { force_handlers: boolean }).force_handlers).toBe(true);
  });

  it('validates every iptables file with iptables-restore --test before anything uses it', () => {
    const { block, named } = play();
    const validate = named('iptables-restore --test');
    const script = validate['ansible.builtin.shell'] as string;
    expect(script).toContain('cd {{ meshc_stage.path | quote }}');
    expect(script).toContain("iptables-restore --test --noflush input.rules ||");
    // Each file as apply.sh loads it: the node part, then the shared part.
    expect(script).toContain('cat "node/$f" "shared/$f" >input.rules');
    expect(script).toContain("! -name ipvs.rules");
    expect(validate).toMatchObject({ changed_when: false, check_mode: false });
    const order = block.block.map((t) => t.name);
    for (const later of ['--check', '--diff', 'Apply', 'Install']) {
      expect(order.indexOf(validate.name)).toBeLessThan(order.findIndex((n) => n.includes(later)));
    }
  });

  it('reports changed on exit 2 and fails on anything but 0 and 2, in apply and check mode', () => {
    const { named } = play();
    const apply = named('Apply');
    expect(apply).toMatchObject({ when: 'not ansible_check_mode', changed_when: 'meshc_apply.rc == 2', failed_when: 'meshc_apply.rc not in [0, 2]' });
    const check = named('apply.sh --check');
    expect(check).toMatchObject({ when: 'ansible_check_mode', check_mode: false, changed_when: 'meshc_check.rc == 2', failed_when: 'meshc_check.rc not in [0, 2]' });
    expect(check['ansible.builtin.command']).toEqual({ argv: ['{{ meshc_stage.path }}/node/apply.sh', '--check'] });
    expect(named('--diff')['ansible.builtin.command']).toEqual({ argv: ['{{ meshc_stage.path }}/node/apply.sh', '--dry-run'] });
  });

  it('always removes its staging directory', () => {
    const { block } = play();
    expect(block.always[0]).toMatchObject({ 'ansible.builtin.file': { path: '{{ meshc_stage.path }}', state: 'absent' }, check_mode: false });
  });

  it('keeps odd names inert: quoted, one line, 7-bit', () => {
    const plan = { ...samplePlan, stack: 'x"y\nz: [1]', nodes: [{ ...samplePlan.nodes[0]!, name: 'nöde,1' }] };
    const { file, play: p } = play(plan);
    expect(p.vars.meshc_stack).toBe('x"y\nz: [1]');
    expect(p.vars.meshc_nodes).toEqual(['nöde,1']);
    expect(file.content).toMatch(/^[\x00-\x7f]*$/);
  });
});
