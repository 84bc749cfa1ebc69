import { BatchImportFindingsCommand, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AlertDeliveryError } from '../../../alerts/root-activity/errors';
import { rootActivityFindingId } from '../../../alerts/root-activity/finding';
import { createRootActivityHandler, type RootActivityHandler } from '../../../alerts/root-activity/handler';
import { sortKey } from '../../../lib/break-glass-store';
import { ClientFactory } from '../../../lib/clients';
import { CollectError } from '../../../lib/errors';
import { logger } from '../../../lib/logger';
import { MEMBER_ACCOUNT, SECURITY_TOOLING_ACCOUNT } from '../../helpers/constants';
import {
  ALERT_CONFIG,
  ALERT_REGION,
  breakGlassWindow,
  type CloudTrailEvent,
  type EventName,
  lambdaContext,
  loadEvent,
  MetricsRecorder,
  SECURITY_HUB_REGION,
} from '../../helpers/root-activity-events';
import { alertSdkMocks } from '../../helpers/sdk-mocks';

const mocks = alertSdkMocks();
const { sns: snsMock, sqs: sqsMock, hub: hubMock, dynamo: dynamoMock } = mocks;

/** Four seconds after the sample sign-in (09:15:01Z). */
const NOW = new Date('2026-11-20T09:15:04.250Z');
const SIGN_IN_EVENT_ID = '3d1e2f4a-8b6c-4d2e-9f10-a1b2c3d4e5f6';
const SIGN_IN_FINDING_ID = rootActivityFindingId(MEMBER_ACCOUNT, SIGN_IN_EVENT_ID);

let metrics: MetricsRecorder;
let clientFactory: ClientFactory;

function handler(): RootActivityHandler {
  return createRootActivityHandler({
    config: ALERT_CONFIG,
    clientFactory,
    now: () => NOW,
    metrics,
    retryDelayMs: 0,
  });
}

/** Runs a fresh handler on a test event (by name) or on any raw input. */
const invokeRaw = (raw: unknown) => handler()(raw, lambdaContext());
const invoke = (event: EventName | CloudTrailEvent) =>
  invokeRaw(typeof event === 'string' ? loadEvent(event) : event);

/** A stored window as DynamoDB returns it: the window plus the store's own attributes. */
const storedWindow = (overrides = {}) => {
  const window = breakGlassWindow(overrides);
  return { ...window, sk: sortKey(window), expiresAt: 1_800_000_000 };
};

const publishedMessage = () => snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
const importedFindings = () =>
  hubMock.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings);

beforeEach(() => {
  mocks.reset();
  metrics = new MetricsRecorder();
  clientFactory = new ClientFactory({ region: ALERT_REGION });
});

describe('root activity alert handler', () => {
  it('alerts a root console sign-in: SNS message, Security Hub finding, result', async () => {
    const result = await invoke('root-console-signin-success');

    expect(result).toEqual({
      status: 'alerted',
      accountId: MEMBER_ACCOUNT,
      eventId: SIGN_IN_EVENT_ID,
      findingId: SIGN_IN_FINDING_ID,
      severity: 'CRITICAL',
      breakGlass: 'none',
      latencyMs: 3250,
      messageId: 'msg-1',
    });
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(publishedMessage()).toMatchObject({
      TopicArn: ALERT_CONFIG.topicArn,
      Subject: `[rootguard] CRITICAL root console sign-in (success) in ${MEMBER_ACCOUNT}`,
      Message: expect.stringContaining('Source IP:         198.51.100.23'),
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'CRITICAL' },
        accountId: { DataType: 'String', StringValue: MEMBER_ACCOUNT },
      },
    });
    expect(importedFindings()).toEqual([
      [
        expect.objectContaining({
          Id: SIGN_IN_FINDING_ID,
          AwsAccountId: SECURITY_TOOLING_ACCOUNT,
          ProductArn: `arn:aws:securityhub:${SECURITY_HUB_REGION}:${SECURITY_TOOLING_ACCOUNT}:product/${SECURITY_TOOLING_ACCOUNT}/default`,
          Severity: { Label: 'CRITICAL', Original: 'CRITICAL' },
          CreatedAt: NOW.toISOString(),
        }),
      ],
    ]);
  });

  it('imports findings into the Security Hub region and alerts from the function region', async () => {
    await invoke('root-console-signin-success');

    const hubClient = hubMock.commandCalls(BatchImportFindingsCommand)[0]?.thisValue as SecurityHubClient;
    const snsClient = snsMock.commandCalls(PublishCommand)[0]?.thisValue as SNSClient;
    expect(await hubClient.config.region()).toBe(SECURITY_HUB_REGION);
    expect(await snsClient.config.region()).toBe(ALERT_REGION);
  });

  it('emits the alert latency by kind, the activity count, and publishes metrics', async () => {
    await invoke('root-console-signin-success');

    expect(metrics.named('AlertLatency')).toEqual([
      {
        name: 'AlertLatency',
        unit: 'Milliseconds',
        value: 3250,
        dimensions: { kind: 'console-sign-in' },
        metadata: { eventId: SIGN_IN_EVENT_ID },
      },
    ]);
    expect(metrics.named('RootActivity')).toEqual([expect.objectContaining({ unit: 'Count', value: 1 })]);
    expect(metrics.published).toBe(1);
  });

  it('looks up break-glass windows of the acting account around the event time', async () => {
    await invoke('root-console-signin-success');

    const query = dynamoMock.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query?.TableName).toBe(ALERT_CONFIG.breakGlassTable);
    expect(query?.ExpressionAttributeValues?.[':account']).toBe(MEMBER_ACCOUNT);
    // A day either side, so windows stored with a UTC offset are never cut off by string comparison.
    expect(query?.ExpressionAttributeValues?.[':from']).toBe('2026-11-19T09:15:01.000Z');
    expect(query?.ExpressionAttributeValues?.[':to']).toBe('2026-11-21T09:15:01.000Z#\uffff');
  });

  it('is MEDIUM inside an open break-glass window, with the ticket in the alert and the finding', async () => {
    dynamoMock.on(QueryCommand).resolves({ Items: [storedWindow()] });

    const result = await invoke('root-console-signin-success');

    expect(result).toMatchObject({ status: 'alerted', severity: 'MEDIUM', breakGlass: 'open' });
    expect(publishedMessage()?.Subject).toBe(
      `[rootguard] MEDIUM root console sign-in (success) in ${MEMBER_ACCOUNT}`,
    );
    expect(publishedMessage()?.Message).toContain('OPEN: ticket CHG-4711');
    const [finding] = importedFindings()[0] ?? [];
    expect(finding?.Severity?.Label).toBe('MEDIUM');
    expect(finding?.Note?.Text).toContain('ticket CHG-4711');
    expect(finding?.UserDefinedFields).toMatchObject({ breakGlassTicket: 'CHG-4711' });
  });

  it('honours a window stored with a UTC offset', async () => {
    // 10:00+02:00 to 12:00+02:00 is 08:00Z to 10:00Z, which covers the 09:15:01Z sign-in.
    dynamoMock.on(QueryCommand).resolves({
      Items: [storedWindow({ startsAt: '2026-11-20T10:00:00+02:00', endsAt: '2026-11-20T12:00:00+02:00' })],
    });

    expect(await invoke('root-console-signin-success')).toMatchObject({ severity: 'MEDIUM' });
  });

  it('stays CRITICAL when the only window ended before the event', async () => {
    dynamoMock.on(QueryCommand).resolves({
      Items: [storedWindow({ startsAt: '2026-11-20T06:00:00.000Z', endsAt: '2026-11-20T09:15:01.000Z' })],
    });

    expect(await invoke('root-console-signin-success')).toMatchObject({
      severity: 'CRITICAL',
      breakGlass: 'none',
    });
  });

  it('still alerts as CRITICAL, and says why, when the window lookup fails', async () => {
    dynamoMock.on(QueryCommand).rejects(
      Object.assign(new Error('not authorized to perform dynamodb:Query'), {
        name: 'AccessDeniedException',
      }),
    );

    const result = await invoke('root-console-signin-success');

    expect(result).toMatchObject({ status: 'alerted', severity: 'CRITICAL', breakGlass: 'lookup-failed' });
    expect(publishedMessage()?.Message).toContain(
      'UNKNOWN: the break-glass window lookup failed (Access denied calling dynamodb:Query',
    );
    const [finding] = importedFindings()[0] ?? [];
    expect(finding?.Severity?.Label).toBe('CRITICAL');
    expect(finding?.Note?.Text).toMatch(
      /^The break-glass window lookup failed \(Access denied calling dynamodb:Query/,
    );
    expect(metrics.named('BreakGlassLookupFailures')).toHaveLength(1);
  });

  it('treats a malformed window record as a failed lookup, not as "no window"', async () => {
    dynamoMock.on(QueryCommand).resolves({ Items: [{ accountId: MEMBER_ACCOUNT, sk: 'junk' }] });

    expect(await invoke('root-console-signin-success')).toMatchObject({
      severity: 'CRITICAL',
      breakGlass: 'lookup-failed',
    });
  });

  it('labels an AssumeRoot session call as such', async () => {
    await invoke('root-assume-root-session-call');

    expect(publishedMessage()?.Subject).toBe(
      `[rootguard] CRITICAL AssumeRoot session API call iam:DeleteLoginProfile (success) in ${MEMBER_ACCOUNT}`,
    );
    expect(importedFindings()[0]?.[0]?.UserDefinedFields?.session).toBe('assumed-root');
    expect(metrics.named('AlertLatency')[0]?.dimensions).toEqual({ kind: 'api-call' });
  });

  describe('events it must not alert on', () => {
    it.each(['iam-user-console-signin', 'root-invoked-by-service', 'root-aws-service-event'] as const)(
      'ignores %s without calling AWS',
      async (name) => {
        const result = await invoke(name);

        expect(result).toMatchObject({ status: 'ignored' });
        expect(snsMock).not.toHaveReceivedAnyCommand();
        expect(hubMock).not.toHaveReceivedAnyCommand();
        expect(dynamoMock).not.toHaveReceivedAnyCommand();
        expect(metrics.named('IgnoredEvents')).toHaveLength(1);
      },
    );
  });

  describe('malformed events', () => {
    it('parks the raw event on the invalid-event queue and returns without throwing', async () => {
      const event = loadEvent('root-console-signin-success');
      delete (event.detail as Record<string, unknown>).eventTime;

      const result = await invoke(event);

      expect(result).toEqual({
        status: 'invalid',
        eventId: '6f87d04b-9f74-4f04-a780-7acf4b0a9b38',
        reason: expect.stringContaining('detail.eventTime'),
      });
      expect(sqsMock).toHaveReceivedCommandWith(SendMessageCommand, {
        QueueUrl: ALERT_CONFIG.invalidEventQueueUrl,
        MessageBody: JSON.stringify(event),
        MessageAttributes: expect.objectContaining({
          detailType: { DataType: 'String', StringValue: 'AWS Console Sign In via CloudTrail' },
          eventBusId: { DataType: 'String', StringValue: '6f87d04b-9f74-4f04-a780-7acf4b0a9b38' },
        }),
      });
      expect(snsMock).not.toHaveReceivedAnyCommand();
      expect(metrics.named('InvalidEvents')).toHaveLength(1);
      expect(metrics.published).toBe(1);
    });

    it.each([
      ['null', null],
      ['a string', 'not an event'],
      ['an array', [1, 2, 3]],
    ])('parks %s too', async (_label, raw) => {
      await expect(invokeRaw(raw)).resolves.toMatchObject({ status: 'invalid', eventId: undefined });
      expect(sqsMock).toHaveReceivedCommandWith(SendMessageCommand, { MessageBody: JSON.stringify(raw) });
    });

    it('logs the envelope id, detail-type and issues, never the event content', async () => {
      const error = jest.spyOn(logger, 'error');
      const event = loadEvent('root-console-signin-success');
      (event.detail as Record<string, unknown>).eventTime = 'yesterday';

      await invoke(event);

      const logged = JSON.stringify(error.mock.calls);
      expect(logged).toContain('detail.eventTime');
      expect(logged).not.toContain('198.51.100.23');
      expect(logged).not.toContain('yesterday');
      error.mockRestore();
    });

    it('throws when the invalid-event queue cannot take it, so Lambda keeps the event', async () => {
      sqsMock
        .on(SendMessageCommand)
        .rejects(Object.assign(new Error('queue gone'), { name: 'QueueDoesNotExist' }));

      await expect(invokeRaw({})).rejects.toBeInstanceOf(CollectError);
    });
  });

  describe('delivery failures', () => {
    it('throws when SNS fails (Lambda retries), after importing the finding anyway', async () => {
      snsMock
        .on(PublishCommand)
        .rejects(Object.assign(new Error('topic gone'), { name: 'NotFoundException' }));

      const failure = invoke('root-console-signin-success');

      await expect(failure).rejects.toBeInstanceOf(AlertDeliveryError);
      await expect(failure).rejects.toThrow(/SNS alert not sent \(Failed calling sns:Publish/);
      expect(hubMock).toHaveReceivedCommandTimes(BatchImportFindingsCommand, 1);
      expect(metrics.named('AlertLatency')).toEqual([]);
      expect(metrics.named('AlertDeliveryFailures')).toHaveLength(1);
      expect(metrics.published).toBe(1);
    });

    it('re-sends the findings Security Hub rejected, once', async () => {
      hubMock
        .on(BatchImportFindingsCommand)
        .resolvesOnce({
          SuccessCount: 0,
          FailedCount: 1,
          FailedFindings: [
            { Id: SIGN_IN_FINDING_ID, ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          ],
        })
        .resolves({ SuccessCount: 1, FailedCount: 0, FailedFindings: [] });

      const result = await invoke('root-console-signin-success');

      expect(result.status).toBe('alerted');
      expect(importedFindings().map((batch) => batch?.map((f) => f.Id))).toEqual([
        [SIGN_IN_FINDING_ID],
        [SIGN_IN_FINDING_ID],
      ]);
    });

    it('throws when Security Hub rejects the finding twice; the SNS alert has gone out', async () => {
      hubMock.on(BatchImportFindingsCommand).resolves({
        SuccessCount: 0,
        FailedCount: 1,
        FailedFindings: [{ Id: SIGN_IN_FINDING_ID, ErrorCode: 'InvalidInput', ErrorMessage: 'bad Types' }],
      });

      await expect(invoke('root-console-signin-success')).rejects.toThrow(
        /finding not imported \(Security Hub rejected 1 finding\(s\) after one retry .*InvalidInput bad Types/,
      );
      expect(hubMock).toHaveReceivedCommandTimes(BatchImportFindingsCommand, 2);
      expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
      // The page went out, so its latency counts towards MTTA.
      expect(metrics.named('AlertLatency')).toHaveLength(1);
    });

    it('imports the same finding id when Lambda retries the whole invocation', async () => {
      snsMock.on(PublishCommand).rejectsOnce(new Error('blip')).resolves({ MessageId: 'msg-2' });

      await expect(invoke('root-console-signin-success')).rejects.toThrow(AlertDeliveryError);
      await expect(invoke('root-console-signin-success')).resolves.toMatchObject({ status: 'alerted' });

      expect(importedFindings().map((batch) => batch?.[0]?.Id)).toEqual([
        SIGN_IN_FINDING_ID,
        SIGN_IN_FINDING_ID,
      ]);
    });

    it('still pages when the importing account cannot be told, then fails loudly', async () => {
      const failure = handler()(loadEvent('root-console-signin-success'), {});

      await expect(failure).rejects.toThrow(/Cannot tell the importing account from the Lambda context/);
      expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
      expect(hubMock).not.toHaveReceivedAnyCommand();
    });
  });
});
