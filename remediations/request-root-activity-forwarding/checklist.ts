/**
 * Pure: the OpsItem that asks the organization team to repair how an account forwards its root activity to the
 * central event bus. The forwarding lives in the account's instance of the member StackSet (stacksets/
 * member-account.yaml: two rules on the default bus in the root sign-in Region, targeting the central bus through a
 * role); rootguard's remediation Lambdas cannot deploy StackSet instances, so this remediation hands over a
 * checklist. The OpsItem flow (dedup, dry run, create) is remediations/lib/ops-item.ts; the Lambda that opens it is
 * remediations/request-hardware-mfa/handler.ts, which serves every request-type document.
 */
import type { OpsItemTask } from '../lib/ops-item';

export const RULE_ID = 'root-activity-alerting';
/** The `task` RootGuard-RequestRootActivityForwarding sends in its Payload. */
export const TASK_ID = 'root-activity-forwarding';
/** The member StackSet and the two forwarding rules it creates (stacksets/member-account.yaml). */
export const MEMBER_STACK_SET = 'rootguard-member';
export const FORWARDING_RULES = ['rootguard-root-console-sign-in', 'rootguard-root-api-call'] as const;

export function opsItemTitle(accountId: string): string {
  return `Repair the forwarding of root activity from ${accountId} to the central event bus`;
}

/** The checklist the OpsItem carries (CreateOpsItem: at most 2,048 characters). */
export function opsItemDescription(accountId: string): string {
  const [signIn, apiCall] = FORWARDING_RULES;
  return [
    `rootguard (${RULE_ID}) found that a root console sign-in in AWS account ${accountId} raises no alert: no enabled rule with a target forwards it, and no CIS root-usage metric filter with an alarm watches it.`,
    '',
    'Checklist (organization team; management account or StackSets delegated administrator):',
    `1. Check the ${MEMBER_STACK_SET} StackSet instance of ${accountId}: aws cloudformation list-stack-instances --stack-set-name ${MEMBER_STACK_SET} --stack-instance-account ${accountId} (add --call-as DELEGATED_ADMIN from a delegated administrator). Expect SUCCEEDED; note OUTDATED, FAILED or a missing instance and its StatusReason.`,
    `2. Re-deploy it with CentralEventBusArn set to the central bus: aws cloudformation update-stack-instances --stack-set-name ${MEMBER_STACK_SET} --regions us-east-1 --deployment-targets OrganizationalUnitIds=<its OU>,Accounts=${accountId},AccountFilterType=INTERSECTION --parameter-overrides ParameterKey=CentralEventBusArn,ParameterValue=<central bus ARN> (create-stack-instances if it has none; cn-north-1 or us-gov-west-1 in those partitions).`,
    `3. In ${accountId}, us-east-1: aws events describe-rule --name ${signIn} and --name ${apiCall} show State ENABLED; aws events list-targets-by-rule --rule <name> shows the central bus ARN with the forwarding role.`,
    `4. Send a test event: aws events test-event-pattern with each rule's pattern and a root sign-in sample must print true. EventBridge refuses aws.* sources in PutEvents, so end to end: sign in as root inside an approved break-glass window and see the MEDIUM alert arrive; the rules' FailedInvocations metric stays 0.`,
    `5. Re-evaluate the ${RULE_ID} Config rule in ${accountId} (aws configservice start-config-rules-evaluation with its name) and resolve this OpsItem once it is COMPLIANT.`,
  ].join('\n');
}

export const ROOT_ACTIVITY_FORWARDING_TASK: OpsItemTask = {
  id: TASK_ID,
  folder: 'request-root-activity-forwarding',
  ruleId: RULE_ID,
  subject: 'the root activity forwarding',
  title: opsItemTitle,
  description: opsItemDescription,
};
