/**
 * The core of attach-deny-root-scp: reads the organization with lib's OrgReader (the reads the root-deny-scp rule
 * makes) plus organizations:ListPolicies, lets plan.ts decide, and carries the plan out unless it is a dry run.
 * Takes an OrganizationsClient whose credentials can write SCPs (the management account, or a delegated
 * administrator for policy management); the handler builds it, tests pass one directly.
 *
 * Idempotent: a second run finds the SCP in the chain and changes nothing; a run that stopped between
 * CreatePolicy and AttachPolicy finds its own policy with ListPolicies and attaches it (no second copy); an
 * attachment made meanwhile (DuplicatePolicyAttachmentException) counts as done.
 */
import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  ListPoliciesCommand,
  ListTagsForResourceCommand,
  type OrganizationsClient,
  TagResourceCommand,
} from '@aws-sdk/client-organizations';
import { denyRootPolicyDocument } from '../../lib/deny-root-policy';
import { awsCall, awsPageItems, CollectError, errorMessage, errorName } from '../../lib/errors';
import { OrgReader, type TargetPolicies } from '../../lib/org-tree';
import type { Partition } from '../../lib/partition';
import { AttachRefusedError, ScpQuotaError } from './errors';
import {
  type AttachPlan,
  type CandidatePolicy,
  choosePolicy,
  describeTarget,
  isDenyRootOnly,
  organizationRefusal,
  planAttachment,
  type Target,
} from './plan';

export const SCP_TYPE = 'SERVICE_CONTROL_POLICY';
export const POLICY_DESCRIPTION =
  'rootguard: denies every action to the root user of member accounts; sts:AssumeRoot sessions (aws:AssumedRoot) are exempt.';
export const POLICY_TAGS = [{ Key: 'app', Value: 'rootguard' }];

export interface AttachRequest {
  accountId: string;
  /** Undefined: the account itself; else an OU or root id above it. */
  targetId: string | undefined;
  /** The AllowOrganizationalTarget confirmation an OU or root TargetId needs (plan.ts). */
  allowOrganizationalTarget: boolean;
  policyName: string;
  dryRun: boolean;
}

export interface AttachOptions {
  partition: Partition;
  /** Separates OrgReader caches of different credentials (the role ARN, or 'self'). */
  namespace?: string;
}

export type AttachStatus = 'already-protected' | 'attached' | 'dry-run';

export interface AttachResult {
  status: AttachStatus;
  /** The document's branch goes on to an approval only with route act (a security tooling account record). */
  route: 'act';
  accountId: string;
  /** Where the deny-root SCP is (already-protected), was attached (attached) or would be attached (dry-run). */
  targetId: string;
  /** Undefined only in a dry run that would create the policy. */
  policyId: string | undefined;
  policyName: string;
  /** What was done, or in a dry run what would be done; empty when nothing is (or was) needed. */
  actions: string[];
  message: string;
}

const NOT_A_MEMBER_ERRORS = new Set(['ChildNotFoundException', 'AccountNotFoundException']);

/** The account's ancestry, or undefined when Organizations says the account is not in it. */
async function ancestryOf(reader: OrgReader, accountId: string): Promise<Target[] | undefined> {
  try {
    return await reader.ancestry(accountId);
  } catch (error) {
    const cause = error instanceof CollectError ? error.cause : error;
    if (NOT_A_MEMBER_ERRORS.has(errorName(cause))) return undefined;
    throw error;
  }
}

/** awsPages' `next` for the Organizations lists below. */
const nextToken = (page: { NextToken?: string }) => page.NextToken;

/** Customer-managed SCP summaries of the organization (every page); AWS-managed ones (FullAWSAccess) skipped. */
async function listCustomerScps(
  client: OrganizationsClient,
  accountId: string,
): Promise<Array<{ id: string; name: string }>> {
  const read = (NextToken: string | undefined) =>
    client.send(new ListPoliciesCommand({ Filter: SCP_TYPE, NextToken }));
  const action = 'organizations:ListPolicies';
  const policies = await awsPageItems(action, accountId, read, nextToken, (p) => p.Policies);
  return policies.flatMap((p) => (p.Id && !p.AwsManaged ? [{ id: p.Id, name: p.Name ?? p.Id }] : []));
}

/** True when the policy carries rootguard's tag (POLICY_TAGS: app=rootguard). */
async function isRootguardTagged(client: OrganizationsClient, policyId: string, accountId: string) {
  const read = (NextToken: string | undefined) =>
    client.send(new ListTagsForResourceCommand({ ResourceId: policyId, NextToken }));
  const action = 'organizations:ListTagsForResource';
  const tags = await awsPageItems(action, accountId, read, nextToken, (p) => p.Tags);
  return POLICY_TAGS.every((wanted) => tags.some((t) => t.Key === wanted.Key && t.Value === wanted.Value));
}

/**
 * Reads existing SCPs one at a time, the one named PolicyName first, and stops at the first one plan.ts would
 * reuse: the usual organization has a handful, and the one rootguard made is found by its name at once. The tags
 * of a policy are read only when they can matter: its content denies nothing but root (plan.ts isReusable), and
 * an existing canonical policy needs them too (untagged, it is tagged before it is attached).
 */
async function readCandidates(
  client: OrganizationsClient,
  reader: OrgReader,
  request: AttachRequest,
  partition: Partition,
): Promise<CandidatePolicy[]> {
  const summaries = await listCustomerScps(client, request.accountId);
  const ordered = [
    ...summaries.filter((s) => s.name === request.policyName),
    ...summaries.filter((s) => s.name !== request.policyName),
  ];
  const read: CandidatePolicy[] = [];
  for (const summary of ordered) {
    const facts = await reader.describePolicy(summary.id, request.accountId);
    const rootOnly = isDenyRootOnly(facts.content, partition, request.accountId);
    read.push({
      ...facts,
      rootguardTagged: rootOnly ? await isRootguardTagged(client, facts.id, request.accountId) : undefined,
    });
    if (choosePolicy(read, request.policyName, partition, request.accountId).kind === 'reuse') break;
  }
  return read;
}

/** Gathers what plan.ts needs, stopping as soon as the answer is known (a refusal, or already protected). */
export async function planFor(
  client: OrganizationsClient,
  request: AttachRequest,
  options: AttachOptions,
): Promise<AttachPlan> {
  const { accountId } = request;
  const reader = new OrgReader(client, options.namespace ?? 'self');
  const base = {
    accountId,
    partition: options.partition,
    requestedTargetId: request.targetId,
    allowOrganizationalTarget: request.allowOrganizationalTarget,
    policyName: request.policyName,
  };
  const organization = await reader.describeOrganization(accountId);
  const early = { ...base, organization, ancestry: [] as Target[], chain: [], existingPolicies: [] };
  if (organizationRefusal(organization, accountId)) return planAttachment(early);

  const ancestry = await ancestryOf(reader, accountId);
  if (!ancestry) return planAttachment({ ...early, ancestry: undefined });
  const chain: TargetPolicies[] = await reader.scpChain(accountId);
  const known = planAttachment({ ...early, ancestry, chain });
  if (known.kind !== 'attach') return known;

  const existingPolicies = await readCandidates(client, reader, request, options.partition);
  return planAttachment({ ...early, ancestry, chain, existingPolicies });
}

/** ConstraintViolationException → a message that says which quota and what to do; anything else → awsCall's. */
async function write<T>(action: string, accountId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (errorName(error) !== 'ConstraintViolationException') {
      return awsCall(action, accountId, () => Promise.reject(error));
    }
    const limit = String((error as { Reason?: unknown }).Reason ?? 'UNKNOWN');
    const advice: Record<string, string> = {
      MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED:
        'the target already has the most SCPs Organizations allows (5 per root, OU or account). Attach the ' +
        'deny-root SCP one level up (TargetId = the parent OU or the root), detach an SCP the target no longer ' +
        'needs, or add the deny-root statement to one of its SCPs',
      POLICY_NUMBER_LIMIT_EXCEEDED:
        'the organization already has the most SCPs it may hold. Delete an unused SCP, or put the deny-root ' +
        'statement into an existing one',
      POLICY_CONTENT_LIMIT_EXCEEDED: 'the policy document is larger than Organizations allows for an SCP',
    };
    throw new ScpQuotaError(
      `${action} for account ${accountId} refused by Organizations (${limit}): ${
        advice[limit] ?? errorMessage(error)
      }.`,
      { accountId, limit, cause: error },
    );
  }
}

async function createPolicy(
  client: OrganizationsClient,
  name: string,
  accountId: string,
  partition: Partition,
): Promise<string> {
  const out = await write('organizations:CreatePolicy', accountId, () =>
    client.send(
      new CreatePolicyCommand({
        Name: name,
        Description: POLICY_DESCRIPTION,
        Type: SCP_TYPE,
        Content: JSON.stringify(denyRootPolicyDocument(partition)),
        Tags: POLICY_TAGS,
      }),
    ),
  );
  const id = out.Policy?.PolicySummary?.Id;
  if (!id) {
    throw new CollectError(`organizations:CreatePolicy returned no policy id for "${name}"`, {
      action: 'organizations:CreatePolicy',
      accountId,
    });
  }
  return id;
}

/** True when the policy was attached now, false when Organizations says it already was. */
async function attachPolicy(
  client: OrganizationsClient,
  policyId: string,
  targetId: string,
  accountId: string,
): Promise<boolean> {
  try {
    await write('organizations:AttachPolicy', accountId, () =>
      client.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: targetId })),
    );
    return true;
  } catch (error) {
    if (error instanceof CollectError && errorName(error.cause) === 'DuplicatePolicyAttachmentException') {
      return false;
    }
    throw error;
  }
}

/** Plans, then (unless dry run) creates and attaches. Throws AttachRefusedError for a refused plan. */
export async function attachDenyRootScp(
  client: OrganizationsClient,
  request: AttachRequest,
  options: AttachOptions,
): Promise<AttachResult> {
  const { accountId } = request;
  const plan = await planFor(client, request, options);
  if (plan.kind === 'refuse') {
    throw new AttachRefusedError(plan.refusal.message, { accountId, reason: plan.refusal.reason });
  }
  if (plan.kind === 'already-protected') {
    return {
      route: 'act',
      status: 'already-protected',
      accountId,
      targetId: plan.protection.target.id,
      policyId: plan.protection.policy.id,
      policyName: plan.protection.policy.name,
      actions: [],
      message: plan.message,
    };
  }
  if (request.dryRun) {
    return {
      route: 'act',
      status: 'dry-run',
      accountId,
      targetId: plan.target.id,
      policyId: plan.policy.id,
      policyName: plan.policy.name,
      actions: plan.actions,
      message: `Dry run, nothing changed. Would: ${plan.actions.join('; ')}.`,
    };
  }

  const done: string[] = [];
  let policyId = plan.policy.id;
  if (policyId && plan.policy.tag) {
    // The SCP role may attach only policies tagged app=rootguard (management-account.yaml); plan.ts tags only a
    // policy whose content is the canonical deny-root document.
    await write('organizations:TagResource', accountId, () =>
      client.send(new TagResourceCommand({ ResourceId: policyId as string, Tags: POLICY_TAGS })),
    );
    done.push(`tagged SCP ${policyId} app=rootguard`);
  }
  if (!policyId) {
    policyId = await createPolicy(client, plan.policy.name, accountId, options.partition);
    done.push(`created SCP ${policyId} ("${plan.policy.name}")`);
  }
  const where = describeTarget(plan.target);
  const attached = await attachPolicy(client, policyId, plan.target.id, accountId);
  if (!attached) {
    return {
      route: 'act',
      status: 'already-protected',
      accountId,
      targetId: plan.target.id,
      policyId,
      policyName: plan.policy.name,
      actions: done,
      message: `SCP ${policyId} (${plan.policy.name}) was already attached to ${where}; account ${accountId} is protected.`,
    };
  }
  done.push(`attached SCP ${policyId} to ${where}`);
  return {
    route: 'act',
    status: 'attached',
    accountId,
    targetId: plan.target.id,
    policyId,
    policyName: plan.policy.name,
    actions: done,
    message: `Attached SCP ${policyId} (${plan.policy.name}) to ${where}: every action of the root user of account ${accountId} is now denied.`,
  };
}
