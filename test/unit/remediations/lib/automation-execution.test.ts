import type { StepExecution } from '@aws-sdk/client-ssm';
import {
  recordedApproval,
  recordedParameter,
  requireDistinctApprovers,
} from '../../../../remediations/lib/automation-execution';
import { ApprovalRuleError, ExecutionRecordError } from '../../../../remediations/lib/errors';
import { normalizeIdentity } from '../../../../remediations/lib/identity';
import {
  ALICE,
  APPROVED_AT,
  BOB,
  decision,
  EXECUTION_ID,
  executionRecord,
  REQUESTER,
} from '../open-break-glass-window/fixtures';

const approvalStep = (
  outputs: Record<string, string[]>,
  overrides: Partial<StepExecution> = {},
): StepExecution => ({
  StepName: 'ApproveWindow',
  Action: 'aws:approve',
  StepStatus: 'Success',
  ExecutionEndTime: APPROVED_AT,
  Outputs: { ApprovalStatus: ['Approved'], ...outputs },
  ...overrides,
});

const approvalOf = (step: StepExecution | undefined) =>
  recordedApproval(executionRecord(), step, 'ApproveWindow');

describe('recordedApproval', () => {
  it('reads one decision map per output value', () => {
    const approval = approvalOf(approvalStep({ ApproverDecisions: [decision(ALICE), decision(BOB)] }));
    expect(approval.approvers).toEqual([ALICE, BOB]);
    expect(approval.approvedAt).toEqual(APPROVED_AT);
    expect(approval.decisions[0]).toMatchObject({
      Approver: ALICE,
      Decision: 'Approve',
      Comment: 'Checked the ticket.',
    });
  });

  it('reads a list of decision maps in one output value, and the Step.Output key form', () => {
    const list = `[${decision(ALICE)},${decision(BOB)}]`;
    const approval = approvalOf(
      approvalStep(
        { 'ApproveWindow.ApproverDecisions': [list], ApprovalStatus: [] },
        {
          Outputs: {
            'ApproveWindow.ApprovalStatus': ['Approved'],
            'ApproveWindow.ApproverDecisions': [list],
          },
        },
      ),
    );
    expect(approval.approvers).toEqual([ALICE, BOB]);
  });

  it('lists each approver once and leaves out rejections', () => {
    const approval = approvalOf(
      approvalStep({
        ApproverDecisions: [decision(ALICE), decision(ALICE, 'Approved'), decision(BOB, 'Reject')],
      }),
    );
    expect(approval.approvers).toEqual([ALICE]);
  });

  it.each<[string, StepExecution | undefined, RegExp]>([
    ['a missing step', undefined, /no step ApproveWindow in the execution record/],
    ['another action', approvalStep({}, { Action: 'aws:sleep' }), /is aws:sleep, not aws:approve/],
    ['a timed-out step', approvalStep({}, { StepStatus: 'TimedOut' }), /ApproveWindow is TimedOut/],
    ['no ApprovalStatus', approvalStep({}, { Outputs: {} }), /ApprovalStatus \(none\)/],
    [
      'decisions that are not JSON',
      approvalStep({ ApproverDecisions: ['Approver: alice'] }),
      /not in a form/,
    ],
    [
      'decisions without an approver',
      approvalStep({ ApproverDecisions: ['{"Decision":"Approve"}'] }),
      /not in a form/,
    ],
  ])('fails closed on %s', (_label, step, message) => {
    expect(() => approvalOf(step)).toThrow(ExecutionRecordError);
    expect(() => approvalOf(step)).toThrow(message);
  });
});

describe('recordedParameter', () => {
  it('returns the single recorded value and refuses none or several', () => {
    const record = executionRecord({ parameters: { Several: ['a', 'b'] } });
    expect(recordedParameter(record, 'TicketId')).toBe('CHG-4711');
    expect(() => recordedParameter(record, 'Missing')).toThrow(/no single value for parameter Missing/);
    expect(() => recordedParameter(record, 'Several')).toThrow(/no single value for parameter Several/);
  });
});

describe('requireDistinctApprovers', () => {
  const approval = (approvers: string[]) => ({
    stepName: 'A',
    approvers,
    identities: approvers.map((a) => normalizeIdentity(a)),
    decisions: [],
    approvedAt: undefined,
  });
  const options = { min: 2, requester: REQUESTER, executionId: EXECUTION_ID };

  it('returns the approvers other than the requester when there are enough', () => {
    expect(requireDistinctApprovers(approval([ALICE, REQUESTER, BOB]), options)).toEqual([ALICE, BOB]);
  });

  it('refuses too few, saying how many approved and who', () => {
    expect(() => requireDistinctApprovers(approval([]), options)).toThrow(
      /2 distinct approvers are required, 0 approved \(none recorded\)/,
    );
    expect(() => requireDistinctApprovers(approval([ALICE]), options)).toThrow(ApprovalRuleError);
  });

  it('compares people exactly on their normalized identity (a user and a role are two people)', () => {
    const requesterAsUser = REQUESTER.replace('assumed-role/Operator/carol', 'user/carol');
    expect(requireDistinctApprovers(approval([requesterAsUser, ALICE]), options)).toHaveLength(2);
  });
});
