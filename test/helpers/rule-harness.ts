/**
 * The one test harness for rule handlers: it drives a handler the way AWS Config does. Call `useRuleHarness`
 * at the top of a test file; before each test it resets every SDK mock it owns (aws-sdk-client-mock, at
 * Client#send) to the answers of a healthy account: Config accepts PutEvaluations, STS AssumeRole hands out
 * ASSUMED_CREDENTIALS, and the organization snapshot (useOrgSnapshot) lists the members. A test then
 * prepares what differs (`harness.mock(IAMClient).on(...)`), acts with `invoke` (or `invokeRejected`), which
 * builds a real-shaped scheduled Config event, and assesses the evaluations Config received (`sent`).
 *
 * Also here: the pieces every rule test shares around its pure evaluate and its collect (the evaluation
 * context, a collect context, the shape of an evaluation before and after PutEvaluations).
 */
import { ConfigServiceClient, type Evaluation, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { ClientFactory } from '../../lib/clients';
import { InvalidRuleParametersError } from '../../lib/errors';
import type { RuleEvaluation } from '../../lib/evaluation';
import type { OrgSnapshot } from '../../lib/org-snapshot';
import type {
  CollectContext,
  Evaluate,
  EvaluateContext,
  RuleHandler,
  RuleHandlerResult,
} from '../../lib/rule-handler';
import { type ScheduledEventOptions, scheduledEvent } from './config-events';
import { MEMBER_ACCOUNT, NOTIFICATION_TIME, REGION } from './constants';
import { type SnapshotOptions, unusedOrgSnapshot, useOrgSnapshot } from './org-snapshot';
import { assumedRole } from './sdk-mocks';

/** The ExecutionRoleName a test passes to make the handler assume a role in the evaluated account. */
export const EXECUTION_ROLE_NAME = 'RootGuardExecutionRole';
/** What the mocked STS AssumeRole answers. */
export const ASSUMED_CREDENTIALS = {
  AccessKeyId: 'ASIAASSUMEDROLE',
  SecretAccessKey: 'assumed-secret',
  SessionToken: 'assumed-token',
};

/** The evaluation context of MEMBER_ACCOUNT at the event's notification time. */
export const EVALUATE_CONTEXT: EvaluateContext = {
  accountId: MEMBER_ACCOUNT,
  partition: 'aws',
  evaluationTime: NOTIFICATION_TIME,
};

/** A collect context for MEMBER_ACCOUNT with the Lambda's own credentials and no organization snapshot. */
export function collectContext<P>(params: P, overrides: Partial<CollectContext<P>> = {}): CollectContext<P> {
  return {
    ...EVALUATE_CONTEXT,
    region: REGION,
    params,
    clients: new ClientFactory({ region: REGION }),
    accountCredentials: undefined,
    orgSnapshot: unusedOrgSnapshot,
    ...overrides,
  };
}

/** Runs a rule's pure evaluate, checks that it judged exactly one account, and returns that evaluation. */
export function judgeOne<F, P>(
  evaluate: Evaluate<F, P>,
  facts: F,
  params: P,
  ctx: EvaluateContext = EVALUATE_CONTEXT,
): RuleEvaluation | undefined {
  const [evaluation, ...rest] = evaluate(facts, params, ctx);
  expect(rest).toEqual([]);
  return evaluation;
}

type Annotation = string | ReturnType<typeof expect.stringMatching>;

/** An account-level evaluation as a rule's evaluate returns it. */
export const accountEvaluation = (
  complianceType: string,
  annotation: Annotation,
  accountId = MEMBER_ACCOUNT,
) => ({
  complianceResourceType: 'AWS::::Account',
  complianceResourceId: accountId,
  complianceType,
  annotation,
});

type Capitalised<T> = { [K in keyof T as Capitalize<K & string>]: T[K] };

/** The same evaluation as PutEvaluations carries it (the same fields, capitalised), at the event's notification time. */
export const sentEvaluation = (
  complianceType: string,
  annotation: Annotation,
  accountId = MEMBER_ACCOUNT,
): Capitalised<ReturnType<typeof accountEvaluation>> & { OrderingTimestamp: Date } => {
  const evaluation = accountEvaluation(complianceType, annotation, accountId);
  const fields = Object.entries(evaluation).map(([key, value]) => [
    key[0]?.toUpperCase() + key.slice(1),
    value,
  ]);
  return {
    ...(Object.fromEntries(fields) as Capitalised<typeof evaluation>),
    OrderingTimestamp: new Date(NOTIFICATION_TIME),
  };
};

/** The annotation of an account whose read of `action` was denied (the SDK's message may be anything). */
export const accessDeniedAnnotation = (action: string, accountId = MEMBER_ACCOUNT) =>
  expect.stringMatching(
    new RegExp(
      `^Account ${accountId}: could not be evaluated, Access denied calling ${action} in account ${accountId} \\(AccessDenied: .*\\)\\.$`,
    ),
  );

/** The annotation of an account whose read of `action` stayed throttled after the SDK's retries. */
export const throttledAnnotation = (action: string, error: string, accountId = MEMBER_ACCOUNT) =>
  `Account ${accountId}: could not be evaluated, Throttled calling ${action} in account ${accountId} after retries (${error}).`;

/**
 * What a run with bad rule parameters must end in: the handler rejects with InvalidRuleParametersError, and
 * Config got one NON_COMPLIANT evaluation with `annotation` (an exact text or a matcher), never COMPLIANT.
 */
export function expectParametersRefused(
  { error, sent }: { error: unknown; sent: Evaluation[] },
  annotation: Annotation,
): void {
  expect(error).toBeInstanceOf(InvalidRuleParametersError);
  expect(sent).toEqual([sentEvaluation('NON_COMPLIANT', annotation)]);
}

/** An error as the SDK throws it: what lib/errors.ts recognises is the name. */
export { sdkError } from './rejection';

/** A Lambda context of a rule function deployed in `accountId` (single-account mode when it is the evaluated one). */
export const deployedIn = (accountId: string): Partial<Context> => ({
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${accountId}:function:rootguard-rule`,
});

/** The credentials a mocked client was built with, read from the client of its first call. */
export async function credentialsOfFirstCall(
  calls: Array<{ thisValue: unknown }>,
): Promise<AwsCredentialIdentity> {
  const client = calls[0]?.thisValue as
    | { config: { credentials(): Promise<AwsCredentialIdentity> } }
    | undefined;
  if (!client) throw new Error('test: the client was never called');
  return client.config.credentials();
}

/** The ARN of EXECUTION_ROLE_NAME in `accountId`: the role a rule assumes to read the evaluated account. */
export const executionRoleArn = (accountId = MEMBER_ACCOUNT, partition = 'aws') =>
  `arn:${partition}:iam::${accountId}:role/${EXECUTION_ROLE_NAME}`;

/** Whether the first of a mock's `calls` was signed with the credentials AssumeRole handed out. */
export async function signedByAssumedRole(calls: Array<{ thisValue: unknown }>): Promise<boolean> {
  return (await credentialsOfFirstCall(calls)).accessKeyId === ASSUMED_CREDENTIALS.AccessKeyId;
}

/** One Config invocation: the scheduled event's options (account, Region, partition, parameters) and more. */
export interface RuleInvocation extends Partial<ScheduledEventOptions> {
  /** The Lambda context (see `deployedIn`). */
  context?: Partial<Context>;
  /** Fields that replace the built event's (a malformed invokingEvent, say). */
  replace?: Record<string, unknown>;
}

export interface RuleHarnessOptions {
  /** The organization the membership guard reads (default: MEMBER_ACCOUNT under the root). */
  orgSnapshot?: SnapshotOptions | (() => OrgSnapshot);
}

export function useRuleHarness(handler: RuleHandler, options: RuleHarnessOptions = {}) {
  const config = mockClient(ConfigServiceClient);
  const sts = mockClient(STSClient);
  const others: Array<{ reset(): unknown }> = [];
  const org = useOrgSnapshot(options.orgSnapshot ?? { members: [MEMBER_ACCOUNT] });

  beforeEach(() => {
    for (const mock of [config, sts, ...others]) mock.reset();
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    sts.on(AssumeRoleCommand).resolves(assumedRole(ASSUMED_CREDENTIALS.AccessKeyId));
  });

  /** Every evaluation Config received, over every PutEvaluations call. */
  const sent = (): Evaluation[] =>
    config.commandCalls(PutEvaluationsCommand).flatMap((call) => call.args[0].input.Evaluations ?? []);

  const event = ({ context: _context, replace, ...eventOptions }: RuleInvocation = {}) => ({
    ...scheduledEvent({ accountId: MEMBER_ACCOUNT, ...eventOptions }),
    ...replace,
  });

  return {
    /** The Config, STS and S3 (snapshot) mocks; `org.set` replaces the snapshot within one test. */
    config,
    sts,
    org,
    /** Mocks another SDK client at Client#send, reset with the others before each test. */
    mock: ((client: Parameters<typeof mockClient>[0]) => {
      const stub = mockClient(client);
      others.push(stub);
      return stub;
    }) as typeof mockClient,
    event,
    sent,
    /** Invokes the handler as Config does; rejects when the handler rejects. */
    async invoke(
      invocation: RuleInvocation = {},
    ): Promise<{ result: RuleHandlerResult; sent: Evaluation[] }> {
      const result = await handler(event(invocation), invocation.context);
      return { result, sent: sent() };
    },
    /** Invokes the handler as Config does, expecting it to reject; returns the error and what was sent. */
    async invokeRejected(invocation: RuleInvocation = {}): Promise<{ error: unknown; sent: Evaluation[] }> {
      try {
        await handler(event(invocation), invocation.context);
      } catch (error) {
        return { error, sent: sent() };
      }
      throw new Error('test: the rule handler resolved, but the test expected it to reject');
    },
  };
}
