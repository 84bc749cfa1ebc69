/**
 * Reads the organization tree and its service control policies. SCP inheritance is walked through
 * parents (account → OUs → root): DescribeEffectivePolicy does not cover SCPs.
 *
 * Reads are cached for a few minutes inside a warm Lambda (an org-wide sweep asks about the same OUs and
 * policies again and again), and concurrent asks for the same item share one request, so one invocation
 * never describes the same policy twice.
 */
import {
  DescribeOrganizationCommand,
  type DescribeOrganizationCommandOutput,
  DescribePolicyCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { awsCall, awsPageItems, CollectError, errorName } from './errors';

export const ORG_CACHE_TTL_MS = 5 * 60 * 1000;

export type TargetType = 'ACCOUNT' | 'ORGANIZATIONAL_UNIT' | 'ROOT';

export interface OrganizationFacts {
  id: string;
  managementAccountId: string;
  featureSet: string;
  /** SERVICE_CONTROL_POLICY is enabled on the organization root. */
  scpEnabled: boolean;
}

export interface PolicyFacts {
  id: string;
  name: string;
  content: string;
}

export interface TargetPolicies {
  targetId: string;
  targetType: TargetType;
  policies: PolicyFacts[];
}

interface CacheEntry {
  expires: number;
  value: Promise<unknown>;
}

/** Module-level: survives between invocations of a warm Lambda. */
const cache = new Map<string, CacheEntry>();

export function clearOrgCache(): void {
  cache.clear();
}

export class OrgReader {
  /** Number of Organizations API calls this reader made (benchmarks count them). */
  calls = 0;

  constructor(
    private readonly client: OrganizationsClient,
    /** Separates caches of different credentials (e.g. the OrgReadRoleArn). */
    private readonly namespace = 'self',
    private readonly now: () => number = Date.now,
  ) {}

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const fullKey = `${this.namespace}|${key}`;
    const hit = cache.get(fullKey);
    if (hit && hit.expires > this.now()) return hit.value as Promise<T>;
    const value = load();
    cache.set(fullKey, { expires: this.now() + ORG_CACHE_TTL_MS, value });
    // A failed read must not be remembered.
    value.catch(() => cache.delete(fullKey));
    return value;
  }

  private send<T>(action: string, accountId: string | undefined, call: () => Promise<T>): Promise<T> {
    this.calls++;
    return awsCall(action, accountId, call);
  }

  /** The organization, or null when the caller's account is in none. */
  describeOrganization(accountId?: string): Promise<OrganizationFacts | null> {
    return this.cached('org', async () => {
      let org: DescribeOrganizationCommandOutput;
      try {
        this.calls++;
        org = await this.client.send(new DescribeOrganizationCommand({}));
      } catch (error) {
        if (errorName(error) === 'AWSOrganizationsNotInUseException') return null;
        return awsCall('organizations:DescribeOrganization', accountId, () => Promise.reject(error));
      }
      const o = org.Organization;
      if (!o?.Id || !o.MasterAccountId) {
        throw new CollectError('organizations:DescribeOrganization returned no organization id', {
          action: 'organizations:DescribeOrganization',
          accountId,
        });
      }
      const roots = await this.send('organizations:ListRoots', accountId, () =>
        this.client.send(new ListRootsCommand({})),
      );
      const scpEnabled = (roots.Roots ?? []).some((root) =>
        (root.PolicyTypes ?? []).some((t) => t.Type === 'SERVICE_CONTROL_POLICY' && t.Status === 'ENABLED'),
      );
      return {
        id: o.Id,
        managementAccountId: o.MasterAccountId,
        featureSet: o.FeatureSet ?? 'UNKNOWN',
        scpEnabled,
      };
    });
  }

  /** The parent of a child (account or OU); exactly one per child in Organizations. */
  parentOf(childId: string, accountId: string): Promise<{ id: string; type: TargetType }> {
    return this.cached(`parent|${childId}`, async () => {
      const out = await this.send('organizations:ListParents', accountId, () =>
        this.client.send(new ListParentsCommand({ ChildId: childId })),
      );
      const parent = out.Parents?.[0];
      if (!parent?.Id || (parent.Type !== 'ORGANIZATIONAL_UNIT' && parent.Type !== 'ROOT')) {
        throw new CollectError(`organizations:ListParents returned no parent for ${childId}`, {
          action: 'organizations:ListParents',
          accountId,
        });
      }
      return { id: parent.Id, type: parent.Type };
    });
  }

  /** The account, then every OU above it, then the organization root. */
  async ancestry(accountId: string): Promise<Array<{ id: string; type: TargetType }>> {
    const chain: Array<{ id: string; type: TargetType }> = [{ id: accountId, type: 'ACCOUNT' }];
    // Organizations nests OUs at most five deep; the bound guards against a malformed answer looping.
    for (let depth = 0; depth < 10; depth++) {
      const current = chain[chain.length - 1];
      if (!current || current.type === 'ROOT') return chain;
      chain.push(await this.parentOf(current.id, accountId));
    }
    throw new CollectError(`organization tree above ${accountId} is deeper than Organizations allows`, {
      action: 'organizations:ListParents',
      accountId,
    });
  }

  /** Ids and names of the SCPs attached directly to a target (every page). */
  attachedScps(targetId: string, accountId: string): Promise<Array<{ id: string; name: string }>> {
    return this.cached(`scps|${targetId}`, async () => {
      const policies = await awsPageItems(
        'organizations:ListPoliciesForTarget',
        accountId,
        (token: string | undefined) => {
          this.calls++;
          return this.client.send(
            new ListPoliciesForTargetCommand({
              TargetId: targetId,
              Filter: 'SERVICE_CONTROL_POLICY',
              NextToken: token,
            }),
          );
        },
        (page) => page.NextToken,
        (page) => page.Policies,
      );
      return policies.flatMap((p) => (p.Id ? [{ id: p.Id, name: p.Name ?? p.Id }] : []));
    });
  }

  describePolicy(policyId: string, accountId: string): Promise<PolicyFacts> {
    return this.cached(`policy|${policyId}`, async () => {
      const out = await this.send('organizations:DescribePolicy', accountId, () =>
        this.client.send(new DescribePolicyCommand({ PolicyId: policyId })),
      );
      const content = out.Policy?.Content;
      if (content === undefined) {
        throw new CollectError(`organizations:DescribePolicy returned no content for ${policyId}`, {
          action: 'organizations:DescribePolicy',
          accountId,
        });
      }
      return { id: policyId, name: out.Policy?.PolicySummary?.Name ?? policyId, content };
    });
  }

  /** Every SCP that applies to the account, grouped by where it is attached (account first). */
  async scpChain(accountId: string): Promise<TargetPolicies[]> {
    const chain = await this.ancestry(accountId);
    return Promise.all(
      chain.map(async (target) => {
        const attached = await this.attachedScps(target.id, accountId);
        const policies = await Promise.all(attached.map((p) => this.describePolicy(p.id, accountId)));
        return { targetId: target.id, targetType: target.type, policies };
      }),
    );
  }
}
