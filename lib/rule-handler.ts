/**
 * The one Lambda handler every rule uses: parse the Config event, validate parameters against rule.json,
 * build clients (assuming the execution role in the evaluated account when asked), collect facts,
 * evaluate them with the rule's pure function and send the evaluations to Config.
 *
 * When the account cannot be judged (bad parameters, a failed read) the account is reported
 * NON_COMPLIANT with an annotation saying why, and the invocation still fails with the typed error so
 * the Lambda error metric and logs show it too. A failed read never yields COMPLIANT.
 *
 * Before anything is done on the account's behalf, the membership guard (`checkMembership`) accepts only
 * invocations whose account, execution role and Config rule all belong to the organization (read from the
 * shared snapshot, lib/org-snapshot-store.ts) or all to this function's own account. Config's invoke
 * permission cannot be limited to the organization (ARCHITECTURE.md, decision 1), so anyone's rule could call this function: a
 * refused invocation gets no AssumeRole, no read and no evaluation, only a warning and ForeignInvocations.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Context } from 'aws-lambda';
import { ClientFactory } from './clients';
import { type ConfigRuleInvocation, parseConfigRuleEvent } from './config-event';
import { errorMessage, InvalidRuleParametersError, RootGuardError } from './errors';
import { nonCompliant, notApplicable, type RuleEvaluation } from './evaluation';
import { logger, metrics } from './logger';
import { buildOrgSnapshot, isOrganizationMember, type OrgSnapshot } from './org-snapshot';
import { type OrgSnapshotReader, orgSnapshotReaderFromEnv } from './org-snapshot-store';
import { executionRoleNameOf, parseRuleParameters, type RuleParameters } from './parameters';
import { accountOfArn, type Partition, roleArn } from './partition';
import { putEvaluations } from './put-evaluations';
import { loadRuleMetadata, type RuleMetadata } from './rule-metadata';

/** What a pure evaluate function may know besides the facts: no clock, no environment. */
export interface EvaluateContext {
  accountId: string;
  partition: Partition;
  /** The event's notificationCreationTime: "now" for any age computation. */
  evaluationTime: string;
}

export interface CollectContext<P> extends EvaluateContext {
  region: string;
  params: P;
  clients: ClientFactory;
  /** Credentials for reading the evaluated account: the assumed execution role, or undefined for our own. */
  accountCredentials: AwsCredentialIdentity | undefined;
  /** The organization snapshot: the one the membership guard read, or read on first use; never read twice. */
  orgSnapshot(): Promise<OrgSnapshot>;
}

export type Collect<F, P> = (ctx: CollectContext<P>) => Promise<F>;
export type Evaluate<F, P> = (facts: F, params: P, ctx: EvaluateContext) => RuleEvaluation[];

export interface RuleDefinition<F, P> {
  metadata: unknown;
  collect: Collect<F, P>;
  evaluate: Evaluate<F, P>;
}

export interface RuleHandlerOptions {
  /** Client factory to use instead of one built from AWS_REGION (tests, the CLI). */
  clientFactory?: ClientFactory;
  /** Pause between PutEvaluations retries. */
  retryDelayMs?: number;
  /** Organization snapshot reader to use instead of orgSnapshotReaderFromEnv (tests). */
  orgSnapshotReader?: OrgSnapshotReader;
}

export interface RuleHandlerResult {
  ruleId: string;
  accountId: string;
  evaluations: RuleEvaluation[];
  /** Why the membership guard refused the invocation (nothing was read or sent). */
  refused?: string;
}

export type RuleHandler = (event: unknown, context?: Partial<Context>) => Promise<RuleHandlerResult>;

const factories = new Map<string, ClientFactory>();
function defaultFactory(region: string): ClientFactory {
  let factory = factories.get(region);
  if (!factory) {
    factory = new ClientFactory({ region });
    factories.set(region, factory);
  }
  return factory;
}

/** An account that could not be judged: NON_COMPLIANT, with the reason. */
export function unverifiable(accountId: string, error: unknown): RuleEvaluation {
  const reason = error instanceof RootGuardError ? error.message : errorMessage(error);
  return nonCompliant(accountId, `could not be evaluated, ${reason}`);
}

export function createRuleHandler<F, P = RuleParameters>(
  rule: RuleDefinition<F, P>,
  options: RuleHandlerOptions = {},
): RuleHandler {
  const metadata: RuleMetadata = loadRuleMetadata(rule.metadata);

  return async (event, context) => {
    const lambdaRegion = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const invocation = parseConfigRuleEvent(event, lambdaRegion);
    const { accountId } = invocation;
    logger.appendKeys({ ruleId: metadata.id, accountId });
    try {
      const clients = options.clientFactory ?? defaultFactory(invocation.region);
      const snapshotReader = () => options.orgSnapshotReader ?? orgSnapshotReaderFromEnv(clients);
      const membership = await checkMembership(
        invocation,
        accountOfArn(context?.invokedFunctionArn),
        snapshotReader,
      ).catch((error: unknown) => {
        // No snapshot, no verdict: Config keeps the account's last result, and the alarm on EvaluationFailures
        // says why. Never COMPLIANT, never "foreign" on a guess.
        logger.error('Cannot read the organization snapshot; no evaluation sent', { error: error as Error });
        metrics.addMetric('EvaluationFailures', 'Count', 1);
        throw error;
      });
      if (!membership.accepted) {
        // The raw event is never logged: it is not ours, and may be crafted.
        logger.warn('Refused an invocation from outside the organization; nothing read or sent', {
          refusedAccount: membership.account,
          reason: membership.reason,
        });
        metrics.addMetric('ForeignInvocations', 'Count', 1);
        return { ruleId: metadata.id, accountId, evaluations: [], refused: membership.reason };
      }
      let snapshot: Promise<OrgSnapshot> | undefined =
        membership.snapshot && Promise.resolve(membership.snapshot);
      const orgSnapshot = () => {
        snapshot ??= readSnapshot(snapshotReader(), clients, accountId);
        return snapshot;
      };

      let params: P | undefined;
      let failure: unknown;
      try {
        params = parseRuleParameters(metadata, invocation.rawParameters, accountId) as P;
      } catch (error) {
        failure = error;
      }

      const roleName = params
        ? (params as RuleParameters).ExecutionRoleName
        : executionRoleNameOf(invocation.rawParameters);
      // Without the role no evaluation can reach Config, which then keeps the account's previous result:
      // count the failure so an alarm on EvaluationFailures catches a stale COMPLIANT.
      const accountCredentials =
        typeof roleName === 'string'
          ? await clients
              .assumeRole(
                roleArn(invocation.partition, accountId, roleName),
                `rootguard-${metadata.id}`,
                accountId,
              )
              .catch((error: unknown) => {
                logger.error('Cannot assume the execution role; no evaluation sent', {
                  error: error as Error,
                });
                metrics.addMetric('EvaluationFailures', 'Count', 1);
                throw error;
              })
          : undefined;

      const evaluations =
        failure === undefined && params !== undefined
          ? await judge(rule, metadata, invocation, params, {
              clients,
              accountCredentials,
              orgSnapshot,
            }).catch((error) => {
              failure = error;
              return [unverifiable(accountId, error)];
            })
          : [unverifiable(accountId, failure)];

      const config = clients.client(ConfigServiceClient, {
        credentials: accountCredentials,
        region: invocation.region,
      });
      await putEvaluations({
        client: config,
        resultToken: invocation.resultToken,
        testMode: invocation.testMode,
        orderingTimestamp: invocation.orderingTimestamp,
        evaluations,
        accountId,
        ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
      });
      for (const e of evaluations) metrics.addMetric(e.complianceType, 'Count', 1);

      if (failure !== undefined) {
        logger.error('Account could not be evaluated', {
          error: failure as Error,
          parametersInvalid: failure instanceof InvalidRuleParametersError,
        });
        metrics.addMetric('EvaluationFailures', 'Count', 1);
        throw failure;
      }
      logger.info('Evaluations sent', {
        results: evaluations.map((e) => ({ type: e.complianceType, annotation: e.annotation })),
        testMode: invocation.testMode,
      });
      return { ruleId: metadata.id, accountId, evaluations };
    } finally {
      metrics.publishStoredMetrics();
      logger.removeKeys(['ruleId', 'accountId']);
    }
  };
}

async function judge<F, P>(
  rule: RuleDefinition<F, P>,
  metadata: RuleMetadata,
  invocation: ConfigRuleInvocation,
  params: P,
  io: Pick<CollectContext<P>, 'clients' | 'accountCredentials' | 'orgSnapshot'>,
): Promise<RuleEvaluation[]> {
  const { accountId, partition } = invocation;
  if (invocation.eventLeftScope) {
    return [notApplicable(accountId, `left the scope of ${metadata.id}`)];
  }
  const evaluateContext: EvaluateContext = {
    accountId,
    partition,
    evaluationTime: invocation.notificationCreationTime,
  };
  const facts = await rule.collect({
    ...evaluateContext,
    region: invocation.region,
    params,
    ...io,
  });
  return rule.evaluate(facts, params, evaluateContext);
}

// ---- The membership guard ----------------------------------------------------------------------------

export type Membership =
  | { accepted: true; snapshot: OrgSnapshot | undefined }
  | { accepted: false; reason: string; account: string | undefined };

/**
 * Accepts the invocation when the evaluated account, the execution role's account and the Config rule's
 * account are all this function's own account (nothing read), or all members of the organization snapshot.
 * Throws when the snapshot cannot be read.
 */
export async function checkMembership(
  invocation: Pick<ConfigRuleInvocation, 'accountId' | 'executionRoleArn' | 'configRuleArn'>,
  ownAccount: string | undefined,
  reader: () => OrgSnapshotReader | undefined,
): Promise<Membership> {
  const claimed: Array<[string, string | undefined]> = [
    ['executionRoleArn', invocation.executionRoleArn],
    ['configRuleArn', invocation.configRuleArn],
  ];
  const accounts = new Map<string, string>([[invocation.accountId, 'accountId']]);
  for (const [field, arn] of claimed) {
    if (arn === undefined)
      return { accepted: false, reason: `the event has no ${field}`, account: undefined };
    const account = accountOfArn(arn);
    if (account === undefined) {
      return { accepted: false, reason: `the event's ${field} names no account`, account: undefined };
    }
    if (!accounts.has(account)) accounts.set(account, field);
  }
  if (ownAccount !== undefined && [...accounts.keys()].every((a) => a === ownAccount)) {
    return { accepted: true, snapshot: undefined };
  }
  const snapshotReader = reader();
  if (!snapshotReader) {
    return {
      accepted: false,
      reason:
        "no organization snapshot store is configured (ORG_SNAPSHOT_BUCKET), so only this function's own account is accepted",
      account: [...accounts.keys()].find((a) => a !== ownAccount),
    };
  }
  const snapshot = await snapshotReader.read({ expectMembers: [...accounts.keys()] });
  for (const [account, field] of accounts) {
    if (!isOrganizationMember(snapshot, account)) {
      const org = snapshot.organization ? `organization ${snapshot.organization.id}` : 'any organization';
      return { accepted: false, reason: `account ${account} (${field}) is not a member of ${org}`, account };
    }
  }
  return { accepted: true, snapshot };
}

/**
 * The snapshot for collect when the guard did not read one (own account). Without a store (single-account
 * mode, where the guard accepts only the function's own account) it is built here, with this function's
 * own Organizations and IAM credentials (as `scan --org` and the builder read), and shared with nothing.
 */
function readSnapshot(
  reader: OrgSnapshotReader | undefined,
  clients: ClientFactory,
  accountId: string,
): Promise<OrgSnapshot> {
  if (reader) return reader.read({ expectMembers: [accountId] });
  return buildOrgSnapshot(clients.client(OrganizationsClient), { iam: clients.client(IAMClient) });
}
