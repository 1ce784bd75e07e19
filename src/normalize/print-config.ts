import type { ComposeDocument } from '../model/compose.js';

/** The normalised stack in the shape `docker stack config` prints (YAML, ports in long form). */
export function printConfig(_doc: ComposeDocument): string {
  throw new Error('printConfig: not implemented');
}
