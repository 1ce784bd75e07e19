import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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
    expect(p.environment).toEqual({
      MESHC_NETNS_PREFIX: "{{ meshc_netns_prefix | default('') }}",
      MESHC_TASK_NETNS: "{{ meshc_task_netns | default('docker') }}",
    });
  });

  it('validates every iptables file with iptables-restore --test before anything uses it', () => {
    const { block, named } = play();
    const validate = named('iptables-restore --test');
    const script = validate['ansible.builtin.shell'] as string;
    expect(script).toContain('cd {{ meshc_stage.path | quote }}');
    expect(script).toContain('iptables-restore --test --noflush "$f" ||');
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
    expect(check['ansible.builtin.command']).toEqual({ argv: ['{{ meshc_stage.path }}/apply.sh', '--check'] });
    expect(named('--diff')['ansible.builtin.command']).toEqual({ argv: ['{{ meshc_stage.path }}/apply.sh', '--dry-run'] });
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
