/**
 * The approver allow-list of the tests (RemediationApproverArns) and the people who approve. Approvers act through
 * the tooling account's approver role (one session per person, as IAM Identity Center names them) or as IAM users.
 */

import { type SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { ApprovalSettings } from '../../remediations/lib/env';
import { allowListPrincipals } from '../../remediations/lib/identity';
import { MEMBER_ACCOUNT, REGION, SECURITY_TOOLING_ACCOUNT } from './constants';

export const APPROVER_ROLE_ARN = `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:role/RemediationApprover`;
/** A session of the allow-listed approver role, i.e. one person. */
export const approverSession = (
  session: string,
  role = 'RemediationApprover',
  account = SECURITY_TOOLING_ACCOUNT,
) => `arn:aws:sts::${account}:assumed-role/${role}/${session}`;
export const CAROL = approverSession('carol');
/** Another person whose session name starts with carol's: never carol (no prefix matching). */
export const CAROL2 = approverSession('carol2');
/** An operator of the tooling account who starts a run (never an approver of it: the two-person rule). */
export const OPERATOR = `arn:aws:sts::${SECURITY_TOOLING_ACCOUNT}:assumed-role/Operator/carol`;
/** Allow-listed IAM users (the fixtures' ALICE and BOB). */
export const ALICE_USER = `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:user/alice`;
export const BOB_USER = `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:user/bob`;
/** The same role name in a member account: an administrator there controls it; it is not on the allow-list. */
export const MEMBER_ADMIN_APPROVER = approverSession('mallory', 'RemediationApprover', MEMBER_ACCOUNT);
export const MEMBER_ADMIN = `arn:aws:sts::${MEMBER_ACCOUNT}:assumed-role/Admin/mallory`;

export const AUTOMATION_ROLE_ARN = `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:role/rootguard-prod-remediation-automation`;
export const APPROVAL_TOPIC_ARN = `arn:aws:sns:${REGION}:${SECURITY_TOOLING_ACCOUNT}:AutomationRootGuardRemediationApprovals-prod`;
export const APPROVER_ARNS = [APPROVER_ROLE_ARN, ALICE_USER, BOB_USER];

/** The remediation Lambdas' approval settings (remediations/lib/env.ts) with the test allow-list. */
export function approvalSettingsFor(approverArns: string[] = APPROVER_ARNS): ApprovalSettings {
  return {
    approverArns,
    allowList: allowListPrincipals(approverArns),
    automationRoleArn: AUTOMATION_ROLE_ARN,
    approvalTopicArn: APPROVAL_TOPIC_ARN,
  };
}
/** The execution a member-account run files in the security tooling account (member-request.ts). */
export const REQUEST_EXECUTION_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** Asserts the request a member-account run files in the tooling account (member-request.ts): only that. */
export function expectToolingRequest(
  ssmMock: AwsClientStub<SSMClient>,
  documentName: string,
  memberExecutionId: string,
): void {
  expect(ssmMock).toHaveReceivedCommandWith(StartAutomationExecutionCommand, {
    DocumentName: documentName,
    ClientToken: memberExecutionId,
    Parameters: {
      AutomationAssumeRole: [AUTOMATION_ROLE_ARN],
      AccountId: [MEMBER_ACCOUNT],
      DryRun: ['false'],
      Approvers: APPROVER_ARNS,
      ApprovalNotificationArn: [APPROVAL_TOPIC_ARN],
    },
  });
}

/** The people of a two-person-rule test and how their decisions are recorded (the suite's fixtures). */
export interface TwoPersonRuleFixtures {
  alice: string;
  bob: string;
  requester: string;
  decision: (approver: string, verdict?: string) => string;
}

/**
 * The refusals of a step that needs two distinct allow-listed approvers other than the requester. `refused`
 * runs the step with the recorded approvals and expects an ApprovalRuleError with the message, nothing done.
 */
export function twoPersonRuleCases(
  refused: (recorded: { approvers?: string[]; decisions?: string[] }, message: RegExp) => Promise<void>,
  { alice, bob, requester, decision }: TwoPersonRuleFixtures,
): void {
  it('refuses one approver', async () => {
    await refused({ approvers: [alice] }, /2 distinct approvers are required, 1 approved/);
  });

  it('refuses the same approver twice', async () => {
    await refused({ approvers: [alice, alice] }, /2 distinct approvers are required, 1 approved/);
  });

  it("does not count the requester's own approval", async () => {
    await refused({ approvers: [requester, alice] }, /not counted: the requester .*carol/);
  });

  it('counts only Approve decisions', async () => {
    await refused({ decisions: [decision(alice), decision(bob, 'Reject')] }, /1 approved/);
  });
}
