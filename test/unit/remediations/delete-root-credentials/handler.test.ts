import {
  DeactivateMFADeviceCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
} from '@aws-sdk/client-iam';
import { AccessDeniedError } from '../../../../lib/errors';
import { CONFIG } from '../../../../remediations/delete-root-credentials/config';
import { createDeleteRootCredentialsHandler } from '../../../../remediations/delete-root-credentials/handler';
import { ApprovalRuleError } from '../../../../remediations/lib/errors';
import { twoPersonRuleCases } from '../../../helpers/approvers';
import { type DeleteRootHandlerOptions, useDeleteRootHandler } from '../delete-root-handler-cases';
import {
  ALICE,
  AUDIT_POLICY,
  accessDenied,
  BOB,
  CERT,
  DELETE_POLICY,
  decision,
  deletionCalls as deletions,
  EVERY_CREDENTIAL,
  type ExecutionOptions,
  givenRootHolds,
  HARDWARE_MFA,
  KEY_1,
  KEY_2,
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
const { iam: iamMock, givenExecution, handler, deletedResult, expectRootSession } = deleteRoot;

const deletionCalls = () => deletions(iamMock);

beforeEach(() => {
  givenRootHolds(iamMock, EVERY_CREDENTIAL);
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
    expect(result).toEqual(
      deletedResult({
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
      }),
    );
    expectRootSession(DELETE_POLICY);
  });

  it('reports, per credential, what a dry run would remove, through a read-only session, removing nothing', async () => {
    givenExecution({ dryRun: 'true' });

    const result = await handler()(stepPayload('true'));

    expect(deletionCalls()).toEqual([]);
    expectRootSession(AUDIT_POLICY);
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
    givenRootHolds(iamMock, {});

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
    givenRootHolds(iamMock, {});
    iamMock.resetHistory();

    const second = await handler()(stepPayload('false'));

    expect(first.status).toBe('deleted');
    expect(second.status).toBe('nothing-to-delete');
    expect(deletionCalls()).toEqual([]);
  });

  describe('two-person rule', () => {
    const refused = (execution: Partial<ExecutionOptions>, message: RegExp) =>
      deleteRoot.refused(execution, ApprovalRuleError, message);

    twoPersonRuleCases(refused, { alice: ALICE, bob: BOB, requester: REQUESTER, decision });
  });

  describe('refusals before any change', () => {
    deleteRoot.rootAccessRefusalCases(['RootSessions'], () => expect(deletionCalls()).toEqual([]));
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
  deleteRoot.memberRunCases();
});
