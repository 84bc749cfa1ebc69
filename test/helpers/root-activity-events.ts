/**
 * Real-shaped root-activity events (test/events/*.json) and the fixtures around the alert Lambda: its
 * configuration, a Lambda context in the security tooling account, break-glass windows and a metrics recorder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import { classifyRootActivity, type RootActivity } from '../../alerts/root-activity/classify';
import type { AlertConfig } from '../../alerts/root-activity/config';
import { parseRootActivityEvent } from '../../alerts/root-activity/event';
import type { AlertMetrics } from '../../alerts/root-activity/handler';
import type { BreakGlassWindow } from '../../lib/break-glass';
import { MEMBER_ACCOUNT, OTHER_ACCOUNT, rootArn, SECURITY_TOOLING_ACCOUNT } from './constants';

/**
 * Events the alert must raise: root sign-ins (success and failure), root API calls (read-only ones and
 * ones from Regions other than us-east-1 included) and a root console action.
 */
export const ALERTING_EVENTS = [
  'root-console-signin-success',
  'root-console-signin-failure',
  'root-api-call',
  'root-assume-root-session-call',
  'root-api-call-denied-access-key',
  'root-api-call-read-only',
  'root-api-call-eu-west-1',
  'root-api-call-ap-southeast-2',
  'root-console-action',
] as const;

/** Root API calls recorded outside us-east-1, each in the Region of its `region` and `awsRegion`. */
export const REGIONAL_ROOT_API_CALLS = ['root-api-call-eu-west-1', 'root-api-call-ap-southeast-2'] as const;

/** Events no rule may deliver: an IAM user named like root, and calls AWS services make on root's behalf. */
export const NON_ALERTING_EVENTS = [
  'iam-user-console-signin',
  'root-invoked-by-service',
  'root-aws-service-event',
] as const;

/** Every root-activity sample, alerting or not: what a bus test puts and a parser test accepts. */
export const SAMPLE_EVENTS = [...ALERTING_EVENTS, ...NON_ALERTING_EVENTS] as const;

/** The AssumeRoot call in the management account that issued the session of root-assume-root-session-call. */
export const ASSUME_ROOT_ISSUANCE = 'assume-root-issuance';

export type EventName =
  | (typeof ALERTING_EVENTS)[number]
  | (typeof NON_ALERTING_EVENTS)[number]
  | typeof ASSUME_ROOT_ISSUANCE;

export interface CloudTrailEvent {
  id: string;
  'detail-type': string;
  source: string;
  account?: string;
  time: string;
  region: string;
  detail: { eventID: string; eventTime: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** A fresh copy of test/events/<name>.json, safe to mutate. */
export function loadEvent(name: EventName): CloudTrailEvent {
  return JSON.parse(readFileSync(join(__dirname, '..', 'events', `${name}.json`), 'utf8')) as CloudTrailEvent;
}

/** The same event as a different CloudTrail record (another eventID). */
export function withEventId(event: CloudTrailEvent, eventId: string): CloudTrailEvent {
  return { ...event, detail: { ...event.detail, eventID: eventId } };
}

/** The RootActivity an alerting test event classifies to. */
export function rootActivity(name: (typeof ALERTING_EVENTS)[number]): RootActivity {
  const parsed = parseRootActivityEvent(loadEvent(name));
  if (!parsed.ok) throw parsed.error;
  const classified = classifyRootActivity(parsed.event);
  if (!classified.ok) throw new Error(`${name} is not root activity: ${classified.reason}`);
  return classified.activity;
}

export const ALERT_REGION = 'us-east-1';
export const SECURITY_HUB_REGION = 'eu-west-1';
export const FUNCTION_ARN = `arn:aws:lambda:${ALERT_REGION}:${SECURITY_TOOLING_ACCOUNT}:function:rootguard-root-activity`;

export const ALERT_CONFIG: AlertConfig = {
  topicArn: `arn:aws:sns:${ALERT_REGION}:${SECURITY_TOOLING_ACCOUNT}:rootguard-root-activity`,
  invalidEventQueueUrl: `https://sqs.${ALERT_REGION}.amazonaws.com/${SECURITY_TOOLING_ACCOUNT}/rootguard-root-activity-invalid`,
  breakGlassTable: 'rootguard-break-glass',
  region: ALERT_REGION,
  securityHubRegion: SECURITY_HUB_REGION,
  runbook: 'README.md#break-glass',
  ledgerTable: 'rootguard-root-activity-ledger',
};

/** The part of the Lambda context the alert reads. */
export function lambdaContext(functionArn = FUNCTION_ARN) {
  return { invokedFunctionArn: functionArn, functionName: 'rootguard-root-activity' };
}

/** A two-hour window around the sample sign-in (09:15:01Z). */
export function breakGlassWindow(overrides: Partial<BreakGlassWindow> = {}): BreakGlassWindow {
  return {
    accountId: MEMBER_ACCOUNT,
    windowId: 'exec-0123456789abcdef',
    startsAt: '2026-11-20T08:30:00.000Z',
    endsAt: '2026-11-20T10:30:00.000Z',
    reason: 'Close the account: the root user must accept the final invoice.',
    ticketId: 'CHG-4711',
    approvers: ['alice@example.com', 'bob@example.com'],
    requestedBy: 'carol@example.com',
    ...overrides,
  };
}

export interface RecordedMetric {
  name: string;
  unit: string;
  value: number;
  dimensions: Record<string, string>;
  metadata: Record<string, string>;
}

/** Records what the handler emits instead of printing EMF. */
export class MetricsRecorder implements AlertMetrics {
  readonly recorded: RecordedMetric[] = [];
  published = 0;

  addMetric(name: string, unit: string, value: number): void {
    this.recorded.push({ name, unit, value, dimensions: {}, metadata: {} });
  }

  singleMetric() {
    const dimensions: Record<string, string> = {};
    const metadata: Record<string, string> = {};
    return {
      addDimension: (name: string, value: string) => {
        dimensions[name] = value;
      },
      addMetadata: (key: string, value: string) => {
        metadata[key] = value;
      },
      addMetric: (name: string, unit: string, value: number) => {
        this.recorded.push({ name, unit, value, dimensions: { ...dimensions }, metadata: { ...metadata } });
      },
    };
  }

  publishStoredMetrics(): void {
    this.published++;
  }

  named(name: string): RecordedMetric[] {
    return this.recorded.filter((m) => m.name === name);
  }
}

/** PutEvents takes at most 10 entries a call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;

/** A PutEvents entry carrying a test event as CloudTrail would put it on a bus. */
export function putEventsEntry(event: CloudTrailEvent, overrides: Partial<PutEventsRequestEntry> = {}) {
  return {
    Source: event.source,
    DetailType: event['detail-type'],
    Detail: JSON.stringify(event.detail),
    Time: new Date(event.time),
    ...overrides,
  } satisfies PutEventsRequestEntry;
}

/** Puts CloudTrail events on a bus (each entry as CloudTrail's would be, plus `overrides`); returns the refused. */
export function putCloudTrailEvents(
  client: EventBridgeClient,
  events: readonly CloudTrailEvent[],
  overrides: Partial<PutEventsRequestEntry> = {},
): Promise<number> {
  return putAllEvents(
    client,
    events.map((event) => putEventsEntry(event, overrides)),
  );
}

/** Puts every entry, PUT_EVENTS_MAX_ENTRIES at a time; returns how many entries the bus refused. */
export async function putAllEvents(
  client: EventBridgeClient,
  entries: readonly PutEventsRequestEntry[],
): Promise<number> {
  let failed = 0;
  for (let i = 0; i < entries.length; i += PUT_EVENTS_MAX_ENTRIES) {
    const out = await client.send(
      new PutEventsCommand({ Entries: entries.slice(i, i + PUT_EVENTS_MAX_ENTRIES) }),
    );
    failed += out.FailedEntryCount ?? 0;
  }
  return failed;
}

/** The attacker: an administrator of one member account. His victim: another member account. */
export const ATTACKER_ACCOUNT = OTHER_ACCOUNT;
export const VICTIM_ACCOUNT = MEMBER_ACCOUNT;
/** A source no AWS service uses: what PutEvents lets anybody but AWS write. */
export const FORGED_SOURCE = 'attacker.forge';

/**
 * The same CloudTrail record as it would read had it happened in `accountId`: the envelope account, the
 * root's identity and the recipient all name it. What an account's own forwarding delivers.
 */
export function asAccount(event: CloudTrailEvent, accountId: string): CloudTrailEvent {
  const copy = structuredClone(event);
  const detail = copy.detail as unknown as Record<string, unknown> & {
    userIdentity: Record<string, unknown>;
  };
  copy.account = accountId;
  detail.userIdentity.accountId = accountId;
  detail.userIdentity.principalId = accountId;
  detail.userIdentity.arn = rootArn(accountId);
  if (detail.recipientAccountId !== undefined) detail.recipientAccountId = accountId;
  return copy;
}

/**
 * What the attacker can put on the central bus through a role he named like the forwarding role: any detail
 * he likes (here the victim's root signing in), but EventBridge writes HIS account into the envelope.
 */
export function forgedEvent(
  name: (typeof ALERTING_EVENTS)[number] = 'root-console-signin-success',
  overrides: Partial<Pick<CloudTrailEvent, 'source' | 'account'>> = {},
): CloudTrailEvent {
  return { ...loadEvent(name), source: FORGED_SOURCE, account: ATTACKER_ACCOUNT, ...overrides };
}

/** rootguard's root audit role in the management account (stacksets/management-account.yaml). */
export const ROOT_AUDIT_ROLE_ARN = 'arn:aws:iam::111111111111:role/rootguard-root-audit';

/**
 * One call of rootguard's root audit session in the member account: the AssumeRoot session of
 * root-assume-root-session-call (same key, ASIAEXAMPLEASSUMEDRT) reading `eventName` (default ListMFADevices).
 */
export function auditSessionCall(
  eventName = 'ListMFADevices',
  eventId = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
) {
  const event = loadEvent('root-assume-root-session-call');
  event.detail = { ...event.detail, eventName, eventID: eventId, readOnly: true };
  return event;
}

/**
 * The ledger table behind a mocked DynamoDB document client: PutItem honours the two conditions the ledger
 * uses (`attribute_not_exists(eventId)`, `attribute_not_exists(alertedAt)`), GetItem reads back. Only the
 * ledger table's commands are faked; the break-glass Query keeps its own mock. `failNextWrites` makes the
 * next writes fail as DynamoDB throttling would; so does every write `fails()` says (the alert storm's dice).
 */
export function fakeLedgerTable(
  // biome-ignore lint/suspicious/noExplicitAny: the document client mock's input/output types vary per command
  dynamo: AwsStub<any, any, any>,
  table = ALERT_CONFIG.ledgerTable,
  fails: () => boolean = () => false,
): Map<string, Record<string, unknown>> & { failNextWrites: number } {
  const items = Object.assign(new Map<string, Record<string, unknown>>(), { failNextWrites: 0 });
  dynamo
    .on(PutCommand, { TableName: table })
    .callsFake((input: { Item: Record<string, unknown>; ConditionExpression?: string }) => {
      if (items.failNextWrites > 0 || fails()) {
        items.failNextWrites = Math.max(0, items.failNextWrites - 1);
        throw Object.assign(new Error('Throughput exceeds the current capacity'), {
          name: 'ThrottlingException',
        });
      }
      const key = input.Item.eventId as string;
      const existing = items.get(key);
      const blocked =
        (input.ConditionExpression === 'attribute_not_exists(eventId)' && existing !== undefined) ||
        (input.ConditionExpression === 'attribute_not_exists(alertedAt)' &&
          existing?.alertedAt !== undefined);
      if (blocked) {
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: {},
        });
      }
      items.set(key, structuredClone(input.Item));
      return {};
    });
  dynamo.on(GetCommand, { TableName: table }).callsFake((input: { Key: { eventId: string } }) => {
    const item = items.get(input.Key.eventId);
    return item ? { Item: structuredClone(item) } : {};
  });
  return items;
}
