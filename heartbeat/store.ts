/**
 * The heartbeat table (serverless.yml HeartbeatTable): one item per account, key `accountId`. A row per
 * account is data, not template: nothing in any template grows with the organization.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  ScanCommand,
  type ScanCommandOutput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import pLimit from 'p-limit';
import { errorMessage } from '../lib/errors';
import { HeartbeatStoreError } from './errors';
import type { HeartbeatRecord } from './heartbeat';

/** Writes at once when the check marks many accounts (the first run of a large organization). */
const WRITE_CONCURRENCY = 8;

export class HeartbeatStore {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly table: string,
  ) {}

  /**
   * Records a heartbeat and clears a reported silence. A heartbeat older than the one stored (out-of-order
   * delivery, retries) leaves the item alone.
   */
  async recordHeartbeat(accountId: string, at: string, region: string): Promise<void> {
    try {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { accountId: { S: accountId } },
          UpdateExpression: 'SET lastHeartbeatAt = :at, lastRegion = :region REMOVE reportedSilentAt',
          ConditionExpression: 'attribute_not_exists(lastHeartbeatAt) OR lastHeartbeatAt < :at',
          ExpressionAttributeValues: { ':at': { S: at }, ':region': { S: region } },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw new HeartbeatStoreError(
        `Could not record the heartbeat of ${accountId}: ${errorMessage(error)}`,
        {
          accountId,
          cause: error,
        },
      );
    }
  }

  /** Every item, over every Scan page. */
  async readAll(): Promise<HeartbeatRecord[]> {
    const records: HeartbeatRecord[] = [];
    let start: ScanCommandOutput['LastEvaluatedKey'];
    do {
      let page: ScanCommandOutput;
      try {
        page = await this.dynamodb.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey: start }));
      } catch (error) {
        throw new HeartbeatStoreError(`Could not read the heartbeat table: ${errorMessage(error)}`, {
          cause: error,
        });
      }
      for (const item of page.Items ?? []) {
        const accountId = item.accountId?.S;
        if (!accountId) continue;
        records.push({
          accountId,
          lastHeartbeatAt: item.lastHeartbeatAt?.S,
          firstSeenAt: item.firstSeenAt?.S,
          reportedSilentAt: item.reportedSilentAt?.S,
        });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return records;
  }

  /** Sets `attribute` to `at` on each account's item; a first sighting already recorded is kept. */
  async mark(accountIds: readonly string[], attribute: 'firstSeenAt' | 'reportedSilentAt', at: string) {
    const limit = pLimit(WRITE_CONCURRENCY);
    const value = attribute === 'firstSeenAt' ? `if_not_exists(${attribute}, :at)` : ':at';
    await Promise.all(
      accountIds.map((accountId) =>
        limit(async () => {
          try {
            await this.dynamodb.send(
              new UpdateItemCommand({
                TableName: this.table,
                Key: { accountId: { S: accountId } },
                UpdateExpression: `SET ${attribute} = ${value}`,
                ExpressionAttributeValues: { ':at': { S: at } },
              }),
            );
          } catch (error) {
            throw new HeartbeatStoreError(
              `Could not mark ${attribute} of ${accountId}: ${errorMessage(error)}`,
              {
                accountId,
                cause: error,
              },
            );
          }
        }),
      ),
    );
  }
}
