/**
 * The Lambda step of RootGuard-DeleteRootCredentials (document.yaml next door), invoked by
 * aws:invokeLambdaFunction either after the two-person approval (DeleteRootCredentials, dryRun false) or, for
 * a dry run, without one (ReportRootCredentials, dryRun true):
 *
 *   record check (this document, running, same AccountId and DryRun)
 *     └─ deletion: two distinct approvers other than the requester ─ fewer ─▶ throw ApprovalRuleError
 *   sts:AssumeRoot into the member account (IAMDeleteRootUserCredentials; a dry run IAMAuditRootUserCredentials)
 *   list: ListAccessKeys, ListSigningCertificates, GetLoginProfile (NoSuchEntity: no password), ListMFADevices
 *   delete, in this order: DeleteAccessKey, DeleteSigningCertificate, DeleteLoginProfile, then
 *     DeactivateMFADevice (+ DeleteVirtualMFADevice for a virtual device): MFA goes last, so until the end
 *     it still guards whatever is left. A dry run reports each of these and deletes nothing.
 *
 * Afterwards root has no credentials: nobody can sign in as root or call AWS as root until the management
 * account allows password recovery (IAMCreateRootUserPassword, which rootguard never uses). The shared flow,
 * its refusals and its errors are in remediations/lib/root-credentials-handler.ts.
 */

import { ROOT_CREDENTIAL_KINDS } from '../lib/root-credential-inventory';
import {
  type RootCredentialsHandlerDeps,
  type RootCredentialsRemediation,
  rootCredentialsLambda,
} from '../lib/root-credentials-handler';
import { FOLDER, loadDeleteRootCredentialsConfig } from './config';

/** The document's approval step (document.yaml) and the rule a deletion must satisfy. */
export const APPROVAL_STEP = 'ApproveDeletion';
export const REQUIRED_APPROVERS = 2;
/** The document's DryRun default. */
export const DEFAULT_DRY_RUN = true;

export const REMEDIATION: RootCredentialsRemediation = {
  folder: FOLDER,
  scope: ROOT_CREDENTIAL_KINDS,
  approvalStep: APPROVAL_STEP,
  requiredApprovers: REQUIRED_APPROVERS,
  defaultDryRun: DEFAULT_DRY_RUN,
};

export type DeleteRootCredentialsDeps = Partial<RootCredentialsHandlerDeps>;

/** The creator (tests hand in their own configuration) and the Lambda entry point. */
export const { create: createDeleteRootCredentialsHandler, handler } = rootCredentialsLambda(
  REMEDIATION,
  loadDeleteRootCredentialsConfig,
);
