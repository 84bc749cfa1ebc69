/**
 * An in-memory AWS Organizations that answers, from a tree model, the calls both ways of reading the
 * organization make: top-down for the snapshot (ListRoots, ListOrganizationalUnitsForParent,
 * ListAccountsForParent, ListPolicies, DescribePolicy, ListTargetsForPolicy) and bottom-up for
 * the ancestry walk (ListParents, ListPoliciesForTarget). Lists are paged as Organizations pages them by
 * default (PAGE_SIZE items, NextToken), so both readers meet real pagination. Installed at the SDK boundary
 * (aws-sdk-client-mock) and shared by the differential test and the bench.
 *
 * A target's policies are listed in the order the policies were created, by ListPoliciesForTarget as by
 * ListPolicies: Organizations documents no order, and one consistent order keeps the annotation's "first
 * deny-root SCP on the nearest target" comparable between the two readers.
 */
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListPoliciesCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { OrganizationFacts } from '../../lib/org-tree';

/** Organizations' default page size for accounts, OUs, policies and targets. */
export const PAGE_SIZE = 20;

type NodeType = 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';

const awsError = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });

function page<T>(key: string, items: readonly T[], token: string | undefined) {
  const offset = token === undefined ? 0 : Number(token.slice(key.length + 1));
  const next = offset + PAGE_SIZE < items.length ? `${key}:${offset + PAGE_SIZE}` : undefined;
  return { items: items.slice(offset, offset + PAGE_SIZE), next };
}

export class FakeOrganization {
  readonly rootId: string;
  /** Node id → its type and parent (undefined for the root). */
  private readonly nodes = new Map<string, { type: NodeType; parentId: string | undefined }>();
  private readonly children = new Map<string, string[]>();
  /** Policy id → its name and content, in creation order. */
  readonly policies = new Map<string, { name: string; content: string; targets: string[] }>();

  constructor(
    /** Null: the caller is in no organization. */
    public organization: OrganizationFacts | null,
    rootId: string,
  ) {
    this.rootId = rootId;
    this.nodes.set(rootId, { type: 'ROOT', parentId: undefined });
    this.children.set(rootId, []);
    if (organization) this.addAccount(organization.managementAccountId, rootId);
  }

  private addChild(id: string, type: NodeType, parentId: string): string {
    if (this.nodes.has(id)) throw new Error(`fake organizations: ${id} exists`);
    const parent = this.nodes.get(parentId);
    if (!parent || parent.type === 'ACCOUNT') throw new Error(`fake organizations: no parent ${parentId}`);
    this.nodes.set(id, { type, parentId });
    this.children.get(parentId)?.push(id);
    if (type !== 'ACCOUNT') this.children.set(id, []);
    return id;
  }

  addOu(id: string, parentId: string): string {
    return this.addChild(id, 'ORGANIZATIONAL_UNIT', parentId);
  }

  addAccount(id: string, parentId: string): string {
    return this.addChild(id, 'ACCOUNT', parentId);
  }

  /** MoveAccount: the account leaves its parent's children and joins the destination's. */
  moveAccount(id: string, destinationId: string): void {
    const node = this.nodes.get(id);
    if (node?.type !== 'ACCOUNT' || node.parentId === undefined) throw new Error(`fake: no account ${id}`);
    const siblings = this.children.get(node.parentId) ?? [];
    siblings.splice(siblings.indexOf(id), 1);
    this.children.get(destinationId)?.push(id);
    node.parentId = destinationId;
  }

  definePolicy(id: string, name: string, content: string): string {
    this.policies.set(id, { name, content, targets: [] });
    return id;
  }

  attach(policyId: string, targetId: string): void {
    const policy = this.policies.get(policyId);
    if (!policy || !this.nodes.has(targetId))
      throw new Error(`fake: cannot attach ${policyId} to ${targetId}`);
    if (!policy.targets.includes(targetId)) policy.targets.push(targetId);
  }

  get accounts(): string[] {
    return [...this.nodes].filter(([, n]) => n.type === 'ACCOUNT').map(([id]) => id);
  }

  get ous(): string[] {
    return [...this.nodes].filter(([, n]) => n.type === 'ORGANIZATIONAL_UNIT').map(([id]) => id);
  }

  /** OU levels below the root (the root's own OUs are at depth 1). */
  depthOf(id: string): number {
    let depth = 0;
    for (let n = this.nodes.get(id); n?.parentId !== undefined; n = this.nodes.get(n.parentId)) depth++;
    return depth;
  }

  private childrenOf(parentId: string, type: NodeType): string[] {
    const list = this.children.get(parentId);
    if (!list) throw awsError('ParentNotFoundException', `no parent ${parentId}`);
    return list.filter((id) => this.nodes.get(id)?.type === type);
  }

  private summary(id: string) {
    const p = this.policies.get(id);
    if (!p) throw awsError('PolicyNotFoundException', `no policy ${id}`);
    return {
      Id: id,
      Name: p.name,
      Type: 'SERVICE_CONTROL_POLICY' as const,
      AwsManaged: id === 'p-FullAWSAccess',
    };
  }

  private inOrganization() {
    if (!this.organization) throw awsError('AWSOrganizationsNotInUseException', 'not in an organization');
    return this.organization;
  }

  // ---- The answers, by command ----

  describeOrganization() {
    const o = this.inOrganization();
    return {
      Organization: { Id: o.id, MasterAccountId: o.managementAccountId, FeatureSet: o.featureSet as 'ALL' },
    };
  }

  listRoots() {
    const o = this.inOrganization();
    const types = o.scpEnabled
      ? [{ Type: 'SERVICE_CONTROL_POLICY' as const, Status: 'ENABLED' as const }]
      : [];
    return { Roots: [{ Id: this.rootId, Name: 'Root', PolicyTypes: types }] };
  }

  listParents(input: { ChildId?: string }) {
    const node = this.nodes.get(input.ChildId ?? '');
    if (!node?.parentId) throw awsError('ChildNotFoundException', `no child ${input.ChildId}`);
    const parentType = this.nodes.get(node.parentId)?.type as 'ROOT' | 'ORGANIZATIONAL_UNIT';
    return { Parents: [{ Id: node.parentId, Type: parentType }] };
  }

  listPoliciesForTarget(input: { TargetId?: string; NextToken?: string }) {
    const target = input.TargetId ?? '';
    if (!this.nodes.has(target)) throw awsError('TargetNotFoundException', `no target ${target}`);
    const attached = [...this.policies].filter(([, p]) => p.targets.includes(target)).map(([id]) => id);
    const { items, next } = page(`pft-${target}`, attached, input.NextToken);
    return { Policies: items.map((id) => this.summary(id)), NextToken: next };
  }

  describePolicy(input: { PolicyId?: string }) {
    const summary = this.summary(input.PolicyId ?? '');
    return { Policy: { PolicySummary: summary, Content: this.policies.get(summary.Id)?.content } };
  }

  listOrganizationalUnitsForParent(input: { ParentId?: string; NextToken?: string }) {
    const parent = input.ParentId ?? '';
    const { items, next } = page(
      `ou-${parent}`,
      this.childrenOf(parent, 'ORGANIZATIONAL_UNIT'),
      input.NextToken,
    );
    return { OrganizationalUnits: items.map((id) => ({ Id: id, Name: `name-${id}` })), NextToken: next };
  }

  listAccountsForParent(input: { ParentId?: string; NextToken?: string }) {
    const parent = input.ParentId ?? '';
    const { items, next } = page(`acct-${parent}`, this.childrenOf(parent, 'ACCOUNT'), input.NextToken);
    return {
      Accounts: items.map((id) => ({ Id: id, Name: `name-${id}`, Status: 'ACTIVE' as const })),
      NextToken: next,
    };
  }

  listPolicies(input: { NextToken?: string }) {
    this.inOrganization();
    const { items, next } = page('policies', [...this.policies.keys()], input.NextToken);
    return { Policies: items.map((id) => this.summary(id)), NextToken: next };
  }

  listTargetsForPolicy(input: { PolicyId?: string; NextToken?: string }) {
    const id = this.summary(input.PolicyId ?? '').Id;
    const targets = this.policies.get(id)?.targets ?? [];
    const { items, next } = page(`targets-${id}`, targets, input.NextToken);
    return {
      Targets: items.map((t) => ({ TargetId: t, Type: this.nodes.get(t)?.type, Name: `name-${t}` })),
      NextToken: next,
    };
  }
}

/** Wraps each answer (the bench adds latency and per-account counting); by default an async answer. */
export type AnswerWrapper = <T>(answer: () => T) => Promise<T>;

/** Answers every Organizations call `mock` receives from `org`. */
export function installFakeOrganizations(
  mock: AwsClientStub<OrganizationsClient>,
  org: FakeOrganization,
  wrap: AnswerWrapper = async (answer) => answer(),
): void {
  // biome-ignore lint/suspicious/noExplicitAny: each command's input type differs; the fake reads its fields.
  type Input = any;
  mock.on(DescribeOrganizationCommand).callsFake(() => wrap(() => org.describeOrganization()));
  mock.on(ListRootsCommand).callsFake(() => wrap(() => org.listRoots()));
  mock.on(ListParentsCommand).callsFake((i: Input) => wrap(() => org.listParents(i)));
  mock.on(ListPoliciesForTargetCommand).callsFake((i: Input) => wrap(() => org.listPoliciesForTarget(i)));
  mock.on(DescribePolicyCommand).callsFake((i: Input) => wrap(() => org.describePolicy(i)));
  mock
    .on(ListOrganizationalUnitsForParentCommand)
    .callsFake((i: Input) => wrap(() => org.listOrganizationalUnitsForParent(i)));
  mock.on(ListAccountsForParentCommand).callsFake((i: Input) => wrap(() => org.listAccountsForParent(i)));
  mock.on(ListPoliciesCommand).callsFake((i: Input) => wrap(() => org.listPolicies(i)));
  mock.on(ListTargetsForPolicyCommand).callsFake((i: Input) => wrap(() => org.listTargetsForPolicy(i)));
}
