/**
 * `rootguard scan --org`: judge a live organization from one command.
 *
 * The organization is read once, top-down (`buildOrgSnapshot`, as the snapshot Lambda does); then, for every
 * selected account, the execution role is assumed and every rule's own `collect` runs with a CollectContext
 * built like the rule Lambda's (the snapshot handed over as `orgSnapshot`). The collected facts become a facts
 * file (cli/facts-file.ts) that `scanFacts` judges with the same pure evaluate functions, so `--save-facts`
 * writes exactly what was judged and `scan --facts` reads it back to the same verdicts.
 *
 * An account that cannot be read (role missing, AccessDenied, throttled after the SDK's adaptive retries,
 * suspended) is a failure with its error, never the end of the sweep. All I/O (clients, snapshot, clock,
 * progress, interruption) is injectable; the selection, OU paths and progress line are pure.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import pLimit from 'p-limit';
import { ClientFactory } from '../lib/clients';
import { errorMessage, RootGuardError } from '../lib/errors';
import { buildOrgSnapshot, type OrgSnapshot } from '../lib/org-snapshot';
import { parseRuleParameters } from '../lib/parameters';
import { type Partition, partitionForRegion, roleArn } from '../lib/partition';
import type { Collect, CollectContext, EvaluateContext } from '../lib/rule-handler';
import type { RuleMetadata } from '../lib/rule-metadata';
import { RULE_IDS, RULES } from '../rules';
import { COLLECTORS } from './collectors';
import { CliError } from './errors';
import { type FactsFile, type FactsFileAccount, parseFactsFile } from './facts-file';
import { DEFAULT_CONCURRENCY, DEFAULT_EXECUTION_ROLE_NAME, resolveRegion } from './org-scan-defaults';

export { DEFAULT_CONCURRENCY, DEFAULT_EXECUTION_ROLE_NAME };

export interface OrgScanOptions {
  /** Only accounts under these OUs (or roots), child OUs included. */
  ouIds?: readonly string[];
  /** Only these accounts. */
  accountIds?: readonly string[];
  /** Only these rules (default: every rule). */
  ruleIds?: readonly string[];
  roleName?: string;
  concurrency?: number;
  /** Rule id → parameters as Config passes them (strings). */
  ruleParameters?: Record<string, Record<string, unknown>>;
}

export interface ScanProgress {
  total: number;
  done: number;
  failed: number;
  /** Milliseconds since the sweep started. */
  elapsedMs: number;
}

export interface OrgScanIo {
  /** Clients with the caller's (management or delegated-admin) credentials. */
  clients: ClientFactory;
  /** The factory used for one account (assume its role, read it). Default: `clients`. Tests inject faults here. */
  clientsFor?: (accountId: string) => ClientFactory;
  /**
   * The organization read. Default: buildOrgSnapshot with `clients`' Organizations and IAM clients (centralized
   * root access is read with the same credentials).
   */
  readSnapshot?: () => Promise<OrgSnapshot>;
  /** Rule id → collect. Default: every rule's own collect (cli/collectors.ts). */
  collectors?: Readonly<Record<string, Collect<unknown, unknown>>>;
  now?: () => Date;
  /** Called after each account, judged or failed. */
  onProgress?: (progress: ScanProgress) => void;
  /** Aborting stops the sweep: accounts not yet finished are left out and the result says so. */
  signal?: AbortSignal;
}

export interface ScanTarget {
  accountId: string;
  name: string;
  ouPath: string;
  status: string | undefined;
}

export interface AccountFailure {
  accountId: string;
  name: string;
  ouPath: string;
  error: string;
}

export interface OrgScanResult {
  /** What was judged: every account read in full, as a facts file (zero accounts when none was). */
  facts: FactsFile;
  failures: AccountFailure[];
  /** Accounts selected but neither judged nor failed (the sweep was interrupted). */
  notJudged: number;
  interrupted: boolean;
  selected: number;
}

// ---- Pure parts -----------------------------------------------------------------------------------------

/** "Root/Workloads/Prod": the OU names from the root down to the account's parent. */
export function ouPathOf(snapshot: OrgSnapshot, accountId: string): string {
  const names: string[] = [];
  let parentId = snapshot.accounts[accountId]?.parentId;
  for (let depth = 0; parentId !== undefined && parentId !== snapshot.rootId && depth <= 6; depth++) {
    const ou = snapshot.ous[parentId];
    if (!ou) break;
    names.unshift(ou.name ?? parentId);
    parentId = ou.parentId;
  }
  return ['Root', ...names].join('/');
}

/** The account's parent, its parent's parent… up to and including the root. */
function ancestorsOf(snapshot: OrgSnapshot, accountId: string): Set<string> {
  const ancestors = new Set<string>();
  let parentId = snapshot.accounts[accountId]?.parentId;
  for (let depth = 0; parentId !== undefined && depth <= 7; depth++) {
    ancestors.add(parentId);
    parentId = snapshot.ous[parentId]?.parentId;
  }
  return ancestors;
}

/** The accounts to judge, by account id; `--ou` includes child OUs. Unknown ids are errors. */
export function selectTargets(
  snapshot: OrgSnapshot,
  options: Pick<OrgScanOptions, 'ouIds' | 'accountIds'> = {},
): ScanTarget[] {
  const ouIds = options.ouIds?.length ? options.ouIds : undefined;
  const accountIds = options.accountIds?.length ? options.accountIds : undefined;
  const unknownOus = (ouIds ?? []).filter((id) => id !== snapshot.rootId && !snapshot.ous[id]);
  if (unknownOus.length > 0) {
    throw new CliError(`OU ${unknownOus.join(', ')} is not in the organization`);
  }
  const unknownAccounts = (accountIds ?? []).filter((id) => !snapshot.accounts[id]);
  if (unknownAccounts.length > 0) {
    throw new CliError(`Account ${unknownAccounts.join(', ')} is not in the organization`);
  }
  return Object.keys(snapshot.accounts)
    .sort()
    .filter((id) => !accountIds || accountIds.includes(id))
    .filter((id) => {
      if (!ouIds) return true;
      const ancestors = ancestorsOf(snapshot, id);
      return ouIds.some((ou) => ancestors.has(ou));
    })
    .map((accountId) => {
      const account = snapshot.accounts[accountId];
      return {
        accountId,
        name: account?.name ?? accountId,
        ouPath: ouPathOf(snapshot, accountId),
        status: account?.status,
      };
    });
}

const seconds = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/** The progress line: "rootguard: 37/120 accounts · 2 failed · 12.3 accounts/s · ETA 7s". */
export function formatProgress(progress: ScanProgress): string {
  const { total, done, failed, elapsedMs } = progress;
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 && done < total ? ` · ETA ${seconds(((total - done) / rate) * 1000)}` : '';
  return `rootguard: ${done}/${total} accounts · ${failed} failed · ${rate.toFixed(1)} accounts/s${eta}`;
}

/** One line of an error, as a row of the table can show it. */
export function describeFailure(error: unknown): string {
  const message = error instanceof RootGuardError ? error.message : errorMessage(error);
  return message.replace(/\s+/g, ' ').trim();
}

// ---- The sweep ------------------------------------------------------------------------------------------

function selectRules(ruleIds: readonly string[] | undefined): RuleMetadata[] {
  if (!ruleIds?.length) return RULES.map((rule) => rule.metadata);
  const unknown = ruleIds.filter((id) => !RULE_IDS.includes(id));
  if (unknown.length > 0) {
    throw new CliError(`Unknown rule ${unknown.join(', ')}; known rules: ${RULE_IDS.join(', ')}`);
  }
  return RULES.filter((rule) => ruleIds.includes(rule.metadata.id)).map((rule) => rule.metadata);
}

class RuleCollectError extends RootGuardError {}

/** Reads the organization, then every selected account with every selected rule's collect. */
export async function scanOrganization(io: OrgScanIo, options: OrgScanOptions = {}): Promise<OrgScanResult> {
  const now = io.now ?? (() => new Date());
  const rules = selectRules(options.ruleIds);
  const collectors = io.collectors ?? COLLECTORS;
  const rawParams = (ruleId: string) => options.ruleParameters?.[ruleId] ?? {};
  // Bad parameters end the command before anything is read, as they do for --facts.
  const params = new Map(rules.map((rule) => [rule.id, parseRuleParameters(rule, rawParams(rule.id))]));
  for (const rule of rules) {
    if (!collectors[rule.id]) throw new CliError(`rootguard has no collect for rule ${rule.id}`);
  }
  const roleName = options.roleName ?? DEFAULT_EXECUTION_ROLE_NAME;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new CliError(`--concurrency must be a positive integer, not ${concurrency}`);
  }

  const snapshot = await (
    io.readSnapshot ??
    (() => buildOrgSnapshot(io.clients.client(OrganizationsClient), { iam: io.clients.client(IAMClient) }))
  )();
  const organization = snapshot.organization;
  if (organization === null || snapshot.rootId === null) {
    throw new CliError('These credentials belong to an account that is in no organization');
  }
  const targets = selectTargets(snapshot, options);
  const region = io.clients.region;
  const partition: Partition = partitionForRegion(region);
  const evaluationTime = now().toISOString();
  const started = Date.now();

  const judged = new Map<string, FactsFileAccount>();
  const failures: AccountFailure[] = [];
  const report = () =>
    io.onProgress?.({
      total: targets.length,
      done: judged.size + failures.length,
      failed: failures.length,
      elapsedMs: Date.now() - started,
    });

  const readAccount = async (target: ScanTarget): Promise<FactsFileAccount> => {
    if (target.status !== undefined && target.status !== 'ACTIVE') {
      throw new RootGuardError(`the account is ${target.status}, not ACTIVE; not read`);
    }
    const accountId = target.accountId;
    const clients = io.clientsFor?.(accountId) ?? io.clients;
    const accountCredentials = await clients.assumeRole(
      roleArn(partition, accountId, roleName),
      'rootguard-scan',
      accountId,
    );
    const evaluateContext: EvaluateContext = { accountId, partition, evaluationTime };
    const facts: Record<string, unknown> = {};
    // Every rule's read is let finish before the account is given up, so no call outlives the sweep.
    const reads = await Promise.allSettled(
      rules.map(async (rule) => {
        const ctx: CollectContext<unknown> = {
          ...evaluateContext,
          region,
          params: params.get(rule.id),
          clients,
          accountCredentials,
          orgSnapshot: () => Promise.resolve(snapshot),
        };
        try {
          facts[rule.id] = await (collectors[rule.id] as Collect<unknown, unknown>)(ctx);
        } catch (error) {
          throw new RuleCollectError(`${rule.id}: ${describeFailure(error)}`, { cause: error, accountId });
        }
      }),
    );
    const failed = reads.find((read): read is PromiseRejectedResult => read.status === 'rejected');
    if (failed) throw failed.reason;
    // Registry order, as a facts file lists them.
    const ordered = Object.fromEntries(rules.map((rule) => [rule.id, facts[rule.id]]));
    return { accountId, name: target.name, ouPath: target.ouPath, partition, facts: ordered };
  };

  const limit = pLimit(concurrency);
  const sweep = Promise.all(
    targets.map((target) =>
      limit(async () => {
        if (io.signal?.aborted) return;
        try {
          const account = await readAccount(target);
          if (!io.signal?.aborted) judged.set(target.accountId, account);
        } catch (error) {
          if (!io.signal?.aborted) failures.push({ ...target, error: describeFailure(error) });
        }
        report();
      }),
    ),
  );
  const aborted = new Promise<void>((resolve) => {
    if (io.signal?.aborted) resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await Promise.race([sweep, aborted]);
  if (io.signal?.aborted) limit.clearQueue();

  const accounts = targets.flatMap((t) => {
    const account = judged.get(t.accountId);
    return account ? [account] : [];
  });
  const factsFile: FactsFile = {
    organization: {
      id: organization.id,
      managementAccountId: organization.managementAccountId,
      rootId: snapshot.rootId,
    },
    evaluationTime,
    accounts,
    ...(options.ruleParameters ? { ruleParameters: options.ruleParameters } : {}),
  };
  // Judge what a saved file would hold: facts through JSON and the facts-file schema, so --save-facts and
  // `scan --facts` of it give the same verdicts by construction.
  const facts =
    accounts.length > 0
      ? parseFactsFile(JSON.parse(JSON.stringify(factsFile)), 'the facts collected from the organization')
      : factsFile;
  failures.sort((a, b) => a.accountId.localeCompare(b.accountId));
  return {
    facts,
    failures,
    notJudged: targets.length - accounts.length - failures.length,
    interrupted: Boolean(io.signal?.aborted),
    selected: targets.length,
  };
}

/** The default I/O: the SDK's default credential chain and region (AWS_ENDPOINT_URL honoured by the SDK). */
export function defaultOrgScanIo(region: string | undefined): OrgScanIo {
  return { clients: new ClientFactory({ region: resolveRegion(region) }) };
}
