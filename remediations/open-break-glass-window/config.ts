/**
 * The open-break-glass-window Lambda's configuration: environment variables set by serverless.yml, validated
 * once when the handler is created (cold start), so a deployment mistake fails every step with one message
 * naming every bad variable.
 */
import * as z from 'zod';
import * as vars from '../lib/env';
import { documentName } from '../lib/names';

/** The folder of this remediation; the document name follows from it. */
export const FOLDER = 'open-break-glass-window';
export const DEFAULT_DOCUMENT_NAME = documentName(FOLDER);

export interface OpenWindowConfig {
  /** Where windows are recorded (lib/break-glass-store.ts). */
  breakGlassTable: string;
  /** The rootguard alert topic that is told a window opened; undefined: no notice (single-account try-out). */
  alertTopicArn: string | undefined;
  /** Only executions of this document may open a window. */
  documentName: string;
  region: string;
}

const fields = {
  BREAK_GLASS_TABLE: vars
    .requiredVariable()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'expected a DynamoDB table name'),
  ALERT_TOPIC_ARN: vars.optionalVariable(
    z
      .string()
      .regex(
        /^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
        'expected an SNS topic ARN',
      ),
  ),
};

export function loadOpenWindowConfig(env: NodeJS.ProcessEnv = process.env): OpenWindowConfig {
  const { variables: e, documentName, region } = vars.loadRemediationEnvironment(FOLDER, fields, env);
  return { breakGlassTable: e.BREAK_GLASS_TABLE, alertTopicArn: e.ALERT_TOPIC_ARN, documentName, region };
}
