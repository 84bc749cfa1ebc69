/**
 * The lease that keeps the organization snapshot's writers to one (lib/org-snapshot-store.ts,
 * rebuildOrgSnapshot). Only the builder Lambda takes it, so it lives apart from the store: every rule bundle
 * imports the store's reader, and @aws-sdk/lib-dynamodb (not marked free of side effects) would otherwise put
 * the whole DynamoDB client into each of them (ARCHITECTURE.md, "Lean bundles").
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './document-client';
import { toCollectError } from './errors';

export const LEASE_PK = 'org-snapshot-lease';
/** A build must finish within the lease: Lambda's longest timeout, so a live build never loses it. */
export const LEASE_TTL_MS = 15 * 60_000;

export interface SnapshotLease {
  /** True when `owner` now holds the lease (it was free or expired). */
  acquire(owner: string, now: Date): Promise<boolean>;
  /** Gives the lease up if `owner` holds it; true when it did. */
  release(owner: string): Promise<boolean>;
}

/** One DynamoDB item (partition key `pk` = LEASE_PK) with its owner and expiry (epoch seconds, TTL-ready). */
export class DynamoDbSnapshotLease implements SnapshotLease {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly tableName: string,
    private readonly ttlMs = LEASE_TTL_MS,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async acquire(owner: string, now: Date): Promise<boolean> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: LEASE_PK,
            owner,
            acquiredAt: now.toISOString(),
            expiresAt: nowSeconds + Math.ceil(this.ttlMs / 1000),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw toCollectError(error, 'dynamodb:PutItem');
    }
  }

  async release(owner: string): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: LEASE_PK },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw toCollectError(error, 'dynamodb:DeleteItem');
    }
  }
}
