/**
 * Root sessions against moto_server, real SDK clients over HTTP:
 * - the session store's version-conditional writes: concurrent first events of one session page once, a retried
 *   event changes nothing, two accounts keep two sessions;
 * - the summary check as EventBridge Scheduler creates it: a one-time `at(...)` schedule in the group, deleted
 *   after it fires, with the validated payload; creating it twice is the same schedule.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateScheduleGroupCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { classifyRootActivity } from '../../alerts/root-activity/classify';
import { parseRootActivityEvent } from '../../alerts/root-activity/event';
import { SessionPaging, sessionEventOf } from '../../alerts/root-activity/session-paging';
import { planCheck, scheduleName } from '../../alerts/root-activity/session-schedule';
import { schedulePayloadSchema } from '../../alerts/root-activity/session-schedule-payload';
import { OTHER_ACCOUNT } from '../helpers/constants';
import { createEmulatedTable, useEmulatedClients } from '../helpers/emulator';
import { type CloudTrailEvent, MetricsRecorder } from '../helpers/root-activity-events';
import { consoleSession, SESSION_CONFIG, SESSION_TABLE } from '../helpers/root-sessions';

const aws = useEmulatedClients({ dynamodb: DynamoDBClient, scheduler: SchedulerClient });

beforeEach(async () => {
  // = serverless.yml RootSessionsTable
  await createEmulatedTable(aws.dynamodb, SESSION_TABLE, 'pk');
  await aws.scheduler.send(new CreateScheduleGroupCommand({ Name: SESSION_CONFIG.schedule.groupName }));
});

function sessionEvent(event: CloudTrailEvent) {
  const parsed = parseRootActivityEvent(event);
  if (!parsed.ok) throw parsed.error;
  const classified = classifyRootActivity(parsed.event);
  if (!classified.ok) throw new Error(classified.reason);
  return sessionEventOf(classified.activity, parsed.event.detail);
}

const paging = () =>
  new SessionPaging(SESSION_CONFIG, {
    dynamodb: aws.dynamodb,
    scheduler: aws.scheduler,
    metrics: new MetricsRecorder(),
  });
const NOW = new Date('2026-11-20T09:15:10Z');

describe('root session store on DynamoDB (moto_server)', () => {
  it('pages once when the first events of a session are admitted at the same time', async () => {
    // Prepare
    const events = consoleSession(6).map(sessionEvent);

    // Act
    const gates = await Promise.all(events.map((e) => paging().admit(e, NOW)));

    // Assess
    expect(gates.filter((g) => g.pages)).toHaveLength(1);
    expect(new Set(gates.map((g) => g.sessionId)).size).toBe(1);
    expect(gates.every((g) => g.storeError === undefined)).toBe(true);
  });

  it('changes nothing for a retried event, and keeps two accounts apart', async () => {
    // Prepare
    const mine = consoleSession(3, { prefix: 'a' }).map(sessionEvent);
    const theirs = consoleSession(2, { accountId: OTHER_ACCOUNT, prefix: 'b' }).map(sessionEvent);
    const store = paging();
    for (const e of [...mine, ...theirs]) await store.confirm(await store.admit(e, NOW));
    const before = await store.store.load(`${mine[0]?.accountId}#console`, mine[0]?.accountId ?? '');

    // Act
    const retried = await store.admit(mine[1] as (typeof mine)[number], NOW);
    const after = await store.store.load(`${mine[0]?.accountId}#console`, mine[0]?.accountId ?? '');
    const other = await store.store.load(`${OTHER_ACCOUNT}#console`, OTHER_ACCOUNT);

    // Assess
    expect(retried.decision).toBe('duplicate');
    expect(after).toEqual(before);
    expect(after?.state.eventCount).toBe(3);
    expect(other?.state).toMatchObject({ accountId: OTHER_ACCOUNT, eventCount: 2, pages: 1 });
    expect(other?.state.sessionId).not.toBe(after?.state.sessionId);
  });
});

describe('summary checks on EventBridge Scheduler (moto_server)', () => {
  it('creates a one-time schedule that deletes itself, carrying the session payload; twice is once', async () => {
    // Prepare
    const gate = await paging().admit(sessionEvent(consoleSession(1)[0] as CloudTrailEvent), NOW);
    const state = gate.step?.next;
    if (!state) throw new Error('the first event opened no session');

    // Act
    const first = await planCheck(aws.scheduler, SESSION_CONFIG.schedule, state);
    const again = await planCheck(aws.scheduler, SESSION_CONFIG.schedule, state);
    const stored = await aws.scheduler.send(
      new GetScheduleCommand({
        Name: scheduleName(state.sessionId, state.checkSeq),
        GroupName: SESSION_CONFIG.schedule.groupName,
      }),
    );

    // Assess
    expect([first.created, again.created]).toEqual([true, false]);
    expect(stored).toMatchObject({
      ScheduleExpression: 'at(2026-11-20T09:30:10)',
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: SESSION_CONFIG.schedule.functionArn, RoleArn: SESSION_CONFIG.schedule.roleArn },
    });
    expect(schedulePayloadSchema.parse(JSON.parse(stored.Target?.Input ?? '{}'))).toMatchObject({
      sessionId: state.sessionId,
      token: state.token,
      seq: 1,
    });
  });
});
