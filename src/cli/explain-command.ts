/** `meshc explain`: the selector grammar and the call into src/explain. */
import { InvalidArgumentError } from 'commander';
import type { CliIo } from './io.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import { diagWithNotes } from '../diagnostics/catalog.js';
import type { Compiled } from '../driver/drive.js';
import type { Protocol } from '../model/stack.js';
import type { ExplainSelector } from '../explain/explain.js';

/** The selector explain takes (one type, defined beside explain). */
export type Selector = ExplainSelector;

/** `web`, `web:8080`, `web:53/udp`, `:8080`. */
export function parseSelector(raw: string): Selector {
  const m = /^([A-Za-z0-9_.-]*)(?::(\d{1,5})(?:\/(tcp|udp|sctp))?)?$/.exec(raw);
  if (!m || (!m[1] && !m[2])) throw new InvalidArgumentError('expected SERVICE[:PORT[/PROTO]], e.g. web:8080 or web:53/udp');
  return { ...(m[1] ? { service: m[1] } : {}), ...(m[2] ? { port: Number(m[2]) } : {}), ...(m[3] ? { protocol: m[3] as Protocol } : {}) };
}

/** Without a selector: what can be explained. A selector that matches nothing: an error saying what exists. */
export async function explainCommand(compiled: Compiled, file: string, selector: Selector | undefined, io: CliIo, sink: DiagnosticSink): Promise<void> {
  const { explainableLines, explainables, targetPortHints } = await import('../explain/explainable.js');
  if (selector === undefined) {
    io.stdout(explainables(compiled.plan));
    return;
  }
  const { explain } = await import('../explain/explain.js');
  const result = explain({ plan: compiled.plan, ruleSets: compiled.ruleSets, files: compiled.files }, selector);
  if (!result.found) {
    const what = `${selector.service ?? '*'}${selector.port ? `:${selector.port}` : ''}${selector.protocol ? `/${selector.protocol}` : ''}`;
    const hints = targetPortHints(compiled.plan, selector, file);
    const lines = explainableLines(compiled.plan);
    const listing = lines.length > 0 ? lines.map((l) => `published: ${l}`) : ['the stack publishes no ports'];
    const notes = (hints.length > 0 ? hints : listing).map((message) => ({ message }));
    sink.report(diagWithNotes('NOTHING_TO_EXPLAIN', undefined, notes, what));
    return;
  }
  io.stdout(result.text);
}
