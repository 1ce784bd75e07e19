/**
 * Inventory input: `-i FILE` (meshc YAML, or the JSON `ansible-inventory --list`
 * prints, told apart by `_meta.hostvars`), `-i -` for stdin, or nothing: one local
 * manager node so `meshc compile stack.yml` works out of the box.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Inventory } from '../model/inventory.js';
import { ansibleInventory, isAnsibleListing } from './inventory-ansible.js';
import { checkNodes } from './inventory-checks.js';
import { meshcInventory } from './inventory-meshc.js';
import { parseSource } from './yaml-source.js';

export interface InventoryIo {
  readFile(path: string): Buffer;
  readStdin(): Buffer;
}

/** The single node used without `-i`. */
export const LOCAL_INVENTORY: Inventory = {
  source: null,
  nodes: [{ name: 'local', address: '127.0.0.1', role: 'manager', labels: {}, engineLabels: {} }],
  settings: {},
};

/** `-i FILE` (meshc YAML or ansible-inventory JSON), `-i -` (stdin), or undefined: one local node. */
export function readInventory(source: string | undefined, io: InventoryIo, sink: DiagnosticSink): Inventory | undefined {
  if (source === undefined) return LOCAL_INVENTORY;
  const file = source === '-' ? '<stdin>' : source;
  const text = readText(source, io, sink);
  if (text === undefined) return undefined;
  sink.sources.set(file, text);
  return parseInventory(text, file, sink);
}

/** Inventory from text already read (`file` names it in diagnostics). */
export function parseInventory(text: string, file: string, sink: DiagnosticSink): Inventory | undefined {
  const parsed = parseSource(text, file, (why, loc) => sink.report(diag('INVENTORY_SYNTAX', loc, why)));
  if (!parsed) return undefined;
  const inventory = isAnsibleListing(parsed.data) ? ansibleInventory(parsed, file, sink) : meshcInventory(parsed, file, sink);
  if (!inventory) return undefined;
  if (inventory.nodes.length === 0) {
    sink.report(diag('INVENTORY_EMPTY', parsed.locate([]), file));
    return undefined;
  }
  return checkNodes(inventory.nodes, sink) ? inventory : undefined;
}

function readText(source: string, io: InventoryIo, sink: DiagnosticSink): string | undefined {
  try {
    return (source === '-' ? io.readStdin() : io.readFile(source)).toString('utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') sink.report(diag('FILE_NOT_FOUND', undefined, source));
    // The CLI's input guard (cli/inputs.ts) refuses files over its limit before reading them.
    else if (e.code === 'EFBIG') sink.report(diag('INPUT_TOO_LARGE', source === '-' ? undefined : { file: source, line: 1, col: 1 }, source, (e as { size?: number }).size ?? 0, (e as { limit?: number }).limit ?? 0));
    else sink.report(diag('FILE_UNREADABLE', undefined, source, e.message));
    return undefined;
  }
}
