import { IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AccessDeniedError, OrgSnapshotLeaseHeldError } from '../../../lib/errors';
import { InvalidEventError } from '../../../lib/event-validation';
import { REBUILD_REQUEST_SOURCE } from '../../../lib/org-snapshot-store';
import {
  builderDepsFromEnv,
  createOrgSnapshotBuilder,
  OrgSnapshotBuilderConfigError,
} from '../../../org-snapshot/handler';
import {
  MANAGEMENT_ACCOUNT,
  MEMBER_ACCOUNT,
  NOTIFICATION_TIME,
  ORG_ID,
  ORG_ROOT_ID,
} from '../../helpers/constants';
import { FakeOrganization, installFakeOrganizations } from '../../helpers/fake-organizations';
import {
  CENTRALIZED_ROOT_ACCESS,
  MemoryLease,
  MemorySnapshotStore,
  orgSnapshotFixture,
  SNAPSHOT_BUCKET,
  SNAPSHOT_ORGANIZATION,
} from '../../helpers/org-snapshot';
import { MetricsRecorder } from '../../helpers/root-activity-events';
import { assumedRole, useSdkMocks } from '../../helpers/sdk-mocks';

const { orgMock, stsMock, iamMock } = useSdkMocks({
  orgMock: OrganizationsClient,
  stsMock: STSClient,
  iamMock: IAMClient,
});

const EVENT_TIME = '2026-11-20T05:58:00Z';
const BUILD_START = new Date(NOTIFICATION_TIME);
const REQUEST_ID = 'c0ffee00-0000-4000-8000-000000000001';
const ORG_READ_ROLE_ARN = `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/RootGuardOrgRead`;

const SCHEDULED = { source: 'aws.events', 'detail-type': 'Scheduled Event', time: EVENT_TIME };
const orgChange = (eventName: string) => ({
  source: 'aws.organizations',
  'detail-type': 'AWS API Call via CloudTrail',
  time: EVENT_TIME,
  detail: { eventName, eventSource: 'organizations.amazonaws.com' },
});
const readerRequest = (requestedAt: string) => ({
  source: REBUILD_REQUEST_SOURCE,
  requestedAt,
  reason: 'stale',
});

let store: MemorySnapshotStore;
let lease: MemoryLease;
let metrics: MetricsRecorder;

function builder() {
  return createOrgSnapshotBuilder({
    store,
    lease,
    organizations: async () => new OrganizationsClient({ region: 'us-east-1' }),
    iam: async () => new IAMClient({ region: 'us-east-1' }),
    now: () => BUILD_START,
    metrics,
  });
}

const metric = (name: string) => metrics.named(name).map((m) => m.value);

beforeEach(() => {
  const org = new FakeOrganization(SNAPSHOT_ORGANIZATION, ORG_ROOT_ID);
  org.addAccount(MEMBER_ACCOUNT, ORG_ROOT_ID);
  installFakeOrganizations(orgMock, org);
  iamMock.on(ListOrganizationsFeaturesCommand).resolves({
    OrganizationId: ORG_ID,
    EnabledFeatures: ['RootCredentialsManagement', 'RootSessions'],
  });
  store = new MemorySnapshotStore(orgSnapshotFixture({ builtAt: '2026-11-20T04:00:00.000Z' }));
  lease = new MemoryLease();
  metrics = new MetricsRecorder();
});

describe('the organization snapshot builder', () => {
  it('builds and stores a snapshot on its hourly schedule, counting the build and its Organizations calls', async () => {
    const result = await builder()(SCHEDULED, { awsRequestId: REQUEST_ID });

    expect(result).toMatchObject({ status: 'built', builtAt: NOTIFICATION_TIME, accounts: 2 });
    expect(store.stored?.accounts[MEMBER_ACCOUNT]).toBeDefined();
    expect(metric('OrgSnapshotBuilds')).toEqual([1]);
    expect(metric('OrganizationsCalls')).toEqual([orgMock.calls().length]);
    expect(metric('OrgSnapshotBuildFailures')).toEqual([]);
    expect(lease.holder).toBeUndefined();
    expect(metrics.published).toBe(1);
  });

  it('records centralized root access in the snapshot, read once per build', async () => {
    await builder()(SCHEDULED, { awsRequestId: REQUEST_ID });

    expect(store.stored?.rootAccessFeatures).toEqual(CENTRALIZED_ROOT_ACCESS);
    expect(iamMock).toHaveReceivedCommandTimes(ListOrganizationsFeaturesCommand, 1);
  });

  it('stores the snapshot with AccessDenied recorded when the read role may not list the features', async () => {
    iamMock
      .on(ListOrganizationsFeaturesCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));

    await expect(builder()(SCHEDULED)).resolves.toMatchObject({ status: 'built' });
    expect(store.stored?.rootAccessFeatures).toMatchObject({ status: 'UNREADABLE', reason: 'ACCESS_DENIED' });
    expect(metric('OrgSnapshotBuildFailures')).toEqual([]);
  });

  it.each([
    'AttachPolicy',
    'DetachPolicy',
    'UpdatePolicy',
    'DeletePolicy',
    'MoveAccount',
    'InviteAccountToOrganization',
    'AcceptHandshake',
    'RemoveAccountFromOrganization',
    'CreateOrganizationalUnit',
    'DeleteOrganizationalUnit',
  ])('rebuilds after an Organizations %s event', async (eventName) => {
    await expect(builder()(orgChange(eventName))).resolves.toMatchObject({ status: 'built' });
  });

  it('rebuilds after CreateAccountResult, a service event', async () => {
    const event = { ...orgChange('CreateAccountResult'), 'detail-type': 'AWS Service Event via CloudTrail' };

    await expect(builder()(event)).resolves.toMatchObject({ status: 'built' });
  });

  it("does nothing, with no Organizations call, when the stored snapshot is newer than a reader's request", async () => {
    store.stored = orgSnapshotFixture({ builtAt: '2026-11-20T05:59:00.000Z' });

    await expect(builder()(readerRequest('2026-11-20T05:58:30Z'))).resolves.toEqual({
      status: 'current',
      builtAt: '2026-11-20T05:59:00.000Z',
      organizationsCalls: 0,
    });
    expect(orgMock).not.toHaveReceivedAnyCommand();
    expect(store.puts).toBe(0);
  });

  it('rejects an event of unknown shape with InvalidEventError and reads nothing', async () => {
    const promise = builder()(orgChange('CreatePolicy'));

    await expect(promise).rejects.toBeInstanceOf(InvalidEventError);
    await expect(promise).rejects.toThrow(/detail\.eventName/);
    expect(orgMock).not.toHaveReceivedAnyCommand();
  });

  it('rejects with OrgSnapshotLeaseHeldError, for Lambda to retry, while another build holds the lease', async () => {
    await lease.acquire('another-builder', BUILD_START);

    await expect(builder()(SCHEDULED)).rejects.toBeInstanceOf(OrgSnapshotLeaseHeldError);
    expect(orgMock).not.toHaveReceivedAnyCommand();
    expect(metric('OrgSnapshotBuildFailures')).toEqual([]);
  });

  it('counts a failed build and rejects with its typed error', async () => {
    orgMock
      .on(DescribeOrganizationCommand)
      .rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));

    await expect(builder()(SCHEDULED)).rejects.toBeInstanceOf(AccessDeniedError);
    expect(metric('OrgSnapshotBuildFailures')).toEqual([1]);
    expect(metric('OrganizationsCalls')).toEqual([1]);
    expect(store.puts).toBe(0);
  });
});

describe('builderDepsFromEnv', () => {
  const env = {
    ORG_SNAPSHOT_BUCKET: SNAPSHOT_BUCKET,
    ORG_SNAPSHOT_LEASE_TABLE: 'lease',
    AWS_REGION: 'us-east-1',
  };

  it.each(['ORG_SNAPSHOT_BUCKET', 'ORG_SNAPSHOT_LEASE_TABLE'])('refuses to start without %s', (name) => {
    expect(() => builderDepsFromEnv({ ...env, [name]: '' })).toThrow(
      new OrgSnapshotBuilderConfigError(`${name} is not set`),
    );
  });

  it('reads Organizations through ORG_READ_ROLE_ARN when it is set', async () => {
    stsMock.on(AssumeRoleCommand).resolves(assumedRole('ASIAORGREAD'));

    const client = await builderDepsFromEnv({ ...env, ORG_READ_ROLE_ARN: ORG_READ_ROLE_ARN }).organizations();

    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: ORG_READ_ROLE_ARN });
    await expect(client.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIAORGREAD' });
  });

  it('reads Organizations with its own credentials otherwise', async () => {
    await builderDepsFromEnv(env).organizations();

    expect(stsMock).not.toHaveReceivedAnyCommand();
  });

  it('reads centralized root access through the same role, assumed once', async () => {
    stsMock.on(AssumeRoleCommand).resolves(assumedRole('ASIAORGREAD'));
    const deps = builderDepsFromEnv({ ...env, ORG_READ_ROLE_ARN: ORG_READ_ROLE_ARN });

    await deps.organizations();
    const iam = await deps.iam?.();

    await expect(iam?.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIAORGREAD' });
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });
});
