/**
 * One page per root session (issue 15, part 2, "Done when"): the alert handler and the session-summary Lambda
 * together, AWS mocked at Client#send, the root-sessions table held in memory with DynamoDB's conditional-write
 * semantics (test/helpers/root-sessions.ts), and the schedules the handlers create fired by hand at their time.
 */
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { BatchImportFindingsCommand } from '@aws-sdk/client-securityhub';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CustodyLookup } from '../../../alerts/root-activity/device-custody';
import { createRootActivityHandler, type RootActivityResult } from '../../../alerts/root-activity/handler';
import { sessionFindingId } from '../../../alerts/session-summary/finding';
import {
  createSessionSummaryHandler,
  type SessionSummaryConfig,
  type SessionSummaryResult,
} from '../../../alerts/session-summary/handler';
import { ClientFactory } from '../../../lib/clients';
import { MEMBER_ACCOUNT, OTHER_ACCOUNT } from '../../helpers/constants';
import { custodyDevice } from '../../helpers/mfa-devices';
import {
  ALERT_CONFIG,
  ALERT_REGION,
  type CloudTrailEvent,
  fakeLedgerTable,
  lambdaContext,
  MetricsRecorder,
} from '../../helpers/root-activity-events';
import {
  consoleSession,
  createdSchedules,
  FakeSessionTable,
  SECOND_IP,
  SESSION_CONFIG,
  scheduledPayload,
  scheduledTime,
} from '../../helpers/root-sessions';
import { alertSdkMocks, useSdkMocks } from '../../helpers/sdk-mocks';

/** The MFA device of the sample sign-in (test/events/root-console-signin-success.json). */
const SIGN_IN_DEVICE = 'arn:aws:iam::222222222222:u2f/root/primary-key-ABCDEFGHIJKLMNOP';

const mocks = alertSdkMocks();
const { scheduler } = useSdkMocks({ scheduler: SchedulerClient });

const SUMMARY_CONFIG: SessionSummaryConfig = {
  sessions: SESSION_CONFIG,
  topicArn: ALERT_CONFIG.topicArn,
  breakGlassTable: ALERT_CONFIG.breakGlassTable,
  region: ALERT_REGION,
  securityHubRegion: ALERT_CONFIG.securityHubRegion,
  runbook: ALERT_CONFIG.runbook,
  usualRegions: ['us-east-1', 'eu-west-1'],
};

let table: FakeSessionTable;
let ledger: ReturnType<typeof fakeLedgerTable>;
let clock: Date;
let metrics: MetricsRecorder;

beforeEach(() => {
  mocks.reset();
  table = new FakeSessionTable(mocks.dynamo);
  ledger = fakeLedgerTable(mocks.dynamo);
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:::schedule/x' });
  metrics = new MetricsRecorder();
});

function alertHandler(custodyLookup?: CustodyLookup) {
  return createRootActivityHandler({
    config: ALERT_CONFIG,
    clientFactory: new ClientFactory({ region: ALERT_REGION }),
    now: () => clock,
    metrics,
    retryDelayMs: 0,
    sessions: SESSION_CONFIG,
    ...(custodyLookup ? { custodyLookup } : {}),
  });
}

function summaryHandler() {
  return createSessionSummaryHandler({
    config: SUMMARY_CONFIG,
    clientFactory: new ClientFactory({ region: ALERT_REGION }),
    now: () => clock,
    metrics,
  });
}

/** Each event handled a few seconds after it happened, one after the other. */
async function deliver(
  events: readonly CloudTrailEvent[],
  custodyLookup?: CustodyLookup,
): Promise<RootActivityResult[]> {
  const handle = alertHandler(custodyLookup);
  const results: RootActivityResult[] = [];
  for (const event of events) {
    clock = new Date(Date.parse(event.detail.eventTime) + 3000);
    results.push(await handle(event, lambdaContext()));
  }
  return results;
}

/** Fires every schedule created so far, and the ones those create, each at its time. */
async function fireSchedules(): Promise<SessionSummaryResult[]> {
  const handle = summaryHandler();
  const results: SessionSummaryResult[] = [];
  for (let fired = 0; fired < createdSchedules(scheduler).length; fired++) {
    const schedule = createdSchedules(scheduler)[fired];
    if (!schedule) break;
    clock = scheduledTime(schedule);
    results.push(await handle(scheduledPayload(schedule), lambdaContext()));
  }
  return results;
}

const pages = () => mocks.sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
const decisions = (results: readonly RootActivityResult[]) =>
  results.map((r) => ('session' in r ? r.session?.decision : r.status));

describe('one page per root session', () => {
  it('pages a console session of 200 calls once and sends its summaries', async () => {
    // Prepare
    const events = consoleSession(200);

    // Act
    const results = await deliver(events);
    const pagesDuringSession = pages().length;
    const summaries = await fireSchedules();

    // Assess
    expect(pagesDuringSession).toBe(1);
    expect(decisions(results)).toEqual(['page', ...Array(199).fill('append')]);
    expect(results[0]).toMatchObject({ status: 'alerted', session: { reasons: ['first-event'] } });
    expect(summaries.map((s) => s.status === 'summarized' && s.kind)).toEqual([false, 'progress', 'final']);
    const [progress, final] = pages().slice(1);
    expect(final?.Subject).toBe(
      `[rootguard] CRITICAL root session ended: 200 events, 2 that matter in ${MEMBER_ACCOUNT}`,
    );
    expect(final?.Message).toMatch(
      /Calls that matter \(2\)\n {2}credentials.*\n.*iam:CreateAccessKey in us-east-1/,
    );
    expect(final?.Message).toMatch(/spend-unusual-region.*\n.*ec2:RunInstances in ap-southeast-2/);
    expect(final?.Message).toContain('No break-glass window covers this session');
    expect(final?.Message).toMatch(
      / {2}ec2: 80\n {4}DescribeRegions: 40 \(eu-west-1 40\)\n {4}DescribeInstances: 39/,
    );
    expect(progress?.Message).toContain('still going');
    const findingIds = mocks.hub
      .commandCalls(BatchImportFindingsCommand)
      .flatMap((c) => c.args[0].input.Findings ?? [])
      .map((f) => f.Id)
      .filter((id) => id?.startsWith('rootguard/root-session/'));
    const sessionId = results[0]?.status === 'alerted' ? results[0].session?.sessionId : undefined;
    expect(findingIds).toEqual([
      sessionFindingId(MEMBER_ACCOUNT, sessionId ?? ''),
      sessionFindingId(MEMBER_ACCOUNT, sessionId ?? ''),
    ]);
  });

  it('plans each summary check as a one-time schedule that deletes itself and invokes the summary Lambda', async () => {
    // Act
    await deliver(consoleSession(3));

    // Assess
    const [schedule] = createdSchedules(scheduler);
    expect(createdSchedules(scheduler)).toHaveLength(1);
    expect(schedule).toMatchObject({
      GroupName: SESSION_CONFIG.schedule.groupName,
      ScheduleExpression: 'at(2026-11-20T09:30:04)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: SESSION_CONFIG.schedule.functionArn, RoleArn: SESSION_CONFIG.schedule.roleArn },
    });
    expect(schedule?.Name).toMatch(/^rootguard-session-222222222222-\d+-[0-9a-f]{8}-1$/);
  });

  it('pages again when a second source IP appears in the session', async () => {
    // Prepare
    const events = consoleSession(8);
    (events[6]?.detail as Record<string, unknown>).sourceIPAddress = SECOND_IP;

    // Act
    const results = await deliver(events);

    // Assess
    expect(decisions(results)).toEqual([
      'page',
      'append',
      'append',
      'append',
      'append',
      'append',
      're-page',
      'append',
    ]);
    expect(results[6]).toMatchObject({ status: 'alerted', session: { reasons: ['new-source-ip'] } });
    expect(pages()).toHaveLength(2);
  });

  it("records every event in the ledger with its session's id, as paged only when it paged", async () => {
    // Prepare
    const events = consoleSession(5);
    (events[3]?.detail as Record<string, unknown>).sourceIPAddress = SECOND_IP;

    // Act
    const results = await deliver(events);

    // Assess
    const sessionId = results[0]?.status === 'alerted' ? results[0].session?.sessionId : undefined;
    expect(sessionId).toMatch(/^222222222222-/);
    expect(events.map((e) => ledger.get(e.detail.eventID))).toEqual([
      expect.objectContaining({ rootSessionId: sessionId, paged: true, alertedAt: expect.any(String) }),
      expect.objectContaining({ rootSessionId: sessionId, paged: false }),
      expect.objectContaining({ rootSessionId: sessionId, paged: false }),
      expect.objectContaining({ rootSessionId: sessionId, paged: true, alertedAt: expect.any(String) }),
      expect.objectContaining({ rootSessionId: sessionId, paged: false }),
    ]);
    expect(ledger.get(events[1]?.detail.eventID ?? '')).not.toHaveProperty('alertedAt');
  });

  it.each([
    { register: 'does not list the device', devices: [], decision: 're-page' },
    { register: 'lists the device as active', devices: [SIGN_IN_DEVICE], decision: 'append' },
  ])('a second sign-in in the session whose register $register: $decision', async ({ devices, decision }) => {
    // Prepare
    const events = consoleSession(3);
    const again = structuredClone(events[0] as CloudTrailEvent);
    again.detail = { ...again.detail, eventID: 'c-again', eventTime: '2026-11-20T09:16:01Z' };
    const custody: CustodyLookup = async (accountId) => ({
      accountId,
      devices: devices.map((serial) => custodyDevice(serial, 'Frankfurt office safe')),
    });

    // Act
    const results = await deliver([...events, again], custody);

    // Assess
    expect(decisions(results).at(-1)).toBe(decision);
    if (decision === 're-page') {
      expect(results.at(-1)).toMatchObject({ session: { reasons: ['unregistered-mfa-device'] } });
    }
  });

  it("never merges two accounts' sessions", async () => {
    // Prepare
    const mine = consoleSession(10, { prefix: 'a' });
    const theirs = consoleSession(10, { accountId: OTHER_ACCOUNT, prefix: 'b' });
    const interleaved = mine.flatMap((e, i) => [e, theirs[i] as CloudTrailEvent]);

    // Act
    const results = await deliver(interleaved);

    // Assess
    expect(pages().map((p) => p.MessageAttributes?.accountId?.StringValue)).toEqual([
      MEMBER_ACCOUNT,
      OTHER_ACCOUNT,
    ]);
    expect(results.filter((r) => r.status === 'alerted')).toHaveLength(2);
    expect([...table.items.keys()].sort()).toEqual([`${MEMBER_ACCOUNT}#console`, `${OTHER_ACCOUNT}#console`]);
  });

  it('changes nothing for a retried event', async () => {
    // Prepare
    const events = consoleSession(4);
    await deliver(events);
    const before = structuredClone([...table.items]);
    const schedulesBefore = createdSchedules(scheduler).length;

    // Act
    const retries = await deliver([events[0] as CloudTrailEvent, events[2] as CloudTrailEvent]);

    // Assess
    expect(decisions(retries)).toEqual(['duplicate', 'duplicate']);
    expect([...table.items]).toEqual(before);
    expect(pages()).toHaveLength(1);
    expect(createdSchedules(scheduler)).toHaveLength(schedulesBefore);
  });

  it('pages once when the first events of a session arrive at the same time (conditional write)', async () => {
    // Prepare
    const [signIn, call] = consoleSession(2);
    const handle = alertHandler();
    clock = new Date('2026-11-20T09:15:10Z');
    table.holdGets(2);

    // Act
    const results = await Promise.all([handle(signIn, lambdaContext()), handle(call, lambdaContext())]);

    // Assess
    expect(pages()).toHaveLength(1);
    expect(results.map((r) => r.status).sort()).toEqual(['alerted', 'appended']);
    expect(table.conflicts).toBe(1);
    expect(createdSchedules(scheduler)).toHaveLength(1);
  });

  it('pages again when Lambda retries an event whose page failed', async () => {
    // Prepare
    const [signIn] = consoleSession(1);
    mocks.sns.on(PublishCommand).rejectsOnce(new Error('throttled')).resolves({ MessageId: 'msg-2' });
    await expect(deliver([signIn as CloudTrailEvent])).rejects.toThrow(/SNS alert not sent/);

    // Act
    const [retry] = await deliver([signIn as CloudTrailEvent]);

    // Assess
    expect(retry).toMatchObject({ status: 'alerted', messageId: 'msg-2', session: { decision: 'page' } });
    expect(await deliver([signIn as CloudTrailEvent])).toMatchObject([{ status: 'appended' }]);
  });

  it('pages every event on its own when the session store fails', async () => {
    // Prepare
    mocks.dynamo.on(GetCommand).rejects(new Error('table unreachable'));

    // Act
    const results = await deliver(consoleSession(3));

    // Assess
    expect(pages()).toHaveLength(3);
    expect(results.map((r) => r.status === 'alerted' && r.session?.reasons)).toEqual([
      ['store-unavailable'],
      ['store-unavailable'],
      ['store-unavailable'],
    ]);
    expect(metrics.named('SessionStoreFailures')).toHaveLength(3);
  });

  it('still pages when the summary check cannot be planned, and plans it with the next event', async () => {
    // Prepare
    scheduler.on(CreateScheduleCommand).rejectsOnce(new Error('scheduler down')).resolves({});

    // Act
    const results = await deliver(consoleSession(2));

    // Assess
    expect(decisions(results)).toEqual(['page', 'append']);
    expect(metrics.named('SessionScheduleFailures')).toHaveLength(1);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(2);
  });
});

describe('the session-summary Lambda refuses what it did not plan', () => {
  it('refuses an invalid payload, an unknown session and a wrong token; ignores a stale check', async () => {
    // Prepare
    await deliver(consoleSession(2));
    const [schedule] = createdSchedules(scheduler);
    const payload = scheduledPayload(schedule as NonNullable<typeof schedule>);
    const handle = summaryHandler();

    // Act
    const results = await Promise.all([
      handle({ ...payload, extra: 'field' }, lambdaContext()),
      handle({ ...payload, sessionId: `${OTHER_ACCOUNT}-1763630104-deadbeef` }, lambdaContext()),
      handle({ ...payload, token: 'x'.repeat(32) }, lambdaContext()),
      handle({ ...payload, seq: payload.seq + 1 }, lambdaContext()),
    ]);

    // Assess
    expect(results).toEqual([
      { status: 'refused', reason: 'invalid-payload' },
      { status: 'refused', reason: 'unknown-session' },
      { status: 'refused', reason: 'unknown-session' },
      { status: 'stale', sessionId: payload.sessionId },
    ]);
    expect(metrics.named('SessionCheckRefusals')).toHaveLength(3);
    expect(pages()).toHaveLength(1);
  });
});
