/** Test helper: normalise YAML text and return the stack and the diagnostics, compactly. */
import { DiagnosticSink, type Diagnostic } from '../../diagnostics/types.js';
import type { NormalizedStack } from '../../model/stack.js';
import { normalizeStack } from '../normalize-stack.js';
import { composeDocFromYaml } from './compose-doc.js';

export interface Run {
  readonly stack: NormalizedStack | undefined;
  readonly items: readonly Diagnostic[];
  /** `line:col CODE` per diagnostic, in report order. */
  readonly codes: readonly string[];
}

export function normalizeYaml(text: string, stackName = 'app'): Run {
  const sink = new DiagnosticSink();
  const stack = normalizeStack(composeDocFromYaml(text), { stackName }, sink);
  return { stack, items: sink.items, codes: sink.items.map((d) => `${d.loc?.line}:${d.loc?.col} ${d.code}`) };
}
