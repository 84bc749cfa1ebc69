import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  DeleteVirtualMFADeviceCommand,
  GetLoginProfileCommand,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from '@aws-sdk/client-iam';
import { AssumeRootCommand } from '@aws-sdk/client-sts';
import { AccessDeniedError } from '../../../../lib/errors';
import { CONFIG } from '../../../../remediations/delete-root-credentials/config';
import { createDeleteRootCredentialsHandler } from '../../../../remediations/delete-root-credentials/handler';
import { ApprovalRuleError } from '../../../../remediations/lib/errors';
import { twoPersonRuleCases } from '../../../helpers/approvers';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import {
  type DeleteRootHandlerOptions,
  memberRunCases,
  rootAccessRefusalCases,
  useDeleteRootHandler,
} from '../delete-root-handler-cases';
import {
  ALICE,
  AUDIT_POLICY,
  accessDenied,
  accessKeys,
  BOB,
  CERT,
  certificates,
  DELETE_POLICY,
  decision,
  EXECUTION_ID,
  type ExecutionOptions,
  HARDWARE_MFA,
  KEY_1,
  KEY_2,
  mfaDevices,
  NOW,
  noSuchEntity,
  REQUESTER,
  stepPayload,
  VIRTUAL_MFA,
} from '../root-session-fixtures';

const DELETE_ROOT: DeleteRootHandlerOptions = {
  documentName: CONFIG.defaultDocumentName,
  create: createDeleteRootCredentialsHandler,
  approvers: [ALICE, BOB],
  enabledFeatures: ['RootCredentialsManagement', 'RootSessions'],
};
const deleteRoot = useDeleteRootHandler(DELETE_ROOT);
const { sts: stsMock, iam: iamMock, givenExecution, handler } = deleteRoot;

const DELETIONS = [
  DeleteAccessKeyCommand,
  DeleteSigningCertificateCommand,
  DeleteLoginProfileCommand,
  DeactivateMFADeviceCommand,
  DeleteVirtualMFADeviceCommand,
];

/** Root with a password, two access keys, a signing certificate, a virtual and a hardware MFA device. */
function givenRootWithEveryCredential() {
  iamMock
    .on(GetLoginProfileCommand)
    .resolves({ LoginProfile: { UserName: undefined, CreateDate: new Date() } });
  iamMock.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: accessKeys(KEY_1, KEY_2) });
  iamMock.on(ListSigningCertificatesCommand).resolves({ Certificates: certificates(CERT) });
  iamMock.on(ListMFADevicesCommand).resolves({ MFADevices: mfaDevices(VIRTUAL_MFA, HARDWARE_MFA) });
}

/** Root after a complete run: no login profile, empty lists. */
function givenRootWithoutCredentials() {
  iamMock.on(GetLoginProfileCommand).rejects(noSuchEntity());
  iamMock.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });
  iamMock.on(ListSigningCertificatesCommand).resolves({ Certificates: [] });
  iamMock.on(ListMFADevicesCommand).resolves({ MFADevices: [] });
}

const deletionCalls = () =>
  iamMock
    .calls()
    .map((c) => c.args[0])
    .filter((command) => DELETIONS.some((type) => command instanceof type))
    .map((command) => [command.constructor.name.replace(/Command$/, ''), command.input]);

beforeEach(() => {
  givenRootWithEveryCredential();
});

describe('delete-root-credentials handler', () => {
  it('removes password, both keys, the certificate and both MFA devices, MFA last, after two approvals', async () => {
    const result = await handler()(stepPayload('false'));

    expect(deletionCalls()).toEqual([
      ['DeleteAccessKey', { AccessKeyId: KEY_1 }],
      ['DeleteAccessKey', { AccessKeyId: KEY_2 }],
      ['DeleteSigningCertificate', { CertificateId: CERT }],
      ['DeleteLoginProfile', {}],
      ['DeactivateMFADevice', { SerialNumber: VIRTUAL_MFA }],
      ['DeleteVirtualMFADevice', { SerialNumber: VIRTUAL_MFA }],
      ['DeactivateMFADevice', { SerialNumber: HARDWARE_MFA }],
    ]);
    expect(result).toEqual({
      route: 'act',
      status: 'deleted',
      accountId: MEMBER_ACCOUNT,
      executionId: EXECUTION_ID,
      dryRun: false,
      taskPolicyArn: DELETE_POLICY,
      deleted: {
        accessKeys: [KEY_1, KEY_2],
        signingCertificates: [CERT],
        password: true,
        mfaDevices: [VIRTUAL_MFA, HARDWARE_MFA],
      },
      wouldDelete: { accessKeys: [], signingCertificates: [], password: false, mfaDevices: [] },
      report: [
        `deleted root access key ${KEY_1} (Active)`,
        `deleted root access key ${KEY_2} (Inactive)`,
        `deleted root signing certificate ${CERT} (Active)`,
        'deleted root console password',
        `deactivated and deleted root virtual MFA device ${VIRTUAL_MFA}`,
        `deactivated root hardware MFA device ${HARDWARE_MFA}`,
      ],
      warnings: [],
      approvers: [ALICE, BOB],
      requestedBy: REQUESTER,
      checkedAt: NOW.toISOString(),
    });
    expect(stsMock).toHaveReceivedCommandWith(AssumeRootCommand, {
      TargetPrincipal: MEMBER_ACCOUNT,
      TaskPolicyArn: { arn: DELETE_POLICY },
      DurationSeconds: 900,
    });
  });

  it('reports, per credential, what a dry run would remove, through a read-only session, removing nothing', async () => {
    givenExecution({ dryRun: 'true' });

    const result = await handler()(stepPayload('true'));

    expect(deletionCalls()).toEqual([]);
    expect(stsMock).toHaveReceivedCommandWith(AssumeRootCommand, { TaskPolicyArn: { arn: AUDIT_POLICY } });
    expect(result).toMatchObject({
      status: 'dry-run',
      taskPolicyArn: AUDIT_POLICY,
      deleted: { accessKeys: [], signingCertificates: [], password: false, mfaDevices: [] },
      wouldDelete: {
        accessKeys: [KEY_1, KEY_2],
        signingCertificates: [CERT],
        password: true,
        mfaDevices: [VIRTUAL_MFA, HARDWARE_MFA],
      },
      report: [
        `would delete root access key ${KEY_1} (Active)`,
        `would delete root access key ${KEY_2} (Inactive)`,
        `would delete root signing certificate ${CERT} (Active)`,
        'would delete root console password',
        `would deactivate and delete root virtual MFA device ${VIRTUAL_MFA}`,
        `would deactivate root hardware MFA device ${HARDWARE_MFA}`,
      ],
      approvers: [],
    });
  });

  it('finds nothing on a second run and says so for each kind of credential', async () => {
    givenRootWithoutCredentials();

    const result = await handler()(stepPayload('false'));

    expect(deletionCalls()).toEqual([]);
    expect(result).toMatchObject({
      status: 'nothing-to-delete',
      deleted: { accessKeys: [], signingCertificates: [], password: false, mfaDevices: [] },
      report: [
        'root already has no access keys',
        'root already has no signing certificates',
        'root already has no console password',
        'root already has no MFA devices',
      ],
    });
  });

  it('runs to the same end twice: the second run removes nothing', async () => {
    const first = await handler()(stepPayload('false'));
    givenRootWithoutCredentials();
    iamMock.resetHistory();

    const second = await handler()(stepPayload('false'));

    expect(first.status).toBe('deleted');
    expect(second.status).toBe('nothing-to-delete');
    expect(deletionCalls()).toEqual([]);
  });

  describe('two-person rule', () => {
    const refused = async (options: Partial<ExecutionOptions>, message: RegExp) => {
      givenExecution(options);
      const run = handler()(stepPayload('false'));
      await expect(run).rejects.toThrow(ApprovalRuleError);
      await expect(run).rejects.toThrow(message);
      expect(stsMock).not.toHaveReceivedCommand(AssumeRootCommand);
      expect(deletionCalls()).toEqual([]);
    };

    twoPersonRuleCases(refused, { alice: ALICE, bob: BOB, requester: REQUESTER, decision });
  });

  describe('refusals before any change', () => {
    rootAccessRefusalCases(deleteRoot, ['RootSessions'], () => expect(deletionCalls()).toEqual([]));
  });

  it('stops at a failed deletion, keeping MFA, and says what was removed before it', async () => {
    iamMock.on(DeleteLoginProfileCommand).rejects(accessDenied('iam:DeleteLoginProfile'));

    const run = handler()(stepPayload('false'));

    await expect(run).rejects.toThrow(AccessDeniedError);
    await expect(run).rejects.toThrow(
      `removed before the failure: access key ${KEY_1} (Active), access key ${KEY_2} (Inactive), signing certificate ${CERT} (Active)`,
    );
    expect(iamMock).not.toHaveReceivedCommand(DeactivateMFADeviceCommand);
  });

  it('reports a credential removed meanwhile as already gone', async () => {
    iamMock.on(DeleteSigningCertificateCommand).rejects(noSuchEntity());

    const result = await handler()(stepPayload('false'));

    expect(result).toHaveProperty('deleted.signingCertificates', []);
    expect(result).toHaveProperty(
      'report',
      expect.arrayContaining([`root signing certificate ${CERT} (Active) was already gone`]),
    );
    expect(result.status).toBe('deleted');
  });
});

describe('delete-root-credentials handler, run by AWS Config in the member account', () => {
  memberRunCases(DELETE_ROOT, deleteRoot);
});
