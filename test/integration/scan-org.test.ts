/**
 * `rootguard scan --org` against moto_server: an organization of 54 accounts in nested OUs, the execution role
 * created in every account but one, one account answering AccessDenied and one throttled (both injected at the
 * SDK boundary, a middleware on that account's clients only). Then one organization judged both ways: scan --org
 * and the rule Lambdas (createRuleHandler), which must agree on every verdict and annotation.
 *
 * moto's STS hands out credentials for any role ARN, existing or not (its documented behaviour); real STS
 * answers AccessDenied for a role that does not exist. STRICT_STS restores that on every STS client here: a
 * middleware that asks the target account's IAM for the role before letting AssumeRole through.
 *
 * moto's IAM credential report has no <root_account> row, which root-user-idle rightly refuses to judge; the
 * sweeps here run the four other rules (JUDGED), and one test shows root-user-idle's refusal as an account error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { COLLECTORS } from '../../cli/collectors';
import { loadFactsFile } from '../../cli/facts-file';
import { type CliIo, EXIT_NON_COMPLIANT, EXIT_OK, run } from '../../cli/index';
import { type OrgScanIo, scanOrganization } from '../../cli/org-scan';
import { DEFAULT_EXECUTION_ROLE_NAME } from '../../cli/org-scan-defaults';
import { scanFacts } from '../../cli/scan';
import { ClientFactory, type ClientOptions } from '../../lib/clients';
import { createRuleHandler } from '../../lib/rule-handler';
import { RULES } from '../../rules';
import { scheduledEvent } from '../helpers/config-events';
import { createEmulatedOrganization, EMULATED_MANAGEMENT_ACCOUNT } from '../helpers/emulated-org';
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  emulatorClient,
  motoEndpoint,
  resetEmulator,
  selectAccount,
} from '../helpers/emulator';
import { staticOrgSnapshotReader } from '../helpers/org-snapshot';
import { sdkError } from '../helpers/rejection';

const MANAGEMENT = EMULATED_MANAGEMENT_ACCOUNT;
const ROLE = DEFAULT_EXECUTION_ROLE_NAME;
/** moto has no account:ListRegions, so the Regions to check are named, as the StackSet's Regions would be. */
const PARAMS = { 'root-activity-alerting': { ForwardingRegions: 'us-east-1' } };
/** Every rule moto can answer for (see above). */
const JUDGED = RULES.map((rule) => rule.metadata.id).filter((id) => id !== 'root-user-idle');
const PARAM_FLAGS = ['--param', 'root-activity-alerting.ForwardingRegions=us-east-1', '--rule', ...JUDGED];

type Fault = 'AccessDenied' | 'Throttling';

// biome-ignore lint/suspicious/noExplicitAny: the middleware stack is generic over each client's I/O.
type Stack = { add(mw: (next: any) => (args: any) => Promise<any>, opts: Record<string, unknown>): void };
const stackOf = (client: unknown) => (client as { middlewareStack: Stack }).middlewareStack;

/** Every client the sweeps built, destroyed after the tests so no keep-alive socket outlives them. */
const built: Array<{ destroy(): void }> = [];

/**
 * The clients of one account's sweep: the caller's (management) clients carry moto's account header; clients
 * built with the account's assumed-role credentials reach that account, and carry `fault` when given.
 */
class SweepClientFactory extends ClientFactory {
  readonly attempts = { faulted: 0 };
  private readonly wired = new WeakSet<object>();
  constructor(private readonly fault?: Fault) {
    super({
      region: EMULATOR_REGION,
      // The throttled account gets the SDK's adaptive retries (2 attempts: each retry waits on the adaptive rate
      // limiter, which makes this the slowest account by far); every other call one attempt.
      overrides: {
        endpoint: motoEndpoint(),
        credentials: { ...EMULATOR_CREDENTIALS },
        maxAttempts: fault === 'Throttling' ? 2 : 1,
        retryMode: 'adaptive',
      },
    });
  }

  override client<C>(ctor: new (config: never) => C, opts: ClientOptions = {}): C {
    const client = super.client(ctor as never, opts) as C;
    if (this.wired.has(client as object)) return client;
    this.wired.add(client as object);
    built.push(client as unknown as { destroy(): void });
    if (!opts.credentials) selectAccount(client, MANAGEMENT);
    if (client instanceof STSClient) strictSts(client);
    if (opts.credentials && this.fault) {
      const fault = this.fault;
      // In the deserialize step: inside the retry loop, so every attempt meets the fault.
      stackOf(client).add(
        () => async () => {
          this.attempts.faulted++;
          throw fault === 'AccessDenied'
            ? Object.assign(sdkError('AccessDenied', 'User is not authorized to perform this action'), {
                $metadata: { httpStatusCode: 403 },
              })
            : Object.assign(sdkError('ThrottlingException', 'Rate exceeded'), {
                $metadata: { httpStatusCode: 400 },
                $retryable: { throttling: true },
              });
        },
        { step: 'deserialize', name: `inject${fault}`, priority: 'low' },
      );
    }
    return client;
  }
}

/** AccessDenied for AssumeRole into a role its account does not hold, as real STS answers. */
function strictSts(sts: STSClient): void {
  stackOf(sts).add(
    (next) => async (args) => {
      const arn = (args.input as { RoleArn?: string }).RoleArn;
      if (arn) {
        const [, , , , account, resource] = arn.split(':') as string[];
        const iam = emulatorClient(IAMClient, { accountId: account });
        built.push(iam);
        try {
          await iam.send(new GetRoleCommand({ RoleName: (resource ?? '').replace(/^role\//, '') }));
        } catch {
          throw Object.assign(
            sdkError('AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${arn}`),
            {
              $metadata: { httpStatusCode: 403 },
            },
          );
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'strictSts' },
  );
}

interface Organization {
  accounts: string[];
  noRole: string;
  denied: string;
  throttled: string;
  ous: { workloads: string; prod: string; payments: string; sandbox: string };
  factories: Map<string, SweepClientFactory>;
}

async function buildOrganization(): Promise<Organization> {
  const { org: organizations, rootId, ou, account } = await createEmulatedOrganization();
  built.push(organizations);
  const workloads = await ou(rootId, 'Workloads');
  const prod = await ou(workloads, 'Prod');
  const payments = await ou(prod, 'Payments');
  const nonProd = await ou(workloads, 'NonProd');
  const sandbox = await ou(rootId, 'Sandbox');
  const parents = [rootId, workloads, prod, payments, nonProd, sandbox];
  const accounts = [MANAGEMENT];
  for (let i = 0; i < 53; i++)
    accounts.push(await account(`acct-${String(i).padStart(2, '0')}`, parents[i % 6] as string));
  // The throttled account sits in NonProd, outside the Prod subtree the OU test narrows to: the adaptive retries'
  // client-side rate limiting makes its sweep the slowest, and one sweep proves it.
  const [noRole, denied, throttled] = [accounts[7], accounts[20], accounts[35]] as [string, string, string];
  for (const id of accounts) {
    if (id === noRole) continue;
    const iam = emulatorClient(IAMClient, { accountId: id });
    built.push(iam);
    await iam.send(
      new CreateRoleCommand({
        RoleName: ROLE,
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
      }),
    );
  }
  const factories = new Map<string, SweepClientFactory>();
  return { accounts, noRole, denied, throttled, ous: { workloads, prod, payments, sandbox }, factories };
}

function sweepIo(org: Organization): OrgScanIo {
  const factoryFor = (accountId: string) => {
    let factory = org.factories.get(accountId);
    if (!factory) {
      const fault =
        accountId === org.denied ? 'AccessDenied' : accountId === org.throttled ? 'Throttling' : undefined;
      factory = new SweepClientFactory(fault);
      org.factories.set(accountId, factory);
    }
    return factory;
  };
  return { clients: new SweepClientFactory(), clientsFor: factoryFor };
}

describe('rootguard scan --org on moto_server', () => {
  let org: Organization;
  let dir: string;
  beforeAll(async () => {
    await resetEmulator();
    org = await buildOrganization();
    dir = mkdtempSync(join(tmpdir(), 'rootguard-scan-org-'));
  }, 120_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const client of built) client.destroy();
  });

  const cli = (out: string[], err: string[] = []): CliIo => ({
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    color: false,
    orgScanIo: () => sweepIo(org),
  });

  it('judges every account with a row per failure, in the table, the JSON and a saved facts file', async () => {
    const out: string[] = [];
    const saved = join(dir, 'org-facts.json');
    expect(
      await run(['node', 'rootguard', 'scan', '--org', ...PARAM_FLAGS, '--save-facts', saved], cli(out)),
    ).toBe(EXIT_OK);
    const text = out.join('');
    expect(text).toContain('51 accounts');
    expect(text).toContain('3 accounts could not be judged');
    expect(text).toMatch(new RegExp(`${org.noRole}.*FAILED: Cannot assume arn:aws:iam::`));
    expect(text).toMatch(new RegExp(`${org.denied}.*FAILED: root-`));
    // The OU path keeps its end in the table (it fits 120 columns), and is whole in the saved facts.
    expect(text).toContain('…Workloads/Prod/Payments');
    expect(text.replace(/\n +/g, ' ')).toContain(
      `Cannot assume arn:aws:iam::${org.noRole}:role/${ROLE}: check that the role exists`,
    );
    // The throttled account was tried again by the SDK's adaptive retries before it was given up.
    expect(org.factories.get(org.throttled)?.attempts.faulted).toBeGreaterThan(JUDGED.length);

    const json: string[] = [];
    await run(['node', 'rootguard', 'scan', '--org', ...PARAM_FLAGS, '--format', 'json'], cli(json));
    const live = JSON.parse(json.join(''));
    expect(live.summary).toMatchObject({ accounts: 51, accountsFailed: 3 });
    expect(live.failures.map((f: { accountId: string }) => f.accountId).sort()).toEqual(
      [org.noRole, org.denied, org.throttled].sort(),
    );
    const throttledError = live.failures.find(
      (f: { accountId: string }) => f.accountId === org.throttled,
    ).error;
    expect(throttledError).toMatch(/Rate exceeded|throttl/i);
    expect(live.results).toHaveLength(51 * JUDGED.length);
    // moto's fresh accounts: no MFA, no deny-root SCP; nothing COMPLIANT by accident for either.
    const verdictOf = (ruleId: string) =>
      new Set(
        live.results
          .filter((r: { ruleId: string }) => r.ruleId === ruleId)
          .map((r: { complianceType: string }) => r.complianceType),
      );
    expect(verdictOf('root-hardware-mfa')).toEqual(new Set(['NON_COMPLIANT']));

    const savedAccounts = loadFactsFile(saved).accounts;
    expect(savedAccounts).toHaveLength(51);
    expect(savedAccounts.some((a) => a.ouPath === 'Root/Workloads/Prod/Payments')).toBe(true);
    const replayed: string[] = [];
    await run(['node', 'rootguard', 'scan', '--facts', saved, '--format', 'json'], cli(replayed));
    expect(JSON.parse(replayed.join('')).results).toEqual(live.results);
  }, 120_000);

  it('narrows to an OU (child OUs included) and exits 2 with --fail-on-noncompliant', async () => {
    const out: string[] = [];
    const code = await run(
      [
        'node',
        'rootguard',
        'scan',
        '--org',
        ...PARAM_FLAGS,
        '--ou',
        org.ous.prod,
        '--format',
        'json',
        '--fail-on-noncompliant',
      ],
      cli(out),
    );
    expect(code).toBe(EXIT_NON_COMPLIANT);
    const accounts = new Set(JSON.parse(out.join('')).results.map((r: { accountId: string }) => r.accountId));
    // Prod and Payments each hold every sixth account.
    expect(accounts.size).toBeGreaterThanOrEqual(16);
    expect(accounts.has(MANAGEMENT)).toBe(false);
  }, 60_000);

  it("names the rule that could not read an account (root-user-idle on moto's credential report)", async () => {
    const out: string[] = [];
    const args = ['--org', '--account', org.accounts[1] as string, '--rule', 'root-user-idle'];
    expect(await run(['node', 'rootguard', 'scan', ...args, '--format', 'json'], cli(out))).toBe(EXIT_OK);
    expect(JSON.parse(out.join('')).failures).toEqual([
      expect.objectContaining({
        error: expect.stringContaining('root-user-idle: The IAM credential report'),
      }),
    ]);
  });

  it('judges like the rule Lambdas: the same verdict and annotation for every account and rule', async () => {
    const sample = org.accounts
      .filter((id) => ![org.noRole, org.denied, org.throttled].includes(id))
      .slice(0, 8)
      .sort();
    const evaluationTime = new Date(Math.floor(Date.now() / 1000) * 1000);
    const io = { ...sweepIo(org), now: () => evaluationTime };
    const clientsFor = io.clientsFor as (accountId: string) => ClientFactory;
    const result = await scanOrganization(io, {
      accountIds: sample,
      ruleParameters: PARAMS,
      ruleIds: JUDGED,
    });
    expect(result.failures).toEqual([]);
    const scanned = scanFacts(result.facts).results.map((r) => ({
      accountId: r.accountId,
      ruleId: r.ruleId,
      complianceType: r.complianceType,
      annotation: r.annotation,
    }));

    const { buildOrgSnapshot } = await import('../../lib/org-snapshot');
    const { OrganizationsClient } = await import('@aws-sdk/client-organizations');
    const { IAMClient } = await import('@aws-sdk/client-iam');
    // As the builder Lambda reads it: Organizations and centralized root access with the same credentials.
    const snapshot = await buildOrgSnapshot(io.clients.client(OrganizationsClient), {
      iam: io.clients.client(IAMClient),
    });
    const lambdas: typeof scanned = [];
    for (const accountId of sample) {
      for (const rule of RULES.filter((r) => JUDGED.includes(r.metadata.id))) {
        const handler = createRuleHandler(
          {
            metadata: rule.metadata,
            collect: COLLECTORS[rule.metadata.id] as never,
            evaluate: rule.evaluate,
          },
          { clientFactory: clientsFor(accountId), orgSnapshotReader: staticOrgSnapshotReader(snapshot) },
        );
        const params = {
          ExecutionRoleName: ROLE,
          ...(PARAMS as Record<string, Record<string, string>>)[rule.metadata.id],
        };
        const out = await handler(
          scheduledEvent({
            accountId,
            region: EMULATOR_REGION,
            resultToken: 'TESTMODE',
            notificationCreationTime: evaluationTime.toISOString(),
            ruleParameters: params,
          }),
        );
        for (const e of out.evaluations) {
          lambdas.push({
            accountId,
            ruleId: rule.metadata.id,
            complianceType: e.complianceType,
            annotation: e.annotation,
          });
        }
      }
    }
    expect(lambdas).toHaveLength(sample.length * JUDGED.length);
    expect(scanned).toEqual(lambdas);
  }, 120_000);
});
