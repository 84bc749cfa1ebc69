/**
 * How root-deny-scp collected its facts before the organization snapshot: each account's ancestry walked
 * bottom-up with lib/org-tree.ts's OrgReader (ListParents, ListPoliciesForTarget, DescribePolicy). No longer
 * on the production path; kept as the oracle of the differential test and the baseline of the bench, with
 * the rule judged both ways: over the walk's facts and over a snapshot (the rule's own collect).
 */
import { ClientFactory } from '../../lib/clients';
import { CollectError, errorName } from '../../lib/errors';
import type { RuleEvaluation } from '../../lib/evaluation';
import type { OrgSnapshot } from '../../lib/org-snapshot';
import type { OrgReader } from '../../lib/org-tree';
import type { CollectContext, EvaluateContext } from '../../lib/rule-handler';
import { collect } from '../../rules/root-deny-scp/collect';
import { evaluate, type RootDenyScpFacts, type RootDenyScpParams } from '../../rules/root-deny-scp/evaluate';
import { NOTIFICATION_TIME, REGION } from './constants';

export async function collectRootDenyScpByWalk(
  reader: OrgReader,
  accountId: string,
): Promise<RootDenyScpFacts> {
  const organization = await reader.describeOrganization(accountId);
  const skipTree =
    !organization ||
    organization.managementAccountId === accountId ||
    organization.featureSet !== 'ALL' ||
    !organization.scpEnabled;
  if (skipTree) return { organization, accountInOrganization: organization !== null, chain: [] };
  try {
    return { organization, accountInOrganization: true, chain: await reader.scpChain(accountId) };
  } catch (error) {
    const cause = error instanceof CollectError ? error.cause : error;
    if (errorName(cause) === 'ChildNotFoundException') {
      return { organization, accountInOrganization: false, chain: [] };
    }
    throw error;
  }
}

const evaluateContext = (accountId: string): EvaluateContext => ({
  accountId,
  partition: 'aws',
  evaluationTime: NOTIFICATION_TIME,
});

/** root-deny-scp's evaluations for `accountId` over the ancestry walk's facts. */
export async function rootDenyScpByWalk(
  reader: OrgReader,
  accountId: string,
  params: RootDenyScpParams = {},
): Promise<RuleEvaluation[]> {
  return evaluate(await collectRootDenyScpByWalk(reader, accountId), params, evaluateContext(accountId));
}

/** root-deny-scp's evaluations for `accountId` through its own collect over `snapshot`. */
export async function rootDenyScpFromSnapshot(
  snapshot: OrgSnapshot,
  accountId: string,
  params: RootDenyScpParams = {},
  clients: ClientFactory = new ClientFactory({ region: REGION }),
): Promise<RuleEvaluation[]> {
  const ctx: CollectContext<RootDenyScpParams> = {
    ...evaluateContext(accountId),
    region: clients.region,
    params,
    clients,
    accountCredentials: undefined,
    orgSnapshot: async () => snapshot,
  };
  return evaluate(await collect(ctx), params, ctx);
}

/** One line per evaluation, to compare two ways of judging: compliance type and annotation. */
export const verdictOf = (evaluations: readonly RuleEvaluation[]): string =>
  evaluations.map((e) => `${e.complianceType} ${e.annotation}`).join(' | ');
