/**
 * What the organization snapshot (lib/org-snapshot.ts) saves in an org-wide sweep against the ancestry walk it
 * replaced (lib/org-tree.ts OrgReader), and what pure evaluation costs.
 *
 * org-sweep: a synthetic organization (seeded, so every run builds the same one) of 1,000 and of 5,000
 * accounts under 180 OUs nested five deep (Workloads → business unit → Prod/NonProd/Dev → team → PCI or
 * Regional), 27 SCPs attached at the root, at OUs of every level and at some accounts, FullAWSAccess on
 * every target as AWS attaches it, and guardrails shared by many OUs. Organizations is the in-memory fake of
 * test/helpers/fake-organizations.ts (real page sizes), installed at the SDK boundary (aws-sdk-client-mock:
 * `send` is stubbed, no SDK middleware runs); every mocked call first waits one 1 ms timer (setTimeout(1),
 * Node's smallest, which fires after ≥ 1 ms) as a stand-in for the network. Every account is evaluated for
 * root-deny-scp and root-hardware-mfa (both rules at once) with the rules' own collect and evaluate,
 * CONCURRENCY accounts at a time (p-limit), the way Config fans a periodic rule out over the organization.
 * ListVirtualMFADevices answers with two pages (three for a quarter of the accounts).
 *
 * Reading the wall times: the sweeps are CPU-bound (most of it is the mock: sinon matching and recording
 * every call, the Commands, the promises), not bound by the timers, so their wall-time ratios follow the
 * total number of calls. Against real AWS (10-100 ms per call) an account's time follows the calls on its
 * critical path instead.
 *
 * Sweeps per size, in the same run:
 * - walk naive (the baseline): every account walks its ancestry afresh (collectRootDenyScpByWalk with a
 *   reader whose cache namespace no other account shares);
 * - walk, OrgReader cache: one warm Lambda's module cache (5-minute TTL, in-flight dedupe) for the sweep;
 * - snapshot, 1 warm container: the rule's real collect over one CachingOrgSnapshotReader whose store (in
 *   memory) starts empty, so the sweep pays for one build by the builder Lambda's handler run in process;
 * - snapshot, 50 cold containers: the evaluations spread over 50 fresh readers (empty caches) sharing ONE
 *   store on moto_server (S3 object, DynamoDB lease; started as the integration tests start it), the object
 *   deleted first: every container that finds it missing asks for a rebuild, the lease lets one build, the
 *   others are retried as Lambda retries an async invoke, and every reader polls the object. Rebuilds count.
 * Organizations calls are attributed, through AsyncLocalStorage, to the account whose evaluation made them (a
 * build to the account whose read triggered it), and must add up to what the fake answered and the builder
 * counted. Every sweep must reach the walk's verdict and annotation for every account (wrong verdicts: 0), and
 * the naive baseline must make, account by account, exactly the calls of the walk run one account at a time
 * with clearOrgCache before each (checked on the warm-up organization), or the benchmark fails.
 *
 * evaluate: the pure evaluate cost per account: every rule over the facts of examples/sample-org.json,
 * replicated to 5,000 accounts (each copy with its own account id), through rules/index.ts's
 * evaluateFacts, against a baseline of JSON.parse of the same account's facts text.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GetAccountSummaryCommand, IAMClient, ListVirtualMFADevicesCommand } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import pLimit from 'p-limit';
import { ClientFactory } from '../lib/clients';
import { CANONICAL_DENY_ROOT_POLICY } from '../lib/deny-root-policy';
import type { RuleEvaluation } from '../lib/evaluation';
import type { SnapshotLease } from '../lib/org-snapshot-lease';
import {
  CachingOrgSnapshotReader,
  type OrgSnapshotReader,
  type SnapshotStore,
} from '../lib/org-snapshot-store';
import { clearOrgCache, OrgReader } from '../lib/org-tree';
import type { Partition } from '../lib/partition';
import type { CollectContext, EvaluateContext } from '../lib/rule-handler';
import { evaluateFacts } from '../rules';
import { collect as collectDenyScp } from '../rules/root-deny-scp/collect';
import {
  evaluate as evaluateDenyScp,
  type RootDenyScpFacts,
  type RootDenyScpParams,
} from '../rules/root-deny-scp/evaluate';
import { collect as collectHardwareMfa } from '../rules/root-hardware-mfa/collect';
import { evaluate as evaluateHardwareMfa } from '../rules/root-hardware-mfa/evaluate';
import { collectRootDenyScpByWalk } from '../test/helpers/ancestry-walk';
import { FakeOrganization, installFakeOrganizations } from '../test/helpers/fake-organizations';
import {
  emulatedSnapshotStore,
  type InProcessBuilder,
  inProcessBuilder,
  MemoryLease,
  MemorySnapshotStore,
} from '../test/helpers/org-snapshot';
import { mulberry32 } from '../test/helpers/prng';
import startMoto from '../test/integration/global-setup';
import stopMoto from '../test/integration/global-teardown';
import type { Benchmark, BenchRow } from './harness';
import { timeEach } from './harness';

const SWEEP_SIZES = [1_000, 5_000] as const;
/** Accounts evaluated at once. */
const CONCURRENCY = 10;
/** Simulated latency of every AWS call (one timer). */
const LATENCY_MS = 1;
/** Accounts swept (both ways, untimed) before the measured sweeps, so JIT warm-up lands in neither. */
const WARMUP_ACCOUNTS = 300;
/** Accounts on which the naive baseline is checked against the real collect with clearOrgCache. */
const LITERAL_CHECK_ACCOUNTS = 60;
const EVALUATE_ACCOUNTS = 5_000;
const REGION = 'us-east-1';
const PARTITION: Partition = 'aws';
const EVALUATION_TIME = '2026-11-20T06:00:00.000Z';
const ORG_ID = 'o-bench12345';
const ROOT_ID = 'r-b3nc';
const MANAGEMENT_ACCOUNT_ID = '100000000000';
/** IAM users with a virtual MFA device on each ListVirtualMFADevices page. */
const DEVICES_PER_PAGE = 20;

// ---- The synthetic organization -------------------------------------------------------------------------

interface SyntheticOrg {
  /** The tree, its SCPs and the answers to every Organizations call (test/helpers/fake-organizations.ts). */
  fake: FakeOrganization;
  /** Member accounts and the management account (first). */
  accounts: string[];
  ouCount: number;
  maxDepth: number;
}

const policyDoc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const ROOT_ARN_PATTERN = 'arn:aws:iam::*:root';

/** Policies attached in many places. `p-FullAWSAccess` is the id AWS gives its managed policy. */
const SHARED_POLICIES = {
  FULL_ACCESS: [
    'p-FullAWSAccess',
    'FullAWSAccess',
    policyDoc({ Effect: 'Allow', Action: '*', Resource: '*' }),
  ],
  DENY_ROOT: ['p-dnyroot01', 'DenyRootUser', JSON.stringify(CANONICAL_DENY_ROOT_POLICY)],
  DENY_ROOT_LEGACY: [
    'p-dnyroot02',
    'DenyRootUserLegacy',
    policyDoc({
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringLike: { 'aws:PrincipalArn': ROOT_ARN_PATTERN } },
    }),
  ],
  DENY_ROOT_PARTIAL: [
    'p-dnyroot03',
    'DenyRootIamOnly',
    policyDoc({
      Effect: 'Deny',
      Action: ['iam:*', 'organizations:*'],
      Resource: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': ROOT_ARN_PATTERN } },
    }),
  ],
  DENY_ALL: ['p-denyall01', 'DenyAllSuspended', policyDoc({ Effect: 'Deny', Action: '*', Resource: '*' })],
  LEAVE_ORG: [
    'p-guard0001',
    'DenyLeaveOrganization',
    policyDoc({ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }),
  ],
  REGIONS: [
    'p-guard0002',
    'DenyUnapprovedRegions',
    policyDoc({
      Effect: 'Deny',
      NotAction: ['iam:*', 'organizations:*', 'sts:*', 'support:*', 'cloudfront:*', 'route53:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2', 'eu-west-1'] } },
    }),
  ],
  PROTECT_TOOLING: [
    'p-guard0003',
    'ProtectSecurityTooling',
    policyDoc({
      Effect: 'Deny',
      Action: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'config:Delete*', 'guardduty:Delete*'],
      Resource: '*',
    }),
  ],
  PROD: [
    'p-prodgrd01',
    'ProdGuardrails',
    policyDoc({ Effect: 'Deny', Action: ['ec2:DeleteFlowLogs', 'rds:DeleteDBInstance'], Resource: '*' }),
  ],
  NON_PROD: [
    'p-nprodgrd1',
    'NonProdGuardrails',
    policyDoc({ Effect: 'Deny', Action: 'ec2:PurchaseReservedInstancesOffering', Resource: '*' }),
  ],
  DEV: [
    'p-devgrd001',
    'DevGuardrails',
    policyDoc({ Effect: 'Deny', Action: ['savingsplans:*', 'ec2:ModifyReservedInstances'], Resource: '*' }),
  ],
  PCI: [
    'p-pcigrd001',
    'PciGuardrails',
    policyDoc({
      Effect: 'Deny',
      Action: ['s3:PutBucketPublicAccessBlock', 'kms:ScheduleKeyDeletion'],
      Resource: '*',
    }),
  ],
  REGION_EU: [
    'p-regioneu1',
    'EuRegionsOnly',
    policyDoc({
      Effect: 'Deny',
      NotAction: ['iam:*', 'sts:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } },
    }),
  ],
  ACCOUNT_EXCEPTION: [
    'p-acctexc01',
    'LegacyAccountException',
    policyDoc({ Effect: 'Deny', Action: 'ec2:RunInstances', Resource: 'arn:aws:ec2:*:*:instance/*' }),
  ],
} as const satisfies Record<string, readonly [string, string, string]>;

function buildOrg(accountCount: number, seed = 20_261_120): SyntheticOrg {
  const rng = mulberry32(seed);
  const between = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const fake = new FakeOrganization(
    { id: ORG_ID, managementAccountId: MANAGEMENT_ACCOUNT_ID, featureSet: 'ALL', scpEnabled: true },
    ROOT_ID,
  );
  const depthOf = new Map<string, number>([[ROOT_ID, 0]]);
  const slots: Array<{ id: string; weight: number }> = [];
  const hasChildren = new Set<string>();

  const definePolicy = (id: string, name: string, content: string): string =>
    fake.definePolicy(id, name, content);
  const shared = Object.fromEntries(
    Object.entries(SHARED_POLICIES).map(([key, [id, name, content]]) => [
      key,
      definePolicy(id, name, content),
    ]),
  ) as Record<keyof typeof SHARED_POLICIES, string>;
  let ownPolicies = 0;
  /** A policy attached to one OU only. */
  const ownPolicy = (name: string) =>
    definePolicy(
      `p-own${(++ownPolicies).toString(36).padStart(6, '0')}`,
      name,
      policyDoc({ Effect: 'Deny', Action: [`service${ownPolicies}:*`], Resource: '*' }),
    );
  const attach = (targetId: string, policyIds: readonly string[]) => {
    for (const id of [shared.FULL_ACCESS, ...policyIds]) fake.attach(id, targetId);
  };

  attach(ROOT_ID, [shared.LEAVE_ORG, shared.REGIONS]);
  let ouSeq = 0;
  /**
   * An OU under `parentId`; `weight` is how likely an account is to land directly in it (a tenth of it for
   * an OU with children). The rules know OUs by id only: the name just documents the shape.
   */
  const ou = (parentId: string, _name: string, policyIds: readonly string[], weight: number): string => {
    const id = fake.addOu(`ou-${ROOT_ID.slice(2)}-${(++ouSeq).toString(36).padStart(8, '0')}`, parentId);
    depthOf.set(id, (depthOf.get(parentId) ?? 0) + 1);
    hasChildren.add(parentId);
    attach(id, policyIds);
    slots.push({ id, weight });
    return id;
  };

  const security = ou(ROOT_ID, 'Security', [shared.DENY_ROOT, shared.PROTECT_TOOLING], 0.3);
  for (const name of ['Audit', 'LogArchive', 'Tooling']) ou(security, name, [], 0.3);
  const infrastructure = ou(ROOT_ID, 'Infrastructure', [shared.DENY_ROOT_LEGACY], 0.5);
  for (const name of ['Network', 'SharedServices', 'Identity']) {
    const area = ou(infrastructure, name, [shared.PROTECT_TOOLING], 0.5);
    ou(area, 'Prod', [shared.PROD], 0.5);
    ou(area, 'NonProd', [shared.NON_PROD], 0.5);
  }
  const workloads = ou(ROOT_ID, 'Workloads', [shared.DENY_ROOT], 3);
  for (let b = 0; b < 8; b++) {
    const unit = ou(workloads, `BU-${b}`, rng() < 0.25 ? [ownPolicy(`BU-${b}-Guardrails`)] : [], 3);
    for (const [env, policy] of [
      ['Prod', shared.PROD],
      ['NonProd', shared.NON_PROD],
      ['Dev', shared.DEV],
    ] as const) {
      const stage = ou(unit, env, [policy], 3);
      for (let t = 0, teams = between(2, 4); t < teams; t++) {
        const team = ou(stage, `Team-${t}`, rng() < 0.1 ? [ownPolicy(`BU-${b}-${env}-Team-${t}`)] : [], 3);
        if (rng() < 0.4) {
          ou(team, 'PCI', [shared.PCI], 3);
          if (rng() < 0.5) ou(team, 'Regional', [shared.REGION_EU], 3);
        }
      }
    }
  }
  const sandbox = ou(ROOT_ID, 'Sandbox', [shared.DENY_ROOT_PARTIAL], 2);
  for (let s = 0; s < 4; s++) ou(ou(sandbox, `Sandbox-${s}`, [], 2), 'Experiments', [], 2);
  ou(ROOT_ID, 'Suspended', [shared.DENY_ALL], 1);
  const staging = ou(ROOT_ID, 'PolicyStaging', [], 0.5);
  ou(staging, 'Staging-Prod', [], 0.5);
  ou(staging, 'Staging-Dev', [], 0.5);

  // Accounts mostly sit in leaf OUs; a few in inner OUs and directly under the root.
  const weights = slots.map((s) => (hasChildren.has(s.id) ? s.weight * 0.1 : s.weight));
  const total = weights.reduce((sum, w) => sum + w, 0);
  const cumulative: number[] = [];
  weights.reduce((sum, w) => {
    cumulative.push((sum + w) / total);
    return sum + w;
  }, 0);
  const pickSlot = (): string => {
    const r = rng();
    const index = cumulative.findIndex((c) => r < c);
    return (slots[index === -1 ? slots.length - 1 : index] as { id: string }).id;
  };

  const accounts: string[] = [];
  for (let i = 0; i < accountCount; i++) {
    const accountId = String(Number(MANAGEMENT_ACCOUNT_ID) + i * 7);
    const parentId = i < 4 ? ROOT_ID : pickSlot();
    // The fake organization holds its management account (i = 0) from the start.
    if (accountId !== MANAGEMENT_ACCOUNT_ID) fake.addAccount(accountId, parentId);
    const r = rng();
    attach(accountId, r < 0.04 ? [shared.ACCOUNT_EXCEPTION] : r < 0.06 ? [shared.DENY_ROOT] : []);
    accounts.push(accountId);
  }
  return { fake, accounts, ouCount: ouSeq, maxDepth: Math.max(...depthOf.values()) };
}

// ---- AWS, mocked at the SDK boundary --------------------------------------------------------------------

/** The account being evaluated, and the calls made on its behalf. */
interface AccountProbe {
  index: number;
  accountId: string;
  orgCalls: number;
  iamCalls: number;
}

const currentAccount = new AsyncLocalStorage<AccountProbe>();

function probe(): AccountProbe {
  const account = currentAccount.getStore();
  if (!account) throw new Error('bench: an AWS call was made outside an account of the sweep');
  return account;
}

const latency = () => new Promise<void>((resolve) => setTimeout(resolve, LATENCY_MS));

/**
 * One ListVirtualMFADevices page: IAM users' devices (`root-admin` among them, which is not root), and on
 * the last page root's own for one account in seven.
 */
function virtualMfaPage(account: AccountProbe, marker: string | undefined) {
  const pages = account.index % 4 === 0 ? 3 : 2;
  const page = marker === undefined ? 1 : Number(marker.replace('page-', ''));
  const arn = (suffix: string) => `arn:aws:iam::${account.accountId}:${suffix}`;
  const devices = Array.from({ length: DEVICES_PER_PAGE }, (_, k) => {
    const user = page === 1 && k === 0 ? 'root-admin' : `user-${page}-${k}`;
    return {
      SerialNumber: arn(`mfa/${user}`),
      User: { UserName: user, UserId: `AIDA${page}${k}`, Arn: arn(`user/${user}`), Path: '/' },
      EnableDate: new Date('2025-06-01T00:00:00Z'),
    };
  });
  if (page === pages && account.index % 7 === 3) {
    devices.push({
      SerialNumber: arn('mfa/root-account-mfa-device'),
      User: { UserName: 'root', UserId: account.accountId, Arn: arn('root'), Path: '/' },
      EnableDate: new Date('2024-02-01T00:00:00Z'),
    });
  }
  return {
    VirtualMFADevices: devices,
    IsTruncated: page < pages,
    ...(page < pages ? { Marker: `page-${page + 1}` } : {}),
  };
}

function accountSummary(account: AccountProbe) {
  const noRootCredentials = account.index % 13 === 5;
  return {
    SummaryMap: {
      AccountMFAEnabled: noRootCredentials || account.index % 10 === 7 ? 0 : 1,
      AccountAccessKeysPresent: 0,
      AccountSigningCertificatesPresent: 0,
      AccountPasswordPresent: noRootCredentials ? 0 : 1,
      Users: 2 * DEVICES_PER_PAGE,
      Roles: 80,
      Policies: 25,
    },
  };
}

/** Organizations calls of the current sweep, counted whether or not an account made them. */
const orgCallsTotal = { calls: 0 };

function mockAws(org: SyntheticOrg): { restore(): void; resetHistory(): void } {
  const organizations = mockClient(OrganizationsClient);
  const iam = mockClient(IAMClient);
  installFakeOrganizations(organizations, org.fake, async (answer) => {
    orgCallsTotal.calls++;
    const account = currentAccount.getStore();
    if (account) account.orgCalls++;
    await latency();
    return answer();
  });
  const iamCall = async <T>(answer: (account: AccountProbe) => T): Promise<T> => {
    const account = probe();
    account.iamCalls++;
    await latency();
    return answer(account);
  };
  iam.on(GetAccountSummaryCommand).callsFake(() => iamCall(accountSummary));
  iam
    .on(ListVirtualMFADevicesCommand)
    .callsFake((input: { Marker?: string }) => iamCall((account) => virtualMfaPage(account, input.Marker)));
  return {
    restore: () => {
      organizations.restore();
      iam.restore();
    },
    // sinon keeps every call's arguments; 100,000 calls per sweep would otherwise pile up.
    resetHistory: () => {
      organizations.resetHistory();
      iam.resetHistory();
    },
  };
}

// ---- The sweep --------------------------------------------------------------------------------------------

/**
 * naive: the ancestry walk with no sharing (the baseline); cached: the walk with one warm Lambda's OrgReader
 * cache; cleared: the walk one account at a time with clearOrgCache before each, the literal "fresh reader and
 * cache per account", run only to check that the naive baseline makes exactly its calls; snapshot: the
 * rule's real collect over the organization snapshot, account i read through readers[i % readers.length]
 * (one reader: one warm container; fifty: fifty fresh containers sharing one store).
 */
type Mode = 'naive' | 'cached' | 'cleared' | { readers: readonly OrgSnapshotReader[] };

/**
 * root-deny-scp's facts in `mode`. The walk is collectRootDenyScpByWalk (how the rule read Organizations before
 * the snapshot): naive gives each account's reader a cache namespace no other account shares, which is "a fresh
 * reader per account" without the side effect that clearing the shared cache mid-sweep would have on the
 * accounts still in flight (within one account a policy attached at two levels is still described once).
 */
function collectDenyScpIn(mode: Mode, ctx: CollectContext<RootDenyScpParams>): Promise<RootDenyScpFacts> {
  if (typeof mode === 'object') return collectDenyScp(ctx);
  const namespace = mode === 'naive' ? `naive|${ctx.accountId}` : 'self';
  return collectRootDenyScpByWalk(
    new OrgReader(ctx.clients.client(OrganizationsClient), namespace),
    ctx.accountId,
  );
}

interface SweepResult {
  wallMs: number;
  /** User and system CPU time of the whole process during the sweep. */
  cpuMs: number;
  accountMs: number[];
  orgCalls: number[];
  iamCalls: number[];
  /** Organizations calls of the whole sweep, whoever made them (the builder's included). */
  orgCallsTotal: number;
  /** Per account: every evaluation's compliance type and annotation. */
  verdicts: string[];
}

async function sweep(accounts: readonly string[], mode: Mode): Promise<SweepResult> {
  clearOrgCache();
  orgCallsTotal.calls = 0;
  // A fresh factory per sweep: neither sweep inherits the other's clients.
  const clients = new ClientFactory({ region: REGION });
  const limit = pLimit(mode === 'cleared' ? 1 : CONCURRENCY);
  const n = accounts.length;
  const result: SweepResult = {
    wallMs: 0,
    cpuMs: 0,
    accountMs: new Array<number>(n).fill(0),
    orgCalls: new Array<number>(n).fill(0),
    iamCalls: new Array<number>(n).fill(0),
    orgCallsTotal: 0,
    verdicts: new Array<string>(n).fill(''),
  };
  const evaluateAccount = (accountId: string, index: number) => {
    const account: AccountProbe = { index, accountId, orgCalls: 0, iamCalls: 0 };
    return currentAccount.run(account, async () => {
      if (mode === 'cleared') clearOrgCache();
      const started = performance.now();
      const evaluateContext: EvaluateContext = {
        accountId,
        partition: PARTITION,
        evaluationTime: EVALUATION_TIME,
      };
      const params: RootDenyScpParams = {};
      const reader = typeof mode === 'object' ? mode.readers[index % mode.readers.length] : undefined;
      const ctx: CollectContext<RootDenyScpParams> = {
        ...evaluateContext,
        region: REGION,
        params,
        clients,
        accountCredentials: undefined,
        // What the rule handler's membership guard reads, and hands to collect.
        orgSnapshot: () =>
          reader
            ? reader.read({ expectMembers: [accountId] })
            : Promise.reject(new Error('bench: no reader')),
      };
      const [scpFacts, mfaFacts] = await Promise.all([collectDenyScpIn(mode, ctx), collectHardwareMfa(ctx)]);
      const evaluations: RuleEvaluation[] = [
        ...evaluateDenyScp(scpFacts, params, evaluateContext),
        ...evaluateHardwareMfa(mfaFacts, {}, evaluateContext),
      ];
      result.accountMs[index] = performance.now() - started;
      result.orgCalls[index] = account.orgCalls;
      result.iamCalls[index] = account.iamCalls;
      result.verdicts[index] = evaluations.map((e) => `${e.complianceType} ${e.annotation}`).join(' | ');
    });
  };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(accounts.map((accountId, index) => limit(() => evaluateAccount(accountId, index))));
  result.wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  result.orgCallsTotal = orgCallsTotal.calls;
  clearOrgCache();
  return result;
}

/** Accounts judged differently by two sweeps, listed. */
function wrongVerdicts(accounts: readonly string[], a: SweepResult, b: SweepResult): string[] {
  return accounts.flatMap((accountId, i) =>
    a.verdicts[i] === b.verdicts[i] ? [] : [`${accountId}:\n  ${a.verdicts[i]}\n  ${b.verdicts[i]}`],
  );
}

function sameVerdicts(accounts: readonly string[], a: SweepResult, b: SweepResult): void {
  const wrong = wrongVerdicts(accounts, a, b);
  if (wrong.length > 0)
    throw new Error(`org-sweep: ${wrong.length} accounts judged differently, e.g. ${wrong[0]}`);
}

function verdictCounts(verdicts: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of verdicts) {
    for (const part of v.split(' | ')) {
      const type = part.slice(0, part.indexOf(' '));
      counts.set(type, (counts.get(type) ?? 0) + 1);
    }
  }
  return [...counts].map(([type, count]) => `${type} ${count}`).join(', ');
}

const thousands = (n: number) => n.toLocaleString('en-US');

// ---- The organization snapshot: one warm container, and many fresh ones sharing one store ---------------

/** Fresh containers (empty module state) the cold sweep spreads its evaluations over. */
const COLD_CONTAINERS = 50;
/** How often a waiting reader polls the store, and how long a lease-held build waits before Lambda's retry. */
const POLL_MS = 50;
const RETRY_DELAY_MS = 200;

interface SnapshotSweep {
  result: SweepResult;
  builder: InProcessBuilder;
}

/** Evaluates every account through `containers` readers sharing `store` and `lease`, rebuilt in process. */
async function snapshotSweep(
  accounts: readonly string[],
  containers: number,
  store: SnapshotStore,
  lease: SnapshotLease,
): Promise<SnapshotSweep> {
  const builder = inProcessBuilder({
    store,
    lease,
    organizations: new OrganizationsClient({ region: REGION }),
    retryDelayMs: RETRY_DELAY_MS,
  });
  const readers = Array.from(
    { length: containers },
    () => new CachingOrgSnapshotReader({ store, requestRebuild: builder.trigger, pollMs: POLL_MS }),
  );
  const result = await sweep(accounts, { readers });
  await builder.settled();
  result.orgCallsTotal = orgCallsTotal.calls;
  if (builder.failures.length > 0) throw builder.failures[0];
  const attributed = result.orgCalls.reduce((sum, c) => sum + c, 0);
  if (attributed !== result.orgCallsTotal || builder.organizationsCalls !== result.orgCallsTotal) {
    throw new Error(
      `org-sweep: Organizations calls disagree: ${attributed} attributed to accounts, ` +
        `${builder.organizationsCalls} counted by the builder, ${result.orgCallsTotal} answered`,
    );
  }
  return { result, builder };
}

/** The shared store on moto_server, started as the integration tests start it. */
async function motoStore() {
  await startMoto();
  const { store, lease, clear } = await emulatedSnapshotStore();
  return { store, lease: lease(), clear, stop: stopMoto };
}

async function runSweeps(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // Warm-up, untimed: a small organization, every way; and the check that the naive baseline makes the
  // calls the walk makes when the cache is cleared before every account.
  const small = buildOrg(WARMUP_ACCOUNTS);
  const warmupMocks = mockAws(small);
  try {
    const literal = await sweep(small.accounts.slice(0, LITERAL_CHECK_ACCOUNTS), 'cleared');
    const naive = await sweep(small.accounts, 'naive');
    sameVerdicts(small.accounts.slice(0, LITERAL_CHECK_ACCOUNTS), literal, naive);
    literal.orgCalls.forEach((calls, i) => {
      if (naive.orgCalls[i] !== calls) {
        throw new Error(
          `org-sweep: the naive baseline made ${naive.orgCalls[i]} Organizations calls for ${small.accounts[i]}, ` +
            `the walk with clearOrgCache before it ${calls}`,
        );
      }
    });
    await sweep(small.accounts, 'cached');
    await snapshotSweep(small.accounts, 1, new MemorySnapshotStore(), new MemoryLease());
  } finally {
    warmupMocks.restore();
  }
  const moto = await motoStore();
  try {
    for (const size of SWEEP_SIZES) {
      const org = buildOrg(size);
      const mocks = mockAws(org);
      try {
        const naive = await sweep(org.accounts, 'naive');
        mocks.resetHistory();
        const cached = await sweep(org.accounts, 'cached');
        mocks.resetHistory();
        sameVerdicts(org.accounts, naive, cached);
        // (a) one warm container: one reader, its store in memory.
        const warm = await snapshotSweep(org.accounts, 1, new MemorySnapshotStore(), new MemoryLease());
        mocks.resetHistory();
        // (b) fresh containers sharing one store on moto_server (S3 object, DynamoDB lease), starting empty.
        await moto.clear();
        const cold = await snapshotSweep(org.accounts, COLD_CONTAINERS, moto.store, moto.lease);
        mocks.resetHistory();
        // (c) every account judged through the snapshot as through the walk.
        const wrongWarm = wrongVerdicts(org.accounts, naive, warm.result);
        const wrongCold = wrongVerdicts(org.accounts, naive, cold.result);

        const perAccount = (r: SweepResult) => r.orgCallsTotal / size;
        const ratio = (a: number, b: number) => (b === 0 ? '-' : `${(a / b).toPrecision(2)}x`);
        process.stderr.write(
          `  ${thousands(size)} accounts, ${org.ouCount} OUs (max depth ${org.maxDepth}), ` +
            `${org.fake.policies.size} SCPs; verdicts (both rules): ${verdictCounts(cached.verdicts)}\n` +
            `  Organizations calls/account: walk naive ${perAccount(naive).toFixed(3)}, walk OrgReader cache ` +
            `${perAccount(cached).toFixed(3)}, snapshot warm ${perAccount(warm.result).toFixed(3)} ` +
            `(${ratio(perAccount(warm.result), perAccount(naive))} of naive, ` +
            `${ratio(perAccount(warm.result), perAccount(cached))} of cached), snapshot ${COLD_CONTAINERS} cold ` +
            `${perAccount(cold.result).toFixed(3)} (${ratio(perAccount(cold.result), perAccount(naive))} of naive, ` +
            `${ratio(perAccount(cold.result), perAccount(cached))} of cached; ${cold.builder.builds} build(s), ` +
            `${cold.builder.leaseHeld} lease-held run(s))\n` +
            `  wrong verdicts vs the walk: snapshot warm ${wrongWarm.length}, snapshot ${COLD_CONTAINERS} cold ${wrongCold.length}\n`,
        );
        if (wrongWarm.length + wrongCold.length > 0) {
          throw new Error(
            `org-sweep: the snapshot judged accounts differently from the walk, e.g. ${[...wrongWarm, ...wrongCold][0]}`,
          );
        }

        const label = `${thousands(size)} accts`;
        const naiveName = (what: string) => `${label}: ${what}, walk naive (no sharing)`;
        const variants: Array<[string, SweepResult]> = [
          ['walk, OrgReader cache', cached],
          ['snapshot, 1 warm container', warm.result],
          [`snapshot, ${COLD_CONTAINERS} cold containers + builds`, cold.result],
        ];
        const rowsFor = (
          what: string,
          unit: string | undefined,
          samples: (r: SweepResult) => number[],
        ): BenchRow[] => [
          { name: naiveName(what), samples: samples(naive), ...(unit ? { unit } : {}) },
          ...variants.map(([variant, r]) => ({
            name: `${label}: ${what}, ${variant}`,
            samples: samples(r),
            baseline: naiveName(what),
            ...(unit ? { unit } : {}),
          })),
        ];
        rows.push(
          ...rowsFor('Organizations calls/account', 'calls', (r) => r.orgCalls),
          ...rowsFor('IAM calls/account', 'calls', (r) => r.iamCalls),
          ...rowsFor('collect+evaluate latency/account', undefined, (r) => r.accountMs),
          ...rowsFor('CPU time/account (process)', undefined, (r) => [r.cpuMs / size]),
          ...rowsFor('sweep wall time', undefined, (r) => [r.wallMs]),
          ...rowsFor('throughput', 'accts/s', (r) => [size / (r.wallMs / 1000)]),
          {
            name: `${label}: wrong verdicts vs the walk, snapshot (warm and ${COLD_CONTAINERS} cold)`,
            samples: [wrongWarm.length + wrongCold.length],
            unit: 'accts',
          },
        );
      } finally {
        mocks.restore();
      }
    }
  } finally {
    clearOrgCache();
    await moto.stop();
  }
  return rows;
}

// ---- Pure evaluation over the sample organization's facts -----------------------------------------------

interface SampleOrg {
  evaluationTime: string;
  accounts: Array<{ accountId: string; partition?: Partition; facts: Record<string, unknown> }>;
  ruleParameters?: Record<string, Record<string, string>>;
}

interface ReplicatedAccount {
  ctx: EvaluateContext;
  /** The account's facts (every rule) as JSON text, and parsed. */
  text: string;
  facts: Record<string, unknown>;
  template: string;
}

function evaluateAll(
  account: Pick<ReplicatedAccount, 'ctx' | 'facts'>,
  params: SampleOrg['ruleParameters'],
): RuleEvaluation[] {
  const out: RuleEvaluation[] = [];
  for (const [ruleId, facts] of Object.entries(account.facts)) {
    out.push(...evaluateFacts(ruleId, facts, params?.[ruleId] ?? {}, account.ctx));
  }
  return out;
}

async function runEvaluate(): Promise<BenchRow[]> {
  const sample = JSON.parse(
    readFileSync(join(__dirname, '..', 'examples', 'sample-org.json'), 'utf8'),
  ) as SampleOrg;
  const evaluationTime = new Date(sample.evaluationTime).toISOString();
  const params = sample.ruleParameters;
  const types = (evaluations: RuleEvaluation[]) => evaluations.map((e) => e.complianceType).join(',');
  const expected = new Map(
    sample.accounts.map((a) => [
      a.accountId,
      types(
        evaluateAll(
          {
            ctx: { accountId: a.accountId, partition: a.partition ?? 'aws', evaluationTime },
            facts: a.facts,
          },
          params,
        ),
      ),
    ]),
  );
  // Each copy gets its own account id, wherever the template's id appears in its facts (ARNs, the
  // management account's own organization record).
  const accounts: ReplicatedAccount[] = Array.from({ length: EVALUATE_ACCOUNTS }, (_, i) => {
    const template = sample.accounts[i % sample.accounts.length] as SampleOrg['accounts'][number];
    const accountId = String(300_000_000_000 + i);
    const text = JSON.stringify(template.facts).replaceAll(template.accountId, accountId);
    return {
      ctx: { accountId, partition: template.partition ?? 'aws', evaluationTime },
      text,
      facts: JSON.parse(text) as Record<string, unknown>,
      template: template.accountId,
    };
  });
  for (const account of accounts) {
    const got = types(evaluateAll(account, params));
    if (got !== expected.get(account.template)) {
      throw new Error(`evaluate: copy ${account.ctx.accountId} of ${account.template} judged ${got}`);
    }
  }
  let sink = 0;
  const baseline = await timeEach(accounts, (a) => {
    sink += Object.keys(JSON.parse(a.text) as object).length;
  });
  const evaluate = await timeEach(accounts, (a) => {
    sink += evaluateAll(a, params).length;
  });
  if (sink === 0) throw new Error('evaluate: nothing evaluated');
  const BASELINE = `baseline: JSON.parse of the account's facts (${thousands(EVALUATE_ACCOUNTS)} accts)`;
  return [
    { name: BASELINE, samples: baseline, unit: 'ms/acct' },
    {
      name: 'evaluateFacts, every rule the account has facts for',
      samples: evaluate,
      unit: 'ms/acct',
      baseline: BASELINE,
    },
  ];
}

export const benchmarks: Benchmark[] = [
  { name: 'org-sweep', run: runSweeps },
  { name: 'evaluate', run: runEvaluate },
];
