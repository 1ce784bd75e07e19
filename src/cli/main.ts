/**
 * meshc's command line: commander declares the commands, each action calls one
 * function of commands.ts, and `finish` computes the exit code in one place.
 * `run` takes its io as a parameter so the whole CLI runs in-process in tests.
 */
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import type { CliIo } from './io.js';
import type { NetworkSettings } from '../model/plan.js';
import { nodeIo } from './io.js';
import { DiagnosticSink } from '../diagnostics/types.js';
import { applyWarningPolicy, DIAGNOSTICS_FORMATS, exitCodeFor, writeDiagnostics, type DiagnosticsFormat } from './report.js';
import { applyStrict } from '../validate/strict.js';
import { compileCommand, configStack, diffCommand, explainFile, planCommand, validateFiles, type StackOptions } from './commands.js';
import { parseSelector } from './explain-command.js';

// Read as a file, not through require: module resolution costs start-up time (issue 18).
const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface CommonFlags {
  file?: string[];
  inventory?: string;
  stack?: string;
  frozen?: boolean;
  lock?: string;
  format?: string;
  diagnostics?: string;
  maxWarnings?: number;
  warningsAsErrors?: boolean;
  out?: string;
  diff?: boolean;
  ingressSubnet?: string;
  gatewaySubnet?: string;
  vni?: number;
  vxlanPort?: number;
  fwmarkBase?: number;
  dynamicPorts?: readonly [number, number];
  dataplane?: 'ipvs' | 'nftables';
  verbose?: boolean;
}

const EXAMPLES = {
  validate: '\nExamples:\n  meshc validate stack.yml\n  meshc validate --frozen stacks/*.yml      # pre-commit: also fail on a stale lock\n  meshc validate --format sarif stack.yml > meshc.sarif\n',
  compile: '\nExamples:\n  meshc compile stack.yml -i inventory.yml -o out/\n  meshc compile stack.yml -o out/ --format sarif > meshc.sarif   # CI: write, annotate\n  meshc compile stack.yml -f prod.yml -i - --format json < <(ansible-inventory -i hosts --list)\n  meshc compile stack.yml -i inventory.yml -o out/ --diff   # show what changes per node\n',
  config: '\nExamples:\n  meshc config stack.yml\n  diff <(meshc config stack.yml) <(docker stack config -c stack.yml)\n',
  plan: '\nExamples:\n  meshc plan stack.yml -i inventory.yml | jq .services\n',
  explain: '\nExamples:\n  meshc explain stack.yml                      # what can be explained: each published port and its target\n  meshc explain stack.yml -i inventory.yml ngx:8888\n  meshc explain stack.yml web:53/udp\n',
  diff: '\nExamples:\n  meshc diff out.old/ out/\n',
  completion: '\nExamples:\n  meshc completion bash > ~/.local/share/bash-completion/completions/meshc\n  source <(meshc completion bash)\n',
};

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const sink = new DiagnosticSink();
  const state: CliState = { code: 0, diagnostics: 'text', toStdout: false, embedded: false, policy: { warningsAsErrors: false } };
  const program = buildProgram(io, sink, state);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    io.stderr(`meshc: internal error (a bug in meshc, please report it):\n${(err as Error).stack ?? String(err)}\n`);
    return 3;
  }
  applyWarningPolicy(sink, state.policy);
  if (!state.embedded) writeDiagnostics(io, sink, state.diagnostics, state.toStdout, VERSION);
  return Math.max(state.code, exitCodeFor(sink.items, state.policy));
}

interface CliState {
  code: number;
  diagnostics: DiagnosticsFormat;
  /** Diagnostics go to stdout (machine formats of validate and compile), else stderr. */
  toStdout: boolean;
  /** The command already printed the diagnostics inside its own stdout document. */
  embedded: boolean;
  policy: { warningsAsErrors: boolean; maxWarnings?: number };
}

function buildProgram(io: CliIo, sink: DiagnosticSink, state: CliState): Command {
  const program = new Command('meshc')
    .description("Compile a Compose v3 stack into Docker Swarm's routing mesh for every node, without the Swarm control plane")
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError("(run 'meshc --help' for the commands)");
  const setPolicy = (f: CommonFlags, diagnosticsFormat: string | undefined, toStdout: boolean) => {
    state.diagnostics = (diagnosticsFormat ?? 'text') as DiagnosticsFormat;
    state.toStdout = toStdout && state.diagnostics !== 'text';
    state.policy = { warningsAsErrors: Boolean(f.warningsAsErrors), maxWarnings: f.maxWarnings };
  };
  const stackOpts = (f: CommonFlags): StackOptions => ({
    overrides: f.file ?? [],
    inventory: f.inventory,
    stack: f.stack,
    frozen: Boolean(f.frozen),
    lock: f.lock,
    settings: settingsFrom(f),
  });

  withPolicy(withPlanInputs(program.command('validate').argument('<files...>', 'stack or cluster files; each is checked on its own')))
    .description('check stack files (parse, schema, Swarm deploy-time rules, allocation); writes nothing')
    .addOption(new Option('--format <format>', 'how to print the diagnostics: text on stderr, or json, sarif, github on stdout').choices(DIAGNOSTICS_FORMATS).default('text'))
    .option('--strict', "fail where Swarm would silently deploy something other than written (its warnings become errors)")
    .addHelpText('after', EXAMPLES.validate)
    .action((files: string[], f: CommonFlags & { strict?: boolean }) => {
      setPolicy(f, f.format, true);
      validateFiles(files, stackOpts(f), io, sink);
      if (f.strict) applyStrict(sink);
    });

  withDiag(withPolicy(withPlanInputs(withOverrides(program.command('compile').argument('<file>', 'a stack file, or a cluster file (meshc.yml, docs/cluster.md)')))))
    .description('write per-node rule files, runners, plan.json and an Ansible playbook')
    .option('-o, --out <dir>', 'the output directory; replaced only when meshc wrote it', 'out')
    .addOption(
      new Option('--format <format>', 'text (or files): write the tree, diagnostics on stderr; sarif|github: write the tree, diagnostics on stdout; json: print the tree and its diagnostics as one JSON document instead of writing')
        .choices(['text', 'files', 'json', 'sarif', 'github'])
        .default('text'),
    )
    .option('--diff', 'print what changes against the existing output directory, per node and rule')
    .option('-v, --verbose', 'print the summary (nodes, services, ports, next step) even when stderr is not a terminal')
    .addHelpText('after', EXAMPLES.compile)
    .action(async (file: string, f: CommonFlags) => {
      const toStdout = f.format === 'sarif' || f.format === 'github' || f.format === 'json';
      setPolicy(f, toStdout ? f.format : f.diagnostics, toStdout);
      const request = { out: f.out ?? 'out', format: f.format ?? 'text', diff: Boolean(f.diff), frozen: Boolean(f.frozen), verbose: Boolean(f.verbose) };
      state.embedded = await compileCommand(file, stackOpts(f), request, io, sink, () => exitCodeFor(sink.items, state.policy));
    });

  // config reads one stack and nothing else: no inventory, lock or network flags.
  withDiag(withOverrides(withStackName(program.command('config').argument('<stack>', 'the stack file'))))
    .description('print the merged, normalised stack in the shape `docker stack config` prints')
    .addHelpText('after', EXAMPLES.config)
    .action((stack: string, f: CommonFlags) => {
      setPolicy(f, f.diagnostics, false);
      configStack(stack, stackOpts(f), io, sink);
    });

  withDiag(withPlanInputs(withOverrides(program.command('plan').argument('<file>', 'a stack file, or a cluster file'))))
    .description('print the allocation plan (nodes, tasks, ports, fwmarks, addresses) as stable JSON')
    .addHelpText('after', EXAMPLES.plan)
    .action((stack: string, f: CommonFlags) => {
      setPolicy(f, f.diagnostics, false);
      planCommand(stack, stackOpts(f), io, sink);
    });

  withDiag(withPlanInputs(withOverrides(program.command('explain').argument('<file>', 'a stack file, or a cluster file').argument('[selector]', 'SERVICE[:PORT[/PROTO]] (a published port); without it, the list of what can be explained', parseSelector))))
    .description('show the path a packet to a published port takes, node by node, with file:line of every rule')
    .addHelpText('after', EXAMPLES.explain)
    .action(async (file: string, selector: ReturnType<typeof parseSelector> | undefined, f: CommonFlags) => {
      setPolicy(f, f.diagnostics, false);
      await explainFile(file, selector, stackOpts(f), io, sink);
    });

  program
    .command('diff')
    .argument('<old>', 'old output directory')
    .argument('<new>', 'new output directory')
    .description('what a recompile changes, per node, rule by rule; exit 0 either way')
    .addHelpText('after', EXAMPLES.diff)
    .action((oldDir: string, newDir: string) => diffCommand(oldDir, newDir, io, sink));
  program
    .command('completion')
    .addArgument(new Argument('[shell]', 'the shell').choices(['bash']).default('bash'))
    .description('print a shell completion script for meshc')
    .addHelpText('after', EXAMPLES.completion)
    .action(async (shell: 'bash') => {
      const { completionScript } = await import('./completion.js');
      io.stdout(completionScript(program, shell));
    });
  // A usage error is one line and where to look, not the whole help.
  for (const cmd of program.commands) cmd.showHelpAfterError(`(run 'meshc ${cmd.name()} --help' for its options)`);
  return program;
}

function withStackName(cmd: Command): Command {
  return cmd.option('--stack <name>', 'stack name (default: the stack file name up to its first dot)');
}

/** What planning reads besides the stack: the inventory, the lock and the network settings. */
function withPlanInputs(cmd: Command): Command {
  return withStackName(cmd)
    .option('-i, --inventory <file>', 'cluster inventory: meshc YAML, or `ansible-inventory --list` JSON; - for stdin (default: one local node)')
    .option('--frozen', 'fail if the lock file would change (CI, pre-commit)')
    .option('--lock <file>', 'lock file to read and write (default: FILE.meshc-lock.json beside the stack or cluster file; none for a stack on stdin)')
    .option('--ingress-subnet <cidr>', 'ingress network (default 10.0.0.0/24)')
    .option('--gateway-subnet <cidr>', 'host-side bridge network (default 172.18.0.0/16)')
    .option('--vni <n>', 'VXLAN network identifier of the ingress network (default 4096)', parseCount)
    .option('--vxlan-port <n>', 'VXLAN UDP port (default 4789)', parseCount)
    .option('--fwmark-base <n>', 'first fwmark (default 256)', parseCount)
    .option('--dynamic-ports <lo-hi>', 'range for ports without `published` (default 30000-32767)', parseRange)
    .addOption(new Option('--dataplane <kind>', 'ipvs (iptables + IPVS, default) or nftables').choices(['ipvs', 'nftables']));
}

/** Flags win over the inventory's `network:` and the stack's `x-meshc` (the planner checks the values). */
function settingsFrom(f: CommonFlags): Partial<NetworkSettings> {
  const entries = Object.entries({
    ingressSubnet: f.ingressSubnet,
    gatewaySubnet: f.gatewaySubnet,
    vni: f.vni,
    vxlanPort: f.vxlanPort,
    fwmarkBase: f.fwmarkBase,
    dynamicPortRange: f.dynamicPorts,
    dataplane: f.dataplane,
  }).filter(([, v]) => v !== undefined);
  return Object.fromEntries(entries) as Partial<NetworkSettings>;
}

function parseRange(value: string): readonly [number, number] {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected LO-HI, e.g. 30000-32767');
  return [Number(m[1]), Number(m[2])];
}
function withOverrides(cmd: Command): Command {
  return cmd.option('-f, --file <override>', 'override file, merged in order (repeatable)', (v: string, prev: string[] = []) => [...prev, v]);
}
function withPolicy(cmd: Command): Command {
  return cmd
    .option('--max-warnings <n>', 'fail when there are more warnings than this', parseCount)
    .option('--warnings-as-errors', 'fail on any warning');
}
function withDiag(cmd: Command): Command {
  return cmd.addOption(new Option('--diagnostics <format>', 'how to print the diagnostics on stderr').choices(DIAGNOSTICS_FORMATS).default('text'));
}
function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

/** Entry point of bin/meshc.js. */
export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), nodeIo());
}
