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
import { deletionRemediation, rootCredentialsLambda } from '../lib/root-credentials-handler';
import { CONFIG } from './config';

/** Two distinct approvers other than the requester; DryRun defaults to true (document.yaml). */
export const REMEDIATION = deletionRemediation(CONFIG.folder, ROOT_CREDENTIAL_KINDS, 2);

/** The creator (tests hand in their own configuration) and the Lambda entry point. */
export const { create: createDeleteRootCredentialsHandler, handler } = rootCredentialsLambda(
  REMEDIATION,
  CONFIG.load,
);
