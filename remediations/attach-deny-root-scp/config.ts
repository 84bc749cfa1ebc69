/**
 * The attach-deny-root-scp Lambda's configuration: environment variables set by serverless.yml, validated once
 * when the handler is created (cold start), so a deployment mistake fails every step with one message naming
 * every bad variable.
 *
 * - ORG_WRITE_ROLE_ARN: optional; the management-account role that reads the organization and writes SCPs
 *   (stacksets/management-account.yaml, ScpRemediationRole). Blank: the function's own credentials.
 * - ATTACH_DENY_ROOT_SCP_DOCUMENT_NAME: optional; only executions of this document may attach.
 * - EXECUTION_READER_ROLE_NAME: optional (default RootGuardRemediationReader); the role assumed in the member
 *   account to read the execution record when AWS Config ran the document there (stacksets/member-remediation.yaml).
 * - REMEDIATION_APPROVER_ARNS, REMEDIATION_AUTOMATION_ROLE_ARN, REMEDIATION_APPROVAL_TOPIC_ARN: the approver
 *   allow-list and what a member-account run needs to file its request here (remediations/lib/env.ts).
 * - AWS_REGION: set by Lambda.
 */
import * as vars from '../lib/env';
import { documentName } from '../lib/names';

/** The folder of this remediation; the document name follows from it. */
export const FOLDER = 'attach-deny-root-scp';
export const DEFAULT_DOCUMENT_NAME = documentName(FOLDER);

export interface AttachScpConfig {
  /**
   * A role in the management account (or a delegated administrator for policy management) allowed to read the
   * organization and create and attach SCPs. Undefined: the function's own credentials (the tooling account is
   * the management account, or single-account try-out).
   */
  orgWriteRoleArn: string | undefined;
  /** Only executions of this document may attach. */
  documentName: string;
  /** The role that reads an execution record in a member account (a Config remediation ran there). */
  executionReaderRoleName: string;
  /** The approver allow-list, and what a member-account run needs to file its request here. */
  approvals: vars.ApprovalSettings;
  region: string;
}

const fields = {
  ...vars.approvalSettingsSchema.shape,
  ORG_WRITE_ROLE_ARN: vars.roleArnVariable,
  EXECUTION_READER_ROLE_NAME: vars.executionReaderRoleNameVariable,
};

export function loadAttachScpConfig(env: NodeJS.ProcessEnv = process.env): AttachScpConfig {
  const { variables: e, documentName, region } = vars.loadRemediationEnvironment(FOLDER, fields, env);
  return {
    orgWriteRoleArn: e.ORG_WRITE_ROLE_ARN,
    documentName,
    executionReaderRoleName: vars.executionReaderRoleName(e),
    approvals: vars.approvalSettings(e),
    region,
  };
}
