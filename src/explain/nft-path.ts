/**
 * `meshc explain` on the nftables dataplane: the path a packet to one published port
 * takes through the `.nft` files, with the file and line of each element and rule it
 * meets: the host's `published` element and DNAT rules, the sandbox's `ports` element,
 * the service chain's round robin and the SNAT, then in each task its redirect element,
 * redirect rule and accepted target. Lines are those the renderer recorded as it printed
 * each element and rule (src/render/printed-lines.ts); the cited line's text is shown.
 */
import type { Plan, PlanPort, PlanService } from '../model/plan.js';
import type { OutputFile } from '../model/rules.js';
import { formatSteps, type Step } from './steps.js';
import { serviceChain } from '../emit/nft/emit-nft.js';
import { printedLines, type PrintedNftBlock } from '../render/printed-lines.js';
import { SHARED_DIR } from '../render/quote.js';
import { SHARED_PARTS } from '../render/shared-layout.js';

interface Printed {
  readonly lines: readonly string[];
  /** The table block's first line; `blocks` count their lines from 1 there. */
  readonly firstLine: number;
  readonly blocks: readonly PrintedNftBlock[];
}

export function explainNftPort(files: readonly OutputFile[], plan: Plan, service: PlanService & { fwmark: number }, port: PlanPort): string[] {
  const text = new Map(files.map((f) => [f.path, { lines: f.content.split('\n'), firstLine: printedLines(f)?.nft?.firstLine ?? 1, blocks: printedLines(f)?.nft?.blocks ?? [] }]));
  const out: string[] = [];
  const chain = serviceChain(service);
  for (const node of plan.nodes) {
    out.push('', `  entering at ${node.name} (${node.address}), port ${port.published}/${port.protocol}:`);
    const host = `${node.name}/host.nft`;
    const sbox = `${node.name}/ingress.nft`;
    const steps: Step[] = [
      ...found('host', host, text, [
        [element('set published', `${port.protocol} . ${port.published}`), `element ${port.protocol} . ${port.published} of set published`],
        [rule('chain prerouting', 'dnat ip to'), 'prerouting: remote clients'],
        [rule('chain output', 'dnat ip to'), 'output: node-local clients'],
      ]),
      ...found('sandbox', sbox, text, [
        [element('map ports', `${port.protocol} . ${port.published} : goto ${chain}`), `element ${port.protocol} . ${port.published} : goto ${chain} of map ports`],
        [rule('chain prerouting', 'vmap @ports'), 'the dispatch rule'],
        [rule(`chain ${chain}`, 'dnat ip to numgen'), 'round robin (one counter per service)'],
      ]),
      ...found('snat', sbox, text, [[rule('chain postrouting', 'snat ip to'), 'the SNAT rule']]),
    ];
    out.push(...formatSteps(steps));
  }
  out.push('', `  then over the ingress network (VNI ${plan.settings.vni}) into the task the round robin chose:`);
  const steps: Step[] = [];
  for (const task of service.tasks) {
    const path = `${task.node}/tasks/${task.name}.nft`;
    steps.push(
      ...found('task', path, text, [
        [element(`map redirect_${port.protocol}`, `${port.published} : ${port.target}`), `element ${port.published} : ${port.target} of map redirect_${port.protocol}`],
        [rule('chain prerouting', `meta l4proto ${port.protocol} redirect`), `the ${port.protocol} redirect rule`],
        [element('set targets', `${port.protocol} . ${port.target}`), `element ${port.protocol} . ${port.target} of set targets (accepted)`],
      ]),
    );
  }
  out.push(...formatSteps(steps));
  return out;
}

type Finder = (blocks: readonly PrintedNftBlock[]) => number | undefined;

/** The line of the element printed exactly as `text` in the set or map `block`. */
function element(block: string, text: string): Finder {
  return (blocks) => blocks.find((b) => b.header === block)?.items.find((i) => i.text === text)?.line;
}

/** The line of the first rule of chain `block` whose words contain `words`. */
function rule(block: string, words: string): Finder {
  return (blocks) => blocks.find((b) => b.header === block)?.items.find((i) => i.text.includes(words))?.line;
}

/**
 * Each wanted line in `path` (`node1/ingress.nft`), or where the node loads it from the
 * shared folder (`shared/ingress.nft`, docs/runner.md): the file the line really is in.
 */
function found(label: string, path: string, files: ReadonlyMap<string, Printed>, wanted: readonly [Finder, string][]): Step[] {
  const own = files.get(path);
  if (!own) return [{ step: label, where: path, what: 'file not in the output' }];
  const sharedPath = `${SHARED_DIR}/${path.slice(path.indexOf('/') + 1)}`;
  const shared = SHARED_PARTS.includes(path.slice(path.indexOf('/') + 1)) ? files.get(sharedPath) : undefined;
  return wanted.map(([find, note], i) => {
    let [where, printed, at] = [path, own, find(own.blocks)];
    if (at === undefined && shared) [where, printed, at] = [sharedPath, shared, find(shared.blocks)];
    const line = at === undefined ? undefined : printed.firstLine + at - 1;
    // The file's own line says what it is (rules carry comments); `note` names what is missing.
    const what = line === undefined ? `not found: ${note}` : printed.lines[line - 1]!.trim().replace(/,$/, '');
    return { step: i === 0 ? label : '', where: `${line === undefined ? path : where}:${line ?? '?'}`, what };
  });
}
