/**
 * How much time the root-activity alert Lambda itself adds to an alert. 1,000 root events (the real-shaped
 * test events, each with its own eventID) go through createRootActivityHandler with every AWS call mocked
 * at the SDK boundary (aws-sdk-client-mock stubs `send`, so no SDK middleware or network is measured).
 *
 * Rows, all timed per event in the same run:
 * - baseline: what any handler must do with the event at least (zod validation and JSON.stringify);
 * - pure pipeline: parse, classify, build the SNS message and the ASFF finding;
 * - handler: the whole invocation (plus break-glass lookup, ledger claim and record, publish, import, metrics,
 *   logging);
 * - handler + session grouping: 1,000 events of 10 root console sessions (10 accounts, 100 events each,
 *   interleaved) through the handler with session paging on (issue 15): each event reads and conditionally
 *   writes its session (an in-memory table behind the mocked DynamoDB client), 10 page and plan a summary
 *   check (Scheduler mocked), 990 are appended. Compared with the handler row of the same run; the target is
 *   p99 < 50 ms.
 * A quarter of the break-glass lookups find a window, so both severities are exercised.
 */
import { randomUUID } from 'node:crypto';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { BreakGlassStatus } from '../alerts/root-activity/break-glass-status';
import { classifyRootActivity } from '../alerts/root-activity/classify';
import { parseRootActivityEvent, rootActivityEventSchema } from '../alerts/root-activity/event';
import { buildRootActivityFinding } from '../alerts/root-activity/finding';
import { createRootActivityHandler } from '../alerts/root-activity/handler';
import { buildAlertMessage } from '../alerts/root-activity/message';
import { sortKey } from '../lib/break-glass-store';
import { ClientFactory } from '../lib/clients';
import { SECURITY_TOOLING_ACCOUNT } from '../test/helpers/constants';
import {
  ALERT_CONFIG,
  ALERT_REGION,
  ALERTING_EVENTS,
  breakGlassWindow,
  type CloudTrailEvent,
  fakeLedgerTable,
  lambdaContext,
  loadEvent,
  withEventId,
} from '../test/helpers/root-activity-events';
import { consoleSession, FakeSessionTable, SESSION_CONFIG } from '../test/helpers/root-sessions';
import type { Benchmark, BenchRow } from './harness';
import { timeEach } from './harness';

const EVENTS = 1_000;
const SESSIONS = 10;
const BASELINE = 'baseline: zod parse + JSON.stringify';
const TODAY = 'handler, AWS mocked';

/** `SESSIONS` console sessions of EVENTS / SESSIONS events each, in as many accounts, interleaved. */
function sessionEvents(prefix: string, accountBase: number): CloudTrailEvent[] {
  const sessions = Array.from({ length: SESSIONS }, (_, i) =>
    consoleSession(EVENTS / SESSIONS, { accountId: String(accountBase + i), prefix: `${prefix}${i}` }),
  );
  return Array.from(
    { length: EVENTS },
    (_, n) => sessions[n % SESSIONS]?.[Math.floor(n / SESSIONS)] as CloudTrailEvent,
  );
}

/** 1,000 distinct CloudTrail records cycling through the alerting test events. */
function sampleEvents(): CloudTrailEvent[] {
  const templates = ALERTING_EVENTS.map(loadEvent);
  return Array.from({ length: EVENTS }, (_, i) =>
    withEventId(templates[i % templates.length] as CloudTrailEvent, randomUUID()),
  );
}

function mockAws(): () => void {
  const mocks = [
    mockClient(SNSClient).on(PublishCommand).resolves({ MessageId: 'bench' }),
    mockClient(SQSClient).on(SendMessageCommand).resolves({ MessageId: 'bench' }),
    mockClient(SecurityHubClient)
      .on(BatchImportFindingsCommand)
      .resolves({ SuccessCount: 1, FailedCount: 0 }),
  ];
  const window = breakGlassWindow({
    startsAt: '2026-11-20T00:00:00.000Z',
    endsAt: '2026-11-20T04:00:00.000Z',
  });
  const dynamo = mockClient(DynamoDBDocumentClient);
  // Every fourth lookup finds a window (it does not cover these events' times, so it is judged and
  // rejected by time arithmetic, the costlier path); the others find none.
  let lookups = 0;
  const windows = () =>
    lookups++ % 4 === 0 ? [{ ...window, sk: sortKey(window), expiresAt: 1_800_000_000 }] : [];
  dynamo.on(QueryCommand).callsFake(async () => ({ Items: windows() }));
  // The root-sessions table (Get/Put with its conditions) for the session rows; break-glass queries as above.
  new FakeSessionTable(dynamo, windows);
  // The root activity ledger: every event is recorded, and a page is claimed in it first (exactly once).
  fakeLedgerTable(dynamo);
  const scheduler = mockClient(SchedulerClient).on(CreateScheduleCommand).resolves({ ScheduleArn: 'bench' });
  return () => {
    for (const m of [...mocks, dynamo, scheduler]) m.restore();
  };
}

function purePipeline(event: CloudTrailEvent): unknown {
  const parsed = parseRootActivityEvent(event);
  if (!parsed.ok) throw parsed.error;
  const classified = classifyRootActivity(parsed.event);
  if (!classified.ok) throw new Error(classified.reason);
  const breakGlass: BreakGlassStatus = { state: 'none' };
  const now = new Date().toISOString();
  return [
    buildAlertMessage({ activity: classified.activity, breakGlass, alertedAt: now }),
    buildRootActivityFinding({
      activity: classified.activity,
      breakGlass,
      target: { partition: 'aws', region: ALERT_REGION, importerAccountId: SECURITY_TOOLING_ACCOUNT },
      now,
    }),
  ];
}

async function run(): Promise<BenchRow[]> {
  const events = sampleEvents();
  const restore = mockAws();
  try {
    const handler = createRootActivityHandler({
      config: ALERT_CONFIG,
      clientFactory: new ClientFactory({ region: ALERT_REGION }),
      retryDelayMs: 0,
    });
    const context = lambdaContext();
    const baseline = await timeEach(events, (e) => {
      rootActivityEventSchema.parse(e);
      return JSON.stringify(e);
    });
    const pure = await timeEach(events, purePipeline);
    const alertOne = async (e: CloudTrailEvent) => {
      const result = await handler(e, context);
      if (result.status !== 'alerted') throw new Error(`expected an alert, got ${result.status}`);
    };
    // Warmed on other events: the ledger pages an event once, so a timed event must be new to it.
    for (const e of sampleEvents().slice(0, 100)) await alertOne(e);
    const full = await timeEach(events, alertOne, 0);

    const grouping = createRootActivityHandler({
      config: ALERT_CONFIG,
      clientFactory: new ClientFactory({ region: ALERT_REGION }),
      retryDelayMs: 0,
      sessions: SESSION_CONFIG,
    });
    const statuses = new Map<string, number>();
    const groupOne = async (e: CloudTrailEvent) => {
      const result = await grouping(e, context);
      statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
    };
    // Warmed on other sessions (other accounts), so every timed event is new to its session.
    for (const e of sessionEvents('warm', 700_000_000_000).slice(0, 100)) await groupOne(e);
    statuses.clear();
    const grouped = await timeEach(sessionEvents('s', 800_000_000_000), groupOne, 0);
    if (statuses.get('alerted') !== SESSIONS || statuses.get('appended') !== EVENTS - SESSIONS) {
      throw new Error(`expected ${SESSIONS} pages, got ${JSON.stringify([...statuses])}`);
    }
    return [
      { name: BASELINE, samples: baseline },
      { name: 'pure pipeline: parse, classify, message, finding', samples: pure, baseline: BASELINE },
      { name: TODAY, samples: full, baseline: BASELINE },
      { name: `handler + session grouping, ${SESSIONS} sessions`, samples: grouped, baseline: TODAY },
    ];
  } finally {
    restore();
  }
}

export const benchmarks: Benchmark[] = [{ name: 'alert-handler', run }];
