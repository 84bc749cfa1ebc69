/**
 * Fixtures of root-session paging: session events, a console session of N calls built from the real-shaped test
 * events, the session configuration, and an in-memory root-sessions table answering the DynamoDB document
 * client's Get/Put at Client#send with DynamoDB's conditional-write semantics (the two conditions the store
 * uses), so the handler's optimistic concurrency is exercised, not assumed.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { SessionEvent } from '../../alerts/root-activity/session';
import type { SessionPagingConfig } from '../../alerts/root-activity/session-paging';
import type { SchedulePayload } from '../../alerts/root-activity/session-schedule-payload';
import { MEMBER_ACCOUNT, SECURITY_TOOLING_ACCOUNT } from './constants';
import {
  ALERT_REGION,
  asAccount,
  type CloudTrailEvent,
  loadEvent,
  withEventId,
} from './root-activity-events';

export const SESSION_TABLE = 'rootguard-root-sessions';
export const SESSION_CONFIG: SessionPagingConfig = {
  tableName: SESSION_TABLE,
  schedule: {
    groupName: 'rootguard-sessions',
    functionArn: `arn:aws:lambda:${ALERT_REGION}:${SECURITY_TOOLING_ACCOUNT}:function:rootguard-session-summary`,
    roleArn: `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:role/rootguard-session-scheduler`,
  },
};

/** The sample sign-in's time and source. */
export const SIGN_IN_TIME = '2026-11-20T09:15:01Z';
export const SIGN_IN_IP = '198.51.100.23';
export const SECOND_IP = '203.0.113.77';

/** A session event with the sample console sign-in's facts, overridable. */
export function sessionEvent(overrides: Partial<SessionEvent> = {}): SessionEvent {
  return {
    accountId: MEMBER_ACCOUNT,
    eventId: 'evt-0001',
    eventTime: SIGN_IN_TIME,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    region: 'us-east-1',
    kind: 'console-sign-in',
    outcome: 'success',
    sourceIp: SIGN_IN_IP,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0',
    fromConsole: false,
    ...overrides,
  };
}

const at = (start: string, seconds: number) =>
  new Date(Date.parse(start) + seconds * 1000).toISOString().replace('.000Z', 'Z');

/** Console calls a root user makes while clicking around: reads, a key created, instances started. */
const CONSOLE_CALLS: readonly [source: string, name: string, region: string][] = [
  ['ec2', 'DescribeInstances', 'us-east-1'],
  ['iam', 'ListUsers', 'us-east-1'],
  ['s3', 'ListBuckets', 'us-east-1'],
  ['ec2', 'DescribeRegions', 'eu-west-1'],
  ['cloudtrail', 'LookupEvents', 'us-east-1'],
];

/**
 * One console sitting: the sign-in, then `calls - 1` API calls from the console (`sessionCredentialFromConsole`),
 * five seconds apart, signed with the console's own session keys (two of them, as consoles do), one of them
 * iam:CreateAccessKey and one ec2:RunInstances in ap-southeast-2. Every event has its own eventID.
 */
export function consoleSession(
  calls: number,
  { accountId = MEMBER_ACCOUNT, start = SIGN_IN_TIME, ip = SIGN_IN_IP, prefix = 'c' } = {},
): CloudTrailEvent[] {
  const signIn = withEventId(
    asAccount(loadEvent('root-console-signin-success'), accountId),
    `${prefix}-0000`,
  );
  signIn.detail.eventTime = start;
  (signIn.detail as Record<string, unknown>).sourceIPAddress = ip;
  const template = asAccount(loadEvent('root-api-call'), accountId);
  const events = [signIn];
  for (let i = 1; i < calls; i++) {
    const e = withEventId(structuredClone(template), `${prefix}-${String(i).padStart(4, '0')}`);
    const d = e.detail as unknown as Record<string, unknown> & { userIdentity: Record<string, unknown> };
    const [source, name, region] =
      i === 7
        ? (['iam', 'CreateAccessKey', 'us-east-1'] as const)
        : i === 11
          ? (['ec2', 'RunInstances', 'ap-southeast-2'] as const)
          : (CONSOLE_CALLS[i % CONSOLE_CALLS.length] as [string, string, string]);
    d.eventSource = `${source}.amazonaws.com`;
    d.eventName = name;
    d.awsRegion = region;
    d.eventTime = at(start, i * 5);
    d.sourceIPAddress = ip;
    d.userAgent = 'AWS Internal';
    d.sessionCredentialFromConsole = 'true';
    d.userIdentity.accessKeyId = i % 2 === 0 ? 'ASIAEXAMPLECONSOLE01' : 'ASIAEXAMPLECONSOLE02';
    e.source = `aws.${source}`;
    e.region = region;
    events.push(e);
  }
  return events;
}

export interface StoredItem {
  pk: string;
  version?: number;
  [key: string]: unknown;
}

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/**
 * The root-sessions table in memory behind the document client's mock. `holdGets(n)`: the next `n` GetItem
 * calls answer only once all `n` have arrived (each then reads the same state), which is how two concurrent
 * invocations race for one session.
 */
export class FakeSessionTable {
  readonly items = new Map<string, StoredItem>();
  private held: { count: number; waiting: (() => void)[] } | undefined;
  puts = 0;
  conflicts = 0;

  constructor(dynamo: AwsClientStub<DynamoDBDocumentClient>, windows: () => unknown[] = () => []) {
    // Only the sessions table: the root activity ledger (fakeLedgerTable) shares the document client's mock.
    dynamo.on(GetCommand, { TableName: SESSION_TABLE }).callsFake(async (input: { Key: { pk: string } }) => {
      await this.barrier();
      const item = this.items.get(input.Key.pk);
      return { Item: item ? structuredClone(item) : undefined };
    });
    dynamo
      .on(PutCommand, { TableName: SESSION_TABLE })
      .callsFake(
        async (input: {
          Item: StoredItem;
          ConditionExpression?: string;
          ExpressionAttributeValues?: Record<string, unknown>;
        }) => {
          const current = this.items.get(input.Item.pk);
          if (input.ConditionExpression === 'attribute_not_exists(pk)' && current) {
            this.conflicts++;
            throw conditionFailed();
          }
          if (
            input.ConditionExpression === 'version = :expected' &&
            current?.version !== input.ExpressionAttributeValues?.[':expected']
          ) {
            this.conflicts++;
            throw conditionFailed();
          }
          this.puts++;
          this.items.set(input.Item.pk, structuredClone(JSON.parse(JSON.stringify(input.Item))));
          return {};
        },
      );
    dynamo.on(QueryCommand).callsFake(async () => ({ Items: windows() }));
  }

  holdGets(count: number): void {
    this.held = { count, waiting: [] };
  }

  private barrier(): Promise<void> {
    const held = this.held;
    if (!held) return Promise.resolve();
    return new Promise((resolve) => {
      held.waiting.push(resolve);
      if (held.waiting.length >= held.count) {
        this.held = undefined;
        for (const go of held.waiting) go();
      }
    });
  }

  /** The stored state of the only session of a key. */
  session(sessionKey: string) {
    return this.items.get(sessionKey)?.state as Record<string, unknown> | undefined;
  }
}

/** Every CreateSchedule input the scheduler mock received, in order. */
export const createdSchedules = (scheduler: AwsClientStub<SchedulerClient>): CreateScheduleCommandInput[] =>
  scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);

/** The payload a schedule would deliver to the summary Lambda. */
export const scheduledPayload = (input: CreateScheduleCommandInput): SchedulePayload =>
  JSON.parse(input.Target?.Input ?? '{}') as SchedulePayload;

/** When a schedule fires: `at(2026-11-20T09:30:01)` → that instant, UTC. */
export const scheduledTime = (input: CreateScheduleCommandInput): Date =>
  new Date(`${/^at\((.+)\)$/.exec(input.ScheduleExpression ?? '')?.[1] ?? ''}Z`);
