import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Inventory } from '../model/inventory.js';

export interface InventoryIo {
  readFile(path: string): Buffer;
  readStdin(): Buffer;
}

/** `-i FILE` (meshc YAML or ansible-inventory JSON), `-i -` (stdin), or undefined: one local node. */
export function readInventory(_source: string | undefined, _io: InventoryIo, _sink: DiagnosticSink): Inventory | undefined {
  throw new Error('readInventory: not implemented');
}
