/**
 * Live ledger: the root activity ledger table in the tooling account (written by alerts/root-activity), read
 * in full with Scan, every page. The table is keyed by eventId alone, so there is no key to Query a period by;
 * the period is applied after reading (the table holds about 400 days). Each item's record fields are
 * validated with the ledger's schema; attributes the table keeps for itself (its TTL, index keys) are not part
 * of a record and are left out before validating. Items of another kind in the same table (AssumeRoot
 * issuances, `recordType` set) are skipped. An invalid record is an error naming its eventId.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { CliError } from '../../cli/errors';
import { awsPageItems, onceEachToken } from '../../lib/errors';
import {
  isLedgerRecordItem,
  type LedgerRecord,
  ledgerRecordFields,
  ledgerRecordSchema,
} from '../../lib/root-activity-ledger';

export class LedgerTableError extends CliError {}

export interface LedgerTableReadOptions {
  /** Items per Scan page (default: DynamoDB's 1 MB pages); the integration test makes it small to get many pages. */
  pageSize?: number;
}

export async function readLedgerTable(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: LedgerTableReadOptions = {},
): Promise<LedgerRecord[]> {
  const action = 'dynamodb:Scan';
  type Key = Record<string, unknown>;
  // A LastEvaluatedKey handed back twice would scan the table for ever.
  const items = await awsPageItems(
    action,
    undefined,
    (ExclusiveStartKey: Key | undefined) =>
      client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey, Limit: options.pageSize })),
    onceEachToken(
      action,
      (page) => page.LastEvaluatedKey,
      (key) => JSON.stringify(key),
    ),
    (page) => page.Items,
  );
  return items.filter(isLedgerRecordItem).map((item) => {
    const parsed = ledgerRecordSchema.safeParse(ledgerRecordFields(item));
    if (!parsed.success) {
      const id = typeof item.eventId === 'string' ? item.eventId : JSON.stringify(item.eventId);
      const issues = parsed.error.issues.map(
        (i) => `${i.path.map(String).join('.') || '(item)'}: ${i.message}`,
      );
      throw new LedgerTableError(
        `Ledger table ${tableName}: item ${id} is not a ledger record: ${issues.join('; ')}`,
      );
    }
    return parsed.data;
  });
}
