/**
 * `rootguard scan --org` without AWS: the pure parts (selection, OU paths, progress line) and the sweep with its
 * I/O injected (a snapshot, a client factory whose assumeRole is scripted, collectors returning saved facts).
 * The sweep against moto_server and the Lambda comparison are in test/integration/scan-org.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsCredentialIdentity } from '@smithy/types';
import { COLLECTORS } from '../../../cli/collectors';
import { loadFactsFile } from '../../../cli/facts-file';
import {
  type CliIo,
  EXIT_INTERRUPTED,
  EXIT_NON_COMPLIANT,
  EXIT_OK,
  parseParams,
  run,
} from '../../../cli/index';
import {
  describeFailure,
  formatProgress,
  type OrgScanIo,
  ouPathOf,
  scanOrganization,
  selectTargets,
} from '../../../cli/org-scan';
import { ClientFactory } from '../../../lib/clients';
import { AccessDeniedError } from '../../../lib/errors';
import type { OrgSnapshot } from '../../../lib/org-snapshot';
import { RULE_IDS } from '../../../rules';
import { useTempDir } from '../../helpers/temp-dir';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const SAMPLE = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', 'sample-org.json'), 'utf8'));
/** The staging account's saved facts: every rule, several failures. */
const STAGING_FACTS: Record<string, unknown> = SAMPLE.accounts.find(
  (a: { accountId: string }) => a.accountId === '444444444444',
).facts;

const MGMT = '100000000000';
const PROD = '200000000000';
const DEV = '300000000000';
const NO_ROLE = '400000000000';
const GONE = '500000000000';

const SNAPSHOT: OrgSnapshot = {
  version: 1,
  builtAt: '2026-12-01T00:00:00.000Z',
  organization: { id: 'o-abcdefghij', managementAccountId: MGMT, featureSet: 'ALL', scpEnabled: true },
  rootId: 'r-abcd',
  ous: {
    'ou-abcd-work': { parentId: 'r-abcd', name: 'Workloads' },
    'ou-abcd-prod': { parentId: 'ou-abcd-work', name: 'Prod' },
    'ou-abcd-sbox': { parentId: 'r-abcd', name: 'Sandbox' },
  },
  accounts: {
    [MGMT]: { parentId: 'r-abcd', name: 'management', status: 'ACTIVE' },
    [PROD]: { parentId: 'ou-abcd-prod', name: 'prod', status: 'ACTIVE' },
    [DEV]: { parentId: 'ou-abcd-work', name: 'dev', status: 'ACTIVE' },
    [NO_ROLE]: { parentId: 'ou-abcd-sbox', name: 'no-role', status: 'ACTIVE' },
    [GONE]: { parentId: 'ou-abcd-sbox', name: 'gone', status: 'SUSPENDED' },
  },
  policies: {},
};

class ScriptedFactory extends ClientFactory {
  readonly assumed: string[] = [];
  constructor(private readonly refuse: Set<string> = new Set([NO_ROLE])) {
    super({ region: 'us-east-1' });
  }
  override async assumeRole(
    arn: string,
    _session: string,
    accountId?: string,
  ): Promise<AwsCredentialIdentity> {
    this.assumed.push(arn);
    if (accountId && this.refuse.has(accountId)) {
      throw new AccessDeniedError(`Cannot assume ${arn}: check that the role exists`, {
        action: 'sts:AssumeRole',
        accountId,
      });
    }
    return { accessKeyId: `AKIA${accountId}`, secretAccessKey: 'x' };
  }
}

const savedFacts = Object.fromEntries(RULE_IDS.map((id) => [id, async () => STAGING_FACTS[id]]));

function io(overrides: Partial<OrgScanIo> = {}): OrgScanIo {
  return {
    clients: new ScriptedFactory(),
    readSnapshot: async () => SNAPSHOT,
    collectors: savedFacts,
    now: () => new Date('2026-12-01T06:00:00Z'),
    ...overrides,
  };
}

describe('the pure parts', () => {
  it('names each account by its OU path from the root', () => {
    expect(ouPathOf(SNAPSHOT, MGMT)).toBe('Root');
    expect(ouPathOf(SNAPSHOT, PROD)).toBe('Root/Workloads/Prod');
    expect(ouPathOf(SNAPSHOT, NO_ROLE)).toBe('Root/Sandbox');
  });

  it('selects every account, or those under an OU (child OUs included), or the ones named', () => {
    expect(selectTargets(SNAPSHOT).map((t) => t.accountId)).toEqual([MGMT, PROD, DEV, NO_ROLE, GONE]);
    expect(selectTargets(SNAPSHOT, { ouIds: ['ou-abcd-work'] }).map((t) => t.accountId)).toEqual([PROD, DEV]);
    expect(selectTargets(SNAPSHOT, { ouIds: ['r-abcd'] })).toHaveLength(5);
    expect(
      selectTargets(SNAPSHOT, { ouIds: ['ou-abcd-work'], accountIds: [DEV] }).map((t) => t.accountId),
    ).toEqual([DEV]);
  });

  it('refuses an OU or account the organization does not hold', () => {
    expect(() => selectTargets(SNAPSHOT, { ouIds: ['ou-nope-nope'] })).toThrow('OU ou-nope-nope is not in');
    expect(() => selectTargets(SNAPSHOT, { accountIds: ['999999999999'] })).toThrow('999999999999');
  });

  it('prints done, failed, rate and ETA on one line', () => {
    expect(formatProgress({ total: 100, done: 40, failed: 2, elapsedMs: 2000 })).toBe(
      'rootguard: 40/100 accounts · 2 failed · 20.0 accounts/s · ETA 3s',
    );
    expect(formatProgress({ total: 100, done: 100, failed: 0, elapsedMs: 4000 })).toBe(
      'rootguard: 100/100 accounts · 0 failed · 25.0 accounts/s',
    );
    expect(formatProgress({ total: 10_000, done: 10, failed: 0, elapsedMs: 1000 })).toContain('ETA 16m39s');
  });

  it('reads --param <rule-id>.<Name>=<value> as Config-style rule parameters', () => {
    expect(
      parseParams([
        'root-user-idle.MaxDaysSinceLastUse=30',
        'root-activity-alerting.ForwardingRegions=us-east-1,eu-west-1',
        'root-user-idle.ExecutionRoleName=',
      ]),
    ).toEqual({
      'root-user-idle': { MaxDaysSinceLastUse: '30', ExecutionRoleName: '' },
      'root-activity-alerting': { ForwardingRegions: 'us-east-1,eu-west-1' },
    });
    expect(() => parseParams(['MaxDaysSinceLastUse=30'])).toThrow('expected <rule-id>.<Name>=<value>');
    expect(() => parseParams(['root-nope.X=1'])).toThrow('unknown rule root-nope');
  });

  it('keeps an error on one line', () => {
    expect(describeFailure(new Error('a\n  b'))).toBe('a b');
  });

  it('has a collect for every registered rule, and nothing else', () => {
    expect(Object.keys(COLLECTORS)).toEqual([...RULE_IDS]);
  });
});

describe('scanOrganization', () => {
  it('judges every readable account and records the others with their error', async () => {
    const clients = new ScriptedFactory();
    const result = await scanOrganization(io({ clients }), { concurrency: 2 });
    expect(result.facts.accounts.map((a) => a.accountId)).toEqual([MGMT, PROD, DEV]);
    expect(result.facts.accounts[1]).toMatchObject({ name: 'prod', ouPath: 'Root/Workloads/Prod' });
    expect(result.facts.organization).toEqual({
      id: 'o-abcdefghij',
      managementAccountId: MGMT,
      rootId: 'r-abcd',
    });
    expect(result.facts.evaluationTime).toBe('2026-12-01T06:00:00.000Z');
    expect(result.failures.map((f) => [f.accountId, f.error])).toEqual([
      [
        NO_ROLE,
        expect.stringContaining('Cannot assume arn:aws:iam::400000000000:role/RootGuardExecutionRole'),
      ],
      [GONE, expect.stringContaining('SUSPENDED')],
    ]);
    // The suspended account is never assumed into; the management account is, like any other.
    expect(clients.assumed).not.toContain(`arn:aws:iam::${GONE}:role/RootGuardExecutionRole`);
    expect(clients.assumed).toContain(`arn:aws:iam::${MGMT}:role/RootGuardExecutionRole`);
    expect(result).toMatchObject({ notJudged: 0, interrupted: false, selected: 5 });
  });

  it('hands every collect a Lambda-like context: assumed credentials, parameters, the snapshot', async () => {
    const seen: unknown[] = [];
    const collectors = {
      ...savedFacts,
      'root-deny-scp': async (ctx: Parameters<(typeof COLLECTORS)[string]>[0]) => {
        seen.push({
          accountId: ctx.accountId,
          partition: ctx.partition,
          region: ctx.region,
          key: ctx.accountCredentials?.accessKeyId,
          snapshot: (await ctx.orgSnapshot()) === SNAPSHOT,
          params: ctx.params,
        });
        return STAGING_FACTS['root-deny-scp'];
      },
    };
    await scanOrganization(io({ collectors }), { accountIds: [DEV], roleName: 'Custom' });
    expect(seen).toEqual([
      {
        accountId: DEV,
        partition: 'aws',
        region: 'us-east-1',
        key: `AKIA${DEV}`,
        snapshot: true,
        params: {},
      },
    ]);
  });

  it('names the rule whose read failed', async () => {
    const collectors = {
      ...savedFacts,
      'root-user-idle': async () => {
        throw new Error('Rate exceeded');
      },
    };
    const result = await scanOrganization(io({ collectors }), { accountIds: [PROD] });
    expect(result.failures).toEqual([
      expect.objectContaining({ accountId: PROD, error: 'root-user-idle: Rate exceeded' }),
    ]);
  });

  it('stops on abort and returns what was judged', async () => {
    const controller = new AbortController();
    let calls = 0;
    const collectors = Object.fromEntries(
      RULE_IDS.map((id) => [
        id,
        async (ctx: { accountId: string }) => {
          if (ctx.accountId === DEV) {
            controller.abort();
            return new Promise(() => {}); // never answers
          }
          calls++;
          return STAGING_FACTS[id];
        },
      ]),
    );
    const result = await scanOrganization(io({ collectors, signal: controller.signal }), { concurrency: 1 });
    expect(result.interrupted).toBe(true);
    expect(result.facts.accounts.map((a) => a.accountId)).toEqual([MGMT, PROD]);
    expect(result.notJudged).toBe(3);
    expect(calls).toBe(2 * RULE_IDS.length);
  });
});

describe('rootguard scan --org', () => {
  const output = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      cliIo: (extra: Partial<CliIo> = {}): CliIo => ({
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        color: false,
        orgScanIo: () => io(),
        ...extra,
      }),
    };
  };
  const dir = useTempDir('rootguard-org-scan-');

  it('prints the table with a row per failed account, and saves facts that scan --facts reads back alike', async () => {
    const o = output();
    const saved = join(dir(), 'facts.json');
    const code = await run(['node', 'rootguard', 'scan', '--org', '--save-facts', saved], o.cliIo());
    expect(code).toBe(EXIT_OK);
    const text = o.out.join('');
    expect(text).toContain('Root/Workloads/Prod');
    expect(text).toMatch(/400000000000.*FAILED: Cannot assume/);
    expect(text).toContain('2 accounts could not be judged');
    expect(text).toContain('Accounts that could not be judged (2)');

    const json = run(['node', 'rootguard', 'scan', '--org', '--format', 'json'], o.cliIo());
    o.out.length = 0;
    await json;
    const live = JSON.parse(o.out.join(''));
    expect(live.summary.accountsFailed).toBe(2);
    expect(live.failures).toHaveLength(2);

    expect(loadFactsFile(saved).accounts).toHaveLength(3);
    o.out.length = 0;
    await run(['node', 'rootguard', 'scan', '--facts', saved, '--format', 'json'], o.cliIo());
    const replayed = JSON.parse(o.out.join(''));
    expect(replayed.results).toEqual(live.results);
  });

  it('fails on a bad parameter before reading anything', async () => {
    const o = output();
    const code = await run(
      ['node', 'rootguard', 'scan', '--org', '--param', 'root-user-idle.MaxDaysSinceLastUse=forever'],
      o.cliIo(),
    );
    expect(code).toBe(1);
    expect(o.err.join('')).toContain('MaxDaysSinceLastUse');
  });

  it('exits 2 with --fail-on-noncompliant, and needs exactly one of --facts and --org', async () => {
    const o = output();
    expect(await run(['node', 'rootguard', 'scan', '--org', '--fail-on-noncompliant'], o.cliIo())).toBe(
      EXIT_NON_COMPLIANT,
    );
    expect(await run(['node', 'rootguard', 'scan'], o.cliIo())).toBe(1);
    expect(o.err.join('')).toContain('exactly one of --facts <file> or --org');
  });

  it('draws the progress line on stderr only when asked to (a TTY)', async () => {
    const quiet = output();
    await run(['node', 'rootguard', 'scan', '--org'], quiet.cliIo());
    expect(quiet.err.join('')).toBe('');
    const tty = output();
    await run(['node', 'rootguard', 'scan', '--org'], tty.cliIo({ progress: true }));
    expect(tty.err.join('')).toContain('rootguard: 5/5 accounts · 2 failed');
  });

  it('exits 130 when interrupted, after printing what was judged', async () => {
    const o = output();
    const controller = new AbortController();
    controller.abort();
    const code = await run(['node', 'rootguard', 'scan', '--org'], o.cliIo({ signal: controller.signal }));
    expect(code).toBe(EXIT_INTERRUPTED);
    expect(o.out.join('')).toContain('Interrupted: 5 account(s) not judged');
  });
});
