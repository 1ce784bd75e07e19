/**
 * The files of the secrets and configs a stack creates. `docker stack deploy` reads each
 * before it creates anything (docker/cli cli/command/stack/deploy_composefile.go
 * `deployCompose` → cli/compose/convert/compose.go `Secrets`/`Configs` → `fileObjectConfig`,
 * `os.ReadFile(obj.File)`), then swarmkit checks the size of what it read (api/validation
 * secrets.go `ValidateSecretPayload`: 1 byte to under 500 KiB; manager/controlapi/config.go
 * `validateConfigSpec`: 1 byte to under 1000 KiB). `docker stack config` reads none of them
 * (loader.go `loadFileObjectConfig` only makes the path absolute), so these are deploy-time
 * codes: an error for validate and compile, a warning for config (loader-verdict.ts).
 *
 * Every declared object counts, used by a service or not: `Secrets`/`Configs` convert the
 * whole top-level map. External objects exist already; a secret with a `driver` takes its
 * value from the driver (`driverObjectConfig`, no file; configs have no driver in any v3
 * schema). `template_driver` changes nothing here: the file is still read, the daemon
 * renders it later. A secret or config with no file at all is normalize's
 * (deploy-refusals.ts `checkObjectRefusals`).
 *
 * The one normalize step that reads the disk, through the io it is given (as env_file's
 * reader, validate/environment.ts): it runs after the merge, on what the loader accepted.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { ComposeDocument } from '../model/compose.js';
import { isRecord } from '../validate/canonical.js';
import type { FrontEndIo } from '../validate/read-compose.js';

/** swarmkit's exclusive upper bounds on the data of one object. */
const MAX_BYTES = { secrets: 500 * 1024, configs: 1000 * 1024 } as const;

/** `workingDir` is docker stack deploy's: the directory of the first stack file. */
export function checkObjectFiles(doc: ComposeDocument, workingDir: string, io: FrontEndIo, sink: DiagnosticSink): void {
  for (const kind of ['secrets', 'configs'] as const) {
    const objects = doc.data[kind];
    if (!isRecord(objects)) continue;
    for (const [name, obj] of Object.entries(objects)) {
      if (!isRecord(obj) || obj.external === true || isRecord(obj.external)) continue;
      if (kind === 'secrets' && typeof obj.driver === 'string' && obj.driver !== '') continue;
      if (typeof obj.file !== 'string' || obj.file === '') continue;
      const where = doc.locate([kind, name, 'file']);
      // docker's absPath(details.WorkingDir, file): the path its error names.
      const shown = resolve(workingDir, obj.file);
      const size = fileSize(isAbsolute(obj.file) ? obj.file : join(workingDir, obj.file), shown, io);
      const one = kind.slice(0, -1);
      if (typeof size === 'string') {
        sink.report(diag('OBJECT_FILE_UNREADABLE', where, one, name, obj.file, size));
      } else if (size < 1 || size >= MAX_BYTES[kind]) {
        sink.report(diag('DEPLOY_REFUSED', where, `${one} ${name}: ${shown} is ${size} bytes: ${one} data must be larger than 0 and less than ${MAX_BYTES[kind]} bytes`));
      }
    }
  }
}

/**
 * The file's size, or why it cannot be read in the words of Go's `os.ReadFile`. Through the
 * io's guarded reader: a FIFO or a device is not opened for reading (it would hang meshc, as
 * it would hang or exhaust docker), a file over meshc's input limit is not read.
 */
function fileSize(path: string, shown: string, io: FrontEndIo): number | string {
  try {
    return io.readFile(path).length;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { size?: number };
    switch (e.code) {
      case 'ENOENT':
        return `open ${shown}: no such file or directory`;
      case 'EACCES':
        return `open ${shown}: permission denied`;
      case 'ENOTDIR':
        return `open ${shown}: not a directory`;
      case 'EISDIR':
        return `read ${shown}: is a directory`;
      case 'EFBIG':
        // Over meshc's input limit, so far over swarmkit's: the size decides.
        return e.size ?? Number.MAX_SAFE_INTEGER;
      case 'ENOTREG':
        return `${shown} ${e.message}`;
      default:
        return `open ${shown}: ${e.code ?? e.message}`;
    }
  }
}
