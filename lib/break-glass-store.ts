/**
 * DynamoDB home of break-glass windows (table created by serverless.yml). Key: accountId (partition) and
 * `sk` = `<startsAt>#<windowId>` (sort), so one Query returns an account's windows in time order. Items carry
 * `expiresAt` (epoch seconds) for DynamoDB TTL: windows are evidence and are kept for the retention period,
 * not deleted when they close.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type BreakGlassWindow, breakGlassWindowSchema } from './break-glass';
import { documentClient, isConditionFailure } from './document-client';
import { awsCall, awsPages, CollectError, onceEachToken } from './errors';

export const DEFAULT_RETENTION_DAYS = 400;

export const sortKey = (w: Pick<BreakGlassWindow, 'startsAt' | 'windowId'>) => `${w.startsAt}#${w.windowId}`;

/** Windows of one account that overlap [from, to]. Every page is read; a malformed item is an error. */
export async function queryWindows(
  client: DynamoDBClient,
  tableName: string,
  accountId: string,
  range: { from: string; to: string },
): Promise<BreakGlassWindow[]> {
  const doc = documentClient(client);
  const windows: BreakGlassWindow[] = [];
  const read = (startKey: Record<string, unknown> | undefined) =>
    doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'accountId = :account AND sk <= :to',
        FilterExpression: 'endsAt > :from',
        ExpressionAttributeValues: {
          ':account': accountId,
          // Stored times are canonical UTC ISO strings (see breakGlassWindowSchema), so compare like with like.
          ':to': `${new Date(range.to).toISOString()}#\uffff`,
          ':from': new Date(range.from).toISOString(),
        },
        ExclusiveStartKey: startKey,
      }),
    );
  // A LastEvaluatedKey handed back twice was followed for ever (issue 16, fault-sweep counterexample).
  const next = onceEachToken(
    'dynamodb:Query',
    (p: { LastEvaluatedKey?: Record<string, unknown> }) => p.LastEvaluatedKey,
    (key) => JSON.stringify(key),
  );
  for await (const page of awsPages('dynamodb:Query', accountId, read, next)) {
    for (const item of page.Items ?? []) {
      const parsed = breakGlassWindowSchema.safeParse(item);
      if (!parsed.success) {
        throw new CollectError(`break-glass window ${String(item.sk)} in ${tableName} is malformed`, {
          action: 'dynamodb:Query',
          accountId,
          cause: parsed.error,
        });
      }
      windows.push(parsed.data);
    }
  }
  return windows;
}

/** Records a window; recording the same window twice is a no-op (the condition fails quietly). */
export async function putWindow(
  client: DynamoDBClient,
  tableName: string,
  window: BreakGlassWindow,
  retentionDays = DEFAULT_RETENTION_DAYS,
): Promise<{ created: boolean }> {
  const valid = breakGlassWindowSchema.parse(window);
  const expiresAt = Math.floor(Date.parse(valid.endsAt) / 1000) + retentionDays * 86_400;
  try {
    await documentClient(client).send(
      new PutCommand({
        TableName: tableName,
        Item: { ...valid, sk: sortKey(valid), expiresAt },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
    );
    return { created: true };
  } catch (error) {
    if (isConditionFailure(error)) return { created: false };
    return awsCall('dynamodb:PutItem', valid.accountId, () => Promise.reject(error));
  }
}
