import {
  GetAccountSummaryCommand,
  IAMClient,
  ListVirtualMFADevicesCommand,
  type VirtualMFADevice,
} from '@aws-sdk/client-iam';
import { AccessDeniedError, CollectError } from '../../../lib/errors';
import {
  getRootCredentialSummary,
  hasNoRootCredentials,
  listRootVirtualMfaDevices,
  type RootCredentialSummary,
} from '../../../lib/iam-root';
import { MEMBER_ACCOUNT, rootArn, userArn } from '../../helpers/constants';
import { useMockedClient } from '../../helpers/sdk-mocks';
import { NO_ROOT_CREDENTIALS, summaryMap } from '../../helpers/summary';

const { client: iam, mock: iamMock } = useMockedClient(IAMClient, 'us-east-1');

const ENABLE_DATE = new Date('2025-03-04T10:00:00.000Z');

const rootDevice = (partition = 'aws'): VirtualMFADevice => ({
  SerialNumber: `arn:${partition}:iam::${MEMBER_ACCOUNT}:mfa/root-account-mfa-device`,
  User: {
    Arn: rootArn(MEMBER_ACCOUNT, partition),
    UserName: '',
    UserId: MEMBER_ACCOUNT,
    Path: '/',
    CreateDate: ENABLE_DATE,
  },
  EnableDate: ENABLE_DATE,
});

const userDevice = (name: string): VirtualMFADevice => ({
  SerialNumber: `arn:aws:iam::${MEMBER_ACCOUNT}:mfa/${name}`,
  User: {
    Arn: userArn(MEMBER_ACCOUNT, name),
    UserName: name,
    UserId: 'AIDAEXAMPLE',
    Path: '/',
    CreateDate: ENABLE_DATE,
  },
  EnableDate: ENABLE_DATE,
});

const accessDenied = () =>
  Object.assign(new Error('User is not authorized to perform: iam:ListVirtualMFADevices'), {
    name: 'AccessDenied',
  });

describe('getRootCredentialSummary', () => {
  it.each([
    [
      'reads every root credential flag from the SummaryMap',
      { mfa: true, accessKeys: true, password: true, signingCertificates: true },
      true,
    ],
    ['reads 0 as absent', NO_ROOT_CREDENTIALS, false],
  ])('%s', async (_scenario, credentials, present) => {
    iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: summaryMap(credentials) });

    await expect(getRootCredentialSummary(iam, MEMBER_ACCOUNT)).resolves.toEqual({
      mfaEnabled: present,
      accessKeysPresent: present,
      signingCertificatesPresent: present,
      passwordPresent: present,
    });
  });

  it('leaves passwordPresent undefined when AccountPasswordPresent is absent', async () => {
    const { AccountPasswordPresent: _omitted, ...map } = summaryMap();
    iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: map });

    const summary = await getRootCredentialSummary(iam, MEMBER_ACCOUNT);

    expect(summary.passwordPresent).toBeUndefined();
    expect(summary).not.toHaveProperty('passwordPresent');
  });

  it.each(['AccountMFAEnabled', 'AccountAccessKeysPresent', 'AccountSigningCertificatesPresent'])(
    'throws CollectError when %s is missing, never treating it as 0',
    async (key) => {
      const map: Record<string, number> = summaryMap();
      delete map[key];
      iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: map });

      const promise = getRootCredentialSummary(iam, MEMBER_ACCOUNT);

      await expect(promise).rejects.toBeInstanceOf(CollectError);
      await expect(promise).rejects.toThrow(
        `iam:GetAccountSummary in account ${MEMBER_ACCOUNT} returned no ${key}; cannot judge the root user`,
      );
      await expect(promise).rejects.toMatchObject({
        action: 'iam:GetAccountSummary',
        accountId: MEMBER_ACCOUNT,
      });
    },
  );

  it('throws CollectError naming every missing key when there is no SummaryMap', async () => {
    iamMock.on(GetAccountSummaryCommand).resolves({});

    await expect(getRootCredentialSummary(iam, MEMBER_ACCOUNT)).rejects.toThrow(
      /returned no AccountMFAEnabled, AccountAccessKeysPresent, AccountSigningCertificatesPresent/,
    );
  });

  it('turns AccessDenied into an AccessDeniedError naming iam:GetAccountSummary and the account', async () => {
    iamMock.on(GetAccountSummaryCommand).rejects(accessDenied());

    const promise = getRootCredentialSummary(iam, MEMBER_ACCOUNT);

    await expect(promise).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(promise).rejects.toThrow(
      `Access denied calling iam:GetAccountSummary in account ${MEMBER_ACCOUNT}`,
    );
  });
});

describe('hasNoRootCredentials', () => {
  const none: RootCredentialSummary = {
    mfaEnabled: false,
    accessKeysPresent: false,
    signingCertificatesPresent: false,
    passwordPresent: false,
  };

  it('is true when root has no password, access key, signing certificate or MFA', () => {
    expect(hasNoRootCredentials(none)).toBe(true);
  });

  it('is false when the password flag is unknown', () => {
    const { passwordPresent: _omitted, ...unknownPassword } = none;

    expect(hasNoRootCredentials(unknownPassword)).toBe(false);
  });

  it.each([
    ['a password', { passwordPresent: true }],
    ['an access key', { accessKeysPresent: true }],
    ['a signing certificate', { signingCertificatesPresent: true }],
    ['an MFA device', { mfaEnabled: true }],
  ])('is false when root still has %s', (_label, change) => {
    expect(hasNoRootCredentials({ ...none, ...change })).toBe(false);
  });
});

describe('listRootVirtualMfaDevices', () => {
  it('returns the root device found on the second page, following the Marker', async () => {
    iamMock
      .on(ListVirtualMFADevicesCommand)
      .resolvesOnce({ VirtualMFADevices: [userDevice('alice')], IsTruncated: true, Marker: 'page-2' })
      .resolvesOnce({ VirtualMFADevices: [userDevice('bob'), rootDevice()], IsTruncated: false });

    const devices = await listRootVirtualMfaDevices(iam, 'aws', MEMBER_ACCOUNT);

    expect(devices).toEqual([
      {
        serialNumber: `arn:aws:iam::${MEMBER_ACCOUNT}:mfa/root-account-mfa-device`,
        enableDate: ENABLE_DATE.toISOString(),
      },
    ]);
    expect(iamMock).toHaveReceivedCommandTimes(ListVirtualMFADevicesCommand, 2);
    expect(iamMock).toHaveReceivedNthCommandWith(1, ListVirtualMFADevicesCommand, { Marker: undefined });
    expect(iamMock).toHaveReceivedNthCommandWith(2, ListVirtualMFADevicesCommand, { Marker: 'page-2' });
  });

  it('reads every page until one is not truncated', async () => {
    iamMock
      .on(ListVirtualMFADevicesCommand)
      .resolvesOnce({ VirtualMFADevices: [], IsTruncated: true, Marker: 'm1' })
      .resolvesOnce({ VirtualMFADevices: [], IsTruncated: true, Marker: 'm2' })
      .resolvesOnce({ VirtualMFADevices: [rootDevice()], IsTruncated: false });

    await expect(listRootVirtualMfaDevices(iam, 'aws', MEMBER_ACCOUNT)).resolves.toHaveLength(1);
    expect(iamMock).toHaveReceivedCommandTimes(ListVirtualMFADevicesCommand, 3);
  });

  it('asks only for assigned devices, so unassigned devices are never considered', async () => {
    iamMock.on(ListVirtualMFADevicesCommand).resolves({ VirtualMFADevices: [], IsTruncated: false });

    await listRootVirtualMfaDevices(iam, 'aws', MEMBER_ACCOUNT);

    expect(iamMock).toHaveReceivedCommandWith(ListVirtualMFADevicesCommand, { AssignmentStatus: 'Assigned' });
  });

  it('ignores a device with no user (unassigned)', async () => {
    iamMock.on(ListVirtualMFADevicesCommand).resolves({
      VirtualMFADevices: [{ SerialNumber: `arn:aws:iam::${MEMBER_ACCOUNT}:mfa/spare` }],
      IsTruncated: false,
    });

    await expect(listRootVirtualMfaDevices(iam, 'aws', MEMBER_ACCOUNT)).resolves.toEqual([]);
  });

  it('does not take an IAM user named root-admin for the root user', async () => {
    iamMock
      .on(ListVirtualMFADevicesCommand)
      .resolves({ VirtualMFADevices: [userDevice('root-admin'), userDevice('root')], IsTruncated: false });

    await expect(listRootVirtualMfaDevices(iam, 'aws', MEMBER_ACCOUNT)).resolves.toEqual([]);
  });

  it("does not take another account's root device for this account's root", async () => {
    iamMock.on(ListVirtualMFADevicesCommand).resolves({
      VirtualMFADevices: [
        { ...rootDevice(), User: { ...rootDevice().User, Arn: rootArn('333333333333') } } as VirtualMFADevice,
      ],
      IsTruncated: false,
    });

    await expect(listRootVirtualMfaDevices(iam, 'aws', MEMBER_ACCOUNT)).resolves.toEqual([]);
  });

  it('omits enableDate when the device has none', async () => {
    const { EnableDate: _omitted, ...device } = rootDevice();
    iamMock.on(ListVirtualMFADevicesCommand).resolves({ VirtualMFADevices: [device], IsTruncated: false });

    const [found] = await listRootVirtualMfaDevices(iam, 'aws', MEMBER_ACCOUNT);

    expect(found).toEqual({ serialNumber: device.SerialNumber });
  });

  it.each(['aws-cn', 'aws-us-gov'] as const)(
    'matches the %s root ARN in that partition',
    async (partition) => {
      iamMock
        .on(ListVirtualMFADevicesCommand)
        .resolves({ VirtualMFADevices: [rootDevice(partition)], IsTruncated: false });

      await expect(listRootVirtualMfaDevices(iam, partition, MEMBER_ACCOUNT)).resolves.toEqual([
        expect.objectContaining({
          serialNumber: `arn:${partition}:iam::${MEMBER_ACCOUNT}:mfa/root-account-mfa-device`,
        }),
      ]);
    },
  );

  it('does not match the aws root ARN when reading the aws-cn partition', async () => {
    iamMock
      .on(ListVirtualMFADevicesCommand)
      .resolves({ VirtualMFADevices: [rootDevice('aws')], IsTruncated: false });

    await expect(listRootVirtualMfaDevices(iam, 'aws-cn', MEMBER_ACCOUNT)).resolves.toEqual([]);
  });

  it('throws CollectError on a truncated page without a Marker rather than hiding devices', async () => {
    iamMock
      .on(ListVirtualMFADevicesCommand)
      .resolves({ VirtualMFADevices: [userDevice('alice')], IsTruncated: true });

    const promise = listRootVirtualMfaDevices(iam, 'aws', MEMBER_ACCOUNT);

    await expect(promise).rejects.toBeInstanceOf(CollectError);
    await expect(promise).rejects.toThrow(
      `iam:ListVirtualMFADevices in account ${MEMBER_ACCOUNT} returned a truncated page without a Marker`,
    );
    await expect(promise).rejects.toMatchObject({
      action: 'iam:ListVirtualMFADevices',
      accountId: MEMBER_ACCOUNT,
    });
  });

  it('turns AccessDenied into an AccessDeniedError naming iam:ListVirtualMFADevices and the account', async () => {
    const cause = accessDenied();
    iamMock.on(ListVirtualMFADevicesCommand).rejects(cause);

    const promise = listRootVirtualMfaDevices(iam, 'aws', MEMBER_ACCOUNT);

    await expect(promise).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(promise).rejects.toThrow(
      `Access denied calling iam:ListVirtualMFADevices in account ${MEMBER_ACCOUNT}`,
    );
    await expect(promise).rejects.toMatchObject({
      action: 'iam:ListVirtualMFADevices',
      accountId: MEMBER_ACCOUNT,
      cause,
    });
  });

  it('fails the whole listing when a later page is denied, never returning a partial list', async () => {
    iamMock
      .on(ListVirtualMFADevicesCommand)
      .resolvesOnce({ VirtualMFADevices: [rootDevice()], IsTruncated: true, Marker: 'page-2' })
      .rejectsOnce(accessDenied());

    await expect(listRootVirtualMfaDevices(iam, 'aws', MEMBER_ACCOUNT)).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
  });
});
