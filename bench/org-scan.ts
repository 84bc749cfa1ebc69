/**
 * `rootguard scan --org` throughput: 1,000 emulated accounts swept by scanOrganization (cli/org-scan.ts) with
 * every rule's own collect, every AWS call answered at the SDK boundary (a middleware at the front of each
 * client's stack, so no request is built or sent) after CALL_LATENCY_MS, about what an IAM or EventBridge read
 * in the same Region costs. The organization snapshot is handed over (its build is measured in org-sweep.ts).
 *
 * Rows, in the same run: the default sweep (concurrency 16) over 1,000 accounts against a sequential sweep
 * (concurrency 1) over 100 accounts (the rate is per account; 1,000 one after another would take minutes).
 */
import { DEFAULT_CONCURRENCY, scanOrganization } from '../cli/org-scan';
import { scanFacts } from '../cli/scan';
import { ClientFactory, type ClientOptions } from '../lib/clients';
import type { OrgSnapshot } from '../lib/org-snapshot';
import { credentialReportCsv, getCredentialReportOutput, rootRow } from '../test/helpers/credential-report';
import type { Benchmark, BenchRow } from './harness';

const ACCOUNTS = 1_000;
const SEQUENTIAL_ACCOUNTS = 100;
const CALL_LATENCY_MS = 20;
const MANAGEMENT = '100000000000';
const SEQUENTIAL = `sequential sweep (concurrency 1, ${SEQUENTIAL_ACCOUNTS} accounts)`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function snapshot(): OrgSnapshot {
  const ouId = (i: number) => `ou-bench-${String(i % 20).padStart(8, '0')}`;
  const ous: OrgSnapshot['ous'] = {};
  for (let i = 0; i < 20; i++) ous[ouId(i)] = { parentId: 'r-bench', name: `OU${i}` };
  const accounts: OrgSnapshot['accounts'] = {
    [MANAGEMENT]: { parentId: 'r-bench', name: 'management', status: 'ACTIVE' },
  };
  for (let i = 1; i < ACCOUNTS; i++) {
    accounts[String(100000000000 + i)] = { parentId: ouId(i), name: `acct-${i}`, status: 'ACTIVE' };
  }
  return {
    version: 1,
    builtAt: new Date().toISOString(),
    organization: {
      id: 'o-benchbench1',
      managementAccountId: MANAGEMENT,
      featureSet: 'ALL',
      scpEnabled: true,
    },
    rootId: 'r-bench',
    ous,
    accounts,
    policies: {},
  };
}

/** What each command answers for `account` (a locked-down account: hardware MFA, no keys, no forwarding). */
function answer(command: string, input: Record<string, unknown>, account: string): unknown {
  switch (command) {
    case 'AssumeRoleCommand':
      return {
        Credentials: {
          AccessKeyId: `ASIA${String(input.RoleArn).split(':')[4]}`,
          SecretAccessKey: 'bench',
          SessionToken: 'bench',
          Expiration: new Date(Date.now() + 3_600_000),
        },
      };
    case 'GetAccountSummaryCommand':
      return {
        SummaryMap: {
          AccountMFAEnabled: 1,
          AccountAccessKeysPresent: 0,
          AccountSigningCertificatesPresent: 0,
        },
      };
    case 'ListVirtualMFADevicesCommand':
      return { VirtualMFADevices: [], IsTruncated: false };
    case 'GenerateCredentialReportCommand':
      return { State: 'COMPLETE' };
    case 'GetCredentialReportCommand':
      return getCredentialReportOutput(credentialReportCsv([rootRow(account)]), new Date().toISOString());
    case 'ListRegionsCommand':
      return { Regions: [{ RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' }] };
    case 'ListRulesCommand':
      return { Rules: [] };
    case 'DescribeMetricFiltersCommand':
      return { metricFilters: [] };
    case 'DescribeAlarmsForMetricCommand':
      return { MetricAlarms: [] };
    default:
      throw new Error(`the bench does not answer ${command}`);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the middleware stack is generic over each client's I/O.
type Stack = { add(mw: (next: any, context: any) => (args: any) => Promise<any>, opts: object): void };

/** Clients answered by `answer`; the account is the one whose assumed-role key (`ASIA<account>`) they hold. */
class BenchClientFactory extends ClientFactory {
  private readonly answered = new WeakSet<object>();
  override client<C>(ctor: new (config: never) => C, opts: ClientOptions = {}): C {
    const client = super.client(ctor as never, opts) as C;
    if (this.answered.has(client as object)) return client;
    this.answered.add(client as object);
    const account = (opts.credentials?.accessKeyId ?? `ASIA${MANAGEMENT}`).slice(4);
    (client as unknown as { middlewareStack: Stack }).middlewareStack.add(
      (_next, context: { commandName: string }) => async (args: { input: Record<string, unknown> }) => {
        await sleep(CALL_LATENCY_MS);
        return { output: answer(context.commandName, args.input, account), response: {} };
      },
      { step: 'initialize', name: 'benchAnswer', priority: 'high' },
    );
    return client;
  }
}

/** Accounts judged per second by one sweep (collect with every rule, then evaluate). */
async function sweep(org: OrgSnapshot, accounts: readonly string[], concurrency: number): Promise<number> {
  const clients = new BenchClientFactory({
    region: 'us-east-1',
    overrides: { credentials: { accessKeyId: `ASIA${MANAGEMENT}`, secretAccessKey: 'bench' } },
  });
  const started = performance.now();
  const result = await scanOrganization(
    { clients, readSnapshot: async () => org },
    { accountIds: accounts, concurrency },
  );
  const report = scanFacts(result.facts);
  const seconds = (performance.now() - started) / 1000;
  if (result.failures.length > 0) {
    throw new Error(
      `bench sweep failed for ${result.failures.length} accounts: ${result.failures[0]?.error}`,
    );
  }
  if (report.accounts.length !== accounts.length) throw new Error('bench sweep judged the wrong accounts');
  return accounts.length / seconds;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'scan --org',
    async run(): Promise<BenchRow[]> {
      const org = snapshot();
      const all = Object.keys(org.accounts).sort();
      await sweep(org, all.slice(0, 50), DEFAULT_CONCURRENCY); // warm-up: module state, JIT
      const sequential = await sweep(org, all.slice(0, SEQUENTIAL_ACCOUNTS), 1);
      const concurrent = await sweep(org, all, DEFAULT_CONCURRENCY);
      return [
        { name: SEQUENTIAL, unit: 'accts/s', samples: [sequential] },
        {
          name: `sweep (concurrency ${DEFAULT_CONCURRENCY}, ${ACCOUNTS} accounts, ${CALL_LATENCY_MS} ms a call)`,
          unit: 'accts/s',
          samples: [concurrent],
          baseline: SEQUENTIAL,
        },
      ];
    },
  },
];
