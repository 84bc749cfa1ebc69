import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { createSilenceCheck } from '../../../heartbeat/check';
import { SilenceAlertError } from '../../../heartbeat/errors';
import { createHeartbeatRecorder } from '../../../heartbeat/record';
import { HeartbeatStore } from '../../../heartbeat/store';
import { MEMBER_ACCOUNT, OTHER_ACCOUNT } from '../../helpers/constants';
import {
  ALERT_TOPIC_ARN,
  CHECK_TIME,
  HEARTBEAT_TABLE,
  heartbeatEvent,
  LONG_AGO,
  RECENTLY,
} from '../../helpers/heartbeat';
import { recordingMetrics } from '../../helpers/metrics';
import { orgSnapshotFixture, staticOrgSnapshotReader } from '../../helpers/org-snapshot';
import { useSdkMocks } from '../../helpers/sdk-mocks';

const { dynamodbMock, snsMock } = useSdkMocks({ dynamodbMock: DynamoDBClient, snsMock: SNSClient });

const store = () => new HeartbeatStore(new DynamoDBClient({}), HEARTBEAT_TABLE);
const members = (...ids: string[]) => staticOrgSnapshotReader(orgSnapshotFixture({ members: ids }));
const item = (accountId: string, attributes: Record<string, string>) => ({
  accountId: { S: accountId },
  ...Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { S: v }])),
});

describe('heartbeat recorder', () => {
  it('records the time of a heartbeat from a member account and clears a reported silence', async () => {
    // Prepare
    const metrics = recordingMetrics();
    const record = createHeartbeatRecorder({
      store: store(),
      orgSnapshot: members(MEMBER_ACCOUNT),
      now: () => CHECK_TIME,
      metrics,
    });
    // Act
    const result = await record(heartbeatEvent(MEMBER_ACCOUNT));
    // Assess
    expect(result).toEqual({ status: 'recorded', accountId: MEMBER_ACCOUNT });
    expect(dynamodbMock).toHaveReceivedCommandWith(UpdateItemCommand, {
      TableName: HEARTBEAT_TABLE,
      Key: { accountId: { S: MEMBER_ACCOUNT } },
      UpdateExpression: 'SET lastHeartbeatAt = :at, lastRegion = :region REMOVE reportedSilentAt',
      ExpressionAttributeValues: { ':at': { S: CHECK_TIME.toISOString() }, ':region': { S: 'us-east-1' } },
    });
    expect(metrics.total('Heartbeats')).toBe(1);
  });

  it('ignores and counts a heartbeat from an account outside the organization', async () => {
    const metrics = recordingMetrics();
    const record = createHeartbeatRecorder({ store: store(), orgSnapshot: members(MEMBER_ACCOUNT), metrics });

    const result = await record(heartbeatEvent(OTHER_ACCOUNT));

    expect(result).toEqual({ status: 'foreign', accountId: OTHER_ACCOUNT });
    expect(dynamodbMock).not.toHaveReceivedCommand(UpdateItemCommand);
    expect(metrics.total('ForeignHeartbeats')).toBe(1);
  });

  it('ignores and counts an event that is not a heartbeat, without reading the snapshot', async () => {
    const metrics = recordingMetrics();
    const orgSnapshot = members(MEMBER_ACCOUNT);
    const record = createHeartbeatRecorder({ store: store(), orgSnapshot, metrics });

    const result = await record(heartbeatEvent(MEMBER_ACCOUNT, 'us-east-1', 'team-cron'));

    expect(result.status).toBe('invalid');
    expect(orgSnapshot.reads).toBe(0);
    expect(metrics.total('InvalidHeartbeats')).toBe(1);
  });

  it('keeps a newer heartbeat when an older one arrives late', async () => {
    dynamodbMock
      .on(UpdateItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'newer', $metadata: {} }));
    const record = createHeartbeatRecorder({ store: store(), orgSnapshot: members(MEMBER_ACCOUNT) });

    await expect(record(heartbeatEvent(MEMBER_ACCOUNT))).resolves.toMatchObject({ status: 'recorded' });
  });
});

describe('silence check', () => {
  const check = (snapshotMembers: string[], alertTopicArn: string | undefined = ALERT_TOPIC_ARN) => {
    const metrics = recordingMetrics();
    const run = createSilenceCheck({
      store: store(),
      orgSnapshot: members(...snapshotMembers),
      sns: new SNSClient({}),
      alertTopicArn,
      now: () => CHECK_TIME,
      metrics,
    });
    return { run, metrics };
  };

  it('pages naming the silent account, counts it, and marks it reported', async () => {
    // Prepare
    dynamodbMock.on(ScanCommand).resolves({
      Items: [
        item(MEMBER_ACCOUNT, { lastHeartbeatAt: LONG_AGO }),
        item(OTHER_ACCOUNT, { lastHeartbeatAt: RECENTLY }),
      ],
    });
    const { run, metrics } = check([MEMBER_ACCOUNT, OTHER_ACCOUNT]);
    // Act
    const result = await run();
    // Assess
    expect(result.silent.map((a) => a.accountId)).toEqual([MEMBER_ACCOUNT]);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    const published = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(published?.TopicArn).toBe(ALERT_TOPIC_ARN);
    expect(published?.Message).toContain(MEMBER_ACCOUNT);
    expect(published?.Message).not.toContain(OTHER_ACCOUNT);
    expect(metrics.total('SilentAccounts')).toBe(1);
    expect(dynamodbMock).toHaveReceivedCommandWith(UpdateItemCommand, {
      Key: { accountId: { S: MEMBER_ACCOUNT } },
      UpdateExpression: 'SET reportedSilentAt = :at',
    });
  });

  it('does not name an account that just joined, and records when it first saw it', async () => {
    dynamodbMock.on(ScanCommand).resolves({ Items: [] });
    const { run } = check([MEMBER_ACCOUNT]);

    const result = await run();

    expect(result.silent).toEqual([]);
    expect(snsMock).not.toHaveReceivedCommand(PublishCommand);
    expect(dynamodbMock).toHaveReceivedCommandWith(UpdateItemCommand, {
      Key: { accountId: { S: MEMBER_ACCOUNT } },
      UpdateExpression: 'SET firstSeenAt = if_not_exists(firstSeenAt, :at)',
    });
  });

  it('does not name an account that left the organization', async () => {
    dynamodbMock.on(ScanCommand).resolves({ Items: [item(OTHER_ACCOUNT, { lastHeartbeatAt: LONG_AGO })] });
    const { run } = check([]);

    const result = await run();

    expect(result.silent).toEqual([]);
    expect(result.departed).toEqual([OTHER_ACCOUNT]);
    expect(snsMock).not.toHaveReceivedCommand(PublishCommand);
  });

  it('reads every page of the table', async () => {
    dynamodbMock
      .on(ScanCommand)
      .resolvesOnce({
        Items: [item(MEMBER_ACCOUNT, { lastHeartbeatAt: RECENTLY })],
        LastEvaluatedKey: { accountId: { S: MEMBER_ACCOUNT } },
      })
      .resolvesOnce({ Items: [item(OTHER_ACCOUNT, { lastHeartbeatAt: LONG_AGO })] });
    const { run } = check([MEMBER_ACCOUNT, OTHER_ACCOUNT]);

    const result = await run();

    expect(result.silent.map((a) => a.accountId)).toEqual([OTHER_ACCOUNT]);
  });

  it('fails, rather than staying quiet, when the page cannot be sent', async () => {
    dynamodbMock.on(ScanCommand).resolves({ Items: [item(MEMBER_ACCOUNT, { lastHeartbeatAt: LONG_AGO })] });
    snsMock.on(PublishCommand).rejects(new Error('KMS.AccessDeniedException'));
    const { run } = check([MEMBER_ACCOUNT]);

    await expect(run()).rejects.toThrow(SilenceAlertError);
    expect(dynamodbMock).not.toHaveReceivedCommandWith(UpdateItemCommand, {
      UpdateExpression: 'SET reportedSilentAt = :at',
    });
  });
});
