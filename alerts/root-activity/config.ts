/**
 * The alert Lambda's configuration: environment variables set by serverless.yml, validated once when the
 * handler is created (cold start) so a deployment mistake fails with one message naming every bad variable,
 * and the importing account, read from the invocation's function ARN.
 */

import { type ImportTarget, requireImportTarget } from '../../findings/asff';
import { optionalVariable, parseEnvironment } from '../../lib/env';
import * as z from '../../lib/zod-mini';
import { InvalidAlertConfigError } from './errors';
import { DEFAULT_RUNBOOK } from './message';

export interface AlertConfig {
  /** The high-priority SNS topic operators subscribe to. */
  topicArn: string;
  /** Where events of an unknown shape are parked for a person to look at. */
  invalidEventQueueUrl: string;
  breakGlassTable: string;
  /** The Lambda's region: SNS, SQS and DynamoDB live here. */
  region: string;
  /** Where findings are imported (the Security Hub aggregation or home region). */
  securityHubRegion: string;
  runbook: string;
  /** The root activity ledger (DynamoDB, alerts/root-activity/ledger.ts). */
  ledgerTable: string;
  /**
   * The management account's root audit role (`arn:…:iam::<management>:role/rootguard-root-audit`): its
   * sts:AssumeRoot sessions with IAMAuditRootUserCredentials are recorded without paging. Unset: every
   * AssumeRoot session pages. One value for the organization, never per account.
   */
  rootAuditRoleArn?: string;
}

const region = () => z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region'));
const tableName = () =>
  z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'expected a DynamoDB table name'));

const envSchema = z.object({
  ALERT_TOPIC_ARN: z
    .string()
    .check(
      z.regex(
        /^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
        'expected an SNS topic ARN',
      ),
    ),
  INVALID_EVENT_QUEUE_URL: z.url({ protocol: /^https?$/, error: 'expected an SQS queue URL' }),
  BREAK_GLASS_TABLE: tableName(),
  AWS_REGION: region(),
  SECURITY_HUB_REGION: optionalVariable(region()),
  RUNBOOK_URL: optionalVariable(z.string().check(z.minLength(1))),
  LEDGER_TABLE: tableName(),
  ROOT_AUDIT_ROLE_ARN: optionalVariable(
    z
      .string()
      .check(
        z.regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'expected an IAM role ARN'),
      ),
  ),
});

export function loadAlertConfig(env: NodeJS.ProcessEnv = process.env): AlertConfig {
  const e = parseEnvironment(envSchema, env, InvalidAlertConfigError, 'Root activity alert');
  return {
    topicArn: e.ALERT_TOPIC_ARN,
    invalidEventQueueUrl: e.INVALID_EVENT_QUEUE_URL,
    breakGlassTable: e.BREAK_GLASS_TABLE,
    region: e.AWS_REGION,
    securityHubRegion: e.SECURITY_HUB_REGION ?? e.AWS_REGION,
    runbook: e.RUNBOOK_URL ?? DEFAULT_RUNBOOK,
    ledgerTable: e.LEDGER_TABLE,
    ...(e.ROOT_AUDIT_ROLE_ARN ? { rootAuditRoleArn: e.ROOT_AUDIT_ROLE_ARN } : {}),
  };
}

/**
 * The account that imports findings is the one this function runs in: the 5th field of
 * `arn:<partition>:lambda:<region>:<account>:function:<name>`. The partition comes from the same ARN.
 */
export function importTargetFrom(
  invokedFunctionArn: string | undefined,
  securityHubRegion: string,
): ImportTarget {
  return requireImportTarget(invokedFunctionArn, securityHubRegion, InvalidAlertConfigError);
}
