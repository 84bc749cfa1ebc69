/**
 * The environment of the delete-root-* Lambdas, read and validated once at cold start: who calls AssumeRoot (the
 * management role, or the function's own role), which document may run the step, where a member account's
 * execution record is read, and the approver allow-list.
 */
import { partitionForRegion, partitionFromArn } from '../../lib/partition';
import { REGION_PATTERN } from '../../lib/root-session';
import * as vars from './env';
import { InvalidRemediationConfigError } from './errors';
import { documentName, documentNameEnvVar } from './names';

export interface RootCredentialsConfig {
  /**
   * The role in the management account (or IAM delegated administrator) allowed iam:ListOrganizationsFeatures,
   * organizations:DescribeOrganization and sts:AssumeRoot with the root-task policies. Undefined: the
   * function's own role calls directly (the tooling account is the IAM delegated administrator).
   */
  managementRoleArn: string | undefined;
  /** Only executions of this document may run the step. */
  documentName: string;
  /**
   * The role in a member account that reads an execution record there (stacksets/member-remediation.yaml),
   * assumed when the record is not in this function's account: the document ran as a Config remediation.
   */
  executionReaderRoleName: string;
  /** The approver allow-list, and what a member-account run needs to file its request here. */
  approvals: vars.ApprovalSettings;
  region: string;
}

const envSchema = vars.approvalSettingsSchema.extend({
  MANAGEMENT_ROLE_ARN: vars.roleArnVariable,
  EXECUTION_READER_ROLE_NAME: vars.executionReaderRoleNameVariable,
  AWS_REGION: vars.requiredVariable().regex(REGION_PATTERN, 'expected an AWS Region'),
});

/** Reads and validates the environment once, at cold start; every bad variable is named in one error. */
export function loadRootCredentialsConfig(
  env: NodeJS.ProcessEnv,
  options: { remediation: string; documentNameVariable: string; defaultDocumentName: string },
): RootCredentialsConfig {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) problems.push(...vars.variableProblems(parsed.error));
  const name = vars.documentNameVariable.safeParse(env[options.documentNameVariable]);
  if (!name.success)
    problems.push(...name.error.issues.map((i) => `${options.documentNameVariable}: ${i.message}`));
  if (parsed.success) {
    const { MANAGEMENT_ROLE_ARN: role, AWS_REGION: region } = parsed.data;
    if (role && partitionFromArn(role) !== partitionForRegion(region)) {
      problems.push(
        `MANAGEMENT_ROLE_ARN: is in partition ${partitionFromArn(role)}, the function in ${region}`,
      );
    }
  }
  if (!parsed.success || !name.success || problems.length > 0) {
    throw new InvalidRemediationConfigError(
      `${options.remediation} is misconfigured: ${problems.join('; ')}`,
    );
  }
  return {
    managementRoleArn: parsed.data.MANAGEMENT_ROLE_ARN,
    documentName: name.data ?? options.defaultDocumentName,
    executionReaderRoleName: vars.executionReaderRoleName(parsed.data),
    approvals: vars.approvalSettings(parsed.data),
    region: parsed.data.AWS_REGION,
  };
}

/**
 * A delete-root-* remediation's configuration names, all following from its folder, and its loader:
 * the document `RootGuard-<Folder>`, overridable through `<FOLDER>_DOCUMENT_NAME`.
 */
export function rootCredentialsRemediationConfig<F extends string>(folder: F) {
  const options = {
    remediation: folder,
    documentNameVariable: documentNameEnvVar(folder),
    defaultDocumentName: documentName(folder),
  };
  return {
    folder,
    defaultDocumentName: options.defaultDocumentName,
    documentNameVariable: options.documentNameVariable,
    load: (env: NodeJS.ProcessEnv = process.env): RootCredentialsConfig =>
      loadRootCredentialsConfig(env, options),
  };
}
