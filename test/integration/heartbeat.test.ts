/**
 * The heartbeat against moto_server (real SDK): the recorder writes the heartbeat table serverless.yml
 * deploys (one item per account), the central bus rule of heartbeat/patterns.json picks a member's forwarded
 * scheduled event out of the bus traffic, and the check reads every item and pages on an SNS topic naming
 * the silent account only. moto does not run schedules, so the scheduled event is put on the bus as
 * EventBridge would deliver it.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createSilenceCheck } from '../../heartbeat/check';
import { SILENCE_MS } from '../../heartbeat/heartbeat';
import patterns from '../../heartbeat/patterns.json';
import { createHeartbeatRecorder } from '../../heartbeat/record';
import { HeartbeatStore } from '../../heartbeat/store';
import { MEMBER_ACCOUNT, OTHER_ACCOUNT, SECURITY_TOOLING_ACCOUNT } from '../helpers/constants';
import {
  createEmulatedBusRule,
  createEmulatedQueue,
  createEmulatedTable,
  emulatorClient,
  useEmulatedClients,
} from '../helpers/emulator';
import { CHECK_TIME, HEARTBEAT_TABLE, heartbeatEvent } from '../helpers/heartbeat';
import { recordingMetrics } from '../helpers/metrics';
import { orgSnapshotFixture, staticOrgSnapshotReader } from '../helpers/org-snapshot';

const BUS = 'rootguard-root-activity-test';
const STRANGER_ACCOUNT = '999999999999';
const tooling = { accountId: SECURITY_TOOLING_ACCOUNT };

const aws = useEmulatedClients({ dynamodb: DynamoDBClient, sqs: SQSClient }, tooling);

beforeEach(async () => {
  // = serverless.yml HeartbeatTable
  await createEmulatedTable(aws.dynamodb, HEARTBEAT_TABLE, 'accountId');
});

const queue = (name: string) => createEmulatedQueue(aws.sqs, name);

const org = () => staticOrgSnapshotReader(orgSnapshotFixture({ members: [MEMBER_ACCOUNT, OTHER_ACCOUNT] }));
const store = () => new HeartbeatStore(aws.dynamodb, HEARTBEAT_TABLE);

it('picks the forwarded heartbeat out of the central bus with the pattern of heartbeat/patterns.json', async () => {
  // Prepare: the central bus with the heartbeat rule, delivering to a queue instead of the recorder.
  const events = emulatorClient(EventBridgeClient, tooling);
  const sink = await queue('heartbeats');
  await createEmulatedBusRule(events, BUS, {
    name: 'rootguard-heartbeat',
    pattern: patterns.heartbeat,
    targetArn: sink.arn,
  });
  // Act: a heartbeat and another scheduled rule's event (what a forwarded event looks like on the bus).
  const other = heartbeatEvent(MEMBER_ACCOUNT, 'us-east-1', 'team-nightly');
  await events.send(
    new PutEventsCommand({
      Entries: [heartbeatEvent(MEMBER_ACCOUNT), other].map((e) => ({
        EventBusName: BUS,
        Source: e.source,
        DetailType: e['detail-type'],
        Resources: e.resources,
        Detail: JSON.stringify(e.detail),
      })),
    }),
  );
  // Assess
  const delivered = (await sink.drain()).map((m) => JSON.parse(m.Body ?? '{}'));
  expect(delivered.map((e) => e.resources)).toEqual([heartbeatEvent(MEMBER_ACCOUNT).resources]);
});

it('records heartbeats of members, ignores a stranger, and pages naming only the silent member', async () => {
  // Prepare: a topic the check pages on, read through a queue.
  const sns = emulatorClient(SNSClient, tooling);
  const pages = await queue('pages');
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'rootguard-root-activity-test' }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: pages.arn }));
  const metrics = recordingMetrics();
  const longAgo = new Date(CHECK_TIME.getTime() - SILENCE_MS * 2);
  // OTHER_ACCOUNT beat long ago; MEMBER_ACCOUNT beats now; a stranger tries.
  await createHeartbeatRecorder({ store: store(), orgSnapshot: org(), now: () => longAgo })(
    heartbeatEvent(OTHER_ACCOUNT),
  );
  const record = createHeartbeatRecorder({
    store: store(),
    orgSnapshot: org(),
    now: () => CHECK_TIME,
    metrics,
  });
  await record(heartbeatEvent(MEMBER_ACCOUNT));
  await record(heartbeatEvent(STRANGER_ACCOUNT));

  // Act
  const check = createSilenceCheck({
    store: store(),
    orgSnapshot: org(),
    sns,
    alertTopicArn: TopicArn,
    now: () => CHECK_TIME,
  });
  const first = await check();
  const second = await check();

  // Assess
  expect(metrics.total('ForeignHeartbeats')).toBe(1);
  const stranger = await aws.dynamodb.send(
    new GetItemCommand({ TableName: HEARTBEAT_TABLE, Key: { accountId: { S: STRANGER_ACCOUNT } } }),
  );
  expect(stranger.Item).toBeUndefined();
  expect(first.silent.map((a) => a.accountId)).toEqual([OTHER_ACCOUNT]);
  expect(first.paged).toBe(true);
  // Paged once: the second run still names it, but does not page again.
  expect(second.silent.map((a) => a.accountId)).toEqual([OTHER_ACCOUNT]);
  expect(second.paged).toBe(false);
  const messages = (await pages.drain()).map((m) => JSON.parse(m.Body ?? '{}').Message as string);
  expect(messages).toHaveLength(1);
  expect(messages[0]).toContain(OTHER_ACCOUNT);
  expect(messages[0]).not.toContain(MEMBER_ACCOUNT);
});
