/**
 * `meshc explain` on the nftables dataplane: the path a packet to one published port
 * takes through the `.nft` files, with the file and line of each element and rule it
 * meets: the host's `published` element and DNAT rules, the sandbox's `ports` element,
 * the service chain's round robin and the SNAT, then in each task its redirect element,
 * redirect rule and accepted target. Lines are found in the rendered text (the files
 * meshc wrote), so a location always points at what is on disk.
 */
import type { Plan, PlanPort, PlanService } from '../model/plan.js';
import type { OutputFile } from '../model/rules.js';
import { formatSteps, type Step } from './steps.js';
import { serviceChain } from '../emit/nft/emit-nft.js';

type Lines = readonly string[];

export function explainNftPort(files: readonly OutputFile[], plan: Plan, service: PlanService & { fwmark: number }, port: PlanPort): string[] {
  const text = new Map(files.map((f) => [f.path, f.content.split('\n')]));
  const out: string[] = [];
  const chain = serviceChain(service);
  for (const node of plan.nodes) {
    out.push('', `  entering at ${node.name} (${node.address}), port ${port.published}/${port.protocol}:`);
    const host = `${node.name}/host.nft`;
    const sbox = `${node.name}/ingress.nft`;
    const steps: Step[] = [
      ...found('host', host, text.get(host), [
        [inBlock('set published', `${port.protocol} . ${port.published},`), `element ${port.protocol} . ${port.published} of set published`],
        [inBlock('chain prerouting', 'dnat ip to'), 'prerouting: remote clients'],
        [inBlock('chain output', 'dnat ip to'), 'output: node-local clients'],
      ]),
      ...found('sandbox', sbox, text.get(sbox), [
        [inBlock('map ports', `${port.protocol} . ${port.published} : goto ${chain},`), `element ${port.protocol} . ${port.published} : goto ${chain} of map ports`],
        [inBlock('chain prerouting', 'vmap @ports'), 'the dispatch rule'],
        [inBlock(`chain ${chain}`, 'dnat ip to numgen'), 'round robin (one counter per service)'],
      ]),
      ...found('snat', sbox, text.get(sbox), [[inBlock('chain postrouting', 'snat ip to'), 'the SNAT rule']]),
    ];
    out.push(...formatSteps(steps));
  }
  out.push('', `  then over the ingress network (VNI ${plan.settings.vni}) into the task the round robin chose:`);
  const steps: Step[] = [];
  for (const task of service.tasks) {
    const path = `${task.node}/tasks/${task.name}.nft`;
    steps.push(
      ...found('task', path, text.get(path), [
        [inBlock(`map redirect_${port.protocol}`, `${port.published} : ${port.target},`), `element ${port.published} : ${port.target} of map redirect_${port.protocol}`],
        [inBlock('chain prerouting', `meta l4proto ${port.protocol} redirect`), `the ${port.protocol} redirect rule`],
        [inBlock('set targets', `${port.protocol} . ${port.target},`), `element ${port.protocol} . ${port.target} of set targets (accepted)`],
      ]),
    );
  }
  out.push(...formatSteps(steps));
  return out;
}

/** Finds the first line containing `needle` after the line that opens `block` and before that block closes. */
function inBlock(block: string, needle: string): (lines: Lines) => number | undefined {
  return (lines) => {
    const start = lines.findIndex((l) => l.trim() === `${block} {`);
    if (start < 0) return undefined;
    for (let i = start + 1; i < lines.length && lines[i] !== '\t}'; i++) if (lines[i]!.includes(needle)) return i + 1;
    return undefined;
  };
}

function found(label: string, path: string, lines: Lines | undefined, wanted: readonly [(lines: Lines) => number | undefined, string][]): Step[] {
  if (!lines) return [{ step: label, where: path, what: 'file not in the output' }];
  return wanted.map(([find, note], i) => {
    const line = find(lines);
    // The file's own line says what it is (rules carry comments); `note` names what is missing.
    const what = line === undefined ? `not found: ${note}` : lines[line - 1]!.trim().replace(/,$/, '');
    return { step: i === 0 ? label : '', where: `${path}:${line ?? '?'}`, what };
  });
}
