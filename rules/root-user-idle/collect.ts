import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { queryWindows } from '../../lib/break-glass-store';
import {
  type FetchCredentialReportOptions,
  fetchCredentialReport,
  parseCredentialReport,
  rootUsage,
} from '../../lib/credential-report';
import type { CollectContext } from '../../lib/rule-handler';
import { lastRootUse, type RootUserIdleFacts, type RootUserIdleParams } from './evaluate';

/** The central table of break-glass windows (serverless.yml); unset in the single-account demo. */
export const BREAK_GLASS_TABLE_ENV = 'BREAK_GLASS_TABLE';

const DAY_MS = 86_400_000;
/**
 * Widens the window query on both sides. The store compares ISO timestamps as text, which can misorder equal
 * instants written with different precision; reading a few extra windows is harmless because evaluate
 * checks coverage exactly.
 */
const QUERY_MARGIN_MS = 60 * 60 * 1000;

/**
 * The credential report is read in the evaluated account (its execution role); break-glass windows are read
 * from the central table with the Lambda's own credentials.
 */
export async function collect(
  ctx: CollectContext<RootUserIdleParams>,
  reportOptions: FetchCredentialReportOptions = {},
): Promise<RootUserIdleFacts> {
  const iam = ctx.clients.client(IAMClient, { credentials: ctx.accountCredentials });
  const { generatedAt, csv } = await fetchCredentialReport(iam, ctx.accountId, reportOptions);
  const root = rootUsage(parseCredentialReport(csv, ctx.accountId), ctx.accountId);
  const report = { generatedAt, root };

  const tableName = process.env[BREAK_GLASS_TABLE_ENV]?.trim();
  if (!tableName) return { report, breakGlassWindows: [], breakGlassWindowsRead: false };

  // Every use that could fail the rule lies between `from` and the latest of now, the report and the use
  // itself (a use dated after the notification time still needs the window that covers it).
  const evaluatedAt = Date.parse(ctx.evaluationTime);
  const lastUse = lastRootUse(root);
  const from = evaluatedAt - ctx.params.MaxDaysSinceLastUse * DAY_MS - QUERY_MARGIN_MS;
  const to =
    Math.max(evaluatedAt, Date.parse(generatedAt), lastUse ? Date.parse(lastUse.at) : evaluatedAt) +
    QUERY_MARGIN_MS;
  const breakGlassWindows = await queryWindows(ctx.clients.client(DynamoDBClient), tableName, ctx.accountId, {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
  });
  return { report, breakGlassWindows, breakGlassWindowsRead: true };
}
