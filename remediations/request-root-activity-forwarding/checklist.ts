/**
 * Pure: the OpsItem that asks the organization team to repair how an account forwards its root activity to the
 * central event bus. The forwarding lives in the account's instances of the member-forwarding StackSet
 * (stacksets/member-forwarding.yaml: three rules on the default bus of every Region, targeting the central bus
 * through the fixed-name role of the member StackSet, stacksets/member-account.yaml); rootguard's remediation
 * Lambdas cannot deploy StackSet instances, so this remediation hands over a checklist. The OpsItem flow (dedup, dry run, create) is remediations/lib/ops-item.ts; the Lambda that opens it is
 * remediations/request-hardware-mfa/handler.ts, which serves every request-type document.
 */
import type { OpsItemTask } from '../lib/ops-item';

export const RULE_ID = 'root-activity-alerting';
/** The `task` RootGuard-RequestRootActivityForwarding sends in its Payload. */
export const TASK_ID = 'root-activity-forwarding';
/** The member StackSet (forwarding role) and the forwarding StackSet with its three rules per Region. */
export const MEMBER_STACK_SET = 'rootguard-member';
export const FORWARDING_STACK_SET = 'rootguard-member-forwarding';
export const FORWARDING_RULES = [
  'rootguard-root-console-sign-in',
  'rootguard-root-api-call',
  'rootguard-root-console-action',
] as const;

export function opsItemTitle(accountId: string): string {
  return `Repair the forwarding of root activity from ${accountId} to the central event bus`;
}

/** The checklist the OpsItem carries (CreateOpsItem: at most 2,048 characters). */
export function opsItemDescription(accountId: string): string {
  const [signIn, apiCall, consoleAction] = FORWARDING_RULES;
  return [
    `rootguard (${RULE_ID}) found that root activity in AWS account ${accountId} raises no alert in some Region (the Config annotation names them): no rule in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS with a target forwards it, and no CIS root-usage metric filter with an alarm watches it.`,
    '',
    'Checklist (organization team; management account or StackSets delegated administrator):',
    `1. Check the ${FORWARDING_STACK_SET} StackSet instances of ${accountId}: aws cloudformation list-stack-instances --stack-set-name ${FORWARDING_STACK_SET} --stack-instance-account ${accountId} (--call-as DELEGATED_ADMIN from a delegated administrator). Expect SUCCEEDED in every Region named; note OUTDATED, FAILED or missing Regions and their StatusReason. The ${MEMBER_STACK_SET} instance (us-east-1) must exist too, with CentralEventBusArn set: it holds the forwarding role.`,
    `2. Add the missing Regions: aws cloudformation create-stack-instances --stack-set-name ${FORWARDING_STACK_SET} --regions <Regions> --deployment-targets OrganizationalUnitIds=<its OU>,Accounts=${accountId},AccountFilterType=INTERSECTION (update-stack-instances for OUTDATED ones). An opt-in Region must be enabled in the account first.`,
    `3. In ${accountId}, in each Region named: aws events describe-rule --name ${apiCall} (and ${consoleAction}; ${signIn} in us-east-1) shows State ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS (plain ENABLED misses read-only calls); aws events list-targets-by-rule --rule <name> shows the central bus ARN with the forwarding role.`,
    `4. Send a test event: aws events test-event-pattern with each rule's pattern and a root sample of that Region prints true. End to end: inside a break-glass window, make a read-only root call there and see the MEDIUM alert; FailedInvocations stays 0.`,
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
