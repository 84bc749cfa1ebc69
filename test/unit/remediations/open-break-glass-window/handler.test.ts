import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DescribeAutomationStepExecutionsCommand,
  GetAutomationExecutionCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { sortKey } from '../../../../lib/break-glass-store';
import { ClientFactory } from '../../../../lib/clients';
import { AccessDeniedError, CollectError } from '../../../../lib/errors';
import {
  ApprovalRuleError,
  ExecutionRecordError,
  InvalidStepPayloadError,
} from '../../../../remediations/lib/errors';
import {
  createOpenWindowHandler,
  type OpenWindowHandler,
} from '../../../../remediations/open-break-glass-window/handler';
import { twoPersonRuleCases } from '../../../helpers/approvers';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { givenDeployedDocuments } from '../../../helpers/deployed-documents';
import { expectRejection, sdkError } from '../../../helpers/rejection';
import { useSdkMocks } from '../../../helpers/sdk-mocks';
import {
  ALERT_TOPIC_ARN,
  ALICE,
  APPROVED_AT,
  BOB,
  CONFIG,
  decision,
  ENDS_AT,
  EXECUTION_ID,
  type ExecutionOptions,
  executionRecord,
  REASON,
  RECORDED_WINDOW,
  REQUESTER,
  stepPayload,
  TABLE,
  TICKET_ID,
  WINDOW_REGION,
} from './fixtures';

const { ssmMock, snsMock, dynamoMock } = useSdkMocks({
  ssmMock: SSMClient,
  snsMock: SNSClient,
  dynamoMock: DynamoDBDocumentClient,
});

/** Some seconds after the approval: the Lambda's own clock, used only when the record has no approval time. */
const NOW = new Date('2026-11-20T08:30:04.000Z');

class MetricsRecorder {
  readonly recorded: { name: string; value: number }[] = [];
  published = 0;
  addMetric(name: string, _unit: unknown, value: number) {
    this.recorded.push({ name, value });
  }
  publishStoredMetrics() {
    this.published += 1;
  }
}

let metrics: MetricsRecorder;

function handler(config = CONFIG): OpenWindowHandler {
  return createOpenWindowHandler({
    config,
    clientFactory: new ClientFactory({ region: WINDOW_REGION }),
    now: () => NOW,
    metrics,
  });
}

const givenExecution = (options: ExecutionOptions = {}) =>
  ssmMock.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: executionRecord(options) });

const putItem = () => dynamoMock.commandCalls(PutCommand)[0]?.args[0].input;
const published = () => snsMock.commandCalls(PublishCommand)[0]?.args[0].input;

/** The window as the table holds it after the happy path. */
const storedWindow = () => ({
  ...RECORDED_WINDOW,
  sk: sortKey(RECORDED_WINDOW),
  expiresAt: 1_800_000_000,
});

beforeEach(() => {
  givenDeployedDocuments(ssmMock);
  givenExecution();
  snsMock.on(PublishCommand).resolves({ MessageId: 'msg-1' });
  dynamoMock.on(QueryCommand).resolves({ Items: [] });
  dynamoMock.on(PutCommand).resolves({});
  metrics = new MetricsRecorder();
});

describe('open-break-glass-window handler', () => {
  it('records the approved window from approval time for DurationMinutes, and returns it', async () => {
    const result = await handler()(stepPayload());

    expect(result).toEqual({
      windowId: EXECUTION_ID,
      accountId: MEMBER_ACCOUNT,
      ticketId: TICKET_ID,
      startsAt: '2026-11-20T08:30:00.000Z',
      endsAt: ENDS_AT,
      approvers: [ALICE, BOB],
      requestedBy: REQUESTER,
      created: true,
    });
    expect(ssmMock).toHaveReceivedCommandWith(GetAutomationExecutionCommand, {
      AutomationExecutionId: EXECUTION_ID,
    });
    const put = putItem();
    expect(put).toMatchObject({
      TableName: TABLE,
      ConditionExpression: 'attribute_not_exists(sk)',
      Item: {
        accountId: MEMBER_ACCOUNT,
        sk: `2026-11-20T08:30:00.000Z#${EXECUTION_ID}`,
        windowId: EXECUTION_ID,
        startsAt: '2026-11-20T08:30:00.000Z',
        endsAt: ENDS_AT,
        ticketId: TICKET_ID,
        approvers: [ALICE, BOB],
        requestedBy: REQUESTER,
      },
    });
    // Kept for the retention period after it closes (TTL), not deleted when it ends.
    expect(put?.Item?.expiresAt).toBe(Date.parse(ENDS_AT) / 1000 + 400 * 86_400);
    expect(metrics.recorded).toEqual([{ name: 'BreakGlassWindowsOpened', value: 1 }]);
    expect(metrics.published).toBe(1);
  });

  it('takes the reason from the execution record, verbatim, quotes and backslash included', async () => {
    await handler()(stepPayload());

    expect(putItem()?.Item?.reason).toBe(REASON);
  });

  it('announces the window on the alert topic before recording it', async () => {
    await handler()(stepPayload());

    const notice = published();
    expect(notice?.TopicArn).toBe(ALERT_TOPIC_ARN);
    expect(notice?.Subject).toBe(`[rootguard] Break-glass window open in ${MEMBER_ACCOUNT} until ${ENDS_AT}`);
    expect(notice?.Message).toContain(`Approved by:       ${ALICE}, ${BOB}`);
    expect(notice?.Message).toContain(`Requested by:      ${REQUESTER}`);
    expect(notice?.MessageAttributes?.severity?.StringValue).toBe('INFO');
    const [publish] = snsMock.commandCalls(PublishCommand);
    const [put] = dynamoMock.commandCalls(PutCommand);
    expect(publish && put && publish.calledBefore(put)).toBe(true);
  });

  it('records without a notice when no alert topic is configured', async () => {
    const result = await handler({ ...CONFIG, alertTopicArn: undefined })(stepPayload());

    expect(result.created).toBe(true);
    expect(snsMock).not.toHaveReceivedCommand(PublishCommand);
    expect(dynamoMock).toHaveReceivedCommandTimes(PutCommand, 1);
  });

  it('accepts durationMinutes as a JSON number too', async () => {
    const result = await handler()(stepPayload({ durationMinutes: 90 }));

    expect(result.endsAt).toBe(ENDS_AT);
  });

  it('starts the window at its own clock when the record has no approval time', async () => {
    givenExecution({ approvedAt: undefined });

    const result = await handler()(stepPayload());

    expect(result.startsAt).toBe(NOW.toISOString());
    expect(result.endsAt).toBe('2026-11-20T10:00:04.000Z');
  });

  describe('two-person rule', () => {
    const rejects = async (options: ExecutionOptions, message: RegExp) => {
      givenExecution(options);
      await expectRejection(handler()(stepPayload()), ApprovalRuleError, message);
      expect(snsMock).not.toHaveReceivedCommand(PublishCommand);
      expect(dynamoMock).not.toHaveReceivedCommand(PutCommand);
    };

    twoPersonRuleCases(rejects, { alice: ALICE, bob: BOB, requester: REQUESTER, decision });

    it('records every approver, including a third, when two others approved', async () => {
      const carl = ALICE.replace('alice', 'carl');
      givenExecution({ approvers: [ALICE, BOB, carl] });

      const result = await handler()(stepPayload());

      expect(result.approvers).toEqual([ALICE, BOB, carl]);
    });
  });

  describe('payload', () => {
    it.each([
      ['duration 241', { durationMinutes: '241' }, /durationMinutes: expected at most 240/],
      ['duration 0', { durationMinutes: '0' }, /durationMinutes: expected at least 1/],
      ['a fractional duration', { durationMinutes: 1.5 }, /durationMinutes/],
      ['a non-numeric duration', { durationMinutes: 'ninety' }, /durationMinutes/],
      ['a malformed account id', { accountId: '12345' }, /accountId: expected a 12-digit AWS account id/],
      ['an execution id that is not one', { executionId: '{{automation:EXECUTION_ID}}' }, /executionId/],
      ['a ticket id with a quote', { ticketId: 'CHG"1' }, /ticketId/],
    ])('rejects %s before reading anything', async (_label, overrides, message) => {
      await expectRejection(handler()(stepPayload(overrides)), InvalidStepPayloadError, message);
      expect(ssmMock).not.toHaveReceivedCommand(GetAutomationExecutionCommand);
      expect(dynamoMock).not.toHaveReceivedCommand(PutCommand);
    });

    it('names the field but never echoes the value', async () => {
      const run = handler()(stepPayload({ accountId: 'secret-value' }));

      await expect(run).rejects.toThrow(/accountId/);
      await expect(run).rejects.not.toThrow(/secret-value/);
    });

    it('rejects a payload that is not an object', async () => {
      await expect(handler()('open it')).rejects.toThrow(InvalidStepPayloadError);
    });
  });

  describe('execution record', () => {
    it.each<[string, ExecutionOptions, Record<string, unknown>, RegExp]>([
      ['another document', { documentName: 'Evil-OpenWindow' }, {}, /runs Evil-OpenWindow, not RootGuard-/],
      [
        'another account in the record',
        { parameters: { AccountId: ['333333333333'] } },
        {},
        /AccountId differs/,
      ],
      ['another ticket in the payload', {}, { ticketId: 'CHG-9999' }, /TicketId differs/],
      ['a longer duration in the payload', {}, { durationMinutes: '240' }, /DurationMinutes differs/],
      [
        'a rejected approval',
        { approvalStatus: 'Rejected', stepStatus: 'Failed' },
        {},
        /ApproveWindow is Failed/,
      ],
      ['an approval still waiting', { approvalStatus: 'Waiting' }, {}, /ApprovalStatus Waiting/],
      ['unreadable decisions', { decisions: ['{Approver=alice, Decision=Approve}'] }, {}, /not in a form/],
      [
        'a reason the window model refuses',
        { parameters: { Reason: ['too short'] } },
        {},
        /valid window \(reason\)/,
      ],
    ])('refuses %s', async (_label, options, payload, message) => {
      givenExecution(options);

      await expectRejection(handler()(stepPayload(payload)), ExecutionRecordError, message);
      expect(dynamoMock).not.toHaveReceivedCommand(PutCommand);
    });

    it('asks for the approval step by name when the step list is truncated', async () => {
      const full = executionRecord();
      ssmMock.on(GetAutomationExecutionCommand).resolves({
        AutomationExecution: { ...full, StepExecutions: [], StepExecutionsTruncated: true },
      });
      ssmMock.on(DescribeAutomationStepExecutionsCommand).resolves({ StepExecutions: full.StepExecutions });

      const result = await handler()(stepPayload());

      expect(result.created).toBe(true);
      expect(ssmMock).toHaveReceivedCommandWith(DescribeAutomationStepExecutionsCommand, {
        AutomationExecutionId: EXECUTION_ID,
        Filters: [{ Key: 'StepName', Values: ['ApproveWindow'] }],
      });
    });

    it('names ssm:GetAutomationExecution when the role may not read the record', async () => {
      ssmMock.on(GetAutomationExecutionCommand).rejects(sdkError('AccessDeniedException', 'not authorized'));

      await expectRejection(handler()(stepPayload()), AccessDeniedError, /ssm:GetAutomationExecution/);
    });
  });

  describe('idempotency', () => {
    it('returns the recorded window, without a second notice or write, when the step runs again', async () => {
      dynamoMock.on(QueryCommand).resolves({ Items: [storedWindow()] });

      const result = await handler()(stepPayload());

      expect(result).toMatchObject({
        windowId: EXECUTION_ID,
        startsAt: APPROVED_AT.toISOString(),
        created: false,
      });
      expect(snsMock).not.toHaveReceivedCommand(PublishCommand);
      expect(dynamoMock).not.toHaveReceivedCommand(PutCommand);
      expect(metrics.recorded).toEqual([]);
    });

    it('looks the window up around its start in its own account', async () => {
      await handler()(stepPayload());

      expect(dynamoMock).toHaveReceivedCommandWith(QueryCommand, {
        TableName: TABLE,
        ExpressionAttributeValues: {
          ':account': MEMBER_ACCOUNT,
          ':from': '2026-11-19T08:30:00.000Z',
          ':to': '2026-11-21T08:30:00.000Z#\uffff',
        },
      });
    });

    it('reports created: false when a concurrent run wrote the window first', async () => {
      dynamoMock
        .on(PutCommand)
        .rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));

      const result = await handler()(stepPayload());

      expect(result.created).toBe(false);
      expect(metrics.recorded).toEqual([]);
    });
  });

  describe('failures', () => {
    it('fails the step, recording nothing, when the notice cannot be published', async () => {
      snsMock.on(PublishCommand).rejects(sdkError('NotFoundException', 'topic gone'));

      await expectRejection(handler()(stepPayload()), CollectError, /sns:Publish in account 222222222222/);
      expect(dynamoMock).not.toHaveReceivedCommand(PutCommand);
    });

    it('fails with a typed error naming dynamodb:PutItem when the write fails', async () => {
      dynamoMock.on(PutCommand).rejects(sdkError('InternalServerError', 'table busy'));

      await expectRejection(
        handler()(stepPayload()),
        CollectError,
        /Failed calling dynamodb:PutItem in account 222222222222/,
      );
    });

    it('names a missing write permission as access denied', async () => {
      dynamoMock.on(PutCommand).rejects(sdkError('AccessDeniedException', 'no'));

      await expect(handler()(stepPayload())).rejects.toThrow(AccessDeniedError);
    });

    it('fails with a typed error naming dynamodb:Query when the lookup fails', async () => {
      dynamoMock.on(QueryCommand).rejects(sdkError('InternalServerError', 'down'));

      const run = handler()(stepPayload());

      await expect(run).rejects.toThrow(/dynamodb:Query/);
      expect(snsMock).not.toHaveReceivedCommand(PublishCommand);
    });

    it('publishes metrics even when the step fails', async () => {
      await expect(handler()(stepPayload({ durationMinutes: '999' }))).rejects.toThrow();

      expect(metrics.published).toBe(1);
    });
  });
});
