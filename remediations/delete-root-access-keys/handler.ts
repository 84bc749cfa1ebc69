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
import {
  type RootCredentialsHandlerDeps,
  type RootCredentialsRemediation,
  rootCredentialsLambda,
} from '../lib/root-credentials-handler';
import { FOLDER, loadDeleteRootAccessKeysConfig } from './config';

/** The document's approval step (document.yaml) and the rule a deletion must satisfy. */
export const APPROVAL_STEP = 'ApproveDeletion';
export const REQUIRED_APPROVERS = 1;
/** The document's DryRun default. */
export const DEFAULT_DRY_RUN = true;

export const REMEDIATION: RootCredentialsRemediation = {
  folder: FOLDER,
  scope: ['accessKeys'],
  approvalStep: APPROVAL_STEP,
  requiredApprovers: REQUIRED_APPROVERS,
  defaultDryRun: DEFAULT_DRY_RUN,
};

export type DeleteRootAccessKeysDeps = Partial<RootCredentialsHandlerDeps>;

/** The creator (tests hand in their own configuration) and the Lambda entry point. */
export const { create: createDeleteRootAccessKeysHandler, handler } = rootCredentialsLambda(
  REMEDIATION,
  loadDeleteRootAccessKeysConfig,
);
