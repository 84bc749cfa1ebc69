/**
 * The RecordWindow step of RootGuard-OpenBreakGlassWindow (document.yaml next door), invoked by
 * aws:invokeLambdaFunction after the two-person approval:
 *
 *   payload (executionId, accountId, ticketId, durationMinutes) ─invalid─▶ throw InvalidStepPayloadError
 *     │
 *   ssm:GetAutomationExecution: the record, not the payload, is the evidence
 *     ├─ another document, or parameters that differ from the payload ─▶ throw ExecutionRecordError
 *     ├─ approval step not Success/Approved, decisions unreadable     ─▶ throw ExecutionRecordError
 *     ├─ the version that ran is not the document rootguard deployed   ─▶ throw ExecutionRecordError
 *     └─ fewer than 2 distinct people (identity.ts) besides the requester ─▶ throw ApprovalRuleError
 *     │
 *   window = [approval time, + DurationMinutes), id = execution id, reason from the record
 *     │
 *   already recorded? ─yes─▶ {created: false, same window}      (a step retry changes nothing)
 *     │
 *   SNS notice on the alert topic ─fails─▶ throw (nothing recorded: no window without a notice)
 *     │
 *   putWindow (conditional, idempotent) ─fails─▶ typed CollectError naming dynamodb:PutItem
 *
 * Any throw fails the step, and onFailure: Abort ends the execution with the message.
 */

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import * as z from 'zod';
import {
  type BreakGlassWindow,
  breakGlassWindowSchema,
  MAX_WINDOW_MINUTES,
  TICKET_ID_PATTERN,
} from '../../lib/break-glass';
import { putWindow, queryWindows } from '../../lib/break-glass-store';
import { awsCall } from '../../lib/errors';
import { type HandlerDeps, type HandlerMetrics, handlerDefaults } from '../../lib/handler-deps';
import { lazyHandler } from '../../lib/lazy-handler';
import { metrics as defaultMetrics, logger } from '../../lib/logger';
import {
  findStepExecution,
  readAutomationExecution,
  recordedApproval,
  recordedParameter,
  requireDistinctApprovers,
} from '../lib/automation-execution';
import { deployedDocumentProblem } from '../lib/document-digest';
import { ExecutionRecordError } from '../lib/errors';
import { remediationStep } from '../lib/refusals';
import { accountIdField, executionIdField, integerField, parseStepPayload } from '../lib/step-payload';
import { FOLDER, loadOpenWindowConfig, type OpenWindowConfig } from './config';
import { buildWindowNotice } from './notice';

/** The document's approval step (document.yaml) and the rule it must satisfy. */
export const APPROVAL_STEP = 'ApproveWindow';
export const REQUIRED_APPROVERS = 2;
/** How far around the window start to look for a window this execution already recorded. */
const LOOKUP_MARGIN_MS = 24 * 60 * 60 * 1000;

export const openWindowPayloadSchema = z.object({
  executionId: executionIdField,
  accountId: accountIdField,
  ticketId: z.string().regex(new RegExp(TICKET_ID_PATTERN), 'expected a ticket id'),
  durationMinutes: integerField(1, MAX_WINDOW_MINUTES),
});

export type OpenWindowPayload = z.output<typeof openWindowPayloadSchema>;

export interface OpenWindowResult {
  windowId: string;
  accountId: string;
  ticketId: string;
  startsAt: string;
  endsAt: string;
  approvers: string[];
  requestedBy: string | undefined;
  /** False when this execution's window was already recorded (a retried step). */
  created: boolean;
}

export type OpenWindowHandlerDeps = HandlerDeps<OpenWindowConfig, HandlerMetrics>;

export type OpenWindowHandler = (event: unknown) => Promise<OpenWindowResult>;

export function createOpenWindowHandler(deps: OpenWindowHandlerDeps = {}): OpenWindowHandler {
  const { config, factory, now, metrics } = handlerDefaults(deps, loadOpenWindowConfig, defaultMetrics);
  const ssm = factory.client(SSMClient);
  const dynamodb = factory.client(DynamoDBClient);
  const sns = factory.client(SNSClient);

  /** The window SSM's record proves: checked against the payload, approved by two other people. */
  async function provenWindow(payload: OpenWindowPayload): Promise<BreakGlassWindow> {
    const { executionId, accountId } = payload;
    const execution = await readAutomationExecution(ssm, executionId, accountId);
    const mismatch = (why: string): never => {
      throw new ExecutionRecordError(`Automation execution ${executionId}: ${why}`, {
        executionId,
        accountId,
      });
    };
    if (execution.DocumentName !== config.documentName) {
      mismatch(`runs ${execution.DocumentName ?? '(no document)'}, not ${config.documentName}`);
    }
    // A window lowers alerts: only the document rootguard deployed may open one (document-digest.ts).
    const changed = await deployedDocumentProblem({
      ssm,
      folder: FOLDER,
      documentName: config.documentName,
      documentVersion: execution.DocumentVersion,
      accountId,
    });
    if (changed) mismatch(changed);
    const param = (name: string) => recordedParameter(execution, name, accountId);
    // SSM built the payload from these parameters: a difference means the payload did not come from it.
    const recorded = {
      AccountId: param('AccountId') === accountId,
      TicketId: param('TicketId') === payload.ticketId,
      DurationMinutes: Number(param('DurationMinutes')) === payload.durationMinutes,
    };
    for (const [name, same] of Object.entries(recorded)) {
      if (!same) mismatch(`${name} differs between the payload and the record`);
    }

    const step = await findStepExecution(ssm, execution, APPROVAL_STEP, accountId);
    const approval = recordedApproval(execution, step, APPROVAL_STEP, accountId);
    const requestedBy = execution.ExecutedBy || undefined;
    requireDistinctApprovers(approval, {
      min: REQUIRED_APPROVERS,
      requester: requestedBy,
      executionId,
      accountId,
    });

    // The approval time from the record: the same on every retry, so the window (and its key) is too.
    const startsAt = approval.approvedAt ?? now();
    const parsed = breakGlassWindowSchema.safeParse({
      accountId,
      windowId: executionId,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + payload.durationMinutes * 60_000).toISOString(),
      reason: param('Reason'),
      ticketId: payload.ticketId,
      approvers: approval.approvers,
      requestedBy,
    });
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ');
      mismatch(`the recorded values do not make a valid window (${fields})`);
    }
    return parsed.data as BreakGlassWindow;
  }

  async function recordedAlready(window: BreakGlassWindow): Promise<BreakGlassWindow | undefined> {
    const start = Date.parse(window.startsAt);
    const windows = await queryWindows(dynamodb, config.breakGlassTable, window.accountId, {
      from: new Date(start - LOOKUP_MARGIN_MS).toISOString(),
      to: new Date(start + LOOKUP_MARGIN_MS).toISOString(),
    });
    return windows.find((w) => w.windowId === window.windowId);
  }

  async function announce(window: BreakGlassWindow): Promise<void> {
    if (!config.alertTopicArn) return;
    const topicArn = config.alertTopicArn;
    const notice = buildWindowNotice(window, { documentName: config.documentName });
    await awsCall('sns:Publish', window.accountId, () =>
      sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: notice.subject,
          Message: notice.body,
          MessageAttributes: notice.attributes,
        }),
      ),
    );
  }

  const result = (window: BreakGlassWindow, created: boolean): OpenWindowResult => ({
    windowId: window.windowId,
    accountId: window.accountId,
    ticketId: window.ticketId,
    startsAt: window.startsAt,
    endsAt: window.endsAt,
    approvers: window.approvers,
    requestedBy: window.requestedBy,
    created,
  });

  return remediationStep(FOLDER, metrics, 'Break-glass window not recorded', async (event) => {
    const payload = parseStepPayload(openWindowPayloadSchema, event, `${config.documentName} RecordWindow`);
    logger.appendKeys({ accountId: payload.accountId, windowId: payload.executionId });
    const window = await provenWindow(payload);

    const existing = await recordedAlready(window);
    if (existing) {
      logger.info('Break-glass window already recorded: nothing to do', { ticketId: existing.ticketId });
      return result(existing, false);
    }

    // Announce first: a window may exist only once the security team has been told about it.
    await announce(window);
    const { created } = await putWindow(dynamodb, config.breakGlassTable, window);
    if (created) metrics.addMetric('BreakGlassWindowsOpened', MetricUnit.Count, 1);
    const opened = result(window, created);
    // windowId and accountId are already the logger's keys.
    const { windowId: _, accountId: __, ...logged } = opened;
    logger.info('Break-glass window recorded', logged);
    return opened;
  });
}

/**
 * The Lambda entry point (lib/lazy-handler.ts: built on the first invocation); a bad environment fails every
 * step with the same InvalidRemediationConfigError until it is fixed.
 */
export const handler: OpenWindowHandler = lazyHandler(() => createOpenWindowHandler());
