/**
 * How much time the root-activity alert Lambda itself adds to an alert. 1,000 root events (the real-shaped
 * test events, each with its own eventID) go through createRootActivityHandler with every AWS call mocked
 * at the SDK boundary (aws-sdk-client-mock stubs `send`, so no SDK middleware or network is measured).
 *
 * Rows, all timed per event in the same run:
 * - baseline: what any handler must do with the event at least (zod validation and JSON.stringify);
 * - pure pipeline: parse, classify, build the SNS message and the ASFF finding;
 * - handler: the whole invocation (plus break-glass lookup, publish, import, metrics, logging).
 * A quarter of the events fall inside a break-glass window, so both severities are exercised.
 */
import { randomUUID } from 'node:crypto';
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
  lambdaContext,
  loadEvent,
  withEventId,
} from '../test/helpers/root-activity-events';
import type { Benchmark, BenchRow } from './harness';
import { timeEach } from './harness';

const EVENTS = 1_000;
const BASELINE = 'baseline: zod parse + JSON.stringify';

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
  dynamo.on(QueryCommand).callsFake(async () => ({
    Items: lookups++ % 4 === 0 ? [{ ...window, sk: sortKey(window), expiresAt: 1_800_000_000 }] : [],
  }));
  return () => {
    for (const m of [...mocks, dynamo]) m.restore();
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
    const full = await timeEach(events, async (e) => {
      const result = await handler(e, context);
      if (result.status !== 'alerted') throw new Error(`expected an alert, got ${result.status}`);
    });
    return [
      { name: BASELINE, samples: baseline },
      { name: 'pure pipeline: parse, classify, message, finding', samples: pure, baseline: BASELINE },
      { name: 'handler, AWS mocked', samples: full, baseline: BASELINE },
    ];
  } finally {
    restore();
  }
}

export const benchmarks: Benchmark[] = [{ name: 'alert-handler', run }];
