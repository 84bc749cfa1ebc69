/**
 * Where the Python tools of the tests and CI come from: `moto_server` (the AWS emulator the integration tests run
 * against) and `cfn-lint` (CI's CloudFormation check), at the versions requirements-dev.txt pins. One rule for every
 * caller (`npm test`'s first step, the integration globalSetup, the benchmarks through it, .ci/run):
 *
 *   1. on PATH at the pinned version                     → use it
 *   2. in the project's own environment (.venv-tools/)   → use it
 *   3. python3 on PATH and the package index answers     → install them there once (PROVISION_COMMAND), use them
 *   4. otherwise                                         → ToolsUnavailableError: ONE line naming the command to run
 *
 * Why a project environment rather than `pip install` into whatever Python is on PATH: it needs no root, touches no
 * other project, and the next run finds it again. Why the index is asked first rather than letting pip fail: pip
 * retries for minutes on a machine without network; the question is asked once, with a short timeout, and only
 * when a tool is missing, so a machine that has the tools never touches the network.
 *
 * planTools is the decision, pure over injected probes (test/unit/scripts/tools.test.ts runs no process);
 * systemProbes and provisionProjectEnv at the bottom are the I/O.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, openSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { basename, delimiter, dirname, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const REQUIREMENTS_FILE = 'requirements-dev.txt';
/** The project's Python environment for its tools: git-ignored, reused by every later run. */
export const PROJECT_ENV = '.venv-tools';
/** What a contributor runs by hand when rootguard cannot (no Python, no index): the same as step 3. */
export const PROVISION_COMMAND = `python3 -m venv ${PROJECT_ENV} && ${PROJECT_ENV}/bin/pip install -r ${REQUIREMENTS_FILE}`;
/** Long enough for a slow but working index, short enough that a machine without one fails in seconds. */
export const INDEX_TIMEOUT_MS = 3_000;

/** The commands rootguard runs, and the Python distribution that provides each. */
export const TOOL_DISTRIBUTIONS = { moto_server: 'moto', 'cfn-lint': 'cfn-lint' } as const;
export type ToolCommand = keyof typeof TOOL_DISTRIBUTIONS;

export interface PinnedTool {
  command: ToolCommand;
  distribution: string;
  version: string;
}

export type ToolSource = 'PATH' | typeof PROJECT_ENV;

export interface FoundTool extends PinnedTool {
  /** Absolute path of the executable to run. */
  path: string;
  source: ToolSource;
}

/** A tool found nowhere at its pinned version, with what was seen instead (for the message). */
export interface MissingTool extends PinnedTool {
  seen: string[];
}

export type ToolPlan =
  | { kind: 'ready'; tools: FoundTool[] }
  | { kind: 'provision'; found: FoundTool[]; missing: MissingTool[] }
  | { kind: 'impossible'; missing: MissingTool[]; message: string };

/** What planTools may ask of the machine; systemProbes answers for real, the unit test from a table. */
export interface ToolProbes {
  /** Absolute path of `command` in a directory of PATH, if any. */
  onPath(command: string): string | undefined;
  /** Absolute path of `command` in the project environment, if it exists. */
  inProjectEnv(command: string): string | undefined;
  /** The version of `distribution` in the Python that runs `executable`; undefined if that cannot be told. */
  installedVersion(executable: string, distribution: string): string | undefined;
  /** Does the package index answer within INDEX_TIMEOUT_MS? Asked at most once per plan. */
  indexReachable(): Promise<boolean>;
  /** The index asked, for the message (credentials stripped). */
  indexUrl: string;
}

export class ToolsUnavailableError extends Error {
  override name = 'ToolsUnavailableError';
}

/** `moto[server]==5.2.1` lines → the pinned tools; every tool rootguard runs must be pinned exactly. */
export function parsePins(requirements: string): PinnedTool[] {
  const pinned = new Map<string, string>();
  for (const raw of requirements.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const match = /^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*==\s*([^\s;]+)$/.exec(line);
    if (match?.[1] && match[2]) pinned.set(match[1].toLowerCase(), match[2]);
  }
  return Object.entries(TOOL_DISTRIBUTIONS).map(([command, distribution]) => {
    const version = pinned.get(distribution);
    if (!version)
      throw new Error(`${REQUIREMENTS_FILE} pins no ${distribution}==<version> (${command} runs from it)`);
    return { command: command as ToolCommand, distribution, version };
  });
}

/** The first place the pinned version is found, PATH before the project environment. */
export function findTool(tool: PinnedTool, probes: ToolProbes): FoundTool | MissingTool {
  const seen: string[] = [];
  const places: [ToolSource, string | undefined][] = [
    ['PATH', probes.onPath(tool.command)],
    [PROJECT_ENV, probes.inProjectEnv(tool.command)],
  ];
  for (const [source, path] of places) {
    if (!path) continue;
    const version = probes.installedVersion(path, tool.distribution);
    if (version === tool.version) return { ...tool, path, source };
    seen.push(`${path} is ${version ? `${tool.distribution} ${version}` : 'of unknown version'}`);
  }
  return { ...tool, seen };
}

const isFound = (tool: FoundTool | MissingTool): tool is FoundTool => 'path' in tool;

const describeMissing = (missing: readonly MissingTool[]): string =>
  missing
    .map(
      (t) => `${t.command} (${t.distribution} ${t.version})${t.seen.length ? `: ${t.seen.join(', ')}` : ''}`,
    )
    .join(' and ');

/** The decision: every tool found, or install them into the project environment, or say why that cannot work. */
export async function planTools(
  pins: readonly PinnedTool[],
  probes: ToolProbes,
  root = REPO_ROOT,
): Promise<ToolPlan> {
  const results = pins.map((pin) => findTool(pin, probes));
  const found = results.filter(isFound);
  const missing = results.filter((r): r is MissingTool => !isFound(r));
  if (missing.length === 0) return { kind: 'ready', tools: found };

  const absent = `${describeMissing(missing)} not on PATH or in ${PROJECT_ENV}/ at the pinned version`;
  if (!probes.onPath('python3')) {
    return {
      kind: 'impossible',
      missing,
      message: `${absent}, and python3 is not on PATH: install Python 3, then run in ${root}: ${PROVISION_COMMAND}`,
    };
  }
  if (!(await probes.indexReachable())) {
    return {
      kind: 'impossible',
      missing,
      message:
        `${absent}, and the package index ${probes.indexUrl} cannot be reached (asked once, ${INDEX_TIMEOUT_MS / 1000} s timeout): ` +
        `where it is reachable, run in ${root}: ${PROVISION_COMMAND}`,
    };
  }
  return { kind: 'provision', found, missing };
}

export interface EnsureToolsOptions {
  /** The tools the caller runs (default: all): a missing tool nobody asked for never triggers an install. */
  only?: readonly ToolCommand[];
  probes?: ToolProbes;
  /** Installs the pinned tools into the project environment; throws when that fails. */
  provision?: (root: string) => void;
  /** Progress for a person (stderr): provisioning takes a minute, the first time. */
  log?: (line: string) => void;
  root?: string;
}

/**
 * The pinned tools, ready to run: found, or installed into the project environment first. Throws
 * ToolsUnavailableError with a one-line message (the command to run) when neither works.
 */
export async function ensureTools(
  options: EnsureToolsOptions = {},
): Promise<Partial<Record<ToolCommand, FoundTool>>> {
  const root = options.root ?? REPO_ROOT;
  const probes = options.probes ?? systemProbes(root);
  const provision = options.provision ?? provisionProjectEnv;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const pins = parsePins(readFileSync(join(root, REQUIREMENTS_FILE), 'utf8')).filter(
    (pin) => !options.only || options.only.includes(pin.command),
  );

  const plan = await planTools(pins, probes, root);
  if (plan.kind === 'impossible') throw new ToolsUnavailableError(plan.message);
  let tools = plan.kind === 'ready' ? plan.tools : [];
  if (plan.kind === 'provision') {
    log(
      `Installing ${plan.missing.map((t) => `${t.distribution} ${t.version}`).join(', ')} into ${PROJECT_ENV}/ (once: later runs reuse it)`,
    );
    try {
      provision(root);
    } catch (error) {
      throw new ToolsUnavailableError(
        `installing into ${PROJECT_ENV}/ failed (${error instanceof Error ? error.message : String(error)}): run in ${root}: ${PROVISION_COMMAND}`,
      );
    }
    // Looked up again rather than assumed: pip may have succeeded and still left a wrong version behind.
    const again = pins.map((pin) => findTool(pin, probes));
    const still = again.filter((r): r is MissingTool => !isFound(r));
    if (still.length > 0) {
      throw new ToolsUnavailableError(
        `${describeMissing(still)} still missing after installing into ${PROJECT_ENV}/: run in ${root}: ${PROVISION_COMMAND}`,
      );
    }
    tools = again.filter(isFound);
  }
  return Object.fromEntries(tools.map((t) => [t.command, t]));
}

// ---------------------------------------------------------------------------------------------------------
// I/O: the real probes and the real provisioning
// ---------------------------------------------------------------------------------------------------------

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function which(command: string, pathVariable = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVariable.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(256);
    const bytes = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytes).toString('utf8').split('\n')[0] ?? '';
  } catch {
    return '';
  }
}

/**
 * The Python a console script runs with: its `#!` line (pip writes the interpreter's absolute path, or
 * `/usr/bin/env python3`), else the python3 beside it (pyenv's shims are shell scripts; the python3 shim there picks
 * the same installation). Undefined when neither: the tool then counts as of unknown version, and a project
 * environment is used instead, which is safe.
 */
export function interpreterOf(executable: string): string | undefined {
  const real = realpathSync(executable);
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(firstLine(real));
  if (shebang?.[1]) {
    if (basename(shebang[1]).startsWith('python')) return shebang[1];
    if (basename(shebang[1]) === 'env' && shebang[2]?.startsWith('python')) return which(shebang[2]);
  }
  const sibling = join(dirname(real), 'python3');
  return isExecutable(sibling) ? sibling : undefined;
}

const VERSION_SCRIPT = 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))';

/** The index pip would use (PIP_INDEX_URL, else PyPI), and the same without credentials, for messages. */
function packageIndex(): { url: string; shown: string } {
  const url = process.env.PIP_INDEX_URL || 'https://pypi.org/simple/';
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  return { url, shown: shown.toString() };
}

/** The probes as this machine answers them. */
export function systemProbes(root = REPO_ROOT): ToolProbes {
  const index = packageIndex();
  return {
    onPath: (command) => which(command),
    inProjectEnv: (command) => {
      const path = join(root, PROJECT_ENV, 'bin', command);
      return isExecutable(path) ? path : undefined;
    },
    installedVersion: (executable, distribution) => {
      const python = interpreterOf(executable);
      if (!python) return undefined;
      const out = spawnSync(python, ['-c', VERSION_SCRIPT, distribution], {
        encoding: 'utf8',
        timeout: 15_000,
      });
      return out.status === 0 ? out.stdout.trim() || undefined : undefined;
    },
    // Any HTTP answer counts: the question is whether pip can get through, not what the index says. pip honours
    // PIP_INDEX_URL, so the probe does too; a proxy that only pip knows of gives a false "no", and the one-line
    // message then names the command to run by hand.
    indexReachable: async () => {
      try {
        await fetch(index.url, {
          method: 'HEAD',
          signal: AbortSignal.timeout(INDEX_TIMEOUT_MS),
        });
        return true;
      } catch {
        return false;
      }
    },
    indexUrl: index.shown,
  };
}

/** PROVISION_COMMAND, run for real: pip's progress goes to stderr, so `--path` output stays one clean line. */
export function provisionProjectEnv(root: string): void {
  const run = (command: string, args: string[]) => {
    const out = spawnSync(command, args, { cwd: root, stdio: ['ignore', 2, 2] });
    if (out.error) throw out.error;
    if (out.status !== 0)
      throw new Error(`${basename(command)} ${args.join(' ')} exited ${out.status}; its output is above`);
  };
  if (!existsSync(join(root, PROJECT_ENV, 'bin', 'python'))) run('python3', ['-m', 'venv', PROJECT_ENV]);
  run(join(root, PROJECT_ENV, 'bin', 'python'), [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    '-r',
    REQUIREMENTS_FILE,
  ]);
}
