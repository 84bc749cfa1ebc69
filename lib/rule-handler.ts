/**
 * The one Lambda handler every rule uses: parse the Config event, validate parameters against rule.json,
 * build clients (assuming the execution role in the evaluated account when asked), collect facts,
 * evaluate them with the rule's pure function and send the evaluations to Config.
 *
 * When the account cannot be judged (bad parameters, a failed read) the account is reported
 * NON_COMPLIANT with an annotation saying why, and the invocation still fails with the typed error so
 * the Lambda error metric and logs show it too. A failed read never yields COMPLIANT.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Context } from 'aws-lambda';
import { ClientFactory } from './clients';
import { type ConfigRuleInvocation, parseConfigRuleEvent } from './config-event';
import { errorMessage, InvalidRuleParametersError, RootGuardError } from './errors';
import { nonCompliant, notApplicable, type RuleEvaluation } from './evaluation';
import { logger, metrics } from './logger';
import { executionRoleNameOf, parseRuleParameters, type RuleParameters } from './parameters';
import { type Partition, roleArn } from './partition';
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
}

export interface RuleHandlerResult {
  ruleId: string;
  accountId: string;
  evaluations: RuleEvaluation[];
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

  return async (event) => {
    const lambdaRegion = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const invocation = parseConfigRuleEvent(event, lambdaRegion);
    const { accountId } = invocation;
    logger.appendKeys({ ruleId: metadata.id, accountId });
    try {
      const clients = options.clientFactory ?? defaultFactory(invocation.region);

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
          ? await judge(rule, metadata, invocation, params, clients, accountCredentials).catch((error) => {
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
  clients: ClientFactory,
  accountCredentials: AwsCredentialIdentity | undefined,
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
    clients,
    accountCredentials,
  });
  return rule.evaluate(facts, params, evaluateContext);
}
