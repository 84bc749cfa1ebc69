import { IAMClient, ListMFADevicesCommand, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import { ClientFactory } from '../../../lib/clients';
import { CollectError, RepeatedPageTokenError } from '../../../lib/errors';
import { logger } from '../../../lib/logger';
import {
  DEFAULT_ROOT_AUDIT_STS_REGION,
  ROOT_AUDIT_SESSION_SECONDS,
  type RootMfaInventoryRequest,
  readRootMfaInventory,
  rootAuditStsRegion,
} from '../../../lib/root-mfa-inventory';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, REGION } from '../../helpers/constants';
import { fidoSerial, totpSerial, virtualSerial } from '../../helpers/mfa-devices';
import {
  AUDIT_POLICY_ARN,
  AUDIT_ROLE_ARN,
  AUDIT_ROLE_KEY,
  awsError,
  givenRootDevices,
  ROOT_AUDIT_KEY,
  signedWith,
} from '../../helpers/root-audit';
import { endpointOf, useSdkMocks } from '../../helpers/sdk-mocks';

const { sts, iam } = useSdkMocks({ sts: STSClient, iam: IAMClient });
/** The management-account stack's Region (RootAuditStsRegion), not the function's (REGION). */
const STS_REGION = 'us-east-1';

function request(overrides: Partial<RootMfaInventoryRequest> = {}): RootMfaInventoryRequest {
  return {
    clients: new ClientFactory({ region: REGION }),
    accountId: MEMBER_ACCOUNT,
    partition: 'aws',
    auditRoleArn: AUDIT_ROLE_ARN,
    managementAccountId: MANAGEMENT_ACCOUNT,
    ruleId: 'root-backup-mfa',
    stsRegion: STS_REGION,
    ...overrides,
  };
}

describe('readRootMfaInventory', () => {
  it('lists and classifies every device of the root user in a short audit session', async () => {
    // Prepare
    const serials = [fidoSerial(MEMBER_ACCOUNT), totpSerial(1), virtualSerial(MEMBER_ACCOUNT)];
    givenRootDevices(sts, iam, serials);

    // Act
    const inventory = await readRootMfaInventory(request());

    // Assess
    expect(inventory).toEqual({
      status: 'listed',
      devices: [
        expect.objectContaining({ serialNumber: serials[0], kind: 'fido' }),
        expect.objectContaining({ serialNumber: serials[1], kind: 'hardware-totp' }),
        expect.objectContaining({ serialNumber: serials[2], kind: 'virtual' }),
      ],
    });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: AUDIT_ROLE_ARN,
      RoleSessionName: 'rootguard-root-audit-root-backup-mfa',
    });
    expect(sts.commandCalls(AssumeRootCommand).map((c) => c.args[0].input)).toEqual([
      {
        TargetPrincipal: MEMBER_ACCOUNT,
        TaskPolicyArn: { arn: AUDIT_POLICY_ARN },
        DurationSeconds: ROOT_AUDIT_SESSION_SECONDS,
      },
    ]);
    expect(await signedWith(sts.commandCalls(AssumeRootCommand)[0])).toBe(AUDIT_ROLE_KEY);
    expect(await signedWith(iam.commandCalls(ListMFADevicesCommand)[0])).toBe(ROOT_AUDIT_KEY);
    // No UserName: in the root session that is the root user.
    expect(iam.commandCalls(ListMFADevicesCommand)[0]?.args[0].input.UserName).toBeUndefined();
  });

  it.each([
    ['eu-west-1', 'us-east-1'],
    ['us-east-1', 'eu-central-1'],
  ])(
    'sends AssumeRoot from a function in %s to the Regional endpoint of RootAuditStsRegion %s',
    async (functionRegion, stsRegion) => {
      // Prepare
      givenRootDevices(sts, iam, [totpSerial(1)]);

      // Act
      await readRootMfaInventory(
        request({ clients: new ClientFactory({ region: functionRegion }), stsRegion }),
      );

      // Assess: the Region where CloudTrail records the issuance, and the management stack forwards it from.
      expect(await endpointOf(sts.commandCalls(AssumeRootCommand)[0])).toBe(
        `https://sts.${stsRegion}.amazonaws.com/`,
      );
    },
  );

  it.each([
    ['aws-global', /is not an AWS Region/],
    ['cn-north-1', /not a Region of partition aws/],
  ])(
    'refuses RootAuditStsRegion %s with a typed error naming the account, before any session',
    async (stsRegion, reason) => {
      givenRootDevices(sts, iam, [totpSerial(1)]);

      const reading = readRootMfaInventory(request({ stsRegion }));

      await expect(reading).rejects.toThrow(CollectError);
      await expect(reading).rejects.toThrow(reason);
      await expect(reading).rejects.toThrow(MEMBER_ACCOUNT);
      expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
    },
  );

  it('reads the STS Region from ROOT_AUDIT_STS_REGION, us-east-1 when unset', () => {
    expect(rootAuditStsRegion({ ROOT_AUDIT_STS_REGION: ' eu-west-2 ' })).toBe('eu-west-2');
    expect(rootAuditStsRegion({})).toBe(DEFAULT_ROOT_AUDIT_STS_REGION);
    expect(DEFAULT_ROOT_AUDIT_STS_REGION).toBe('us-east-1');
  });

  it.each([0, 1, 2, 8])('counts %i devices exactly', async (count) => {
    const serials = Array.from({ length: count }, (_, i) => fidoSerial(MEMBER_ACCOUNT, `key${i}`));
    givenRootDevices(sts, iam, serials);

    const inventory = await readRootMfaInventory(request());

    expect(inventory.status === 'listed' && inventory.devices.length).toBe(count);
  });

  it('reads every page', async () => {
    const serials = Array.from({ length: 8 }, (_, i) => totpSerial(i));
    givenRootDevices(sts, iam, serials, 3);

    const inventory = await readRootMfaInventory(request());

    expect(inventory.status === 'listed' && inventory.devices.map((d) => d.serialNumber)).toEqual(serials);
    expect(iam).toHaveReceivedCommandTimes(ListMFADevicesCommand, 3);
  });

  it('refuses a marker handed back twice rather than loop or stop early', async () => {
    givenRootDevices(sts, iam, [totpSerial(1)]);
    iam.on(ListMFADevicesCommand).resolves({ MFADevices: [], IsTruncated: true, Marker: 'again' });

    await expect(readRootMfaInventory(request())).rejects.toThrow(RepeatedPageTokenError);
  });

  it('opens one root session per evaluation, never reused', async () => {
    givenRootDevices(sts, iam, [totpSerial(1)]);
    const clients = new ClientFactory({ region: REGION });

    await readRootMfaInventory(request({ clients }));
    await readRootMfaInventory(request({ clients }));

    expect(sts).toHaveReceivedCommandTimes(AssumeRootCommand, 2);
  });

  it('never logs the root session credentials', async () => {
    givenRootDevices(sts, iam, [totpSerial(1)]);
    const logged = jest.spyOn(logger, 'info');
    const warned = jest.spyOn(logger, 'warn');

    const inventory = await readRootMfaInventory(request());

    const everything = JSON.stringify([logged.mock.calls, warned.mock.calls, inventory]);
    expect(everything).not.toContain(ROOT_AUDIT_KEY);
    expect(everything).not.toContain(`${ROOT_AUDIT_KEY}-secret`);
  });

  it('says the management account cannot be reached, without calling AWS', async () => {
    const inventory = await readRootMfaInventory(request({ accountId: MANAGEMENT_ACCOUNT }));

    expect(inventory).toMatchObject({ status: 'unavailable', reason: 'management-account' });
    expect(sts.calls()).toHaveLength(0);
  });

  it('says what to deploy when no audit role is configured', async () => {
    const inventory = await readRootMfaInventory(request({ auditRoleArn: undefined }));

    expect(inventory).toMatchObject({
      status: 'unavailable',
      reason: 'audit-role-not-configured',
      fix: expect.stringContaining('RootAuditRoleArn'),
    });
  });

  it.each([
    [{ EnabledFeatures: ['RootSessions' as const] }, 'features: RootSessions'],
    [{ EnabledFeatures: [] as 'RootSessions'[] }, 'features: none'],
  ])(
    'says centralized root access is off when AssumeRoot is refused and the features say so (%j)',
    async (features, detail) => {
      givenRootDevices(sts, iam, []);
      sts.on(AssumeRootCommand).rejects(awsError('AccessDenied'));
      iam.on(ListOrganizationsFeaturesCommand).resolves(features);

      const inventory = await readRootMfaInventory(request());

      expect(inventory).toMatchObject({
        status: 'unavailable',
        reason: 'centralized-root-access-disabled',
        detail: expect.stringContaining(detail),
        fix: expect.stringContaining('enable-organizations-root-credentials-management'),
      });
    },
  );

  it.each(['ServiceAccessNotEnabledException', 'OrganizationNotInAllFeaturesModeException'])(
    'says centralized root access is off when the features cannot be listed (%s)',
    async (name) => {
      givenRootDevices(sts, iam, []);
      sts.on(AssumeRootCommand).rejects(awsError('AccessDenied'));
      iam.on(ListOrganizationsFeaturesCommand).rejects(awsError(name));

      const inventory = await readRootMfaInventory(request());

      expect(inventory).toMatchObject({ reason: 'centralized-root-access-disabled' });
    },
  );

  it.each([
    {
      name: 'AccessDenied on AssumeRoot when centralized root access is on',
      fail: (): unknown => sts.on(AssumeRootCommand).rejects(awsError('AccessDenied')),
      expected: {
        status: 'unavailable',
        reason: 'access-denied',
        detail: 'sts:AssumeRoot was refused (AccessDenied)',
        fix: expect.stringContaining('IAMAuditRootUserCredentials'),
      },
    },
    {
      name: 'AccessDenied on ListMFADevices (an SCP in the member account)',
      fail: (): unknown => iam.on(ListMFADevicesCommand).rejects(awsError('AccessDenied')),
      expected: { reason: 'access-denied', detail: expect.stringContaining('iam:ListMFADevices') },
    },
    {
      name: 'throttling on ListMFADevices',
      fail: (): unknown => iam.on(ListMFADevicesCommand).rejects(awsError('ThrottlingException')),
      expected: { reason: 'throttled' },
    },
  ])('reports $name', async ({ fail, expected }) => {
    givenRootDevices(sts, iam, []);
    fail();

    const inventory = await readRootMfaInventory(request());

    expect(inventory).toMatchObject(expected);
  });

  it('reports AccessDenied on the audit role', async () => {
    givenRootDevices(sts, iam, []);
    sts.on(AssumeRoleCommand).rejects(awsError('AccessDenied'));

    const inventory = await readRootMfaInventory(request());

    expect(inventory).toMatchObject({
      reason: 'access-denied',
      fix: expect.stringContaining(`check that ${AUDIT_ROLE_ARN} exists`),
    });
    expect(sts).not.toHaveReceivedCommand(AssumeRootCommand);
  });

  it.each([
    ['the audit role', (): unknown => sts.on(AssumeRoleCommand).rejects(awsError('Throttling'))],
    ['AssumeRoot', (): unknown => sts.on(AssumeRootCommand).rejects(awsError('Throttling'))],
  ])('reports throttling on %s after the SDK retries', async (_name, throttle) => {
    givenRootDevices(sts, iam, []);
    throttle();

    const inventory = await readRootMfaInventory(
      request({ clients: new ClientFactory({ region: REGION, overrides: { maxAttempts: 1 } }) }),
    );

    expect(inventory).toMatchObject({ status: 'unavailable', reason: 'throttled' });
  });

  it('throws any other failure, typed, never a count', async () => {
    givenRootDevices(sts, iam, []);
    sts.on(AssumeRootCommand).rejects(awsError('RegionDisabledException'));

    await expect(readRootMfaInventory(request())).rejects.toThrow(
      /sts:AssumeRoot in account 222222222222 \(RegionDisabledException/,
    );
  });
});
