/**
 * The compliance-finding Lambda's configuration: environment variables set by serverless.yml, validated once
 * when the handler is created (cold start) so a deployment mistake fails with one message naming every bad
 * variable; and the importing account, read from the invocation's function ARN.
 */
import * as z from 'zod';
import { optionalVariable, parseEnvironment } from '../lib/env';
import { type ImportTarget, requireImportTarget } from './asff';
import { InvalidFindingsConfigError } from './errors';

export interface FindingsConfig {
  /** The Lambda's region. */
  region: string;
  /** Where findings are imported (the Security Hub aggregation or home region). */
  securityHubRegion: string;
  /** Base URL of the per-rule runbook; the rule id becomes the anchor (or replaces `{ruleId}`). */
  runbookBaseUrl: string | undefined;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

const envSchema = z.object({
  AWS_REGION: z.string().regex(REGION, 'expected an AWS region'),
  SECURITY_HUB_REGION: optionalVariable(z.string().regex(REGION, 'expected an AWS region')),
  RUNBOOK_BASE_URL: optionalVariable(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' })),
});

export function loadFindingsConfig(env: NodeJS.ProcessEnv = process.env): FindingsConfig {
  const e = parseEnvironment(envSchema, env, InvalidFindingsConfigError, 'Compliance findings Lambda');
  return {
    region: e.AWS_REGION,
    securityHubRegion: e.SECURITY_HUB_REGION ?? e.AWS_REGION,
    runbookBaseUrl: e.RUNBOOK_BASE_URL,
  };
}

/** The importing account and partition, from the Lambda context; throws when they cannot be told. */
export function importTargetFrom(
  invokedFunctionArn: string | undefined,
  securityHubRegion: string,
): ImportTarget {
  return requireImportTarget(invokedFunctionArn, securityHubRegion, InvalidFindingsConfigError);
}
