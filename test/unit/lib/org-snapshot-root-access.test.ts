/**
 * Centralized root access in the organization snapshot: the builder's one iam:ListOrganizationsFeatures per
 * snapshot (lib/org-snapshot.ts readRootAccessFeatures), recorded as read or with the reason it was not, and
 * snapshots from before the field existed.
 */
import { type FeatureType, IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { buildOrgSnapshot, parseOrgSnapshot, readRootAccessFeatures } from '../../../lib/org-snapshot';
import { MAX_ERROR_LENGTH } from '../../../lib/root-access-features';
import { MEMBER_ACCOUNT, NOTIFICATION_TIME, ORG_ID, ORG_ROOT_ID } from '../../helpers/constants';
import { FakeOrganization, installFakeOrganizations } from '../../helpers/fake-organizations';
import {
  CENTRALIZED_ROOT_ACCESS,
  orgSnapshotFixture,
  SNAPSHOT_ORGANIZATION,
} from '../../helpers/org-snapshot';
import { sdkError } from '../../helpers/rejection';
import { useSdkMocks } from '../../helpers/sdk-mocks';

const { orgMock, iamMock } = useSdkMocks({ orgMock: OrganizationsClient, iamMock: IAMClient });
const organizations = new OrganizationsClient({ region: 'us-east-1' });
const iam = new IAMClient({ region: 'us-east-1' });
const BOTH: FeatureType[] = ['RootCredentialsManagement', 'RootSessions'];

beforeEach(() => {
  const org = new FakeOrganization(SNAPSHOT_ORGANIZATION, ORG_ROOT_ID);
  org.addAccount(MEMBER_ACCOUNT, ORG_ROOT_ID);
  installFakeOrganizations(orgMock, org);
});

describe('readRootAccessFeatures', () => {
  it('records the enabled features, sorted, from one call', async () => {
    iamMock
      .on(ListOrganizationsFeaturesCommand)
      .resolves({ OrganizationId: ORG_ID, EnabledFeatures: ['RootSessions', 'RootCredentialsManagement'] });

    await expect(readRootAccessFeatures(iam, SNAPSHOT_ORGANIZATION)).resolves.toEqual(
      CENTRALIZED_ROOT_ACCESS,
    );
    expect(iamMock).toHaveReceivedCommandTimes(ListOrganizationsFeaturesCommand, 1);
  });

  it.each<[string, FeatureType[]]>([
    ['none', []],
    ['only RootSessions', ['RootSessions']],
    ['only RootCredentialsManagement', ['RootCredentialsManagement']],
  ])('records %s as read, not as an error', async (_case, EnabledFeatures) => {
    iamMock.on(ListOrganizationsFeaturesCommand).resolves({ OrganizationId: ORG_ID, EnabledFeatures });

    await expect(readRootAccessFeatures(iam, SNAPSHOT_ORGANIZATION)).resolves.toEqual({
      status: 'READ',
      enabledFeatures: EnabledFeatures,
    });
  });

  it.each([
    ['AccessDenied', 'ACCESS_DENIED'],
    ['AccessDeniedException', 'ACCESS_DENIED'],
    ['OrganizationNotInAllFeaturesModeException', 'NOT_ALL_FEATURES'],
    ['ServiceAccessNotEnabledException', 'TRUSTED_ACCESS_DISABLED'],
    ['AccountNotManagementOrDelegatedAdministratorException', 'NOT_ADMINISTRATOR'],
    ['OrganizationNotFoundException', 'NO_ORGANIZATION'],
    ['Throttling', 'THROTTLED'],
    ['ServiceFailure', 'FAILED'],
  ])('records %s as %s with the error, instead of throwing', async (name, reason) => {
    iamMock.on(ListOrganizationsFeaturesCommand).rejects(sdkError(name, 'refused by IAM'));

    await expect(readRootAccessFeatures(iam, SNAPSHOT_ORGANIZATION)).resolves.toEqual({
      status: 'UNREADABLE',
      reason,
      error: `iam:ListOrganizationsFeatures: ${name}: refused by IAM`,
    });
  });

  it('keeps at most MAX_ERROR_LENGTH characters of an error, on one line', async () => {
    iamMock
      .on(ListOrganizationsFeaturesCommand)
      .rejects(sdkError('Error', `XML parse error\nDeserialization error: ${'x'.repeat(1000)}`));

    const features = await readRootAccessFeatures(iam, SNAPSHOT_ORGANIZATION);

    const error = features.status === 'UNREADABLE' ? features.error : '';
    expect(error.length).toBeLessThanOrEqual(MAX_ERROR_LENGTH);
    expect(error).toMatch(
      /^iam:ListOrganizationsFeatures: Error: XML parse error Deserialization error: x+…$/,
    );
  });

  it('records an organization without all features without calling IAM', async () => {
    const billingOnly = { ...SNAPSHOT_ORGANIZATION, featureSet: 'CONSOLIDATED_BILLING', scpEnabled: false };

    await expect(readRootAccessFeatures(iam, billingOnly)).resolves.toEqual({
      status: 'UNREADABLE',
      reason: 'NOT_ALL_FEATURES',
      error: `organization ${ORG_ID} has feature set CONSOLIDATED_BILLING`,
    });
    expect(iamMock).not.toHaveReceivedAnyCommand();
  });

  it('refuses an answer with no feature list or for another organization, never defaulting to "none"', async () => {
    iamMock.on(ListOrganizationsFeaturesCommand).resolves({ OrganizationId: ORG_ID });
    await expect(readRootAccessFeatures(iam, SNAPSHOT_ORGANIZATION)).resolves.toEqual({
      status: 'UNREADABLE',
      reason: 'FAILED',
      error: 'iam:ListOrganizationsFeatures returned no EnabledFeatures list',
    });

    iamMock
      .on(ListOrganizationsFeaturesCommand)
      .resolves({ OrganizationId: 'o-someoneelse', EnabledFeatures: BOTH });
    await expect(readRootAccessFeatures(iam, SNAPSHOT_ORGANIZATION)).resolves.toMatchObject({
      status: 'UNREADABLE',
      reason: 'FAILED',
      error: `iam:ListOrganizationsFeatures answered for organization o-someoneelse, not ${ORG_ID}`,
    });
  });
});

describe('buildOrgSnapshot with an IAM client', () => {
  const build = () => buildOrgSnapshot(organizations, { now: () => new Date(NOTIFICATION_TIME), iam });

  it('records the features in the snapshot, which parses back', async () => {
    iamMock.on(ListOrganizationsFeaturesCommand).resolves({ OrganizationId: ORG_ID, EnabledFeatures: BOTH });

    const snapshot = await build();

    expect(snapshot.rootAccessFeatures).toEqual(CENTRALIZED_ROOT_ACCESS);
    expect(parseOrgSnapshot(JSON.stringify(snapshot)).rootAccessFeatures).toEqual(CENTRALIZED_ROOT_ACCESS);
  });

  it('still builds the whole snapshot when IAM refuses, recording AccessDenied', async () => {
    iamMock.on(ListOrganizationsFeaturesCommand).rejects(sdkError('AccessDenied', 'not authorized'));

    const snapshot = await build();

    expect(snapshot.accounts[MEMBER_ACCOUNT]).toBeDefined();
    expect(snapshot.rootAccessFeatures).toMatchObject({ status: 'UNREADABLE', reason: 'ACCESS_DENIED' });
  });

  it('records NO_ORGANIZATION when the reader is in no organization, without calling IAM', async () => {
    orgMock.reset();
    orgMock.rejects(sdkError('AWSOrganizationsNotInUseException', 'not in use'));

    const snapshot = await build();

    expect(snapshot.organization).toBeNull();
    expect(snapshot.rootAccessFeatures).toMatchObject({ status: 'UNREADABLE', reason: 'NO_ORGANIZATION' });
    expect(iamMock).not.toHaveReceivedAnyCommand();
  });

  it('does not count the IAM call among the Organizations calls', async () => {
    iamMock.on(ListOrganizationsFeaturesCommand).resolves({ OrganizationId: ORG_ID, EnabledFeatures: [] });
    const counter = { calls: 0 };

    await buildOrgSnapshot(organizations, { counter, iam });

    expect(counter.calls).toBe(orgMock.calls().length);
  });

  it('records nothing without an IAM client (a reader that could not ask)', async () => {
    const snapshot = await buildOrgSnapshot(organizations);

    expect(snapshot).not.toHaveProperty('rootAccessFeatures');
    expect(iamMock).not.toHaveReceivedAnyCommand();
  });
});

describe('snapshots stored before rootAccessFeatures existed', () => {
  it('parse, without the field', () => {
    const old = orgSnapshotFixture({ members: [MEMBER_ACCOUNT] });

    expect(parseOrgSnapshot(JSON.stringify(old))).not.toHaveProperty('rootAccessFeatures');
  });

  it('are refused with a malformed field rather than defaulted', () => {
    const malformed = { ...orgSnapshotFixture(), rootAccessFeatures: { status: 'READ' } };

    expect(() => parseOrgSnapshot(JSON.stringify(malformed))).toThrow();
  });
});
