/**
 * One snapshot of the organization, read top-down once and shared by every evaluation, instead of each
 * evaluation walking its account's ancestry bottom-up (lib/org-tree.ts: ~2 Organizations calls per account
 * warm, ~10 cold, in every Lambda container Config fans out to).
 *
 * - `OrgSnapshot`: the organization, its root, every account and OU with its parent, and every SCP with its
 *   content and targets. Plain JSON; `orgSnapshotSchema` validates it when it is read back from the store.
 * - `buildOrgSnapshot`: the reads, top-down and paginated. Only the builder Lambda (org-snapshot/handler.ts)
 *   calls it in production; lib/org-snapshot-store.ts shares the result.
 * - `isOrganizationMember`, `scpChainFromSnapshot`: pure derivations. `scpChainFromSnapshot` answers exactly
 *   what `OrgReader.scpChain` answers, so rules/root-deny-scp/evaluate.ts did not change.
 * - `readRootAccessFeatures`: centralized root access (`iam:ListOrganizationsFeatures`), read once per snapshot
 *   with the builder's IAM client and recorded in `rootAccessFeatures` (lib/root-access-features.ts), so no rule
 *   role needs that permission.
 */
import { type IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import {
  DescribeOrganizationCommand,
  type DescribeOrganizationCommandOutput,
  DescribePolicyCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import pLimit from 'p-limit';
import {
  awsCall,
  CollectError,
  errorMessage,
  errorName,
  isAccessDenied,
  isThrottling,
  nextTokenItems,
  RootGuardError,
  toCollectError,
} from './errors';
import { oneLine } from './escape';
import type { OrganizationFacts, PolicyFacts, TargetPolicies, TargetType } from './org-tree';
import { ACCOUNT_ID_PATTERN } from './partition';
import {
  MAX_ERROR_LENGTH,
  type RootAccessFeatures,
  rootAccessFeaturesSchema,
  type UnreadableReason,
} from './root-access-features';
import * as z from './zod-mini';

export const ORG_SNAPSHOT_VERSION = 1;
/** Organizations nests OUs at most five deep under the root. */
export const MAX_OU_DEPTH = 5;
/** Parents read at once: the build is a background job, and Organizations throttles at a few hundred TPS. */
export const DEFAULT_BUILD_CONCURRENCY = 4;

const isoTime = z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 time'));
const nonEmpty = () => z.string().check(z.minLength(1));
const accountId = () => z.string().check(z.regex(ACCOUNT_ID_PATTERN));

const organizationSchema = z.object({
  id: nonEmpty(),
  managementAccountId: accountId(),
  featureSet: nonEmpty(),
  scpEnabled: z.boolean(),
}) satisfies z.ZodMiniType<OrganizationFacts>;

export const orgSnapshotSchema = z.object({
  version: z.literal(ORG_SNAPSHOT_VERSION),
  /** When the build started: anything that changed later may be missing. */
  builtAt: isoTime,
  /** Null when the reader's account is in no organization. */
  organization: z.nullable(organizationSchema),
  rootId: z.nullable(nonEmpty()),
  accounts: z.record(
    accountId(),
    z.object({
      parentId: nonEmpty(),
      name: z.optional(z.string()),
      status: z.optional(z.string()),
    }),
  ),
  ous: z.record(nonEmpty(), z.object({ parentId: nonEmpty(), name: z.optional(z.string()) })),
  /** SCPs only, in the order ListPolicies gave them; targets are account, OU or root ids. */
  policies: z.record(
    nonEmpty(),
    z.object({ name: z.string(), content: z.string(), targets: z.array(nonEmpty()) }),
  ),
  /**
   * Centralized root access (iam:ListOrganizationsFeatures) or why it could not be read. Absent from snapshots
   * built before rootguard read it, and from builds given no IAM client: the reader then knows nothing, and
   * root-access-centralized says so rather than guess.
   */
  rootAccessFeatures: z.optional(rootAccessFeaturesSchema),
});

export type OrgSnapshot = z.infer<typeof orgSnapshotSchema>;

// ---- Derivations (pure) -------------------------------------------------------------------------------

/** Whether the snapshot's organization lists the account (whatever its status: suspended accounts are members). */
export function isOrganizationMember(snapshot: OrgSnapshot, accountId: string): boolean {
  return snapshot.organization !== null && Object.hasOwn(snapshot.accounts, accountId);
}

/** Whether the SCP tree was read: only an all-features organization with SCPs enabled has one worth reading. */
export function hasScpTree(organization: OrganizationFacts | null): boolean {
  return organization !== null && organization.featureSet === 'ALL' && organization.scpEnabled;
}

/** Target id → the SCPs attached to it, in ListPolicies order. Built once per snapshot object. */
const targetIndexes = new WeakMap<OrgSnapshot, Map<string, PolicyFacts[]>>();
function policiesByTarget(snapshot: OrgSnapshot): Map<string, PolicyFacts[]> {
  let index = targetIndexes.get(snapshot);
  if (!index) {
    index = new Map();
    for (const [id, p] of Object.entries(snapshot.policies)) {
      const facts: PolicyFacts = { id, name: p.name, content: p.content };
      for (const target of p.targets) {
        const list = index.get(target);
        if (list) list.push(facts);
        else index.set(target, [facts]);
      }
    }
    targetIndexes.set(snapshot, index);
  }
  return index;
}

/**
 * Every SCP that applies to the account, grouped by where it is attached: the account first, then each OU
 * upward, then the root. The same answer as `OrgReader.scpChain` for the organization the snapshot saw.
 */
export function scpChainFromSnapshot(snapshot: OrgSnapshot, accountId: string): TargetPolicies[] {
  const account = snapshot.accounts[accountId];
  if (!account) {
    throw new RootGuardError(`account ${accountId} is not in the organization snapshot`, { accountId });
  }
  if (snapshot.rootId === null) {
    throw new RootGuardError('the organization snapshot holds no organization root', { accountId });
  }
  const chain: Array<{ id: string; type: TargetType }> = [{ id: accountId, type: 'ACCOUNT' }];
  let parentId = account.parentId;
  // A bound as in OrgReader.ancestry: a malformed snapshot (a cycle) must not loop.
  for (let depth = 0; depth <= MAX_OU_DEPTH; depth++) {
    if (parentId === snapshot.rootId) {
      chain.push({ id: parentId, type: 'ROOT' });
      const index = policiesByTarget(snapshot);
      return chain.map((t) => ({ targetId: t.id, targetType: t.type, policies: index.get(t.id) ?? [] }));
    }
    const ou = snapshot.ous[parentId];
    if (!ou) {
      throw new RootGuardError(`the organization snapshot names parent ${parentId} but does not hold it`, {
        accountId,
      });
    }
    chain.push({ id: parentId, type: 'ORGANIZATIONAL_UNIT' });
    parentId = ou.parentId;
  }
  throw new RootGuardError(`the organization tree above ${accountId} is deeper than Organizations allows`, {
    accountId,
  });
}

// ---- The build (Organizations reads) -------------------------------------------------------------------

export interface BuildOrgSnapshotOptions {
  /** The clock; builtAt is read from it once, before the first call. */
  now?: () => Date;
  /** Every Organizations call increments `calls` (the builder's metric and the bench read it). */
  counter?: { calls: number };
  concurrency?: number;
  /**
   * IAM, with the same credentials as Organizations, for `rootAccessFeatures`. Without it the snapshot records
   * no features (the builder Lambda and `scan --org` always pass one).
   */
  iam?: IAMClient;
}

/** A required field of an answer; its absence is a failed read, never a default. */
function required<T>(value: T | undefined | null, action: string, what: string): T {
  if (value === undefined || value === null || value === '') {
    throw new CollectError(`${action} returned no ${what}`, { action });
  }
  return value;
}

/**
 * Reads the organization top-down: DescribeOrganization, ListRoots, then breadth-first
 * ListOrganizationalUnitsForParent and ListAccountsForParent from the root (five OU levels at most), then
 * ListPolicies (SCPs) with DescribePolicy and ListTargetsForPolicy for each. Without SCPs to read
 * (consolidated billing only, or SCPs disabled) the policies are skipped; the accounts are still read, because
 * membership needs every one of them. The calls are exactly those the builder's read role is granted.
 */
export async function buildOrgSnapshot(
  client: OrganizationsClient,
  options: BuildOrgSnapshotOptions = {},
): Promise<OrgSnapshot> {
  const builtAt = (options.now ?? (() => new Date()))().toISOString();
  const counter = options.counter ?? { calls: 0 };
  const limit = pLimit(options.concurrency ?? DEFAULT_BUILD_CONCURRENCY);
  const call = <T>(action: string, send: () => Promise<T>): Promise<T> => {
    counter.calls++;
    return awsCall(action, undefined, send);
  };
  // Every item of every page of a list, each page counted (nextTokenItems refuses a repeated token).
  const listAll = <P extends { NextToken?: string }, T>(
    action: string,
    send: (NextToken: string | undefined) => Promise<P>,
    items: (page: P) => readonly T[] | undefined,
  ): Promise<T[]> =>
    nextTokenItems(
      action,
      undefined,
      (NextToken) => {
        counter.calls++;
        return send(NextToken);
      },
      items,
    );
  const empty = { version: ORG_SNAPSHOT_VERSION, builtAt, ous: {}, policies: {} } as const;

  let described: DescribeOrganizationCommandOutput;
  try {
    counter.calls++;
    described = await client.send(new DescribeOrganizationCommand({}));
  } catch (error) {
    if (errorName(error) === 'AWSOrganizationsNotInUseException') {
      const features: RootAccessFeatures = {
        status: 'UNREADABLE',
        reason: 'NO_ORGANIZATION',
        error: 'organizations:DescribeOrganization: the reader is in no organization',
      };
      return {
        ...empty,
        organization: null,
        rootId: null,
        accounts: {},
        ...(options.iam ? { rootAccessFeatures: features } : {}),
      };
    }
    throw toCollectError(error, 'organizations:DescribeOrganization');
  }
  const action = 'organizations:DescribeOrganization';
  const org = required(described.Organization, action, 'organization');
  const roots = await listAll(
    'organizations:ListRoots',
    (NextToken) => client.send(new ListRootsCommand({ NextToken })),
    (out) => out.Roots,
  );
  const root = required(roots[0], 'organizations:ListRoots', 'root');
  const organization: OrganizationFacts = {
    id: required(org.Id, action, 'organization id'),
    managementAccountId: required(org.MasterAccountId, action, 'management account id'),
    featureSet: org.FeatureSet ?? 'UNKNOWN',
    scpEnabled: (root.PolicyTypes ?? []).some(
      (t) => t.Type === 'SERVICE_CONTROL_POLICY' && t.Status === 'ENABLED',
    ),
  };
  const rootId = required(root.Id, 'organizations:ListRoots', 'root id');
  const accountEntry = (a: { Name?: string; Status?: string }, parentId: string) => ({
    parentId,
    ...(a.Name === undefined ? {} : { name: a.Name }),
    ...(a.Status === undefined ? {} : { status: a.Status }),
  });
  const accounts: OrgSnapshot['accounts'] = {};
  const ous: OrgSnapshot['ous'] = {};
  let level = [rootId];
  for (let depth = 1; level.length > 0; depth++) {
    const next: string[][] = await Promise.all(
      level.map((parentId) =>
        limit(async () => {
          const [children, members] = await Promise.all([
            listAll(
              'organizations:ListOrganizationalUnitsForParent',
              (NextToken) =>
                client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken })),
              (out) => out.OrganizationalUnits,
            ),
            listAll(
              'organizations:ListAccountsForParent',
              (NextToken) => client.send(new ListAccountsForParentCommand({ ParentId: parentId, NextToken })),
              (out) => out.Accounts,
            ),
          ]);
          for (const a of members) {
            accounts[required(a.Id, 'organizations:ListAccountsForParent', 'account id')] = accountEntry(
              a,
              parentId,
            );
          }
          return children.map((ou) => {
            const id = required(ou.Id, 'organizations:ListOrganizationalUnitsForParent', 'OU id');
            // An OU seen twice would be a cycle in a malformed answer.
            if (id === rootId || Object.hasOwn(ous, id)) {
              throw new CollectError(`OU ${id} appears twice in the organization tree`, {
                action: 'organizations:ListOrganizationalUnitsForParent',
              });
            }
            ous[id] = { parentId, ...(ou.Name === undefined ? {} : { name: ou.Name }) };
            return id;
          });
        }),
      ),
    );
    level = next.flat();
    if (level.length > 0 && depth > MAX_OU_DEPTH) {
      throw new CollectError(`the organization tree is deeper than ${MAX_OU_DEPTH} OU levels`, {
        action: 'organizations:ListOrganizationalUnitsForParent',
      });
    }
  }

  // One IAM call, not counted with the Organizations calls (the builder's metric and the bench compare those).
  const features = options.iam ? await readRootAccessFeatures(options.iam, organization) : undefined;
  const withFeatures = features ? { rootAccessFeatures: features } : {};

  // Without all features or with SCPs disabled no SCP applies: the tree is still read, for membership.
  if (!hasScpTree(organization)) return { ...empty, organization, rootId, accounts, ous, ...withFeatures };

  const summaries = await listAll(
    'organizations:ListPolicies',
    (NextToken) => client.send(new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY', NextToken })),
    (out) => out.Policies,
  );
  const read = await Promise.all(
    summaries.map((summary) =>
      limit(async () => {
        const policyId = required(summary.Id, 'organizations:ListPolicies', 'policy id');
        const [policy, targets] = await Promise.all([
          call('organizations:DescribePolicy', () =>
            client.send(new DescribePolicyCommand({ PolicyId: policyId })),
          ),
          listAll(
            'organizations:ListTargetsForPolicy',
            (NextToken) => client.send(new ListTargetsForPolicyCommand({ PolicyId: policyId, NextToken })),
            (out) => out.Targets,
          ),
        ]);
        const content = required(
          policy.Policy?.Content,
          'organizations:DescribePolicy',
          `content for ${policyId}`,
        );
        return [
          policyId,
          {
            name: policy.Policy?.PolicySummary?.Name ?? summary.Name ?? policyId,
            content,
            targets: targets.map((t) =>
              required(t.TargetId, 'organizations:ListTargetsForPolicy', 'target id'),
            ),
          },
        ] as const;
      }),
    ),
  );
  // Inserted in ListPolicies order (not completion order): a target's SCPs keep one stable order.
  return {
    ...empty,
    organization,
    rootId,
    accounts,
    ous,
    policies: Object.fromEntries(read),
    ...withFeatures,
  };
}

const UNREADABLE_BY_ERROR: Readonly<Record<string, UnreadableReason>> = {
  OrganizationNotInAllFeaturesModeException: 'NOT_ALL_FEATURES',
  ServiceAccessNotEnabledException: 'TRUSTED_ACCESS_DISABLED',
  AccountNotManagementOrDelegatedAdministratorException: 'NOT_ADMINISTRATOR',
  OrganizationNotFoundException: 'NO_ORGANIZATION',
};

/** The error becomes one bounded line: it ends up in Config annotations, and AWS messages may span lines. */
function unreadable(reason: UnreadableReason, error: string): RootAccessFeatures {
  return { status: 'UNREADABLE', reason, error: oneLine(error, MAX_ERROR_LENGTH) };
}

/**
 * Which centralized root access features the organization has enabled, from one `iam:ListOrganizationsFeatures`
 * call (it takes no parameters and has no pages). Every failure is recorded with its reason instead of thrown: a
 * missing IAM permission or a throttled call must not take away the snapshot that every rule and the membership
 * guard read; root-access-centralized turns the reason into a NON_COMPLIANT annotation. An organization without
 * all features is recorded as such without the call (IAM would refuse it). An answer for another organization
 * than the one DescribeOrganization named is refused too.
 */
export async function readRootAccessFeatures(
  iam: IAMClient,
  organization: OrganizationFacts,
): Promise<RootAccessFeatures> {
  const action = 'iam:ListOrganizationsFeatures';
  if (organization.featureSet !== 'ALL') {
    return unreadable(
      'NOT_ALL_FEATURES',
      `organization ${organization.id} has feature set ${organization.featureSet}`,
    );
  }
  try {
    const out = await iam.send(new ListOrganizationsFeaturesCommand({}));
    if (out.OrganizationId !== undefined && out.OrganizationId !== organization.id) {
      return unreadable(
        'FAILED',
        `${action} answered for organization ${out.OrganizationId}, not ${organization.id}`,
      );
    }
    // The SDK types promise strings; the wire answer is checked anyway, since the snapshot schema refuses blanks.
    const enabled: unknown = out.EnabledFeatures;
    if (!Array.isArray(enabled) || !enabled.every((f): f is string => typeof f === 'string' && f !== '')) {
      return unreadable('FAILED', `${action} returned no EnabledFeatures list`);
    }
    return { status: 'READ', enabledFeatures: [...enabled].sort() };
  } catch (error) {
    const name = errorName(error);
    const reason: UnreadableReason =
      UNREADABLE_BY_ERROR[name] ??
      (isAccessDenied(error) ? 'ACCESS_DENIED' : isThrottling(error) ? 'THROTTLED' : 'FAILED');
    return unreadable(reason, `${action}: ${name}: ${errorMessage(error)}`);
  }
}

/** Parses the stored JSON text of a snapshot; throws the zod error or SyntaxError for anything malformed. */
export function parseOrgSnapshot(text: string): OrgSnapshot {
  return orgSnapshotSchema.parse(JSON.parse(text));
}
