/**
 * The request-hardware-mfa Lambda's configuration (the Lambda of every request-type document: handler.ts):
 * environment variables set by serverless.yml, validated once when the handler is created (cold start). OpsItems
 * are opened in the function's own account and Region.
 */
import { z } from 'zod';
import { InvalidRemediationConfigError } from '../lib/errors';
import { documentName } from '../lib/names';

/** The folder of this remediation; the document name follows from it. */
export const FOLDER = 'request-hardware-mfa';
export const DEFAULT_DOCUMENT_NAME = documentName(FOLDER);

export interface RequestHardwareMfaConfig {
  region: string;
}

// Environment values are always strings: a type error can only mean the variable is not set.
const required = () => z.string({ error: 'is not set' });

const envSchema = z.object({
  AWS_REGION: required().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region'),
});

export function loadRequestHardwareMfaConfig(env: NodeJS.ProcessEnv = process.env): RequestHardwareMfaConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new InvalidRemediationConfigError(`request-hardware-mfa is misconfigured: ${problems}`);
  }
  return { region: parsed.data.AWS_REGION };
}
