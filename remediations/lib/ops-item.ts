/**
 * Request-type remediations: when nothing can fix an account automatically (MFA on a root user needs a person
 * signed in as that root user; a member StackSet instance is the organization team's to repair), the remediation
 * opens one OpsCenter OpsItem with a checklist and changes nothing in the account. Each such document names an
 * OpsItemTask (its own checklist.ts); one Lambda (remediations/request-hardware-mfa/handler.ts) serves them all,
 * the document's Payload saying which task it is.
 *
 *   ssm:DescribeOpsItems on the task's dedup key for the account (every page)
 *     ├─ one is Open or InProgress ─▶ {status: already-open, opsItemId}     (no duplicate)
 *     ├─ dry run                   ─▶ {status: dry-run}                     (nothing created)
 *     └─ ssm:CreateOpsItem         ─▶ {status: created, opsItemId}
 *
 * Only rootguard's own OpsItems count: Source rootguard AND created by this Lambda's own role (CreatedBy,
 * normalized by identity.ts). An OpsItem someone else opened with the same key (at another severity, to make the
 * real request come back "already open") never blocks the real one.
 *
 * One OpsItem per task and account while it is open: the dedup key (OperationalData `rootguard:dedupKey`,
 * searchable, `<rule id>/<account>`) finds it with DescribeOpsItems, and OpsCenter's own deduplication
 * (`/aws/dedup`) stops a second one when two runs race. A resolved OpsItem does not count: if the account is
 * still non-compliant, a new one is opened. OpsItems are created where the SSM client points: the security
 * tooling account's OpsCenter, where the security and organization teams work through them; the account
 * concerned is in the title and the OperationalData.
 */
import {
  CreateOpsItemCommand,
  DescribeOpsItemsCommand,
  type OpsItemDataValue,
  type OpsItemFilter,
  type OpsItemSummary,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { awsCall, awsPageItems, CollectError } from '../../lib/errors';
import { normalizeIdentity } from './identity';

export const OPS_ITEM_SOURCE = 'rootguard';
export const OPS_ITEM_CATEGORY = 'Security';
export const DEDUP_KEY = 'rootguard:dedupKey';
/** OpsItem severities: 1 (critical) to 4 (low). */
export const SEVERITIES = ['1', '2', '3', '4'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SEVERITY_PATTERN = '^[1-4]$';
export const DEFAULT_SEVERITY: Severity = '2';
/** OpsItem statuses that mean someone is (or should be) working on it; Resolved and the rest do not block. */
export const OPEN_STATUSES: ReadonlySet<string> = new Set(['Open', 'InProgress']);
/** CreateOpsItem limits (API reference): Title 1-1024, Description 1-2048 characters. */
export const TITLE_MAX = 1024;
export const DESCRIPTION_MAX = 2048;

/** What one request-type document asks for. Pure data and text: no SDK, no clock. */
export interface OpsItemTask {
  /** The fixed `task` value the document puts in its Payload, e.g. `hardware-mfa`. */
  id: string;
  /** The remediation folder of the document that sends this task: only its executions may open the OpsItem. */
  folder: string;
  /** The rule whose finding the OpsItem answers; part of the dedup key. */
  ruleId: string;
  /** Names the task in messages: "OpsItem oi-… for <subject> of <account>". */
  subject: string;
  title(accountId: string): string;
  /** The checklist, at most DESCRIPTION_MAX characters. */
  description(accountId: string): string;
}

export const dedupValue = (task: OpsItemTask, accountId: string) => `${task.ruleId}/${accountId}`;

/** Priority follows severity: 1 (critical) is priority 1. */
export const priorityFor = (severity: Severity): number => Number(severity);

/** OperationalData of the OpsItem: searchable account and rule, the dedup key, and the execution that opened it. */
export function operationalData(
  task: OpsItemTask,
  accountId: string,
  executionId: string,
): Record<string, OpsItemDataValue> {
  return {
    [DEDUP_KEY]: { Value: dedupValue(task, accountId), Type: 'SearchableString' },
    'rootguard:accountId': { Value: accountId, Type: 'SearchableString' },
    'rootguard:rule': { Value: task.ruleId, Type: 'SearchableString' },
    'rootguard:automationExecutionId': { Value: executionId, Type: 'String' },
    // OpsCenter's built-in deduplication: no second OpsItem while one with this string is open or in progress.
    '/aws/dedup': {
      Value: JSON.stringify({ dedupString: `rootguard-${dedupValue(task, accountId)}` }),
      Type: 'SearchableString',
    },
  };
}

/** The DescribeOpsItems filter value for the dedup key (`{"key": ..., "value": ...}`, API reference). */
export const dedupFilterValue = (task: OpsItemTask, accountId: string) =>
  JSON.stringify({ key: DEDUP_KEY, value: dedupValue(task, accountId) });

/**
 * The open OpsItem of this task for this account among those listed, if any (filters again what the API did),
 * counting only rootguard's own: Source rootguard and created by `creator` (this Lambda's role ARN, identity.ts
 * principal form).
 */
export function openOpsItemFor(
  items: readonly OpsItemSummary[],
  task: OpsItemTask,
  accountId: string,
  creator: string,
): OpsItemSummary | undefined {
  return items.find(
    (item) =>
      OPEN_STATUSES.has(item.Status ?? '') &&
      item.Source === OPS_ITEM_SOURCE &&
      normalizeIdentity(item.CreatedBy ?? '').principal === creator &&
      item.OperationalData?.[DEDUP_KEY]?.Value === dedupValue(task, accountId),
  );
}

export type OpsItemDecision =
  | { kind: 'already-open'; opsItemId: string }
  | { kind: 'dry-run' }
  | { kind: 'create' };

export function decide(open: OpsItemSummary | undefined, dryRun: boolean): OpsItemDecision {
  if (open?.OpsItemId) return { kind: 'already-open', opsItemId: open.OpsItemId };
  return dryRun ? { kind: 'dry-run' } : { kind: 'create' };
}

export interface OpsItemRequest {
  accountId: string;
  severity: Severity;
  dryRun: boolean;
  /** The Automation execution that asks; recorded on the OpsItem. */
  executionId: string;
  /** This Lambda's own role ARN (identity.ts principal form): only OpsItems it created count as open. */
  creator: string;
}

export type OpsItemStatus = 'created' | 'already-open' | 'dry-run';

export interface OpsItemResult {
  status: OpsItemStatus;
  /** The task the document asked for (`hardware-mfa`, `root-activity-forwarding`). */
  task: string;
  accountId: string;
  /** The OpsItem opened now or found open; undefined in a dry run that would open one. */
  opsItemId: string | undefined;
  title: string;
  message: string;
}

/** Every OpsItem carrying this task's dedup key for the account (any status; openOpsItemFor picks the open one). */
async function opsItemsFor(ssm: SSMClient, task: OpsItemTask, accountId: string): Promise<OpsItemSummary[]> {
  const filter: OpsItemFilter = {
    Key: 'OperationalData',
    Operator: 'Equal',
    Values: [dedupFilterValue(task, accountId)],
  };
  const read = (NextToken: string | undefined) =>
    ssm.send(new DescribeOpsItemsCommand({ OpsItemFilters: [filter], NextToken }));
  return awsPageItems(
    'ssm:DescribeOpsItems',
    accountId,
    read,
    (p) => p.NextToken,
    (p) => p.OpsItemSummaries,
  );
}

/** Opens the task's OpsItem for the account unless one is open already or it is a dry run. */
export async function requestOpsItem(
  ssm: SSMClient,
  task: OpsItemTask,
  request: OpsItemRequest,
): Promise<OpsItemResult> {
  const { accountId } = request;
  const title = task.title(accountId);
  const base = { task: task.id, accountId, title };
  const open = openOpsItemFor(await opsItemsFor(ssm, task, accountId), task, accountId, request.creator);
  const decision = decide(open, request.dryRun);
  if (decision.kind === 'already-open') {
    return {
      ...base,
      status: 'already-open',
      opsItemId: decision.opsItemId,
      message: `OpsItem ${decision.opsItemId} for ${task.subject} of ${accountId} is already ${open?.Status}; no second one opened.`,
    };
  }
  if (decision.kind === 'dry-run') {
    return {
      ...base,
      status: 'dry-run',
      opsItemId: undefined,
      message: `Dry run, nothing created. Would open the OpsItem "${title}" with the checklist for ${task.subject}.`,
    };
  }
  const out = await awsCall('ssm:CreateOpsItem', accountId, () =>
    ssm.send(
      new CreateOpsItemCommand({
        Title: title,
        Description: task.description(accountId),
        Source: OPS_ITEM_SOURCE,
        Category: OPS_ITEM_CATEGORY,
        Severity: request.severity,
        Priority: priorityFor(request.severity),
        OperationalData: operationalData(task, accountId, request.executionId),
      }),
    ),
  );
  if (!out.OpsItemId) {
    throw new CollectError(`ssm:CreateOpsItem returned no OpsItem id for account ${accountId}`, {
      action: 'ssm:CreateOpsItem',
      accountId,
    });
  }
  return {
    ...base,
    status: 'created',
    opsItemId: out.OpsItemId,
    message: `Opened OpsItem ${out.OpsItemId}: "${title}".`,
  };
}
