import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { GetAccountSummaryCommand, IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ClientFactory } from '../../../lib/clients';
import {
  AccessDeniedError,
  CollectError,
  InvalidConfigEventError,
  InvalidRuleParametersError,
  OrgSnapshotUnavailableError,
  PutEvaluationsError,
} from '../../../lib/errors';
import { compliant, nonCompliant, type RuleEvaluation } from '../../../lib/evaluation';
import { metrics } from '../../../lib/logger';
import type { OrgSnapshotReader } from '../../../lib/org-snapshot-store';
import type { RuleParameters } from '../../../lib/parameters';
import { type CollectContext, createRuleHandler, type EvaluateContext } from '../../../lib/rule-handler';
import { configurationChangeEvent, scheduledEvent } from '../../helpers/config-events';
import {
  MEMBER_ACCOUNT,
  NOTIFICATION_TIME,
  ORG_ROOT_ID,
  OTHER_ACCOUNT,
  REGION,
  RESULT_TOKEN,
  SECURITY_TOOLING_ACCOUNT,
} from '../../helpers/constants';
import { FakeOrganization, installFakeOrganizations } from '../../helpers/fake-organizations';
import {
  CENTRALIZED_ROOT_ACCESS,
  orgSnapshotFixture,
  SNAPSHOT_ORGANIZATION,
  staticOrgSnapshotReader,
} from '../../helpers/org-snapshot';
import {
  ASSUMED_CREDENTIALS,
  EXECUTION_ROLE_NAME,
  executionRoleArn,
  sentEvaluation,
} from '../../helpers/rule-harness';
import { sampleRule } from '../../helpers/sample-rule';
import { assumedRole, useSdkMocks } from '../../helpers/sdk-mocks';

const { configMock, stsMock, iamMock, orgMock } = useSdkMocks({
  configMock: ConfigServiceClient,
  stsMock: STSClient,
  iamMock: IAMClient,
  orgMock: OrganizationsClient,
});

const RULE_ID = 'sample-root-rule';
const CAPTURE_TIME = '2026-11-20T05:42:17.000Z';

const METADATA = sampleRule({
  id: RULE_ID,
  parameters: [
    {
      name: 'RequireHardware',
      type: 'Boolean',
      default: 'false',
      description: 'Require a hardware MFA device.',
    },
  ],
  remediation: { documentId: 'RootGuard-Sample' },
});

interface Facts {
  rootHasMfa: boolean;
}
interface Params extends RuleParameters {
  RequireHardware: boolean;
}

let collect: jest.Mock<Promise<Facts>, [CollectContext<Params>]>;
let evaluate: jest.Mock<RuleEvaluation[], [Facts, Params, EvaluateContext]>;
let clientFactory: ClientFactory;
/** The organization the membership guard reads: MEMBER_ACCOUNT is in it, OTHER_ACCOUNT is not. */
const SNAPSHOT = orgSnapshotFixture({ members: [MEMBER_ACCOUNT, SECURITY_TOOLING_ACCOUNT] });
let snapshotReader: OrgSnapshotReader & { reads: number };

/** `null`: no injected reader, so the handler looks at ORG_SNAPSHOT_BUCKET. */
function handler(orgSnapshotReader: OrgSnapshotReader | null = snapshotReader) {
  return createRuleHandler<Facts, Params>(
    { metadata: METADATA, collect, evaluate },
    { clientFactory, retryDelayMs: 0, ...(orgSnapshotReader ? { orgSnapshotReader } : {}) },
  );
}

const sentEvaluations = () =>
  configMock.commandCalls(PutEvaluationsCommand).flatMap((call) => call.args[0].input.Evaluations ?? []);

const accessDenied = (message: string) => Object.assign(new Error(message), { name: 'AccessDenied' });

beforeEach(() => {
  snapshotReader = staticOrgSnapshotReader(SNAPSHOT);
  configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  stsMock.on(AssumeRoleCommand).resolves(assumedRole(ASSUMED_CREDENTIALS.AccessKeyId));
  clientFactory = new ClientFactory({ region: REGION });
  collect = jest.fn(async (_ctx: CollectContext<Params>) => ({ rootHasMfa: true }));
  evaluate = jest.fn((facts: Facts, _params: Params, ctx: EvaluateContext) => [
    facts.rootHasMfa
      ? compliant(ctx.accountId, 'root has MFA')
      : nonCompliant(ctx.accountId, 'root has no MFA'),
  ]);
});

describe('createRuleHandler', () => {
  it('rejects metadata that is not a valid rule.json', () => {
    expect(() => createRuleHandler({ metadata: { ...METADATA, id: 'Bad Id' }, collect, evaluate })).toThrow();
  });

  describe('a periodic evaluation', () => {
    it('sends the evaluation with the result token and the notification time as OrderingTimestamp', async () => {
      const result = await handler()(scheduledEvent({ accountId: MEMBER_ACCOUNT }));

      expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
      expect(configMock).toHaveReceivedCommandWith(PutEvaluationsCommand, {
        ResultToken: RESULT_TOKEN,
        TestMode: false,
        Evaluations: [sentEvaluation('COMPLIANT', `Account ${MEMBER_ACCOUNT}: root has MFA.`)],
      });
      expect(result).toEqual({
        ruleId: RULE_ID,
        accountId: MEMBER_ACCOUNT,
        evaluations: [compliant(MEMBER_ACCOUNT, 'root has MFA')],
      });
    });

    it('gives collect the account, partition, region, evaluation time, parameters and clients', async () => {
      await handler()(scheduledEvent({ accountId: MEMBER_ACCOUNT }));

      expect(collect).toHaveBeenCalledTimes(1);
      expect(collect).toHaveBeenCalledWith({
        accountId: MEMBER_ACCOUNT,
        partition: 'aws',
        evaluationTime: NOTIFICATION_TIME,
        region: REGION,
        params: { RequireHardware: false, ExecutionRoleName: undefined },
        clients: clientFactory,
        accountCredentials: undefined,
        orgSnapshot: expect.any(Function),
      });
      expect(stsMock).not.toHaveReceivedCommand(AssumeRoleCommand);
    });

    it('gives evaluate the facts, the validated parameters and a context without clients', async () => {
      collect.mockResolvedValue({ rootHasMfa: false });

      await handler()(
        scheduledEvent({ accountId: MEMBER_ACCOUNT, ruleParameters: { RequireHardware: 'TRUE' } }),
      );

      expect(evaluate).toHaveBeenCalledWith(
        { rootHasMfa: false },
        { RequireHardware: true, ExecutionRoleName: undefined },
        { accountId: MEMBER_ACCOUNT, partition: 'aws', evaluationTime: NOTIFICATION_TIME },
      );
      expect(sentEvaluations()[0]?.ComplianceType).toBe('NON_COMPLIANT');
    });

    it('uses the configuration item capture time as OrderingTimestamp for a change notification', async () => {
      await handler()(configurationChangeEvent({ accountId: MEMBER_ACCOUNT, captureTime: CAPTURE_TIME }));

      expect(sentEvaluations()[0]?.OrderingTimestamp).toEqual(new Date(CAPTURE_TIME));
      expect(collect.mock.calls[0]?.[0].evaluationTime).toBe(NOTIFICATION_TIME);
    });

    it('sends TestMode true when the result token is TESTMODE', async () => {
      await handler()(scheduledEvent({ accountId: MEMBER_ACCOUNT, resultToken: 'TESTMODE' }));

      expect(configMock).toHaveReceivedCommandWith(PutEvaluationsCommand, {
        ResultToken: 'TESTMODE',
        TestMode: true,
      });
    });

    it('reports NOT_APPLICABLE without collecting when the event left the rule scope', async () => {
      const event = scheduledEvent({ accountId: MEMBER_ACCOUNT });
      event.eventLeftScope = true;

      const result = await handler()(event);

      expect(collect).not.toHaveBeenCalled();
      expect(evaluate).not.toHaveBeenCalled();
      expect(sentEvaluations()).toEqual([
        expect.objectContaining({
          ComplianceType: 'NOT_APPLICABLE',
          Annotation: `Account ${MEMBER_ACCOUNT}: left the scope of ${RULE_ID}.`,
        }),
      ]);
      expect(result.evaluations[0]?.complianceType).toBe('NOT_APPLICABLE');
    });
  });

  describe('a malformed event', () => {
    it('rejects with InvalidConfigEventError and sends nothing', async () => {
      const event = scheduledEvent({ accountId: MEMBER_ACCOUNT });
      event.invokingEvent = '{not json';

      await expect(handler()(event)).rejects.toBeInstanceOf(InvalidConfigEventError);
      expect(configMock).not.toHaveReceivedCommand(PutEvaluationsCommand);
      expect(collect).not.toHaveBeenCalled();
    });

    it('rejects something that is not a Config event at all', async () => {
      await expect(handler()({ hello: 'world' })).rejects.toBeInstanceOf(InvalidConfigEventError);
      expect(configMock).not.toHaveReceivedAnyCommand();
    });
  });

  describe('invalid parameters', () => {
    it('sends NON_COMPLIANT naming the parameter, then rejects with InvalidRuleParametersError', async () => {
      const promise = handler()(
        scheduledEvent({ accountId: MEMBER_ACCOUNT, ruleParameters: { RequireHardware: 'yes' } }),
      );

      await expect(promise).rejects.toBeInstanceOf(InvalidRuleParametersError);
      expect(collect).not.toHaveBeenCalled();
      const [sent] = sentEvaluations();
      expect(sent?.ComplianceType).toBe('NON_COMPLIANT');
      expect(sent?.ComplianceResourceId).toBe(MEMBER_ACCOUNT);
      expect(sent?.Annotation).toMatch(new RegExp(`^Account ${MEMBER_ACCOUNT}: could not be evaluated, `));
      expect(sent?.Annotation).toContain('RequireHardware="yes"');
    });

    it('sends NON_COMPLIANT naming an unknown parameter', async () => {
      const promise = handler()(
        scheduledEvent({ accountId: MEMBER_ACCOUNT, ruleParameters: { MaxAgeDays: '90' } }),
      );

      await expect(promise).rejects.toThrow(/unknown parameter\(s\) MaxAgeDays/);
      expect(sentEvaluations()[0]?.Annotation).toContain('MaxAgeDays');
    });

    it('still assumes the execution role to report invalid parameters in the evaluated account', async () => {
      const promise = handler()(
        scheduledEvent({
          accountId: MEMBER_ACCOUNT,
          ruleParameters: { RequireHardware: 'yes', ExecutionRoleName: EXECUTION_ROLE_NAME },
        }),
      );

      await expect(promise).rejects.toBeInstanceOf(InvalidRuleParametersError);
      expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
        RoleArn: executionRoleArn(),
      });
      expect(sentEvaluations()[0]?.ComplianceType).toBe('NON_COMPLIANT');
    });
  });

  describe('a failed read', () => {
    it('sends NON_COMPLIANT "could not be evaluated" and rejects with the AccessDeniedError, never COMPLIANT', async () => {
      const denied = new AccessDeniedError(
        `Access denied calling iam:GetAccountSummary in account ${MEMBER_ACCOUNT} (AccessDenied: nope)`,
        { action: 'iam:GetAccountSummary', accountId: MEMBER_ACCOUNT },
      );
      collect.mockRejectedValue(denied);

      const promise = handler()(scheduledEvent({ accountId: MEMBER_ACCOUNT }));

      await expect(promise).rejects.toBe(denied);
      expect(evaluate).not.toHaveBeenCalled();
      const sent = sentEvaluations();
      expect(sent).toHaveLength(1);
      expect(sent[0]?.ComplianceType).toBe('NON_COMPLIANT');
      expect(sent[0]?.Annotation).toBe(
        `Account ${MEMBER_ACCOUNT}: could not be evaluated, Access denied calling iam:GetAccountSummary in account ${MEMBER_ACCOUNT} (AccessDenied: nope).`,
      );
      expect(sent.some((e) => e.ComplianceType === 'COMPLIANT')).toBe(false);
    });

    it('reports an unexpected collect failure as NON_COMPLIANT with its message', async () => {
      collect.mockRejectedValue(new Error('socket hang up'));

      await expect(handler()(scheduledEvent({ accountId: MEMBER_ACCOUNT }))).rejects.toThrow(
        'socket hang up',
      );
      expect(sentEvaluations()[0]).toMatchObject({
        ComplianceType: 'NON_COMPLIANT',
        Annotation: `Account ${MEMBER_ACCOUNT}: could not be evaluated, socket hang up.`,
      });
    });

    it('reports an evaluate failure as NON_COMPLIANT', async () => {
      evaluate.mockImplementation(() => {
        throw new CollectError('facts were incomplete', { action: 'iam:GetAccountSummary' });
      });

      await expect(handler()(scheduledEvent({ accountId: MEMBER_ACCOUNT }))).rejects.toBeInstanceOf(
        CollectError,
      );
      expect(sentEvaluations()[0]?.ComplianceType).toBe('NON_COMPLIANT');
    });
  });

  describe('cross-account execution', () => {
    it('assumes the execution role in the evaluated account and gives collect its credentials', async () => {
      await handler()(
        scheduledEvent({
          accountId: MEMBER_ACCOUNT,
          ruleParameters: { ExecutionRoleName: EXECUTION_ROLE_NAME },
        }),
      );

      expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
      expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
        RoleArn: executionRoleArn(),
        RoleSessionName: `rootguard-${RULE_ID}`,
      });
      const ctx = collect.mock.calls[0]?.[0];
      expect(ctx?.accountCredentials).toMatchObject({
        accessKeyId: ASSUMED_CREDENTIALS.AccessKeyId,
        secretAccessKey: ASSUMED_CREDENTIALS.SecretAccessKey,
        sessionToken: ASSUMED_CREDENTIALS.SessionToken,
      });
      expect(ctx?.params.ExecutionRoleName).toBe(EXECUTION_ROLE_NAME);
    });

    it('sends the evaluations with the assumed credentials', async () => {
      await handler()(
        scheduledEvent({
          accountId: MEMBER_ACCOUNT,
          ruleParameters: { ExecutionRoleName: EXECUTION_ROLE_NAME },
        }),
      );

      const client = configMock.commandCalls(PutEvaluationsCommand)[0]?.thisValue as ConfigServiceClient;
      await expect(client.config.credentials()).resolves.toMatchObject({
        accessKeyId: ASSUMED_CREDENTIALS.AccessKeyId,
      });
    });

    it('builds the role ARN in the aws-cn partition and sends evaluations to the rule region', async () => {
      await handler()(
        scheduledEvent({
          accountId: MEMBER_ACCOUNT,
          partition: 'aws-cn',
          region: 'cn-north-1',
          ruleParameters: { ExecutionRoleName: EXECUTION_ROLE_NAME },
        }),
      );

      expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
        RoleArn: executionRoleArn(MEMBER_ACCOUNT, 'aws-cn'),
      });
      expect(collect.mock.calls[0]?.[0]).toMatchObject({ partition: 'aws-cn', region: 'cn-north-1' });
      const client = configMock.commandCalls(PutEvaluationsCommand)[0]?.thisValue as ConfigServiceClient;
      await expect(client.config.region()).resolves.toBe('cn-north-1');
    });

    it('rejects with AccessDeniedError and sends nothing when the role cannot be assumed', async () => {
      stsMock.on(AssumeRoleCommand).rejects(accessDenied('not authorized to perform: sts:AssumeRole'));

      const promise = handler()(
        scheduledEvent({
          accountId: MEMBER_ACCOUNT,
          ruleParameters: { ExecutionRoleName: EXECUTION_ROLE_NAME },
        }),
      );

      await expect(promise).rejects.toBeInstanceOf(AccessDeniedError);
      await expect(promise).rejects.toThrow(`Cannot assume ${executionRoleArn()}`);
      expect(collect).not.toHaveBeenCalled();
      expect(configMock).not.toHaveReceivedCommand(PutEvaluationsCommand);
    });
  });

  describe('PutEvaluations failures', () => {
    it('rejects with PutEvaluationsError when Config keeps refusing the evaluation', async () => {
      const refused = {
        ComplianceResourceType: 'AWS::::Account',
        ComplianceResourceId: MEMBER_ACCOUNT,
        ComplianceType: 'COMPLIANT' as const,
        OrderingTimestamp: new Date(NOTIFICATION_TIME),
      };
      configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [refused] });

      await expect(handler()(scheduledEvent({ accountId: MEMBER_ACCOUNT }))).rejects.toBeInstanceOf(
        PutEvaluationsError,
      );
      expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 3);
    });

    it('rejects with PutEvaluationsError when the call itself fails', async () => {
      configMock
        .on(PutEvaluationsCommand)
        .rejects(accessDenied('not authorized to perform: config:PutEvaluations'));

      await expect(handler()(scheduledEvent({ accountId: MEMBER_ACCOUNT }))).rejects.toThrow(
        /Access denied calling config:PutEvaluations/,
      );
    });
  });
});

describe('the membership guard', () => {
  const ROLE_PARAMS = { ExecutionRoleName: EXECUTION_ROLE_NAME };
  const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${SECURITY_TOOLING_ACCOUNT}:function:rootguard-sample`;
  const invokedAs = (account: string) => ({
    invokedFunctionArn: FUNCTION_ARN.replace(SECURITY_TOOLING_ACCOUNT, account),
  });
  let addMetric: jest.SpyInstance;

  beforeEach(() => {
    addMetric = jest.spyOn(metrics, 'addMetric');
    // A collect that reads the account through IAM, as a real rule does.
    collect.mockImplementation(async (ctx) => {
      await ctx.clients
        .client(IAMClient, { credentials: ctx.accountCredentials })
        .send(new GetAccountSummaryCommand({}));
      return { rootHasMfa: true };
    });
    iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: {} });
  });

  afterEach(() => addMetric.mockRestore());

  const counted = (name: string) => addMetric.mock.calls.filter(([metric]) => metric === name).length;

  const expectNothingDone = () => {
    expect(stsMock).not.toHaveReceivedAnyCommand();
    expect(iamMock).not.toHaveReceivedAnyCommand();
    expect(configMock).not.toHaveReceivedAnyCommand();
    expect(collect).not.toHaveBeenCalled();
  };

  it('refuses an account outside the organization: no STS or IAM call, no evaluation, one ForeignInvocations', async () => {
    const result = await handler()(scheduledEvent({ accountId: OTHER_ACCOUNT, ruleParameters: ROLE_PARAMS }));

    expectNothingDone();
    expect(result).toEqual({
      ruleId: RULE_ID,
      accountId: OTHER_ACCOUNT,
      evaluations: [],
      refused: `account ${OTHER_ACCOUNT} (accountId) is not a member of organization ${SNAPSHOT.organization?.id}`,
    });
    expect(counted('ForeignInvocations')).toBe(1);
    expect(counted('EvaluationFailures')).toBe(0);
  });

  it.each([
    [
      'executionRoleArn',
      `arn:aws:iam::${OTHER_ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
    ],
    ['configRuleArn', `arn:aws:config:${REGION}:${OTHER_ACCOUNT}:config-rule/config-rule-abcdef`],
  ])(
    'refuses a member account whose %s belongs to an account outside the organization',
    async (field, arn) => {
      const event = {
        ...scheduledEvent({ accountId: MEMBER_ACCOUNT, ruleParameters: ROLE_PARAMS }),
        [field]: arn,
      };

      const result = await handler()(event);

      expectNothingDone();
      expect(result.refused).toBe(
        `account ${OTHER_ACCOUNT} (${field}) is not a member of organization ${SNAPSHOT.organization?.id}`,
      );
      expect(counted('ForeignInvocations')).toBe(1);
    },
  );

  it.each(['executionRoleArn', 'configRuleArn'])(
    'refuses an event without %s before reading anything',
    async (field) => {
      const event = scheduledEvent({ accountId: MEMBER_ACCOUNT, ruleParameters: ROLE_PARAMS });
      delete event[field];

      const result = await handler()(event, invokedAs(MEMBER_ACCOUNT));

      expectNothingDone();
      expect(result.refused).toBe(`the event has no ${field}`);
      expect(snapshotReader.reads).toBe(0);
    },
  );

  it('refuses an ARN that names no account', async () => {
    const event = {
      ...scheduledEvent({ accountId: MEMBER_ACCOUNT }),
      configRuleArn: 'arn:aws:config:eu-west-1::x',
    };

    await expect(handler()(event)).resolves.toMatchObject({
      refused: "the event's configRuleArn names no account",
    });
    expectNothingDone();
  });

  it("accepts the function's own account without reading the snapshot", async () => {
    const result = await handler()(scheduledEvent({ accountId: OTHER_ACCOUNT }), invokedAs(OTHER_ACCOUNT));

    expect(snapshotReader.reads).toBe(0);
    expect(result.refused).toBeUndefined();
    expect(sentEvaluations()).toHaveLength(1);
  });

  it('refuses another account when no snapshot store is configured, saying so', async () => {
    delete process.env.ORG_SNAPSHOT_BUCKET;

    const result = await handler(null)(
      scheduledEvent({ accountId: MEMBER_ACCOUNT }),
      invokedAs(SECURITY_TOOLING_ACCOUNT),
    );

    expectNothingDone();
    expect(result.refused).toMatch(/no organization snapshot store is configured \(ORG_SNAPSHOT_BUCKET\)/);
  });

  it('builds the own-account snapshot with its own Organizations and IAM credentials when no store is configured', async () => {
    delete process.env.ORG_SNAPSHOT_BUCKET;
    const org = new FakeOrganization(SNAPSHOT_ORGANIZATION, ORG_ROOT_ID);
    org.addAccount(MEMBER_ACCOUNT, ORG_ROOT_ID);
    installFakeOrganizations(orgMock, org);
    iamMock.on(ListOrganizationsFeaturesCommand).resolves({
      OrganizationId: SNAPSHOT_ORGANIZATION.id,
      EnabledFeatures: ['RootSessions', 'RootCredentialsManagement'],
    });
    collect.mockImplementation(async (ctx) => {
      // As the builder Lambda records it, so root-access-centralized judges the same in single-account mode.
      await expect(ctx.orgSnapshot()).resolves.toMatchObject({ rootAccessFeatures: CENTRALIZED_ROOT_ACCESS });
      return { rootHasMfa: true };
    });

    await handler(null)(scheduledEvent({ accountId: MEMBER_ACCOUNT }), invokedAs(MEMBER_ACCOUNT));

    expect(collect).toHaveBeenCalledTimes(1);
    expect(iamMock).toHaveReceivedCommandTimes(ListOrganizationsFeaturesCommand, 1);
  });

  it('throws OrgSnapshotUnavailableError and sends no evaluation when the snapshot cannot be read', async () => {
    const unavailable = new OrgSnapshotUnavailableError('the snapshot is 200 minutes old');
    const reader: OrgSnapshotReader = { read: () => Promise.reject(unavailable) };

    await expect(
      handler(reader)(scheduledEvent({ accountId: MEMBER_ACCOUNT, ruleParameters: ROLE_PARAMS })),
    ).rejects.toBe(unavailable);

    expectNothingDone();
    expect(counted('EvaluationFailures')).toBe(1);
    expect(counted('ForeignInvocations')).toBe(0);
  });

  it('gives collect the snapshot the guard read, without reading it again', async () => {
    collect.mockImplementation(async (ctx) => {
      await expect(ctx.orgSnapshot()).resolves.toBe(SNAPSHOT);
      await expect(ctx.orgSnapshot()).resolves.toBe(SNAPSHOT);
      return { rootHasMfa: true };
    });

    await handler()(scheduledEvent({ accountId: MEMBER_ACCOUNT }));

    expect(collect).toHaveBeenCalledTimes(1);
    expect(snapshotReader.reads).toBe(1);
  });

  it('reads the snapshot once, on first use, for a collect of the own account', async () => {
    collect.mockImplementation(async (ctx) => {
      await Promise.all([ctx.orgSnapshot(), ctx.orgSnapshot()]);
      return { rootHasMfa: true };
    });

    await handler()(scheduledEvent({ accountId: MEMBER_ACCOUNT }), invokedAs(MEMBER_ACCOUNT));

    expect(snapshotReader.reads).toBe(1);
  });

  it('lets a member account through to AssumeRole, IAM and PutEvaluations', async () => {
    await handler()(scheduledEvent({ accountId: MEMBER_ACCOUNT, ruleParameters: ROLE_PARAMS }));

    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(iamMock).toHaveReceivedCommandTimes(GetAccountSummaryCommand, 1);
    expect(sentEvaluations()).toHaveLength(1);
    expect(counted('ForeignInvocations')).toBe(0);
  });
});
