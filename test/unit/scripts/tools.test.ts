/**
 * Where moto_server and cfn-lint come from (scripts/lib/tools.ts): PATH at the pinned version, else the project's
 * .venv-tools/, else installed there, else one line naming the command to run. The machine is a table here: no
 * process is started and no network is asked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureTools,
  INDEX_TIMEOUT_MS,
  type PinnedTool,
  PROVISION_COMMAND,
  parsePins,
  planTools,
  REPO_ROOT,
  REQUIREMENTS_FILE,
  type ToolProbes,
  ToolsUnavailableError,
} from '../../../scripts/lib/tools';

const ROOT = '/src/rootguard';
const PINS: PinnedTool[] = [
  { command: 'moto_server', distribution: 'moto', version: '5.2.1' },
  { command: 'cfn-lint', distribution: 'cfn-lint', version: '1.51.0' },
];
const INDEX = 'https://pypi.org/simple/';

/** Versions by executable path; a path absent from `versions` is of unknown version. */
interface Machine {
  path?: Record<string, string>;
  projectEnv?: Record<string, string>;
  versions?: Record<string, string>;
  python3?: boolean;
  indexReachable?: boolean;
}

function probesFor(machine: Machine) {
  const indexAsked = jest.fn(async () => machine.indexReachable ?? false);
  const probes: ToolProbes = {
    onPath: (command) =>
      command === 'python3' ? (machine.python3 ? '/usr/bin/python3' : undefined) : machine.path?.[command],
    inProjectEnv: (command) => machine.projectEnv?.[command],
    installedVersion: (executable) => machine.versions?.[executable],
    indexReachable: indexAsked,
    indexUrl: INDEX,
  };
  return { probes, indexAsked };
}

const ON_PATH: Machine = {
  path: { moto_server: '/usr/local/bin/moto_server', 'cfn-lint': '/usr/local/bin/cfn-lint' },
  versions: { '/usr/local/bin/moto_server': '5.2.1', '/usr/local/bin/cfn-lint': '1.51.0' },
};
const IN_PROJECT_ENV: Pick<Machine, 'projectEnv' | 'versions'> = {
  projectEnv: {
    moto_server: `${ROOT}/.venv-tools/bin/moto_server`,
    'cfn-lint': `${ROOT}/.venv-tools/bin/cfn-lint`,
  },
  versions: {
    [`${ROOT}/.venv-tools/bin/moto_server`]: '5.2.1',
    [`${ROOT}/.venv-tools/bin/cfn-lint`]: '1.51.0',
  },
};

describe('planTools', () => {
  it('uses the tools on PATH when they are at the pinned versions, without asking the index', async () => {
    // Prepare
    const { probes, indexAsked } = probesFor(ON_PATH);

    // Act
    const plan = await planTools(PINS, probes, ROOT);

    // Assess
    expect(plan).toEqual({
      kind: 'ready',
      tools: [
        expect.objectContaining({
          command: 'moto_server',
          path: '/usr/local/bin/moto_server',
          source: 'PATH',
        }),
        expect.objectContaining({ command: 'cfn-lint', path: '/usr/local/bin/cfn-lint', source: 'PATH' }),
      ],
    });
    expect(indexAsked).not.toHaveBeenCalled();
  });

  it("uses the project environment's tools when PATH has none", async () => {
    // Prepare
    const { probes, indexAsked } = probesFor(IN_PROJECT_ENV);

    // Act
    const plan = await planTools(PINS, probes, ROOT);

    // Assess
    expect(plan.kind).toBe('ready');
    expect(plan.kind === 'ready' && plan.tools.map((t) => t.source)).toEqual(['.venv-tools', '.venv-tools']);
    expect(indexAsked).not.toHaveBeenCalled();
  });

  it('passes over a tool on PATH at another version for the pinned one in the project environment', async () => {
    // Prepare
    const { probes } = probesFor({
      path: { moto_server: '/usr/bin/moto_server' },
      projectEnv: IN_PROJECT_ENV.projectEnv,
      versions: { ...IN_PROJECT_ENV.versions, '/usr/bin/moto_server': '4.2.0' },
    });

    // Act
    const plan = await planTools(PINS, probes, ROOT);

    // Assess
    expect(plan.kind === 'ready' && plan.tools[0]).toMatchObject({
      path: `${ROOT}/.venv-tools/bin/moto_server`,
      source: '.venv-tools',
    });
  });

  it('plans to install into the project environment when a tool is missing, python3 is there and the index answers', async () => {
    // Prepare
    const { probes, indexAsked } = probesFor({
      path: { moto_server: ON_PATH.path?.moto_server ?? '' },
      versions: ON_PATH.versions,
      python3: true,
      indexReachable: true,
    });

    // Act
    const plan = await planTools(PINS, probes, ROOT);

    // Assess
    expect(plan).toMatchObject({
      kind: 'provision',
      found: [{ command: 'moto_server', source: 'PATH' }],
      missing: [{ command: 'cfn-lint', seen: [] }],
    });
    expect(indexAsked).toHaveBeenCalledTimes(1);
  });

  it('says in one line to install Python 3 and run the command when python3 is missing, without asking the index', async () => {
    // Prepare
    const { probes, indexAsked } = probesFor({ python3: false, indexReachable: true });

    // Act
    const plan = await planTools(PINS, probes, ROOT);

    // Assess
    expect(plan.kind).toBe('impossible');
    const message = plan.kind === 'impossible' ? plan.message : '';
    expect(message).not.toContain('\n');
    expect(message).toContain('python3 is not on PATH: install Python 3');
    expect(message.endsWith(`run in ${ROOT}: ${PROVISION_COMMAND}`)).toBe(true);
    expect(indexAsked).not.toHaveBeenCalled();
  });

  it('says in one line which tools are missing, what was seen, and the command to run when the index cannot be reached', async () => {
    // Prepare
    const { probes, indexAsked } = probesFor({
      path: { moto_server: '/usr/bin/moto_server' },
      versions: { '/usr/bin/moto_server': '4.2.0' },
      python3: true,
      indexReachable: false,
    });

    // Act
    const plan = await planTools(PINS, probes, ROOT);

    // Assess
    expect(plan.kind === 'impossible' && plan.message).toBe(
      'moto_server (moto 5.2.1): /usr/bin/moto_server is moto 4.2.0 and cfn-lint (cfn-lint 1.51.0) not on PATH ' +
        `or in .venv-tools/ at the pinned version, and the package index ${INDEX} cannot be reached (asked once, ` +
        `${INDEX_TIMEOUT_MS / 1000} s timeout): where it is reachable, run in ${ROOT}: ${PROVISION_COMMAND}`,
    );
    expect(indexAsked).toHaveBeenCalledTimes(1);
  });

  it('counts a tool whose version cannot be told as missing', async () => {
    // Prepare
    const { probes } = probesFor({ path: { moto_server: '/opt/wrapper/moto_server' }, python3: false });

    // Act
    const plan = await planTools(PINS.slice(0, 1), probes, ROOT);

    // Assess
    expect(plan).toMatchObject({
      kind: 'impossible',
      missing: [{ seen: ['/opt/wrapper/moto_server is of unknown version'] }],
    });
  });
});

describe('ensureTools', () => {
  it('installs into the project environment once, then runs the tools from there', async () => {
    // Prepare: nothing anywhere until the provisioner puts the pinned tools into .venv-tools/.
    const machine: Machine = { python3: true, indexReachable: true };
    const { probes, indexAsked } = probesFor(machine);
    const provision = jest.fn(() => Object.assign(machine, IN_PROJECT_ENV));
    const log = jest.fn();

    // Act
    const tools = await ensureTools({ probes, provision, log, root: REPO_ROOT });

    // Assess
    expect(provision).toHaveBeenCalledTimes(1);
    expect(indexAsked).toHaveBeenCalledTimes(1);
    expect(tools.moto_server?.path).toBe(`${ROOT}/.venv-tools/bin/moto_server`);
    expect(tools['cfn-lint']?.source).toBe('.venv-tools');
    expect(log).toHaveBeenCalledWith(
      expect.stringContaining('Installing moto 5.2.1, cfn-lint 1.51.0 into .venv-tools/'),
    );
  });

  it('throws the one-line instruction, and installs nothing, when the tools cannot be had', async () => {
    // Prepare
    const { probes } = probesFor({ python3: true, indexReachable: false });
    const provision = jest.fn();

    // Act
    const ensured = ensureTools({ probes, provision, log: jest.fn(), root: REPO_ROOT });

    // Assess
    await expect(ensured).rejects.toThrow(ToolsUnavailableError);
    await expect(ensured).rejects.toThrow(PROVISION_COMMAND);
    expect(provision).not.toHaveBeenCalled();
  });

  it('names the command to run by hand when the install fails', async () => {
    // Prepare
    const { probes } = probesFor({ python3: true, indexReachable: true });
    const provision = jest.fn(() => {
      throw new Error('pip exited 1; its output is above');
    });

    // Act
    const ensured = ensureTools({ probes, provision, log: jest.fn(), root: REPO_ROOT });

    // Assess
    await expect(ensured).rejects.toThrow(
      `installing into .venv-tools/ failed (pip exited 1; its output is above): run in ${REPO_ROOT}: ${PROVISION_COMMAND}`,
    );
  });

  it('looks only at the tools asked for: a missing cfn-lint does not stop the integration tests', async () => {
    // Prepare
    const { probes, indexAsked } = probesFor({
      path: { moto_server: '/usr/local/bin/moto_server' },
      versions: ON_PATH.versions,
    });

    // Act
    const tools = await ensureTools({ only: ['moto_server'], probes, provision: jest.fn(), root: REPO_ROOT });

    // Assess
    expect(Object.keys(tools)).toEqual(['moto_server']);
    expect(indexAsked).not.toHaveBeenCalled();
  });
});

describe('parsePins', () => {
  it(`reads the pinned versions from ${REQUIREMENTS_FILE}, extras and comments aside`, () => {
    // Prepare
    const requirements = readFileSync(join(REPO_ROOT, REQUIREMENTS_FILE), 'utf8');

    // Act
    const pins = parsePins(requirements);

    // Assess
    expect(pins).toEqual(PINS);
  });

  it('refuses a requirements file that does not pin every tool exactly', () => {
    // Prepare
    const loose = 'moto[server]>=5\ncfn-lint==1.51.0\n';

    // Act
    const parse = () => parsePins(loose);

    // Assess
    expect(parse).toThrow('pins no moto==<version> (moto_server runs from it)');
  });
});
