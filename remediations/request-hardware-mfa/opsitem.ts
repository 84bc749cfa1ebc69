/**
 * The core of request-hardware-mfa: looks for an open rootguard OpsItem for the account (DescribeOpsItems on the
 * dedup key, every page) and opens one with the checklist (checklist.ts) when there is none, unless it is a dry
 * run. OpsItems are created where the SSM client points: the tooling account's OpsCenter, where the security team
 * works through them; the account concerned is in the title and the OperationalData.
 */
import {
  CreateOpsItemCommand,
  DescribeOpsItemsCommand,
  type OpsItemSummary,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { awsCall, CollectError } from '../../lib/errors';
import {
  decide,
  dedupFilterValue,
  OPS_ITEM_CATEGORY,
  OPS_ITEM_SOURCE,
  openOpsItemFor,
  operationalData,
  opsItemDescription,
  opsItemTitle,
  priorityFor,
  type Severity,
} from './checklist';

export interface OpsItemRequest {
  accountId: string;
  severity: Severity;
  dryRun: boolean;
  /** The Automation execution that asks; recorded on the OpsItem. */
  executionId: string;
}

export type OpsItemStatus = 'created' | 'already-open' | 'dry-run';

export interface OpsItemResult {
  status: OpsItemStatus;
  accountId: string;
  /** The OpsItem opened now or found open; undefined in a dry run that would open one. */
  opsItemId: string | undefined;
  title: string;
  message: string;
}

/** Every OpsItem carrying this account's dedup key (any status; openOpsItemFor picks the open one). */
async function opsItemsFor(ssm: SSMClient, accountId: string): Promise<OpsItemSummary[]> {
  const items: OpsItemSummary[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall('ssm:DescribeOpsItems', accountId, () =>
      ssm.send(
        new DescribeOpsItemsCommand({
          OpsItemFilters: [
            { Key: 'OperationalData', Operator: 'Equal', Values: [dedupFilterValue(accountId)] },
          ],
          NextToken: token,
        }),
      ),
    );
    items.push(...(page.OpsItemSummaries ?? []));
    token = page.NextToken;
  } while (token);
  return items;
}

export async function requestHardwareMfa(ssm: SSMClient, request: OpsItemRequest): Promise<OpsItemResult> {
  const { accountId } = request;
  const title = opsItemTitle(accountId);
  const open = openOpsItemFor(await opsItemsFor(ssm, accountId), accountId);
  const decision = decide(open, request.dryRun);
  if (decision.kind === 'already-open') {
    return {
      status: 'already-open',
      accountId,
      opsItemId: decision.opsItemId,
      title,
      message: `OpsItem ${decision.opsItemId} for the root hardware MFA of ${accountId} is already ${open?.Status}; no second one opened.`,
    };
  }
  if (decision.kind === 'dry-run') {
    return {
      status: 'dry-run',
      accountId,
      opsItemId: undefined,
      title,
      message: `Dry run, nothing created. Would open the OpsItem "${title}" with the hardware MFA checklist.`,
    };
  }
  const out = await awsCall('ssm:CreateOpsItem', accountId, () =>
    ssm.send(
      new CreateOpsItemCommand({
        Title: title,
        Description: opsItemDescription(accountId),
        Source: OPS_ITEM_SOURCE,
        Category: OPS_ITEM_CATEGORY,
        Severity: request.severity,
        Priority: priorityFor(request.severity),
        OperationalData: operationalData(accountId, request.executionId),
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
    status: 'created',
    accountId,
    opsItemId: out.OpsItemId,
    title,
    message: `Opened OpsItem ${out.OpsItemId}: "${title}".`,
  };
}
