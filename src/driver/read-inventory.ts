/**
 * Inventory input: `-i FILE` (meshc YAML, or the JSON `ansible-inventory --list`
 * prints, told apart by `_meta.hostvars`), `-i -` for stdin, or nothing: one local
 * manager node so `meshc compile stack.yml` works out of the box. Read through the same
 * positioned-YAML edge as every input (positioned-input.ts); the nodes are then checked
 * by the planner's own rules (plan/inventory-checks.ts).
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Inventory } from '../model/inventory.js';
import { checkNodes } from '../plan/inventory-checks.js';
import { ansibleInventory, isAnsibleListing } from './inventory-ansible.js';
import { meshcInventory } from './inventory-meshc.js';
import { reportReadError } from './inputs.js';
import type { DriverIo } from './io.js';
import { readInput } from './positioned-input.js';

/** The single node used without `-i`. */
export const LOCAL_INVENTORY: Inventory = {
  source: null,
  nodes: [{ name: 'local', address: '127.0.0.1', role: 'manager', labels: {}, engineLabels: {} }],
  settings: {},
};

/** `-i FILE` (meshc YAML or ansible-inventory JSON), `-i -` (stdin), or undefined: one local node. */
export function readInventory(source: string | undefined, io: Pick<DriverIo, 'readFile' | 'readStdin'>, sink: DiagnosticSink): Inventory | undefined {
  if (source === undefined) return LOCAL_INVENTORY;
  let bytes: Buffer;
  try {
    bytes = source === '-' ? io.readStdin() : io.readFile(source);
  } catch (err) {
    reportReadError(source, err, sink, 'other');
    return undefined;
  }
  return parseInventory(bytes, source === '-' ? '<stdin>' : source, sink);
}

/** The inventory in `bytes` (`file` names it in diagnostics). */
export function parseInventory(bytes: Buffer, file: string, sink: DiagnosticSink): Inventory | undefined {
  const input = readInput(bytes, file, sink, (loc, why) => diag('INVENTORY_SYNTAX', loc, why));
  if (!input) return undefined;
  const inventory = isAnsibleListing(input.data) ? ansibleInventory(input, file, sink) : meshcInventory(input, file, sink);
  if (!inventory) return undefined;
  if (inventory.nodes.length === 0) {
    sink.report(diag('INVENTORY_EMPTY', input.map.locate([]), file));
    return undefined;
  }
  return checkNodes(inventory.nodes, sink) ? inventory : undefined;
}
