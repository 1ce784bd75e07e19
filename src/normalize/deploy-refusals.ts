/**
 * What `docker stack deploy` refuses after `docker stack config` printed the file: the
 * CLI's converter (docker/cli v28.2.2 cli/compose/convert), the daemon's conversion to
 * swarmkit (moby daemon/cluster/convert/service.go) and swarmkit's controlapi
 * validation (manager/controlapi/service.go, common.go). Each check names its origin;
 * messages are the refusing component's own, so a user can search for them.
 */
import { dirname, resolve } from 'node:path';
import { diag } from '../diagnostics/catalog.js';
import type { JsonPath } from '../model/compose.js';
import { isRecord, valueAt, type NormalizeContext } from './context.js';
import { scopedName } from './names.js';
import { ramInBytes } from './sizes.js';
import { parseGoDuration } from './duration.js';
import { parseVolumeSpec } from '../validate/volume-spec.js';

type Dict = Record<string, unknown>;

/** Every per-service refusal; `stack` scopes secret and config names as docker does. */
export function checkServiceRefusals(ctx: NormalizeContext, servicePath: JsonPath, stack: string): void {
  const svc = valueAt(ctx.doc, servicePath);
  if (!isRecord(svc)) return;
  const at = (...p: (string | number)[]): JsonPath => [...servicePath, ...p];
  credentialSpec(ctx, svc, at);
  image(ctx, svc, at);
  duplicateMounts(ctx, svc, at);
  duplicateFileTargets(ctx, svc, 'secrets', stack, at);
  duplicateFileTargets(ctx, svc, 'configs', stack, at);
  const deploy = isRecord(svc.deploy) ? svc.deploy : {};
  for (const kind of ['limits', 'reservations'] as const) resources(ctx, deploy, kind, at);
  restartCondition(ctx, deploy, at);
  negativeDurations(ctx, deploy, at);
  for (const key of ['update_config', 'rollback_config'] as const) failureAction(ctx, deploy, key, at);
  const ratio = isRecord(deploy.update_config) ? deploy.update_config.max_failure_ratio : undefined;
  // swarmkit validateUpdate (the update config only; the rollback config is not validated).
  if (typeof ratio === 'number' && (ratio < 0 || ratio > 1)) {
    ctx.sink.report(diag('DEPLOY_REFUSED', ctx.doc.locate(at('deploy', 'update_config', 'max_failure_ratio')), 'TaskSpec: update-maxfailureratio cannot be less than 0 or bigger than 1'));
  }
}

/** swarmkit controlapi/service.go `validateMounts`: two mounts of one service at one target. */
function duplicateMounts(ctx: NormalizeContext, svc: Dict, at: (...p: (string | number)[]) => JsonPath): void {
  if (!Array.isArray(svc.volumes)) return;
  const seen = new Set<string>();
  svc.volumes.forEach((v, i) => {
    const short = typeof v === 'string' ? parseVolumeSpec(v) : undefined;
    const target = short ? (short.ok ? short.volume.target : undefined) : isRecord(v) ? v.target : undefined;
    if (typeof target !== 'string') return;
    if (seen.has(target)) ctx.sink.report(diag('DEPLOY_REFUSED', ctx.doc.locate(at('volumes', i)), `ContainerSpec: duplicate mount point: ${target}`));
    seen.add(target);
  });
}

/**
 * docker/cli cli/command/service/parse.go `ParseSecrets`/`ParseConfigs`: two references of
 * one service with one target file (the target, else the source: convert/service.go
 * `convertFileObject`) are refused, naming the second's Swarm object.
 */
function duplicateFileTargets(ctx: NormalizeContext, svc: Dict, kind: 'secrets' | 'configs', stack: string, at: (...p: (string | number)[]) => JsonPath): void {
  const refs = svc[kind];
  if (!Array.isArray(refs)) return;
  const seen = new Set<string>();
  const declared = valueAt(ctx.doc, [kind]);
  refs.forEach((ref, i) => {
    const source = isRecord(ref) ? ref.source : ref;
    if (typeof source !== 'string') return;
    const target = isRecord(ref) && typeof ref.target === 'string' && ref.target !== '' ? ref.target : source;
    if (seen.has(target)) {
      const obj = isRecord(declared) && isRecord(declared[source]) ? declared[source] : {};
      const name = typeof obj.name === 'string' && obj.name !== '' ? obj.name : scopedName(stack, source);
      ctx.sink.report(diag('DEPLOY_REFUSED', ctx.doc.locate(at(kind, i)), `duplicate ${kind.slice(0, -1)} target for ${name} not allowed`));
    }
    seen.add(target);
  });
}

/** Durations the daemon refuses when negative: deploy block, key, and the daemon's name for it. */
const NON_NEGATIVE_DURATIONS: readonly (readonly [string, string, string])[] = [
  ['restart_policy', 'delay', 'restart-delay'],
  ['restart_policy', 'window', 'restart-window'],
  ['update_config', 'delay', 'update-delay'],
  ['update_config', 'monitor', 'update-monitor'],
];

/**
 * swarmkit controlapi/service.go `validateRestartPolicy` (delay, window) and `validateUpdate`
 * (delay, monitor; update_config only, and not for jobs, whose update config is refused
 * anyway): negative durations, which docker's loader reads (Go's time.ParseDuration takes a sign).
 */
function negativeDurations(ctx: NormalizeContext, deploy: Dict, at: (...p: (string | number)[]) => JsonPath): void {
  for (let i = 0; i < NON_NEGATIVE_DURATIONS.length; i++) {
    const [block, key, label] = NON_NEGATIVE_DURATIONS[i] as readonly [string, string, string];
    const raw = isRecord(deploy[block]) ? (deploy[block] as Dict)[key] : undefined;
    const ns = typeof raw === 'string' ? parseGoDuration(raw) : undefined;
    if (ns !== undefined && ns < 0) ctx.sink.report(diag('DEPLOY_REFUSED', ctx.doc.locate(at('deploy', block, key)), `TaskSpec: ${label} cannot be negative`));
  }
}

/** convert/service.go convertCredentialSpec: at most one of config, file, registry. */
function credentialSpec(ctx: NormalizeContext, svc: Dict, at: (...p: (string | number)[]) => JsonPath): void {
  const spec = isRecord(svc.credential_spec) ? svc.credential_spec : {};
  const set = (['config', 'file', 'registry'] as const).filter((k) => typeof spec[k] === 'string' && spec[k] !== '').map((k) => `"${k[0]!.toUpperCase()}${k.slice(1)}"`);
  if (set.length < 2) return;
  const list = set.length === 2 ? `${set[0]} and ${set[1]}` : `${set.slice(0, -1).join(', ')}, and ${set.at(-1)}`;
  ctx.sink.report(diag('DEPLOY_REFUSED', ctx.doc.locate(at('credential_spec')), `invalid credential spec: cannot specify both ${list}`));
}

/**
 * controlapi validateImage → distribution reference.ParseNormalizedNamed: the image
 * reference grammar (lower-case repository, tag, digest; at most 255 characters of name).
 */
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const REFERENCE = new RegExp(
  `^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

export function imageProblem(ref: string): string | undefined {
  const m = REFERENCE.exec(ref);
  if (!m) return /[A-Z]/.test(ref.split(/[:@]/)[0] ?? '') && REFERENCE.test(ref.toLowerCase()) ? 'repository name must be lowercase' : 'invalid reference format';
  if ((m[1] ?? '').length > 255) return 'repository name must not be more than 255 characters';
  if (/^[a-f0-9]{64}$/.test(ref)) return `invalid repository name (${ref}), cannot specify 64-byte hexadecimal strings`;
  return undefined;
}

function image(ctx: NormalizeContext, svc: Dict, at: (...p: (string | number)[]) => JsonPath): void {
  if (typeof svc.image !== 'string' || svc.image === '') return;
  const why = imageProblem(svc.image);
  if (why) ctx.sink.report(diag('DEPLOY_REFUSED', ctx.doc.locate(at('image')), `ContainerSpec: "${svc.image}" is not a valid repository/tag (${why})`));
}

/** opts.ParseCPUs (convertResources) then controlapi validateResources' minimums (0.001 CPU, 4 MiB). */
function resources(ctx: NormalizeContext, deploy: Dict, kind: 'limits' | 'reservations', at: (...p: (string | number)[]) => JsonPath): void {
  const res = isRecord(deploy.resources) && isRecord(deploy.resources[kind]) ? deploy.resources[kind] : undefined;
  if (!res) return;
  const path = (k: string) => ctx.doc.locate(at('deploy', 'resources', kind, k));
  if (res.cpus !== undefined && res.cpus !== null && String(res.cpus) !== '') {
    const why = cpusProblem(String(res.cpus));
    if (why) ctx.sink.report(diag('DEPLOY_REFUSED', path('cpus'), why));
  }
  const mem = typeof res.memory === 'number' ? res.memory : typeof res.memory === 'string' ? ramInBytes(res.memory) : undefined;
  if (mem !== undefined && mem !== 0 && mem < 4 * 1024 * 1024) {
    ctx.sink.report(diag('DEPLOY_REFUSED', path('memory'), `invalid memory value ${mem}: Must be at least 4MiB`));
  }
}

/** big.Rat SetString: an integer, a decimal with optional exponent, or a fraction a/b. */
export function cpusProblem(value: string): string | undefined {
  const nano = nanoCpus(value);
  if (nano === undefined) return `failed to parse ${value} as a rational number`;
  if (nano === 'imprecise') return 'value is too precise';
  if (nano !== 0n && nano < 1_000_000n) return `invalid cpu value ${Number(nano) / 1e9}: Must be at least 0.001`;
  return undefined;
}

function nanoCpus(value: string): bigint | 'imprecise' | undefined {
  const frac = /^([+-]?[0-9]+)\/([0-9]+)$/.exec(value);
  if (frac) {
    const [num, den] = [BigInt(frac[1]!), BigInt(frac[2]!)];
    if (den === 0n) return undefined;
    return (num * 1_000_000_000n) % den === 0n ? (num * 1_000_000_000n) / den : 'imprecise';
  }
  const dec = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(value);
  if (!dec || ((dec[2] ?? '') === '' && (dec[3] ?? '') === '')) return undefined;
  const digits = `${dec[2] ?? ''}${dec[3] ?? ''}`.replace(/^0+(?=.)/, '') || '0';
  const exp = Number(dec[4] ?? 0) - (dec[3] ?? '').length + 9;
  let n = BigInt(digits);
  if (exp >= 0) n *= 10n ** BigInt(exp);
  else {
    const d = 10n ** BigInt(-exp);
    if (n % d !== 0n) return 'imprecise';
    n /= d;
  }
  return dec[1] === '-' ? -n : n;
}

/** moby restartPolicyToGRPC: none, on-failure, any (or unset). */
function restartCondition(ctx: NormalizeContext, deploy: Dict, at: (...p: (string | number)[]) => JsonPath): void {
  const c = isRecord(deploy.restart_policy) ? deploy.restart_policy.condition : undefined;
  if (typeof c === 'string' && !['', 'none', 'on-failure', 'any'].includes(c)) {
    ctx.sink.report(diag('DEPLOY_REFUSED', ctx.doc.locate(at('deploy', 'restart_policy', 'condition')), `invalid RestartCondition: "${c}"`));
  }
}

/** moby updateConfigToGRPC: pause, continue, rollback (or unset). */
function failureAction(ctx: NormalizeContext, deploy: Dict, key: 'update_config' | 'rollback_config', at: (...p: (string | number)[]) => JsonPath): void {
  const a = isRecord(deploy[key]) ? (deploy[key] as Dict).failure_action : undefined;
  if (typeof a === 'string' && !['', 'pause', 'continue', 'rollback'].includes(a)) {
    ctx.sink.report(diag('DEPLOY_REFUSED', ctx.doc.locate(at('deploy', key, 'failure_action')), `unrecognized update failure action ${a}`));
  }
}

/**
 * Secrets and configs the stack creates (external ones exist already): convert/compose.go
 * `Secrets`/`Configs` read `file` (none given: the stack's directory, which fails; an absent
 * or unreadable file is validate/object-files.ts's, which can read the disk), and
 * controlapi validateConfigOrSecretAnnotations limits the name (`name:` or
 * `<stack>_<key>`) to 64 characters of [a-zA-Z0-9-_.], starting and ending alphanumeric.
 */
const OBJECT_NAME = /^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$/;

export function checkObjectRefusals(ctx: NormalizeContext, stack: string): void {
  for (const kind of ['secrets', 'configs'] as const) {
    const objs = valueAt(ctx.doc, [kind]);
    for (const [key, obj] of Object.entries(isRecord(objs) ? objs : {})) {
      const o = isRecord(obj) ? obj : {};
      if (o.external === true || isRecord(o.external)) continue;
      const loc = ctx.doc.locateKey([kind, key]);
      if (!o.driver && (typeof o.file !== 'string' || o.file === '')) {
        // loader.go `loadFileObjectConfig`: absPath(workingDir, "") is the working directory itself.
        const dir = dirname(resolve(ctx.doc.files[0] ?? '.'));
        ctx.sink.report(diag('DEPLOY_REFUSED', loc, `${kind.slice(0, -1)} ${key}: read ${dir}: is a directory (neither file, driver nor external is set, so docker reads the stack's directory as the file)`));
      }
      const name = typeof o.name === 'string' && o.name !== '' ? o.name : scopedName(stack, key);
      if (name.length > 64 || !OBJECT_NAME.test(name)) {
        const at = typeof o.name === 'string' ? ctx.doc.locate([kind, key, 'name']) : loc;
        ctx.sink.report(diag('DEPLOY_REFUSED', at, `${kind.slice(0, -1)} name "${name}": invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]`));
      }
    }
  }
}
