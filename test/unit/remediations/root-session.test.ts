import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  DeleteVirtualMFADeviceCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListOrganizationsFeaturesCommand,
  ListSigningCertificatesCommand,
} from '@aws-sdk/client-iam';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import { ClientFactory } from '../../../lib/clients';
import { AccessDeniedError, CollectError } from '../../../lib/errors';
import { InvalidRemediationConfigError } from '../../../remediations/lib/errors';
import {
  CentralizedRootAccessDisabledError,
  ManagementAccountTargetError,
  NotRootAccessAdministratorError,
} from '../../../remediations/lib/root-access';
import { deleteRootCredentials } from '../../../remediations/lib/root-credential-deletion';
import {
  listRootCredentials,
  mfaDeviceType,
  ROOT_CREDENTIAL_KINDS,
  type RootCredentialInventory,
  type RootCredentialKind,
} from '../../../remediations/lib/root-credential-inventory';
import {
  credentialSet,
  planRootCredentialDeletion,
  reportLines,
} from '../../../remediations/lib/root-credential-plan';
import { loadRootCredentialsConfig } from '../../../remediations/lib/root-credentials-config';
import {
  openRootSession,
  type RootSessionRequest,
  rootSessionStsClient,
} from '../../../remediations/lib/root-session';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, ORG_ID, REGION } from '../../helpers/constants';
import { signedWith, useSdkMocks } from '../../helpers/sdk-mocks';
import {
  AUDIT_POLICY,
  accessDenied,
  accessKeys,
  CERT,
  certificates,
  DELETE_POLICY,
  HARDWARE_MFA,
  KEY_1,
  KEY_2,
  MANAGEMENT_CREDENTIALS,
  MANAGEMENT_ROLE_ARN,
  mfaDevices,
  noSuchEntity,
  ORGANIZATION,
  ROOT_SESSION_CREDENTIALS,
  VIRTUAL_MFA,
} from './root-session-fixtures';

const { stsMock, orgMock, iamMock } = useSdkMocks({
  stsMock: STSClient,
  orgMock: OrganizationsClient,
  iamMock: IAMClient,
});

const ENABLE = 'aws iam enable-organizations-root-credentials-management';
const DISABLED = `centralized root access is not enabled: run ${ENABLE} from the management account`;

function request(overrides: Partial<RootSessionRequest> = {}): RootSessionRequest {
  return {
    factory: new ClientFactory({ region: REGION }),
    managementRoleArn: MANAGEMENT_ROLE_ARN,
    accountId: MEMBER_ACCOUNT,
    task: 'delete',
    sessionName: 'rootguard-delete-root-credentials',
    ...overrides,
  };
}

beforeEach(() => {
  stsMock.on(AssumeRoleCommand).resolves({ Credentials: MANAGEMENT_CREDENTIALS });
  stsMock.on(AssumeRootCommand).resolves({ Credentials: ROOT_SESSION_CREDENTIALS });
  orgMock.on(DescribeOrganizationCommand).resolves({ Organization: ORGANIZATION });
  iamMock
    .on(ListOrganizationsFeaturesCommand)
    .resolves({ OrganizationId: ORG_ID, EnabledFeatures: ['RootCredentialsManagement', 'RootSessions'] });
});

describe('openRootSession', () => {
  it('assumes the management role, then calls AssumeRoot for the member account for 900 seconds', async () => {
    const session = await openRootSession(request());

    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: MANAGEMENT_ROLE_ARN,
      RoleSessionName: 'rootguard-delete-root-credentials',
    });
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRootCommand, 1);
    expect(stsMock.commandCalls(AssumeRootCommand)[0]?.args[0].input).toEqual({
      TargetPrincipal: MEMBER_ACCOUNT,
      TaskPolicyArn: { arn: DELETE_POLICY },
      DurationSeconds: 900,
    });
    expect(session).toMatchObject({
      accountId: MEMBER_ACCOUNT,
      partition: 'aws',
      task: 'delete',
      taskPolicyArn: DELETE_POLICY,
      organizationId: ORG_ID,
      managementAccountId: MANAGEMENT_ACCOUNT,
      expiresAt: ROOT_SESSION_CREDENTIALS.Expiration,
    });
  });

  it.each([
    ['us-east-1', 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials'],
    ['cn-north-1', 'arn:aws-cn:iam::aws:policy/root-task/IAMDeleteRootUserCredentials'],
    ['us-gov-west-1', 'arn:aws-us-gov:iam::aws:policy/root-task/IAMDeleteRootUserCredentials'],
  ])('in %s asks for the task policy of its partition', async (region, arn) => {
    await openRootSession(request({ factory: new ClientFactory({ region }), managementRoleArn: undefined }));

    expect(stsMock).toHaveReceivedCommandWith(AssumeRootCommand, { TaskPolicyArn: { arn } });
  });

  it('asks for the read-only audit task policy for the audit task', async () => {
    await openRootSession(request({ task: 'audit' }));

    expect(stsMock).toHaveReceivedCommandWith(AssumeRootCommand, { TaskPolicyArn: { arn: AUDIT_POLICY } });
  });

  it('reads the organization and its features, and calls AssumeRoot, as the management role', async () => {
    await openRootSession(request());

    expect(await signedWith(orgMock.commandCalls(DescribeOrganizationCommand)[0])).toBe(
      'ASIAMANAGEMENTROLE01',
    );
    expect(await signedWith(iamMock.commandCalls(ListOrganizationsFeaturesCommand)[0])).toBe(
      'ASIAMANAGEMENTROLE01',
    );
    expect(await signedWith(stsMock.commandCalls(AssumeRootCommand)[0])).toBe('ASIAMANAGEMENTROLE01');
  });

  it("signs the root user's IAM calls with the AssumeRoot credentials", async () => {
    const session = await openRootSession(request());
    iamMock.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });

    await listRootCredentials(session.iam, ['accessKeys'], MEMBER_ACCOUNT);

    expect(await signedWith(iamMock.commandCalls(ListAccessKeysCommand)[0])).toBe('ASIAROOTSESSION00001');
  });

  it('calls with its own role when no management role is configured (delegated administrator)', async () => {
    await openRootSession(request({ managementRoleArn: undefined }));

    expect(stsMock).not.toHaveReceivedCommand(AssumeRoleCommand);
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRootCommand, 1);
  });

  it('refuses the management account before anything else, naming it', async () => {
    const run = openRootSession(request({ accountId: MANAGEMENT_ACCOUNT }));

    await expect(run).rejects.toThrow(ManagementAccountTargetError);
    await expect(run).rejects.toThrow(
      /account 111111111111 is the management account of organization o-exampleorgid: sts:AssumeRoot only reaches member accounts/,
    );
    expect(iamMock).not.toHaveReceivedCommand(ListOrganizationsFeaturesCommand);
    expect(stsMock).not.toHaveReceivedCommand(AssumeRootCommand);
  });

  describe('centralized root access', () => {
    const refused = async (message: RegExp, type: new (...args: never[]) => Error) => {
      const run = openRootSession(request());
      await expect(run).rejects.toThrow(type);
      await expect(run).rejects.toThrow(message);
      expect(stsMock).not.toHaveReceivedCommand(AssumeRootCommand);
    };

    it('says plainly how to enable it when RootCredentialsManagement is off, and never calls AssumeRoot', async () => {
      iamMock
        .on(ListOrganizationsFeaturesCommand)
        .resolves({ OrganizationId: ORG_ID, EnabledFeatures: ['RootSessions'] });

      await refused(
        new RegExp(`^${DISABLED} \\(enabled features: RootSessions;`),
        CentralizedRootAccessDisabledError,
      );
    });

    it('treats no features at all as disabled', async () => {
      iamMock.on(ListOrganizationsFeaturesCommand).resolves({ OrganizationId: ORG_ID, EnabledFeatures: [] });

      const run = openRootSession(request());

      await expect(run).rejects.toThrow(
        `${DISABLED} (enabled features: none; nothing in account 222222222222 was changed)`,
      );
      await expect(run).rejects.toMatchObject({ enabledFeatures: [], accountId: MEMBER_ACCOUNT });
    });

    it('names trusted access for IAM when that is what is missing', async () => {
      iamMock
        .on(ListOrganizationsFeaturesCommand)
        .rejects(Object.assign(new Error('no trusted access'), { name: 'ServiceAccessNotEnabledException' }));

      await refused(
        /centralized root access is not enabled: .* enable-aws-service-access --service-principal iam.amazonaws.com/,
        CentralizedRootAccessDisabledError,
      );
    });

    it('names the all-features requirement', async () => {
      iamMock
        .on(ListOrganizationsFeaturesCommand)
        .rejects(Object.assign(new Error('x'), { name: 'OrganizationNotInAllFeaturesModeException' }));

      await refused(/must first have all features enabled/, CentralizedRootAccessDisabledError);
    });

    it('says the caller is not the management account or delegated administrator', async () => {
      iamMock
        .on(ListOrganizationsFeaturesCommand)
        .rejects(
          Object.assign(new Error('x'), { name: 'AccountNotManagementOrDelegatedAdministratorException' }),
        );

      await refused(
        /in neither the management account nor the IAM delegated administrator/,
        NotRootAccessAdministratorError,
      );
    });

    it('names the role when it may not read the features', async () => {
      iamMock.on(ListOrganizationsFeaturesCommand).rejects(accessDenied('iam:ListOrganizationsFeatures'));

      await refused(
        new RegExp(`${MANAGEMENT_ROLE_ARN} may not call iam:ListOrganizationsFeatures`),
        AccessDeniedError,
      );
    });
  });

  describe('access denied', () => {
    it('names the management role and the task policy when AssumeRoot is denied', async () => {
      stsMock.on(AssumeRootCommand).rejects(accessDenied('sts:AssumeRoot'));

      const run = openRootSession(request());

      await expect(run).rejects.toThrow(AccessDeniedError);
      await expect(run).rejects.toThrow(
        `${MANAGEMENT_ROLE_ARN} may not call sts:AssumeRoot for account ${MEMBER_ACCOUNT}: allow it sts:AssumeRoot`,
      );
      await expect(run).rejects.toThrow(`sts:TaskPolicyArn ${DELETE_POLICY}`);
      await expect(run).rejects.toMatchObject({ action: 'sts:AssumeRoot', accountId: MEMBER_ACCOUNT });
    });

    it("names the function's own role in delegated-administrator mode", async () => {
      stsMock.on(AssumeRootCommand).rejects(accessDenied('sts:AssumeRoot'));

      await expect(openRootSession(request({ managementRoleArn: undefined }))).rejects.toThrow(
        "this function's own role may not call sts:AssumeRoot",
      );
    });

    it('names the management role when it cannot be assumed', async () => {
      stsMock.on(AssumeRoleCommand).rejects(accessDenied('sts:AssumeRole'));

      const run = openRootSession(request());

      await expect(run).rejects.toThrow(AccessDeniedError);
      await expect(run).rejects.toThrow(`Cannot assume ${MANAGEMENT_ROLE_ARN}`);
      expect(stsMock).not.toHaveReceivedCommand(AssumeRootCommand);
    });

    it('names the role when it may not describe the organization', async () => {
      orgMock.on(DescribeOrganizationCommand).rejects(accessDenied('organizations:DescribeOrganization'));

      await expect(openRootSession(request())).rejects.toThrow(
        `${MANAGEMENT_ROLE_ARN} may not call organizations:DescribeOrganization`,
      );
    });
  });

  it('fails typed when AssumeRoot returns no credentials', async () => {
    stsMock.on(AssumeRootCommand).resolves({});

    await expect(openRootSession(request())).rejects.toThrow(CollectError);
  });
});

describe('rootSessionStsClient', () => {
  it('refuses the aws-global pseudo-region, which means the global endpoint', () => {
    expect(() => rootSessionStsClient('aws-global')).toThrow(InvalidRemediationConfigError);
  });

  it('pins the Regional endpoint', () => {
    expect(rootSessionStsClient('us-east-1').config.useGlobalEndpoint).toBe(false);
  });
});

describe('mfaDeviceType', () => {
  it.each([
    [VIRTUAL_MFA, 'virtual'],
    ['arn:aws-cn:iam::222222222222:mfa/root', 'virtual'],
    ['arn:aws:iam::222222222222:u2f/root/yubikey-ABCDEFGHIJKLMNOP', 'security-key'],
    [HARDWARE_MFA, 'hardware'],
  ])('classifies %s as %s', (serial, type) => {
    expect(mfaDeviceType(serial)).toBe(type);
  });
});

/** An inventory with one of every kind of root credential (KEY_2 inactive). */
const EVERY_KIND_OF_CREDENTIAL: RootCredentialInventory = {
  password: true,
  accessKeys: [
    { accessKeyId: KEY_1, status: 'Active' },
    { accessKeyId: KEY_2, status: 'Inactive' },
  ],
  signingCertificates: [{ certificateId: CERT, status: 'Active' }],
  mfaDevices: [
    { serialNumber: VIRTUAL_MFA, type: 'virtual' },
    { serialNumber: HARDWARE_MFA, type: 'hardware' },
  ],
};

describe('planRootCredentialDeletion (pure)', () => {
  const everything = EVERY_KIND_OF_CREDENTIAL;

  it('removes keys, certificates, the password, then MFA last', () => {
    const plan = planRootCredentialDeletion(everything, ROOT_CREDENTIAL_KINDS);

    expect(plan.map((a) => [a.kind, a.id, a.calls])).toEqual([
      ['accessKeys', KEY_1, ['iam:DeleteAccessKey']],
      ['accessKeys', KEY_2, ['iam:DeleteAccessKey']],
      ['signingCertificates', CERT, ['iam:DeleteSigningCertificate']],
      ['password', 'password', ['iam:DeleteLoginProfile']],
      ['mfaDevices', VIRTUAL_MFA, ['iam:DeactivateMFADevice', 'iam:DeleteVirtualMFADevice']],
      ['mfaDevices', HARDWARE_MFA, ['iam:DeactivateMFADevice']],
    ]);
  });

  it('keeps to the scope, in removal order whatever order the scope lists', () => {
    const scope: RootCredentialKind[] = ['mfaDevices', 'accessKeys'];

    expect(planRootCredentialDeletion(everything, scope).map((a) => a.kind)).toEqual([
      'accessKeys',
      'accessKeys',
      'mfaDevices',
      'mfaDevices',
    ]);
    expect(planRootCredentialDeletion(everything, ['accessKeys']).map((a) => a.id)).toEqual([KEY_1, KEY_2]);
  });

  it('plans nothing for a root user without credentials', () => {
    const none = { password: false, accessKeys: [], signingCertificates: [], mfaDevices: [] };

    expect(planRootCredentialDeletion(none, ROOT_CREDENTIAL_KINDS)).toEqual([]);
  });

  it('reports what would go, per credential, and what is already absent', () => {
    const plan = planRootCredentialDeletion(
      { ...everything, signingCertificates: [] },
      ROOT_CREDENTIAL_KINDS,
    );

    expect(reportLines(ROOT_CREDENTIAL_KINDS, plan, true)).toEqual([
      `would delete root access key ${KEY_1} (Active)`,
      `would delete root access key ${KEY_2} (Inactive)`,
      'root already has no signing certificates',
      'would delete root console password',
      `would deactivate and delete root virtual MFA device ${VIRTUAL_MFA}`,
      `would deactivate root hardware MFA device ${HARDWARE_MFA}`,
    ]);
    expect(reportLines(['accessKeys'], plan, false).slice(0, 1)).toEqual([
      `deleted root access key ${KEY_1} (Active)`,
    ]);
    expect(reportLines(ROOT_CREDENTIAL_KINDS, [], false)).toEqual([
      'root already has no access keys',
      'root already has no signing certificates',
      'root already has no console password',
      'root already has no MFA devices',
    ]);
  });

  it('summarises the ids per kind in scope', () => {
    const plan = planRootCredentialDeletion(everything, ROOT_CREDENTIAL_KINDS);

    expect(credentialSet(ROOT_CREDENTIAL_KINDS, plan)).toEqual({
      accessKeys: [KEY_1, KEY_2],
      signingCertificates: [CERT],
      password: true,
      mfaDevices: [VIRTUAL_MFA, HARDWARE_MFA],
    });
    expect(credentialSet(['accessKeys'], [])).toEqual({ accessKeys: [] });
  });
});

describe('listRootCredentials', () => {
  const iam = () => new IAMClient({ region: REGION });

  it('reads every page of each list, without a UserName (the root user)', async () => {
    iamMock
      .on(ListAccessKeysCommand)
      .resolvesOnce({ AccessKeyMetadata: accessKeys(KEY_1), IsTruncated: true, Marker: 'm1' })
      .resolvesOnce({ AccessKeyMetadata: accessKeys(KEY_2) });
    iamMock.on(ListSigningCertificatesCommand).resolves({ Certificates: certificates(CERT) });
    iamMock.on(ListMFADevicesCommand).resolves({ MFADevices: mfaDevices(VIRTUAL_MFA, HARDWARE_MFA) });
    iamMock
      .on(GetLoginProfileCommand)
      .resolves({ LoginProfile: { UserName: undefined, CreateDate: new Date() } });

    const inventory = await listRootCredentials(iam(), ROOT_CREDENTIAL_KINDS, MEMBER_ACCOUNT);

    expect(inventory).toEqual({
      ...EVERY_KIND_OF_CREDENTIAL,
      accessKeys: [
        { accessKeyId: KEY_1, status: 'Active' },
        { accessKeyId: KEY_2, status: 'Active' },
      ],
    });
    expect(iamMock.commandCalls(ListAccessKeysCommand).map((c) => c.args[0].input)).toEqual([
      { Marker: undefined },
      { Marker: 'm1' },
    ]);
    expect(iamMock.commandCalls(GetLoginProfileCommand)[0]?.args[0].input).toEqual({});
    expect(iamMock.commandCalls(ListSigningCertificatesCommand)[0]?.args[0].input).toEqual({
      Marker: undefined,
    });
    expect(iamMock.commandCalls(ListMFADevicesCommand)[0]?.args[0].input).toEqual({ Marker: undefined });
  });

  it('reads NoSuchEntity from GetLoginProfile as "no password"', async () => {
    iamMock.on(GetLoginProfileCommand).rejects(noSuchEntity());

    expect(await listRootCredentials(iam(), ['password'], MEMBER_ACCOUNT)).toEqual({ password: false });
  });

  it('looks only at the kinds in scope', async () => {
    iamMock.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });

    expect(await listRootCredentials(iam(), ['accessKeys'], MEMBER_ACCOUNT)).toEqual({ accessKeys: [] });
    expect(iamMock).not.toHaveReceivedCommand(GetLoginProfileCommand);
    expect(iamMock).not.toHaveReceivedCommand(ListSigningCertificatesCommand);
    expect(iamMock).not.toHaveReceivedCommand(ListMFADevicesCommand);
  });

  it('refuses a truncated page without a Marker rather than miss credentials', async () => {
    iamMock.on(ListMFADevicesCommand).resolves({ MFADevices: [], IsTruncated: true });

    await expect(listRootCredentials(iam(), ['mfaDevices'], MEMBER_ACCOUNT)).rejects.toThrow(
      /iam:ListMFADevices in account 222222222222 returned a truncated page without a Marker/,
    );
  });

  it('fails typed, naming the action, when a read is denied', async () => {
    iamMock.on(GetLoginProfileCommand).rejects(accessDenied('iam:GetLoginProfile'));

    const run = listRootCredentials(iam(), ['password'], MEMBER_ACCOUNT);

    await expect(run).rejects.toThrow(AccessDeniedError);
    await expect(run).rejects.toThrow(/iam:GetLoginProfile in account 222222222222/);
  });
});

describe('deleteRootCredentials', () => {
  const iam = () => new IAMClient({ region: REGION });
  const plan = () =>
    planRootCredentialDeletion(
      {
        password: true,
        accessKeys: [{ accessKeyId: KEY_1, status: 'Active' }],
        signingCertificates: [{ certificateId: CERT, status: 'Active' }],
        mfaDevices: [{ serialNumber: VIRTUAL_MFA, type: 'virtual' }],
      },
      ROOT_CREDENTIAL_KINDS,
    );

  it('sends each call with the id and no UserName, in plan order', async () => {
    const outcome = await deleteRootCredentials(iam(), plan(), MEMBER_ACCOUNT);

    expect(iamMock.calls().map((c) => [c.args[0].constructor.name, c.args[0].input])).toEqual([
      ['DeleteAccessKeyCommand', { AccessKeyId: KEY_1 }],
      ['DeleteSigningCertificateCommand', { CertificateId: CERT }],
      ['DeleteLoginProfileCommand', {}],
      ['DeactivateMFADeviceCommand', { SerialNumber: VIRTUAL_MFA }],
      ['DeleteVirtualMFADeviceCommand', { SerialNumber: VIRTUAL_MFA }],
    ]);
    expect(outcome.done.map((a) => a.id)).toEqual([KEY_1, CERT, 'password', VIRTUAL_MFA]);
    expect(outcome.gone).toEqual([]);
  });

  it('counts a credential that vanished before its call as already gone', async () => {
    iamMock.on(DeleteAccessKeyCommand).rejects(noSuchEntity());

    const outcome = await deleteRootCredentials(iam(), plan(), MEMBER_ACCOUNT);

    expect(outcome.gone.map((a) => a.id)).toEqual([KEY_1]);
    expect(outcome.done.map((a) => a.id)).toEqual([CERT, 'password', VIRTUAL_MFA]);
  });

  it('stops at the first failure and says what was already removed', async () => {
    iamMock.on(DeleteLoginProfileCommand).rejects(accessDenied('iam:DeleteLoginProfile'));

    const run = deleteRootCredentials(iam(), plan(), MEMBER_ACCOUNT);

    await expect(run).rejects.toThrow(AccessDeniedError);
    await expect(run).rejects.toThrow(
      new RegExp(
        `Access denied calling iam:DeleteLoginProfile in account 222222222222 .*; root console password was not removed; removed before the failure: access key ${KEY_1} \\(Active\\), signing certificate ${CERT} \\(Active\\)\\. Running again removes what is left`,
      ),
    );
    expect(iamMock).not.toHaveReceivedCommand(DeactivateMFADeviceCommand);
  });

  it('keeps a deactivated virtual device that cannot be deleted as a warning, not a failure', async () => {
    iamMock.on(DeleteVirtualMFADeviceCommand).rejects(accessDenied('iam:DeleteVirtualMFADevice'));

    const outcome = await deleteRootCredentials(iam(), plan(), MEMBER_ACCOUNT);

    expect(outcome.done.map((a) => a.id)).toContain(VIRTUAL_MFA);
    expect(outcome.warnings).toEqual([
      `root virtual MFA device ${VIRTUAL_MFA} was deactivated but could not be deleted (AccessDenied): delete the unassigned virtual MFA device in the account`,
    ]);
  });

  it('does not mistake NoSuchEntity on a later call of the same credential for "already gone"', async () => {
    iamMock.on(DeleteSigningCertificateCommand).resolves({});
    iamMock.on(DeactivateMFADeviceCommand).resolves({});
    iamMock.on(DeleteVirtualMFADeviceCommand).rejects(noSuchEntity());

    const outcome = await deleteRootCredentials(iam(), plan(), MEMBER_ACCOUNT);

    expect(outcome.gone).toEqual([]);
    expect(outcome.warnings).toHaveLength(1);
  });
});

describe('loadRootCredentialsConfig', () => {
  const options = {
    remediation: 'delete-root-credentials',
    documentNameVariable: 'DELETE_ROOT_CREDENTIALS_DOCUMENT_NAME',
    defaultDocumentName: 'RootGuard-DeleteRootCredentials',
  };

  it('reads the role, the region and the document name', () => {
    expect(
      loadRootCredentialsConfig({ MANAGEMENT_ROLE_ARN, AWS_REGION: 'eu-west-1' }, options),
    ).toMatchObject({
      managementRoleArn: MANAGEMENT_ROLE_ARN,
      documentName: 'RootGuard-DeleteRootCredentials',
      executionReaderRoleName: 'RootGuardRemediationReader',
      region: 'eu-west-1',
    });
    expect(
      loadRootCredentialsConfig(
        {
          MANAGEMENT_ROLE_ARN: '',
          AWS_REGION: 'eu-west-1',
          DELETE_ROOT_CREDENTIALS_DOCUMENT_NAME: 'Test-Doc',
          EXECUTION_READER_ROLE_NAME: 'RootGuardReader-dev',
        },
        options,
      ),
    ).toMatchObject({
      managementRoleArn: undefined,
      documentName: 'Test-Doc',
      executionReaderRoleName: 'RootGuardReader-dev',
      region: 'eu-west-1',
    });
  });

  it('reads a blank EXECUTION_READER_ROLE_NAME as the default and refuses a role ARN or a path there', () => {
    expect(
      loadRootCredentialsConfig({ AWS_REGION: 'eu-west-1', EXECUTION_READER_ROLE_NAME: '' }, options)
        .executionReaderRoleName,
    ).toBe('RootGuardRemediationReader');
    for (const bad of [`arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/Reader`, 'team/Reader', 'Reader*']) {
      expect(() =>
        loadRootCredentialsConfig({ AWS_REGION: 'eu-west-1', EXECUTION_READER_ROLE_NAME: bad }, options),
      ).toThrow(/EXECUTION_READER_ROLE_NAME: expected an IAM role name/);
    }
  });

  it('names every bad variable in one error', () => {
    const load = () =>
      loadRootCredentialsConfig(
        { MANAGEMENT_ROLE_ARN: 'RootGuard', DELETE_ROOT_CREDENTIALS_DOCUMENT_NAME: 'a b' },
        options,
      );

    expect(load).toThrow(InvalidRemediationConfigError);
    expect(load).toThrow(
      'delete-root-credentials is misconfigured: MANAGEMENT_ROLE_ARN: expected an IAM role ARN; AWS_REGION: is not set; DELETE_ROOT_CREDENTIALS_DOCUMENT_NAME: expected an SSM document name',
    );
  });

  it('refuses the aws-global pseudo-region and a role in another partition', () => {
    expect(() => loadRootCredentialsConfig({ AWS_REGION: 'aws-global' }, options)).toThrow(
      /AWS_REGION: expected an AWS Region/,
    );
    expect(() =>
      loadRootCredentialsConfig({ MANAGEMENT_ROLE_ARN, AWS_REGION: 'cn-north-1' }, options),
    ).toThrow(/MANAGEMENT_ROLE_ARN: is in partition aws, the function in cn-north-1/);
  });
});
