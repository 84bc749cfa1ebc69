/**
 * Environment variables the remediation Lambdas share, as zod fields: serverless.yml sets them, each Lambda
 * validates them once at cold start and names every bad variable in one error.
 */
import * as z from 'zod';
import { optionalVariable, parseEnvironment } from '../../lib/env';
import { DEFAULT_EXECUTION_READER_ROLE_NAME, ROLE_NAME_PATTERN } from './automation-execution';
import { InvalidRemediationConfigError } from './errors';
import { APPROVER_ARN_PATTERN, allowListPrincipals, MAX_APPROVERS } from './identity';
import { documentName, documentNameEnvVar } from './names';

// The generic variable helpers live in lib/env.ts; the remediation configs read them from here with the rest.
export { optionalVariable, variableProblems } from '../../lib/env';

// Environment values are always strings: a type error can only mean the variable is not set. Classic zod (its
// callers chain `.regex`); lib/env.ts is zod/mini for the alert's zip.
export const requiredVariable = () => z.string({ error: 'is not set' });

const ROLE_ARN_PATTERN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** An optional IAM role ARN (a role in the management account, say). */
export const roleArnVariable = optionalVariable(
  z.string().regex(ROLE_ARN_PATTERN, 'expected an IAM role ARN'),
);

/** `<REMEDIATION>_DOCUMENT_NAME`: optional; only executions of this document may run the step. */
export const documentNameVariable = optionalVariable(
  z.string().regex(/^[A-Za-z0-9_.-]{3,128}$/, 'expected an SSM document name'),
);

/** EXECUTION_READER_ROLE_NAME: optional; the role that reads an execution record in a member account. */
export const executionReaderRoleNameVariable = optionalVariable(
  z.string().regex(ROLE_NAME_PATTERN, 'expected an IAM role name'),
);

/** AWS_REGION: set by Lambda. */
export const regionVariable = requiredVariable().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region');

/**
 * The environment of the remediation Lambda of `folder`: its own `fields`, then the two every document-gated step
 * reads, `<FOLDER>_DOCUMENT_NAME` (only executions of that document may run the step; default the folder's own
 * document, names.ts) and AWS_REGION. One InvalidRemediationConfigError names the folder and every bad variable.
 */
export function loadRemediationEnvironment<F extends z.ZodRawShape>(
  folder: string,
  fields: F,
  env: NodeJS.ProcessEnv,
): { variables: z.output<z.ZodObject<F>>; documentName: string; region: string } {
  const gate = documentNameEnvVar(folder);
  const schema = z.object({ ...fields, [gate]: documentNameVariable, AWS_REGION: regionVariable });
  const parsed: Record<string, unknown> = parseEnvironment(
    schema,
    env,
    InvalidRemediationConfigError,
    folder,
  );
  return {
    variables: parsed as z.output<z.ZodObject<F>>,
    documentName: (parsed[gate] as string | undefined) ?? documentName(folder),
    region: String(parsed.AWS_REGION),
  };
}

/** The member-account reader role, EXECUTION_READER_ROLE_NAME or its default. */
export function executionReaderRoleName(parsed: { EXECUTION_READER_ROLE_NAME?: string | undefined }): string {
  return parsed.EXECUTION_READER_ROLE_NAME ?? DEFAULT_EXECUTION_READER_ROLE_NAME;
}

const APPROVAL_TOPIC_ARN_PATTERN =
  /^arn:aws(-cn|-us-gov)?:sns:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:Automation[A-Za-z0-9_-]{0,246}$/;

/**
 * REMEDIATION_APPROVER_ARNS: the approver allow-list, comma-separated IAM role (or user) ARNs of the security
 * tooling account, at most 10 (aws:approve's limit: the list is also what a filed request names as Approvers).
 * Blank: nobody is allow-listed, so every approval-gated action is refused (dry runs still work).
 */
export const approverArnsVariable = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : [],
  z
    .array(z.string().regex(APPROVER_ARN_PATTERN, 'expected IAM role or user ARNs, comma-separated'))
    .max(MAX_APPROVERS, `at most ${MAX_APPROVERS} approvers (aws:approve)`),
);

/**
 * What a remediation Lambda needs to turn a member-account run into a request in the security tooling account
 * (remediations/lib/member-request.ts): the allow-list, the Automation role a request runs with there
 * (REMEDIATION_AUTOMATION_ROLE_ARN) and the approval topic (REMEDIATION_APPROVAL_TOPIC_ARN).
 */
export const approvalSettingsSchema = z.object({
  REMEDIATION_APPROVER_ARNS: approverArnsVariable,
  REMEDIATION_AUTOMATION_ROLE_ARN: roleArnVariable,
  REMEDIATION_APPROVAL_TOPIC_ARN: optionalVariable(
    z
      .string()
      .regex(APPROVAL_TOPIC_ARN_PATTERN, 'expected an SNS topic ARN whose name starts with Automation'),
  ),
});

export interface ApprovalSettings {
  /** The allow-list as configured (role or user ARNs). */
  approverArns: string[];
  /** identity.ts allowListPrincipals of approverArns. */
  allowList: ReadonlySet<string>;
  automationRoleArn: string | undefined;
  approvalTopicArn: string | undefined;
}

export function approvalSettings(parsed: z.output<typeof approvalSettingsSchema>): ApprovalSettings {
  return {
    approverArns: parsed.REMEDIATION_APPROVER_ARNS,
    allowList: allowListPrincipals(parsed.REMEDIATION_APPROVER_ARNS),
    automationRoleArn: parsed.REMEDIATION_AUTOMATION_ROLE_ARN,
    approvalTopicArn: parsed.REMEDIATION_APPROVAL_TOPIC_ARN,
  };
}
