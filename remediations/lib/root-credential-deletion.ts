/**
 * Carrying out a plan (root-credential-plan.ts) inside a session with IAMDeleteRootUserCredentials, one credential
 * at a time. That task policy allows GetLoginProfile, DeleteLoginProfile, ListAccessKeys, DeleteAccessKey,
 * ListSigningCertificates, DeleteSigningCertificate, ListMFADevices, DeactivateMFADevice and DeleteVirtualMFADevice
 * (and GetUser, GetAccessKeyLastUsed); IAMAuditRootUserCredentials the reads only (AWS API references).
 */
import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  DeleteVirtualMFADeviceCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { type CollectError, errorName, toCollectError } from '../../lib/errors';
import { isNoSuchEntity } from './root-credential-inventory';
import type { RootCredentialAction, RootCredentialCall } from './root-credential-plan';

function callFor(call: RootCredentialCall, id: string) {
  switch (call) {
    case 'iam:DeleteAccessKey':
      return new DeleteAccessKeyCommand({ AccessKeyId: id });
    case 'iam:DeleteSigningCertificate':
      return new DeleteSigningCertificateCommand({ CertificateId: id });
    case 'iam:DeleteLoginProfile':
      return new DeleteLoginProfileCommand({});
    case 'iam:DeactivateMFADevice':
      return new DeactivateMFADeviceCommand({ SerialNumber: id });
    case 'iam:DeleteVirtualMFADevice':
      return new DeleteVirtualMFADeviceCommand({ SerialNumber: id });
  }
}

export interface DeletionOutcome {
  /** Removed by this run. */
  done: RootCredentialAction[];
  /** Gone before this run reached them (another run, or a person): NoSuchEntity on the first call. */
  gone: RootCredentialAction[];
  /** Removed as credentials, with a loose end (a deactivated virtual device that could not be deleted). */
  warnings: string[];
}

/**
 * Carries out the plan, one credential at a time, in plan order. A failure stops the run and the error says
 * what was already removed; running again picks up where it stopped.
 */
export async function deleteRootCredentials(
  iam: IAMClient,
  plan: readonly RootCredentialAction[],
  accountId: string,
): Promise<DeletionOutcome> {
  const outcome: DeletionOutcome = { done: [], gone: [], warnings: [] };
  for (const action of plan) {
    for (const [i, call] of action.calls.entries()) {
      try {
        // biome-ignore lint/suspicious/noExplicitAny: each call is a different IAM command type.
        await iam.send(callFor(call, action.id) as any);
      } catch (error) {
        if (i === 0 && isNoSuchEntity(error)) {
          outcome.gone.push(action);
          break;
        }
        if (call === 'iam:DeleteVirtualMFADevice') {
          // The device is no longer root's (deactivated); only an unassigned device is left behind.
          outcome.warnings.push(
            `root ${action.label} was deactivated but could not be deleted (${errorName(error)}): ` +
              'delete the unassigned virtual MFA device in the account',
          );
          outcome.done.push(action);
          break;
        }
        const wrapped = toCollectError(error, call, accountId);
        const removed = outcome.done.map((a) => a.label);
        const Typed = wrapped.constructor as typeof CollectError;
        throw new Typed(
          `${wrapped.message}; root ${action.label} was not removed` +
            (removed.length > 0 ? `; removed before the failure: ${removed.join(', ')}` : '') +
            '. Running again removes what is left',
          { action: call, accountId, cause: error },
        );
      }
      if (i === action.calls.length - 1) outcome.done.push(action);
    }
  }
  return outcome;
}
