/**
 * The AWS I/O every rootguard finding goes through (root-activity alerts and compliance findings):
 *
 * - importFindings: BatchImportFindings in calls of at most 100 findings. The findings Security Hub reports
 *   in FailedFindings are sent once more, alone (a rejection is usually throttling or a transient error; a
 *   malformed finding fails again). What is still rejected then is raised as one FindingImportError naming
 *   every id and error code, after every other batch has been sent.
 * - updateWorkflowStatus: BatchUpdateFindings for the Workflow status. After a finding exists,
 *   BatchImportFindings no longer changes its Workflow (nor Note, UserDefinedFields, VerificationState), so a
 *   provider that wants a passing check RESOLVED has to say so with BatchUpdateFindings. Same batching and
 *   retry rules.
 *
 * SDK failures become lib's typed errors naming the action (AccessDenied calling
 * securityhub:BatchImportFindings reads as a missing permission).
 */
import {
  type AwsSecurityFinding,
  type AwsSecurityFindingIdentifier,
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  type SecurityHubClient,
  type WorkflowStatus,
} from '@aws-sdk/client-securityhub';
import { awsCall } from '../lib/errors';
import { FindingImportError, type RejectedFinding, WorkflowUpdateError } from './errors';

/** BatchImportFindings and BatchUpdateFindings take at most 100 findings per call. */
export const BATCH_MAX = 100;
/** Rejections named in an error message; the error's `rejected` keeps them all. */
const MESSAGE_MAX_REJECTIONS = 10;

export interface BatchOptions {
  /** The account the findings concern, named in errors (omit when a batch spans accounts). */
  accountId?: string;
  /** Pause before the one retry of rejected findings. Default 0. */
  retryDelayMs?: number;
}

export interface ImportSummary {
  /** Findings Security Hub accepted. */
  imported: number;
  /** BatchImportFindings calls made, retries included. */
  calls: number;
  /** Findings sent a second time. */
  retried: number;
}

export function chunk<T>(items: readonly T[], size = BATCH_MAX): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describeRejections(rejected: readonly RejectedFinding[]): string {
  if (rejected.length === 0) return 'no detail given';
  const named = rejected
    .slice(0, MESSAGE_MAX_REJECTIONS)
    .map((r) => `${r.id}: ${r.errorCode} ${r.errorMessage}`)
    .join('; ');
  const more = rejected.length - MESSAGE_MAX_REJECTIONS;
  return more > 0 ? `${named}; and ${more} more` : named;
}

/** One batch, its rejected findings sent once more; returns what is still rejected. */
async function importBatch(
  client: SecurityHubClient,
  batch: readonly AwsSecurityFinding[],
  options: BatchOptions,
  summary: ImportSummary,
): Promise<{ rejected: RejectedFinding[]; failedCount: number }> {
  let pending = [...batch];
  for (let attempt = 1; ; attempt++) {
    const sending = pending;
    summary.calls++;
    if (attempt > 1) summary.retried += sending.length;
    const out = await awsCall('securityhub:BatchImportFindings', options.accountId, () =>
      client.send(new BatchImportFindingsCommand({ Findings: sending })),
    );
    const failed = out.FailedFindings ?? [];
    const failedCount = Math.max(out.FailedCount ?? 0, failed.length);
    if (failedCount === 0 || attempt >= 2) summary.imported += batch.length - failedCount;
    if (failedCount === 0) return { rejected: [], failedCount: 0 };
    if (attempt >= 2) {
      const rejected = failed.map((f) => ({
        id: f.Id ?? '(no id)',
        errorCode: f.ErrorCode ?? 'Unknown',
        errorMessage: f.ErrorMessage ?? '',
      }));
      return { rejected, failedCount };
    }
    const failedIds = new Set(failed.map((f) => f.Id));
    const retry = sending.filter((f) => failedIds.has(f.Id));
    // A FailedCount without usable ids: resend the whole batch (the ids make that idempotent).
    pending = retry.length > 0 ? retry : sending;
    if (options.retryDelayMs) await sleep(options.retryDelayMs);
  }
}

/**
 * Imports `findings` in batches of at most 100, retrying each batch's rejected findings once. Throws a
 * FindingImportError naming every finding still rejected, once all batches have been sent; an SDK failure
 * (access denied, throttling beyond the SDK's retries) stops at once as lib's CollectError.
 */
export async function importFindings(
  client: SecurityHubClient,
  findings: readonly AwsSecurityFinding[],
  options: BatchOptions = {},
): Promise<ImportSummary> {
  const summary: ImportSummary = { imported: 0, calls: 0, retried: 0 };
  const rejected: RejectedFinding[] = [];
  let failedCount = 0;
  for (const batch of chunk(findings)) {
    const result = await importBatch(client, batch, options, summary);
    rejected.push(...result.rejected);
    failedCount += result.failedCount;
  }
  if (failedCount > 0) {
    throw new FindingImportError(
      `Security Hub rejected ${failedCount} finding(s) after one retry (${describeRejections(rejected)})`,
      { accountId: options.accountId, issues: rejected },
    );
  }
  return summary;
}

export interface WorkflowChange {
  finding: AwsSecurityFindingIdentifier & { Id: string; ProductArn: string };
  status: WorkflowStatus;
}

function identifierKey(id: AwsSecurityFindingIdentifier | undefined): string {
  return `${id?.ProductArn ?? ''}|${id?.Id ?? ''}`;
}

/**
 * Sets the Workflow status of existing findings with BatchUpdateFindings (one call per status and 100
 * findings); unprocessed findings are sent once more, then raised as a WorkflowUpdateError. Does not change
 * the findings' UpdatedAt.
 */
export async function updateWorkflowStatus(
  client: SecurityHubClient,
  changes: readonly WorkflowChange[],
  options: BatchOptions = {},
): Promise<void> {
  const byStatus = new Map<WorkflowStatus, WorkflowChange['finding'][]>();
  for (const change of changes) {
    const list = byStatus.get(change.status) ?? [];
    list.push(change.finding);
    byStatus.set(change.status, list);
  }
  const rejected: RejectedFinding[] = [];
  for (const [status, findings] of byStatus) {
    for (const batch of chunk(findings)) {
      let pending: AwsSecurityFindingIdentifier[] = batch.map((f) => ({
        Id: f.Id,
        ProductArn: f.ProductArn,
      }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        const sending = pending;
        const out = await awsCall('securityhub:BatchUpdateFindings', options.accountId, () =>
          client.send(
            new BatchUpdateFindingsCommand({ FindingIdentifiers: sending, Workflow: { Status: status } }),
          ),
        );
        const unprocessed = out.UnprocessedFindings ?? [];
        if (unprocessed.length === 0) break;
        if (attempt >= 2) {
          rejected.push(
            ...unprocessed.map((u) => ({
              id: u.FindingIdentifier?.Id ?? '(no id)',
              errorCode: u.ErrorCode ?? 'Unknown',
              errorMessage: u.ErrorMessage ?? '',
            })),
          );
          break;
        }
        const keys = new Set(unprocessed.map((u) => identifierKey(u.FindingIdentifier)));
        const retry = sending.filter((f) => keys.has(identifierKey(f)));
        // Unprocessed findings without usable identifiers: resend the whole batch (setting a status twice is harmless).
        pending = retry.length > 0 ? retry : sending;
        if (options.retryDelayMs) await sleep(options.retryDelayMs);
      }
    }
  }
  if (rejected.length > 0) {
    throw new WorkflowUpdateError(
      `Security Hub left the workflow status of ${rejected.length} finding(s) unchanged after one retry (${describeRejections(rejected)})`,
      { accountId: options.accountId, issues: rejected },
    );
  }
}
