/**
 * Pure: the notice the security team gets on the rootguard alert topic when a break-glass window opens, so an
 * open window is never a surprise and a window nobody expected is questioned at once. Same conventions as
 * the root-activity alert (alerts/root-activity/message.ts): ASCII subject under 100 characters, plain-text
 * body, message attributes for subscription filters (severity INFO never matches a CRITICAL-only filter).
 */
import type { BreakGlassWindow } from '../../lib/break-glass';

export const SUBJECT_MAX = 99;
export const DEFAULT_RUNBOOK = 'README.md#break-glass';

export interface WindowNotice {
  subject: string;
  body: string;
  attributes: Record<string, { DataType: 'String'; StringValue: string }>;
}

const row = (label: string, value: string) => `${`${label}:`.padEnd(19)}${value}`;

export function buildWindowNotice(
  window: BreakGlassWindow,
  options: { documentName: string; runbook?: string },
): WindowNotice {
  const subject = `[rootguard] Break-glass window open in ${window.accountId} until ${window.endsAt}`.slice(
    0,
    SUBJECT_MAX,
  );
  const body = [
    `A break-glass window is open for the root user of account ${window.accountId}.`,
    '',
    row('Account', window.accountId),
    row('Ticket', window.ticketId),
    row('From', window.startsAt),
    row('Until', `${window.endsAt} (closes by itself)`),
    row('Approved by', window.approvers.join(', ') || '(none recorded)'),
    row('Requested by', window.requestedBy ?? '(not recorded)'),
    row('Reason', window.reason),
    row('Window id', `${window.windowId} (Automation execution of ${options.documentName})`),
    '',
    'During the window, root activity in this account is still alerted: as MEDIUM, naming this ticket.',
    'Outside it, root activity is CRITICAL. The window is kept as audit evidence after it closes.',
    `If nobody expected this window, look at Automation execution ${window.windowId} now: who started it and who approved it.`,
    '',
    `Runbook: ${options.runbook ?? DEFAULT_RUNBOOK}`,
    '',
  ].join('\n');
  const attribute = (value: string) => ({ DataType: 'String' as const, StringValue: value });
  return {
    subject,
    body,
    attributes: {
      severity: attribute('INFO'),
      kind: attribute('break-glass-window'),
      accountId: attribute(window.accountId),
      ticketId: attribute(window.ticketId),
    },
  };
}
