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
import { DEFAULT_EXECUTION_READER_ROLE_NAME } from '../lib/automation-execution';
import {
  type ApprovalSettings,
  approvalSettings,
  approvalSettingsSchema,
  documentNameVariable,
  executionReaderRoleNameVariable,
  requiredVariable,
  roleArnVariable,
  variableProblems,
} from '../lib/env';
import { InvalidRemediationConfigError } from '../lib/errors';
import { documentName } from '../lib/names';

/** The folder of this remediation; the document name follows from it. */
export const FOLDER = 'attach-deny-root-scp';
export const DEFAULT_DOCUMENT_NAME = documentName(FOLDER);
export const DOCUMENT_NAME_VARIABLE = 'ATTACH_DENY_ROOT_SCP_DOCUMENT_NAME';

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
  approvals: ApprovalSettings;
  region: string;
}

const envSchema = approvalSettingsSchema.extend({
  ORG_WRITE_ROLE_ARN: roleArnVariable,
  [DOCUMENT_NAME_VARIABLE]: documentNameVariable,
  EXECUTION_READER_ROLE_NAME: executionReaderRoleNameVariable,
  AWS_REGION: requiredVariable().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region'),
});

export function loadAttachScpConfig(env: NodeJS.ProcessEnv = process.env): AttachScpConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = variableProblems(parsed.error).join('; ');
    throw new InvalidRemediationConfigError(`attach-deny-root-scp is misconfigured: ${problems}`);
  }
  return {
    orgWriteRoleArn: parsed.data.ORG_WRITE_ROLE_ARN,
    documentName: parsed.data[DOCUMENT_NAME_VARIABLE] ?? DEFAULT_DOCUMENT_NAME,
    executionReaderRoleName: parsed.data.EXECUTION_READER_ROLE_NAME ?? DEFAULT_EXECUTION_READER_ROLE_NAME,
    approvals: approvalSettings(parsed.data),
    region: parsed.data.AWS_REGION,
  };
}
