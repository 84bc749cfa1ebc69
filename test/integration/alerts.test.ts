/**
 * The root-activity alert path against moto_server, with real SDK clients over HTTP:
 * - the EXACT patterns of alerts/root-activity/patterns.json, as two rules on a central bus, deliver
 *   exactly the root activity among the real-shaped test events;
 * - the finding built by finding.ts survives a double import (a Lambda retry) as one finding;
 * - the handler, fed what the bus delivered, publishes to SNS, imports into Security Hub, honours a
 *   break-glass window stored in DynamoDB and parks a malformed event on its queue.
 */
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BreakGlassStatus } from '../../alerts/root-activity/break-glass-status';
import { classifyRootActivity } from '../../alerts/root-activity/classify';
import type { AlertConfig } from '../../alerts/root-activity/config';
import { LedgerWriteError } from '../../alerts/root-activity/errors';
import { parseRootActivityEvent } from '../../alerts/root-activity/event';
import { buildRootActivityFinding, rootActivityFindingId } from '../../alerts/root-activity/finding';
import { ledgerRecordFromItem } from '../../alerts/root-activity/ledger';
import patterns from '../../alerts/root-activity/patterns.json';
import { putWindow } from '../../lib/break-glass-store';
import { MEMBER_ACCOUNT } from '../helpers/constants';
import { emulatedAlertHandler } from '../helpers/emulated-alert-path';
import {
  createBreakGlassTable,
  createEmulatedQueue,
  createEmulatedTable,
  EMULATOR_REGION,
  type EmulatedQueue,
  emulatorClient,
  MOTO_DEFAULT_ACCOUNT,
  useEmulatedClients,
} from '../helpers/emulator';
import {
  ALERTING_EVENTS,
  ASSUME_ROOT_ISSUANCE,
  asAccount,
  auditSessionCall,
  breakGlassWindow,
  type CloudTrailEvent,
  FORGED_SOURCE,
  loadEvent,
  putCloudTrailEvents,
  ROOT_AUDIT_ROLE_ARN,
  SAMPLE_EVENTS,
} from '../helpers/root-activity-events';

const BUS = 'rootguard-central';
const TABLE = 'rootguard-break-glass';
const LEDGER_TABLE = 'rootguard-root-activity-ledger';
const ALL_EVENTS = SAMPLE_EVENTS;

const aws = useEmulatedClients({ events: EventBridgeClient, sqs: SQSClient, hub: SecurityHubClient });

const createQueue = (name: string): Promise<EmulatedQueue> => createEmulatedQueue(aws.sqs, name);

/** The central bus with the deployed patterns, verbatim, as one rule each, delivering to a queue. */
async function centralBusDeliveringTo(queueArn: string): Promise<void> {
  await aws.events.send(new CreateEventBusCommand({ Name: BUS }));
  for (const [name, pattern] of Object.entries(patterns)) {
    await aws.events.send(
      new PutRuleCommand({ Name: name, EventBusName: BUS, EventPattern: JSON.stringify(pattern) }),
    );
    await aws.events.send(
      new PutTargetsCommand({ Rule: name, EventBusName: BUS, Targets: [{ Id: 'alert', Arn: queueArn }] }),
    );
  }
}

async function putEvents(list: readonly CloudTrailEvent[]): Promise<void> {
  expect(await putCloudTrailEvents(aws.events, list, { EventBusName: BUS })).toBe(0);
}

const eventIdOf = (body: unknown) => (body as CloudTrailEvent).detail.eventID;

/**
 * Publishes the test events (each through `asSent`) on the central bus and returns what its rules delivered.
 * moto leaves the envelope `account` out when it delivers to a queue; EventBridge always writes the sender's
 * account there (never a value of the request), so it is put back as EventBridge would: the emulator's account.
 */
async function deliveredByTheBus(
  asSent: (event: CloudTrailEvent) => CloudTrailEvent = (e) => e,
): Promise<unknown[]> {
  const target = await createQueue('root-activity-target');
  await centralBusDeliveringTo(target.arn);
  await putEvents(ALL_EVENTS.map((name) => asSent(loadEvent(name))));
  return (await target.drain()).map((m) => ({
    ...(JSON.parse(m.Body ?? 'null') as CloudTrailEvent),
    account: MOTO_DEFAULT_ACCOUNT,
  }));
}

describe('root activity rules on the central bus', () => {
  it('deliver exactly the root sign-ins, root API calls and root console actions, each once', async () => {
    const delivered = await deliveredByTheBus();

    expect(delivered.map(eventIdOf).sort()).toEqual(
      ALERTING_EVENTS.map((n) => loadEvent(n).detail.eventID).sort(),
    );
  });

  it('deliver nothing an attacker puts with a source of his own', async () => {
    const delivered = await deliveredByTheBus((e) => ({ ...e, source: FORGED_SOURCE }));

    expect(delivered).toEqual([]);
  });
});

describe('root activity finding in Security Hub', () => {
  it('stays one finding, with its fields intact, when imported twice (a retry)', async () => {
    const parsed = parseRootActivityEvent(loadEvent('root-console-signin-success'));
    if (!parsed.ok) throw parsed.error;
    const classified = classifyRootActivity(parsed.event);
    if (!classified.ok) throw new Error(classified.reason);
    const breakGlass: BreakGlassStatus = { state: 'open', window: breakGlassWindow() };
    const build = (now: string) =>
      buildRootActivityFinding({
        activity: classified.activity,
        breakGlass,
        target: { partition: 'aws', region: EMULATOR_REGION, importerAccountId: MOTO_DEFAULT_ACCOUNT },
        now,
      });
    const first = build('2026-11-20T09:15:04.000Z');
    const retry = build('2026-11-20T09:16:30.000Z');

    for (const finding of [first, retry]) {
      const out = await aws.hub.send(new BatchImportFindingsCommand({ Findings: [finding] }));
      expect(out).toMatchObject({ SuccessCount: 1, FailedCount: 0 });
    }
    // moto ignores GetFindings filters: select by Id here.
    const stored = ((await aws.hub.send(new GetFindingsCommand({}))).Findings ?? []).filter(
      (f) => f.Id === first.Id,
    );

    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      Id: rootActivityFindingId(MEMBER_ACCOUNT, '3d1e2f4a-8b6c-4d2e-9f10-a1b2c3d4e5f6'),
      GeneratorId: 'rootguard/root-activity',
      AwsAccountId: MOTO_DEFAULT_ACCOUNT,
      Title: first.Title,
      Severity: { Label: 'MEDIUM' },
      Types: first.Types,
      Resources: [expect.objectContaining({ Type: 'AwsAccount', Id: `AWS::::Account:${MEMBER_ACCOUNT}` })],
      UserDefinedFields: expect.objectContaining({
        breakGlassTicket: 'CHG-4711',
        session: 'root-credentials',
      }),
      UpdatedAt: retry.UpdatedAt,
    });
  });
});

describe('alert handler on the emulator', () => {
  async function alertStack(overrides: Partial<AlertConfig> = {}) {
    const alerts = await createQueue('on-call');
    const invalid = await createQueue('root-activity-invalid');
    const sns = emulatorClient(SNSClient);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'rootguard-root-activity' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: alerts.arn }));
    const dynamodb = emulatorClient(DynamoDBClient);
    await createBreakGlassTable(dynamodb, TABLE);
    await createEmulatedTable(dynamodb, LEDGER_TABLE, 'eventId');
    const invoke = emulatedAlertHandler({
      topicArn: TopicArn as string,
      invalidEventQueueUrl: invalid.url,
      breakGlassTable: TABLE,
      ledgerTable: LEDGER_TABLE,
      ...overrides,
    });
    return { alerts, invalid, dynamodb, invoke };
  }

  /** SNS notifications that reached the subscribed queue: subject, message and attributes. */
  async function notifications(queue: EmulatedQueue) {
    return (await queue.drain()).map((m) => {
      const n = JSON.parse(m.Body ?? '{}') as {
        Subject: string;
        Message: string;
        MessageAttributes: Record<string, { Value: string }>;
      };
      return { subject: n.Subject, message: n.Message, severity: n.MessageAttributes?.severity?.Value };
    });
  }

  it('alerts every root event the bus delivers, and imports one finding per event', async () => {
    const { alerts, invoke } = await alertStack();
    // The emulator's account forwarding its own root activity.
    const delivered = await deliveredByTheBus((e) => asAccount(e, MOTO_DEFAULT_ACCOUNT));

    const results = [];
    for (const event of delivered) results.push(await invoke(event));

    expect(results.map((r) => r.status)).toEqual(delivered.map(() => 'alerted'));
    const subjects = (await notifications(alerts)).map((n) => n.subject).sort();
    expect(subjects).toEqual(
      [
        `[rootguard] CRITICAL AssumeRoot session API call iam:DeleteLoginProfile (success) in ${MEMBER_ACCOUNT}`,
        `[rootguard] CRITICAL root API call iam:CreateAccessKey (success) in ${MEMBER_ACCOUNT}`,
        `[rootguard] CRITICAL root API call s3:ListBuckets (failure) in ${MEMBER_ACCOUNT}`,
        `[rootguard] CRITICAL root API call iam:ListAccessKeys (success) in ${MEMBER_ACCOUNT}`,
        `[rootguard] CRITICAL root API call ec2:DescribeInstances (success) in ${MEMBER_ACCOUNT}`,
        `[rootguard] CRITICAL root API call ec2:RunInstances (success) in ${MEMBER_ACCOUNT}`,
        `[rootguard] CRITICAL root console action billingconsole:CloseAccount (success) in ${MEMBER_ACCOUNT}`,
        `[rootguard] CRITICAL root console sign-in (failure) in ${MEMBER_ACCOUNT}`,
        `[rootguard] CRITICAL root console sign-in (success) in ${MEMBER_ACCOUNT}`,
      ]
        .map((subject) => subject.replace(MEMBER_ACCOUNT, MOTO_DEFAULT_ACCOUNT))
        .sort(),
    );
    const findings = (await aws.hub.send(new GetFindingsCommand({}))).Findings ?? [];
    expect(findings.map((f) => f.Id).sort()).toEqual(
      delivered.map((e) => rootActivityFindingId(MOTO_DEFAULT_ACCOUNT, eventIdOf(e))).sort(),
    );
  });

  it("refuses, without paging or filing, root activity the sender's account did not have", async () => {
    const { alerts, invoke } = await alertStack();
    // The emulator's account putting root activity of MEMBER_ACCOUNT: the attacker with a forwarding role.
    const delivered = await deliveredByTheBus();

    const results = [];
    for (const event of delivered) results.push(await invoke(event));

    expect(results.map((r) => r.status)).toEqual(delivered.map(() => 'forged'));
    expect(await notifications(alerts)).toEqual([]);
    expect((await aws.hub.send(new GetFindingsCommand({}))).Findings ?? []).toEqual([]);
  });

  it('alerts MEDIUM with the ticket when a break-glass window is recorded for the account', async () => {
    const { alerts, dynamodb, invoke } = await alertStack();
    await putWindow(dynamodb, TABLE, breakGlassWindow());

    const result = await invoke(loadEvent('root-console-signin-success'));

    expect(result).toMatchObject({ status: 'alerted', severity: 'MEDIUM', breakGlass: 'open' });
    const [notification] = await notifications(alerts);
    expect(notification).toMatchObject({
      subject: `[rootguard] MEDIUM root console sign-in (success) in ${MEMBER_ACCOUNT}`,
      severity: 'MEDIUM',
      message: expect.stringContaining('OPEN: ticket CHG-4711'),
    });
  });

  it('alerts CRITICAL and says so when the break-glass table is missing', async () => {
    const { alerts, dynamodb, invoke } = await alertStack();
    await dynamodb.send(new DeleteTableCommand({ TableName: TABLE }));

    const result = await invoke(loadEvent('root-console-signin-success'));

    expect(result).toMatchObject({ severity: 'CRITICAL', breakGlass: 'lookup-failed' });
    const [notification] = await notifications(alerts);
    expect(notification?.message).toContain(
      'UNKNOWN: the break-glass window lookup failed (Failed calling dynamodb:Query in account 222222222222 (ResourceNotFoundException',
    );
  });

  it('parks a malformed event on the invalid-event queue, unchanged, and does not throw', async () => {
    const { alerts, invalid, invoke } = await alertStack();
    const malformed = { ...loadEvent('root-console-signin-success'), detail: { eventName: 'ConsoleLogin' } };

    await expect(invoke(malformed)).resolves.toMatchObject({ status: 'invalid' });

    const parked = await invalid.drain();
    expect(parked.map((m) => JSON.parse(m.Body ?? 'null'))).toEqual([malformed]);
    expect(parked[0]?.MessageAttributes?.detailType?.StringValue).toBe('AWS Console Sign In via CloudTrail');
    expect(await notifications(alerts)).toEqual([]);
  });

  describe('the root activity ledger', () => {
    const readLedger = async (dynamodb: DynamoDBClient, eventId: string) =>
      (
        await DynamoDBDocumentClient.from(dynamodb).send(
          new GetCommand({ TableName: LEDGER_TABLE, Key: { eventId }, ConsistentRead: true }),
        )
      ).Item;

    it('records the paged event once, read back with GetItem, however often it is delivered', async () => {
      const { alerts, dynamodb, invoke } = await alertStack();
      const event = loadEvent('root-console-signin-success');

      const first = await invoke(event, 'req-1');
      const again = await invoke(event, 'req-2');

      expect(first).toMatchObject({ status: 'alerted' });
      expect(again).toMatchObject({ status: 'duplicate' });
      expect(await notifications(alerts)).toHaveLength(1);
      const item = (await readLedger(dynamodb, eventIdOf(event))) as Record<string, unknown>;
      expect(ledgerRecordFromItem(item)).toMatchObject({
        eventId: eventIdOf(event),
        accountId: MEMBER_ACCOUNT,
        kind: 'console-sign-in',
        mfaUsed: true,
        mfaDevice: 'arn:aws:iam::222222222222:u2f/root/primary-key-ABCDEFGHIJKLMNOP',
        paged: true,
        rootSessionId: eventIdOf(event),
        alertedAt: expect.any(String),
        alertLatencyMs: expect.any(Number),
      });
      expect(item.expiresAt).toBeGreaterThanOrEqual(Date.parse('2026-11-20T09:15:01Z') / 1000 + 400 * 86_400);
    });

    it("records rootguard's audit reads without paging, and pages the rest of the session", async () => {
      const { alerts, dynamodb, invoke } = await alertStack({ rootAuditRoleArn: ROOT_AUDIT_ROLE_ARN });

      expect(await invoke(loadEvent(ASSUME_ROOT_ISSUANCE))).toMatchObject({ status: 'issuance-recorded' });
      expect(await invoke(auditSessionCall('ListMFADevices'))).toMatchObject({ status: 'audit-recorded' });
      expect(await invoke(loadEvent('root-assume-root-session-call'))).toMatchObject({ status: 'alerted' });

      const audit = await readLedger(dynamodb, eventIdOf(auditSessionCall()));
      expect(audit).toMatchObject({ paged: false, session: 'assumed-root', eventName: 'ListMFADevices' });
      const [page, ...more] = await notifications(alerts);
      expect(more).toEqual([]);
      expect(page?.message).toContain('arn:aws:iam::111111111111:role/rootguard-root-audit');
    });

    it('still pages when the ledger table is gone, then fails so Lambda retries the write', async () => {
      const { alerts, dynamodb, invoke } = await alertStack();
      await dynamodb.send(new DeleteTableCommand({ TableName: LEDGER_TABLE }));

      await expect(invoke(loadEvent('root-console-signin-success'))).rejects.toThrow(LedgerWriteError);

      expect(await notifications(alerts)).toHaveLength(1);
    });
  });
});
