/**
 * The request-hardware-mfa Lambda's configuration (the Lambda of every request-type document: handler.ts):
 * environment variables set by serverless.yml, validated once when the handler is created (cold start). OpsItems
 * are opened in the function's own account and Region.
 *
 * - EXECUTION_READER_ROLE_NAME: optional (default RootGuardRemediationReader); the role assumed in the member
 *   account to read the execution record when AWS Config ran the document there (stacksets/member-remediation.yaml).
 * - AWS_REGION: set by Lambda.
 */
import * as z from 'zod';
import { parseEnvironment } from '../../lib/env';
import * as vars from '../lib/env';
import { InvalidRemediationConfigError } from '../lib/errors';
import { documentName } from '../lib/names';

/** The folder of this remediation; the document name follows from it. */
export const FOLDER = 'request-hardware-mfa';
export const DEFAULT_DOCUMENT_NAME = documentName(FOLDER);

export interface RequestHardwareMfaConfig {
  /** The role that reads an execution record in a member account (a Config remediation ran there). */
  executionReaderRoleName: string;
  region: string;
}

const envSchema = z.object({
  EXECUTION_READER_ROLE_NAME: vars.executionReaderRoleNameVariable,
  AWS_REGION: vars.regionVariable,
});

export function loadRequestHardwareMfaConfig(env: NodeJS.ProcessEnv = process.env): RequestHardwareMfaConfig {
  const e = parseEnvironment(envSchema, env, InvalidRemediationConfigError, FOLDER);
  return { executionReaderRoleName: vars.executionReaderRoleName(e), region: e.AWS_REGION };
}
