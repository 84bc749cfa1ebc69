/**
 * One DynamoDB document client per DynamoDB client, made once and reused while the Lambda stays warm: the
 * break-glass store, the root activity ledger and the root-session store share the alert's DynamoDB client,
 * and each of their calls goes through the same document client. Undefined attributes are left out of an
 * item, never an error.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const documentClients = new WeakMap<DynamoDBClient, DynamoDBDocumentClient>();

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  let doc = documentClients.get(client);
  if (!doc) {
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    documentClients.set(client, doc);
  }
  return doc;
}

/** A conditional write whose condition did not hold: the answer a caller expects when the item is already there. */
export const isConditionFailure = (error: unknown): boolean =>
  (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
