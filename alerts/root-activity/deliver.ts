/**
 * The AWS I/O of the root-activity alert, one function per call: look up break-glass windows, publish the
 * SNS alert, import the finding (findings/import.ts: rejected findings retried once), park an invalid event. SDK failures
 * become lib's typed errors naming the action, so "AccessDenied calling sns:Publish" reads as a missing
 * permission, not a mystery.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AwsSecurityFinding, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { importFindings as importSharedFindings } from '../../findings/import';
import { windowCovering } from '../../lib/break-glass';
import { queryWindows } from '../../lib/break-glass-store';
import { awsCall, errorMessage } from '../../lib/errors';
import { type BreakGlassStatus, windowQueryRange } from './break-glass-status';
import type { RootActivity } from './classify';
import type { AlertMessage } from './message';

export interface AlertClients {
  sns: SNSClient;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  securityHub: SecurityHubClient;
}

/**
 * Never throws: a failed read becomes `lookup-failed`, which the caller alerts as CRITICAL with the reason.
 * Silence is the one outcome a broken table must not cause.
 */
export async function lookUpBreakGlass(
  client: DynamoDBClient,
  tableName: string,
  activity: Pick<RootActivity, 'accountId' | 'eventTime'>,
): Promise<BreakGlassStatus> {
  try {
    const windows = await queryWindows(
      client,
      tableName,
      activity.accountId,
      windowQueryRange(activity.eventTime),
    );
    const window = windowCovering(windows, activity.accountId, activity.eventTime);
    return window ? { state: 'open', window } : { state: 'none' };
  } catch (error) {
    return { state: 'lookup-failed', reason: errorMessage(error) };
  }
}

export async function publishAlert(
  client: SNSClient,
  topicArn: string,
  message: AlertMessage,
  accountId: string,
): Promise<string | undefined> {
  const out = await awsCall('sns:Publish', accountId, () =>
    client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: message.subject,
        Message: message.body,
        MessageAttributes: message.attributes,
      }),
    ),
  );
  return out.MessageId;
}

/**
 * Imports the alert's findings through the shared importer (findings/import.ts): rejected findings are sent
 * once more, then raised as a FindingImportError naming each id and error code.
 */
export async function importFindings(
  client: SecurityHubClient,
  findings: readonly AwsSecurityFinding[],
  accountId: string,
  retryDelayMs: number,
): Promise<void> {
  await importSharedFindings(client, findings, { accountId, retryDelayMs });
}

/** SQS message attribute values must be non-empty; keep them short. */
const ATTRIBUTE_MAX = 256;

export async function parkInvalidEvent(
  client: SQSClient,
  queueUrl: string,
  raw: unknown,
  labels: Record<string, string | undefined>,
): Promise<void> {
  const attributes = Object.fromEntries(
    Object.entries(labels)
      .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
      .map(([k, v]) => [k, { DataType: 'String', StringValue: v.slice(0, ATTRIBUTE_MAX) }]),
  );
  await awsCall('sqs:SendMessage', undefined, () =>
    client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        // The event exactly as received, so it can be replayed once the parser knows its shape.
        MessageBody: JSON.stringify(raw) ?? String(raw),
        MessageAttributes: attributes,
      }),
    ),
  );
}
