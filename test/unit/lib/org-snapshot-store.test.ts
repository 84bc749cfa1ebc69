import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ClientFactory } from '../../../lib/clients';
import {
  AccessDeniedError,
  MalformedOrgSnapshotError,
  OrgSnapshotLeaseHeldError,
  OrgSnapshotUnavailableError,
} from '../../../lib/errors';
import type { OrgSnapshot } from '../../../lib/org-snapshot';
import { DynamoDbSnapshotLease, LEASE_PK } from '../../../lib/org-snapshot-lease';
import {
  CachingOrgSnapshotReader,
  clearOrgSnapshotCache,
  lambdaRebuildTrigger,
  orgSnapshotReaderFromEnv,
  REBUILD_REQUEST_SOURCE,
  rebuildOrgSnapshot,
  S3SnapshotStore,
} from '../../../lib/org-snapshot-store';
import { MEMBER_ACCOUNT, NOTIFICATION_TIME, OTHER_ACCOUNT, REGION } from '../../helpers/constants';
import {
  BUILDER_FUNCTION,
  MemoryLease,
  MemorySnapshotStore,
  orgSnapshotFixture,
  SNAPSHOT_BUCKET,
  SNAPSHOT_KEY,
  s3Object,
} from '../../helpers/org-snapshot';
import { useSdkMocks } from '../../helpers/sdk-mocks';

const { s3Mock, lambdaMock, dynamoMock } = useSdkMocks({
  s3Mock: S3Client,
  lambdaMock: LambdaClient,
  dynamoMock: DynamoDBDocumentClient,
});

const NOW = Date.parse(NOTIFICATION_TIME);
const MINUTE = 60_000;
const minutesAgo = (m: number) => new Date(NOW - m * MINUTE).toISOString();
const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

let now: number;
const clock = () => new Date(now);
/** The reader's sleep: time passes without waiting. */
const sleep = async (ms: number) => {
  now += ms;
};

const s3 = new S3Client({ region: REGION });
const store = () => new S3SnapshotStore(s3, SNAPSHOT_BUCKET, SNAPSHOT_KEY);
const storeObject = (snapshot: OrgSnapshot) =>
  s3Mock.on(GetObjectCommand).resolves(s3Object(JSON.stringify(snapshot)));

beforeEach(() => {
  clearOrgSnapshotCache();
  now = NOW;
});

describe('S3SnapshotStore', () => {
  it('reads nothing when the object does not exist yet', async () => {
    s3Mock.on(GetObjectCommand).rejects(Object.assign(new Error('missing'), { name: 'NoSuchKey' }));

    await expect(store().get()).resolves.toBeUndefined();
  });

  it('rejects a malformed object with MalformedOrgSnapshotError, never a default', async () => {
    s3Mock.on(GetObjectCommand).resolves(s3Object('{"version":1,"builtAt":"yesterday"}'));

    await expect(store().get()).rejects.toBeInstanceOf(MalformedOrgSnapshotError);
  });

  it('rejects a denied read as AccessDeniedError naming s3:GetObject', async () => {
    s3Mock.on(GetObjectCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

    await expect(store().get()).rejects.toMatchObject({ name: 'AccessDeniedError', action: 's3:GetObject' });
  });

  it('writes the snapshot as JSON to the bucket and key', async () => {
    const snapshot = orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: NOTIFICATION_TIME });

    await store().put(snapshot);

    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: SNAPSHOT_BUCKET,
      Key: SNAPSHOT_KEY,
      Body: JSON.stringify(snapshot),
      ContentType: 'application/json',
    });
  });
});

describe('CachingOrgSnapshotReader', () => {
  let requests: string[];
  /** What a rebuild request makes appear in the store, if anything. */
  let onRequest: () => void;

  const reader = (options: { waitMs?: number } = {}) =>
    new CachingOrgSnapshotReader({
      store: store(),
      requestRebuild: async (requestedAt) => {
        requests.push(requestedAt);
        onRequest();
      },
      now: clock,
      sleep,
      pollMs: 1_000,
      ...options,
    });

  beforeEach(() => {
    requests = [];
    onRequest = () => undefined;
  });

  it('answers a fresh snapshot from memory: no store call on the second read', async () => {
    storeObject(orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: minutesAgo(10) }));
    const r = reader();

    await r.read({ expectMembers: [MEMBER_ACCOUNT] });
    s3Mock.resetHistory();
    const second = await r.read({ expectMembers: [MEMBER_ACCOUNT] });

    expect(second.accounts[MEMBER_ACCOUNT]).toBeDefined();
    expect(s3Mock).not.toHaveReceivedAnyCommand();
    expect(requests).toEqual([]);
  });

  it('asks for one rebuild when the stored snapshot is stale, then reads the fresh one', async () => {
    storeObject(orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: minutesAgo(181) }));
    onRequest = () =>
      storeObject(orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: new Date(now).toISOString() }));

    const snapshot = await reader().read({ expectMembers: [MEMBER_ACCOUNT] });

    // Any snapshot newer than the stale one answers: a build already under way included.
    expect(requests).toEqual([new Date(Date.parse(minutesAgo(181)) + 1).toISOString()]);
    expect(snapshot.builtAt).toBe(NOTIFICATION_TIME);
    expect(s3Mock).toHaveReceivedCommandTimes(GetObjectCommand, 2);
  });

  it('asks for a rebuild when there is no snapshot yet', async () => {
    s3Mock.on(GetObjectCommand).rejects(Object.assign(new Error('missing'), { name: 'NoSuchKey' }));
    onRequest = () =>
      storeObject(orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: new Date(now).toISOString() }));

    await expect(reader().read()).resolves.toMatchObject({ builtAt: NOTIFICATION_TIME });
    expect(requests).toHaveLength(1);
  });

  it('rejects with OrgSnapshotUnavailableError, with the reason, when no fresh snapshot arrives in time', async () => {
    storeObject(orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: minutesAgo(200) }));

    const promise = reader({ waitMs: 25_000 }).read();

    await expect(promise).rejects.toBeInstanceOf(OrgSnapshotUnavailableError);
    await expect(promise).rejects.toThrow(
      `The organization snapshot is unavailable: the snapshot at s3://${SNAPSHOT_BUCKET}/${SNAPSHOT_KEY} is 200 minutes old; a rebuild was requested and no fresh snapshot arrived within 25 s`,
    );
    expect(now - NOW).toBe(25_000);
    expect(s3Mock).toHaveReceivedCommandTimes(GetObjectCommand, 26);
  });

  it('rejects a malformed stored object rather than treating it as missing', async () => {
    s3Mock.on(GetObjectCommand).resolves(s3Object('[]'));

    await expect(reader().read()).rejects.toBeInstanceOf(MalformedOrgSnapshotError);
    expect(requests).toEqual([]);
  });

  it('asks once for a refresh when an expected account is missing from a snapshot older than 15 minutes', async () => {
    storeObject(orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: minutesAgo(20) }));
    onRequest = () =>
      storeObject(
        orgSnapshotFixture({
          members: [MEMBER_ACCOUNT, OTHER_ACCOUNT],
          builtAt: new Date(now).toISOString(),
        }),
      );
    const r = reader();

    const snapshot = await r.read({ expectMembers: [OTHER_ACCOUNT] });
    await r.read({ expectMembers: [OTHER_ACCOUNT] });

    expect(snapshot.accounts[OTHER_ACCOUNT]).toBeDefined();
    expect(requests).toHaveLength(1);
  });

  it('asks for a build from now on for an unknown account, and ignores a newer one that started before', async () => {
    storeObject(orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: minutesAgo(20) }));
    let polls = 0;
    onRequest = () => storeObject(orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: minutesAgo(5) }));
    const r = new CachingOrgSnapshotReader({
      store: store(),
      requestRebuild: async (requestedAt) => {
        requests.push(requestedAt);
        onRequest();
      },
      now: clock,
      sleep: async (ms) => {
        now += ms;
        // The requested build lands on the third poll.
        if (++polls === 3) {
          storeObject(
            orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: new Date(now).toISOString() }),
          );
        }
      },
      pollMs: 1_000,
    });

    const snapshot = await r.read({ expectMembers: [OTHER_ACCOUNT] });

    expect(requests).toEqual([NOTIFICATION_TIME]);
    expect(snapshot.builtAt).toBe(new Date(NOW + 3_000).toISOString());
    expect(snapshot.accounts[OTHER_ACCOUNT]).toBeUndefined();
  });

  it('believes a snapshot younger than 15 minutes that lacks the account: no refresh', async () => {
    storeObject(orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: minutesAgo(14) }));

    const snapshot = await reader().read({ expectMembers: [OTHER_ACCOUNT] });

    expect(snapshot.accounts[OTHER_ACCOUNT]).toBeUndefined();
    expect(requests).toEqual([]);
  });

  it('asks for a rebuild at most once a minute per container', async () => {
    storeObject(orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: minutesAgo(200) }));
    const r = reader({ waitMs: 10_000 });

    await expect(r.read()).rejects.toBeInstanceOf(OrgSnapshotUnavailableError);
    await expect(r.read()).rejects.toBeInstanceOf(OrgSnapshotUnavailableError);
    expect(requests).toHaveLength(1);
    now += MINUTE;
    await expect(r.read()).rejects.toBeInstanceOf(OrgSnapshotUnavailableError);
    expect(requests).toHaveLength(2);
  });

  it('shares one store read among concurrent reads in a container', async () => {
    storeObject(orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: minutesAgo(1) }));
    const r = reader();

    await Promise.all([r.read(), r.read(), r.read({ expectMembers: [MEMBER_ACCOUNT] })]);

    expect(s3Mock).toHaveReceivedCommandTimes(GetObjectCommand, 1);
  });
});

describe('lambdaRebuildTrigger', () => {
  it('invokes the builder asynchronously with the request time and the reason', async () => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });

    await lambdaRebuildTrigger(new LambdaClient({ region: REGION }), BUILDER_FUNCTION)(
      NOTIFICATION_TIME,
      'stale',
    );

    const input = lambdaMock.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ FunctionName: BUILDER_FUNCTION, InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual({
      source: REBUILD_REQUEST_SOURCE,
      requestedAt: NOTIFICATION_TIME,
      reason: 'stale',
    });
  });

  it('rejects with OrgSnapshotUnavailableError when no builder function is configured', async () => {
    await expect(
      lambdaRebuildTrigger(new LambdaClient({ region: REGION }), undefined)(NOTIFICATION_TIME, 'stale'),
    ).rejects.toBeInstanceOf(OrgSnapshotUnavailableError);
    expect(lambdaMock).not.toHaveReceivedAnyCommand();
  });
});

describe('orgSnapshotReaderFromEnv', () => {
  const clients = new ClientFactory({ region: REGION });

  afterEach(() => {
    delete process.env.ORG_SNAPSHOT_BUCKET;
    delete process.env.ORG_SNAPSHOT_MAX_AGE_MINUTES;
  });

  it('is undefined when ORG_SNAPSHOT_BUCKET is unset', () => {
    expect(orgSnapshotReaderFromEnv(clients)).toBeUndefined();
  });

  it('hands out one reader per container until the cache is cleared', () => {
    process.env.ORG_SNAPSHOT_BUCKET = SNAPSHOT_BUCKET;

    const first = orgSnapshotReaderFromEnv(clients);

    expect(orgSnapshotReaderFromEnv(clients)).toBe(first);
    clearOrgSnapshotCache();
    expect(orgSnapshotReaderFromEnv(clients)).not.toBe(first);
  });

  it('reads the default key and rejects a maximum age that is not a positive number', async () => {
    process.env.ORG_SNAPSHOT_BUCKET = SNAPSHOT_BUCKET;
    storeObject(orgSnapshotFixture({ members: [MEMBER_ACCOUNT] }));

    await orgSnapshotReaderFromEnv(clients)?.read();

    expect(s3Mock).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: SNAPSHOT_BUCKET,
      Key: 'org-snapshot/v1.json',
    });
    clearOrgSnapshotCache();
    process.env.ORG_SNAPSHOT_MAX_AGE_MINUTES = 'often';
    expect(() => orgSnapshotReaderFromEnv(clients)).toThrow(OrgSnapshotUnavailableError);
  });
});

describe('DynamoDbSnapshotLease', () => {
  const TABLE = 'rootguard-org-snapshot-lease';
  const lease = () => new DynamoDbSnapshotLease(new DynamoDBClient({ region: REGION }), TABLE, 15 * MINUTE);
  const nowSeconds = NOW / 1000;

  it('acquires the lease with a put that only succeeds when it is free or expired', async () => {
    dynamoMock.on(PutCommand).resolves({});

    await expect(lease().acquire('builder-a', new Date(NOW))).resolves.toBe(true);

    expect(dynamoMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      Item: { pk: LEASE_PK, owner: 'builder-a', acquiredAt: NOTIFICATION_TIME, expiresAt: nowSeconds + 900 },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
      ExpressionAttributeValues: { ':now': nowSeconds },
    });
  });

  it('does not acquire a lease another builder holds', async () => {
    dynamoMock.on(PutCommand).rejects(conditionFailed());

    await expect(lease().acquire('builder-b', new Date(NOW))).resolves.toBe(false);
  });

  it('releases only its own lease', async () => {
    dynamoMock.on(DeleteCommand).resolves({});
    await expect(lease().release('builder-a')).resolves.toBe(true);
    expect(dynamoMock).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { pk: LEASE_PK },
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeValues: { ':owner': 'builder-a' },
    });

    dynamoMock.on(DeleteCommand).rejects(conditionFailed());
    await expect(lease().release('builder-b')).resolves.toBe(false);
  });

  it('rejects other failures as typed errors', async () => {
    dynamoMock.on(PutCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));

    await expect(lease().acquire('builder-a', new Date(NOW))).rejects.toBeInstanceOf(AccessDeniedError);
  });
});

describe('rebuildOrgSnapshot', () => {
  const built = orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: NOTIFICATION_TIME });
  let memoryStore: MemorySnapshotStore;
  let lease: MemoryLease;
  let build: jest.Mock<Promise<OrgSnapshot>, []>;
  const rebuild = (owner = 'builder-a', requestedAt = NOTIFICATION_TIME) =>
    rebuildOrgSnapshot({ store: memoryStore, lease, build, requestedAt, owner, now: clock });

  beforeEach(() => {
    memoryStore = new MemorySnapshotStore(orgSnapshotFixture({ builtAt: minutesAgo(60) }));
    lease = new MemoryLease(15 * MINUTE);
    build = jest.fn(async () => built);
  });

  it('builds, stores and releases the lease', async () => {
    await expect(rebuild()).resolves.toEqual({ status: 'built', snapshot: built });

    expect(memoryStore.stored).toBe(built);
    expect(lease.holder).toBeUndefined();
  });

  it('does nothing when the stored snapshot was built at or after the request', async () => {
    memoryStore.stored = built;

    await expect(rebuild('builder-a', minutesAgo(1))).resolves.toEqual({
      status: 'current',
      builtAt: NOTIFICATION_TIME,
    });
    expect(build).not.toHaveBeenCalled();
    expect(memoryStore.puts).toBe(0);
  });

  it('throws OrgSnapshotLeaseHeldError and builds nothing while another builder holds the lease', async () => {
    await lease.acquire('builder-b', clock());

    await expect(rebuild()).rejects.toBeInstanceOf(OrgSnapshotLeaseHeldError);
    expect(build).not.toHaveBeenCalled();
    expect(lease.holder?.owner).toBe('builder-b');
  });

  it('takes over a lease that expired', async () => {
    await lease.acquire('builder-b', new Date(NOW - 16 * MINUTE));

    await expect(rebuild()).resolves.toMatchObject({ status: 'built' });
  });

  it('releases the lease when the build fails, and rejects with the failure', async () => {
    const failure = new AccessDeniedError('denied', { action: 'organizations:ListRoots' });
    build.mockRejectedValue(failure);

    await expect(rebuild()).rejects.toBe(failure);
    expect(lease.holder).toBeUndefined();
    expect(memoryStore.puts).toBe(0);
  });

  it('replaces a malformed stored object', async () => {
    memoryStore.get = async () => {
      throw new MalformedOrgSnapshotError('bad', { action: 's3:GetObject' });
    };

    await expect(rebuild()).resolves.toMatchObject({ status: 'built' });
  });
});
