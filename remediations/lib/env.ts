/**
 * Environment variables the remediation Lambdas share, as zod fields: serverless.yml sets them, each Lambda
 * validates them once at cold start and names every bad variable in one error.
 */
import { z } from 'zod';
import { ROLE_NAME_PATTERN } from './automation-execution';

// serverless.yml renders an unset optional parameter as an empty string: treat it as absent.
export const optionalVariable = (schema: z.ZodString) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

// Environment values are always strings: a type error can only mean the variable is not set.
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

/** `VARIABLE: problem`, one per zod issue. */
export function variableProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}
