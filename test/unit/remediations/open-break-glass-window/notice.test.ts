import type { BreakGlassWindow } from '../../../../lib/break-glass';
import { buildWindowNotice, SUBJECT_MAX } from '../../../../remediations/open-break-glass-window/notice';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { ALICE, BOB, DOCUMENT_NAME, EXECUTION_ID, REASON, REQUESTER, TICKET_ID } from './fixtures';

const WINDOW: BreakGlassWindow = {
  accountId: MEMBER_ACCOUNT,
  windowId: EXECUTION_ID,
  startsAt: '2026-11-20T08:30:00.000Z',
  endsAt: '2026-11-20T10:00:00.000Z',
  reason: REASON,
  ticketId: TICKET_ID,
  approvers: [ALICE, BOB],
  requestedBy: REQUESTER,
};

describe('buildWindowNotice', () => {
  const notice = buildWindowNotice(WINDOW, { documentName: DOCUMENT_NAME });

  it('has a printable ASCII subject under 100 characters naming the account and the end', () => {
    expect(notice.subject).toBe(
      `[rootguard] Break-glass window open in ${MEMBER_ACCOUNT} until 2026-11-20T10:00:00.000Z`,
    );
    expect(notice.subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(notice.subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('tells who asked, who approved, why, for which ticket and until when', () => {
    for (const text of [
      `Ticket:            ${TICKET_ID}`,
      'From:              2026-11-20T08:30:00.000Z',
      'Until:             2026-11-20T10:00:00.000Z (closes by itself)',
      `Approved by:       ${ALICE}, ${BOB}`,
      `Requested by:      ${REQUESTER}`,
      `Reason:            ${REASON}`,
      `Window id:         ${EXECUTION_ID} (Automation execution of ${DOCUMENT_NAME})`,
      'as MEDIUM, naming this ticket',
      'Runbook: README.md#break-glass',
    ]) {
      expect(notice.body).toContain(text);
    }
  });

  it('carries attributes a CRITICAL-only subscription filter does not match', () => {
    expect(notice.attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'INFO' },
      kind: { DataType: 'String', StringValue: 'break-glass-window' },
      accountId: { DataType: 'String', StringValue: MEMBER_ACCOUNT },
      ticketId: { DataType: 'String', StringValue: TICKET_ID },
    });
  });

  it('says so when the requester was not recorded', () => {
    const { body } = buildWindowNotice(
      { ...WINDOW, requestedBy: undefined },
      { documentName: DOCUMENT_NAME },
    );
    expect(body).toContain('Requested by:      (not recorded)');
  });
});
