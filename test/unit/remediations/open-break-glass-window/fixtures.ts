/**
 * Named values and builders for the open-break-glass-window tests (unit and integration): an SSM execution
 * record as GetAutomationExecution returns it after the two approvals, and the RecordWindow step payload the
 * document sends.
 */
import type { AutomationExecution, StepExecution } from '@aws-sdk/client-ssm';
import type { BreakGlassWindow } from '../../../../lib/break-glass';
import type { OpenWindowConfig } from '../../../../remediations/open-break-glass-window/config';
import { ALICE_USER as ALICE, BOB_USER as BOB, OPERATOR as REQUESTER } from '../../../helpers/approvers';
import { MEMBER_ACCOUNT, SECURITY_TOOLING_ACCOUNT } from '../../../helpers/constants';

export const DOCUMENT_NAME = 'RootGuard-OpenBreakGlassWindow';
export const EXECUTION_ID = '4105a4fc-f944-11e6-9d32-0123456789ab';
export const WINDOW_REGION = 'eu-west-1';
export const TABLE = 'rootguard-break-glass';
export const ALERT_TOPIC_ARN = `arn:aws:sns:${WINDOW_REGION}:${SECURITY_TOOLING_ACCOUNT}:rootguard-root-activity`;

// Who started and who approved: the suite's operator and allow-listed users (test/helpers/approvers.ts).
export { ALICE, BOB, REQUESTER };

/** When the second approval arrived (the approval step's end time): the window starts here. */
export const APPROVED_AT = new Date('2026-11-20T08:30:00.000Z');
export const DURATION_MINUTES = 90;
/** APPROVED_AT + 90 minutes. */
export const ENDS_AT = '2026-11-20T10:00:00.000Z';
export const TICKET_ID = 'CHG-4711';
/** Quotes and a backslash: the reason a JSON payload could not carry, read from the record instead. */
export const REASON = 'Close the account: root must accept the final invoice ("billing" \\ finance).';

/** The window the happy path records: approved by ALICE and BOB at APPROVED_AT, for DURATION_MINUTES. */
export const RECORDED_WINDOW: BreakGlassWindow = {
  accountId: MEMBER_ACCOUNT,
  windowId: EXECUTION_ID,
  startsAt: APPROVED_AT.toISOString(),
  endsAt: ENDS_AT,
  reason: REASON,
  ticketId: TICKET_ID,
  approvers: [ALICE, BOB],
  requestedBy: REQUESTER,
};

export const CONFIG: OpenWindowConfig = {
  breakGlassTable: TABLE,
  alertTopicArn: ALERT_TOPIC_ARN,
  documentName: DOCUMENT_NAME,
  region: WINDOW_REGION,
};

/** The RecordWindow Payload after SSM substituted the parameters (every value a string). */
export function stepPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    executionId: EXECUTION_ID,
    accountId: MEMBER_ACCOUNT,
    ticketId: TICKET_ID,
    durationMinutes: String(DURATION_MINUTES),
    ...overrides,
  };
}

/** One recorded approver decision, as a JSON map. */
export const decision = (approver: string, verdict = 'Approve') =>
  JSON.stringify({
    Approver: approver,
    Decision: verdict,
    ApprovalDecisionTime: '2026-11-20T08:29:58.123Z',
    Comment: 'Checked the ticket.',
  });

export interface ExecutionOptions {
  /** Approvers whose decision is Approve; ignored when `decisions` is given. */
  approvers?: string[];
  /** Raw ApproverDecisions output values. */
  decisions?: string[];
  approvalStatus?: string;
  stepStatus?: StepExecution['StepStatus'];
  approvedAt?: Date | undefined;
  parameters?: Record<string, string[]>;
  documentName?: string;
  executedBy?: string;
}

/** What GetAutomationExecution returns while RecordWindow runs, after a successful approval. */
export function executionRecord(options: ExecutionOptions = {}): AutomationExecution {
  const approvers = options.approvers ?? [ALICE, BOB];
  const approvalStep: StepExecution = {
    StepName: 'ApproveWindow',
    Action: 'aws:approve',
    StepStatus: options.stepStatus ?? 'Success',
    ExecutionStartTime: new Date(APPROVED_AT.getTime() - 5 * 60_000),
    ExecutionEndTime: 'approvedAt' in options ? options.approvedAt : APPROVED_AT,
    Outputs: {
      ApprovalStatus: [options.approvalStatus ?? 'Approved'],
      ApproverDecisions: options.decisions ?? approvers.map((a) => decision(a)),
    },
  };
  return {
    AutomationExecutionId: EXECUTION_ID,
    DocumentName: options.documentName ?? DOCUMENT_NAME,
    DocumentVersion: '1',
    AutomationExecutionStatus: 'InProgress',
    ExecutedBy: options.executedBy ?? REQUESTER,
    Parameters: {
      AutomationAssumeRole: [`arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:role/RootGuardBreakGlassAutomation`],
      AccountId: [MEMBER_ACCOUNT],
      Reason: [REASON],
      TicketId: [TICKET_ID],
      DurationMinutes: [String(DURATION_MINUTES)],
      Approvers: [ALICE, BOB],
      ...options.parameters,
    },
    StepExecutions: [
      approvalStep,
      { StepName: 'RecordWindow', Action: 'aws:invokeLambdaFunction', StepStatus: 'InProgress' },
    ],
  };
}
