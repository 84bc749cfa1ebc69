/**
 * The Lambda step of RootGuard-DeleteRootAccessKeys (document.yaml next door), invoked by
 * aws:invokeLambdaFunction either after one approval (DeleteRootAccessKeys, dryRun false) or, for a dry run,
 * without one (ReportRootAccessKeys, dryRun true):
 *
 *   record check (this document, running, same AccountId and DryRun)
 *     └─ deletion: one approver other than the requester ─ fewer ─▶ throw ApprovalRuleError (nothing deleted)
 *   sts:AssumeRoot into the member account (IAMDeleteRootUserCredentials; a dry run IAMAuditRootUserCredentials)
 *   iam:ListAccessKeys (no UserName: root) → iam:DeleteAccessKey for each; a dry run lists them only
 *
 * The shared flow, its refusals and its errors are in remediations/lib/root-credentials-handler.ts. Root
 * signing certificates, the password and MFA are left alone: RootGuard-DeleteRootCredentials removes those.
 */
import { deletionRemediation, rootCredentialsLambda } from '../lib/root-credentials-handler';
import { CONFIG } from './config';

/** One approver other than the requester; DryRun defaults to true (document.yaml). */
export const REMEDIATION = deletionRemediation(CONFIG.folder, ['accessKeys'], 1);

/** The creator (tests hand in their own configuration) and the Lambda entry point. */
export const { create: createDeleteRootAccessKeysHandler, handler } = rootCredentialsLambda(
  REMEDIATION,
  CONFIG.load,
);
