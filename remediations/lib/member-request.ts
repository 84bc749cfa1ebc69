/**
 * A member-account run never acts: it files a request in the security tooling account.
 *
 * rootguard's remediation Lambdas act with management-account power (SCPs, sts:AssumeRoot). An execution record in
 * a member account is written, approved and even run from a document controlled by that account's administrators:
 * whoever administers ONE member account could start RootGuard-DeleteRootCredentials there with approvers they
 * control. Approvals can only be trusted where the approvers are: `aws:approve` is answered with
 * ssm:SendAutomationSignal in the account the execution runs in, and the approver allow-list
 * (RemediationApproverArns) names principals of the tooling account. So:
 *
 *   member-account record (read through the reader role): this document's deployed content, running, AccountId =
 *   that member account itself (the rule's resource: Config passes RESOURCE_ID)
 *     └─▶ ssm:StartAutomationExecution of the same document HERE, for that account only, DryRun false, Approvers =
 *         the allow-list, ClientToken = the member execution id (one request per member run, retries included)
 *         → {status: requested}; the member document ends there (its branch takes route "requested").
 *   The tooling-account execution then runs the usual way: plan or report, allow-listed approvals, act.
 *
 * A member administrator can therefore at most ask, for his own account, for what the rule already says his
 * account needs; he can neither choose the approvers, nor the target (no OU or root: TargetId stays blank), nor
 * skip the tooling account's approval. What SSM records about who started a member run (Config or a person) is not
 * relied on: it is logged only (see README "Remediations").
 */
import { type SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { awsCall, CollectError } from '../../lib/errors';
import { logger } from '../../lib/logger';
import type { ApprovalSettings } from './env';
import { InvalidRemediationConfigError } from './errors';

export interface FiledRequest {
  status: 'requested';
  /** Tells the member document's branch to end: nothing acts in the member account. */
  route: 'requested';
  accountId: string;
  /** The member-account execution that asked. */
  memberExecutionId: string;
  /** The execution started in the security tooling account, where the allow-listed approvers decide. */
  requestExecutionId: string;
  message: string;
}

export interface RequestToFile {
  documentName: string;
  accountId: string;
  memberExecutionId: string;
  /** Who started the member-account run, as its record says (the execution record's ExecutedBy): logged only. */
  requestedBy: string | undefined;
}

/** Who a member-account run was started by, as far as the record says: logged, never trusted. */
function startedBy(executedBy: string | undefined): 'aws-config' | 'other' {
  return /:assumed-role\/AWSServiceRoleForConfig(Remediation)?\//.test(executedBy ?? '')
    ? 'aws-config'
    : 'other';
}

/**
 * Starts the tooling-account execution that stands for a member-account run (idempotent per member run) and
 * logs it.
 */
export async function fileToolingRequest(
  ssm: SSMClient,
  settings: ApprovalSettings,
  request: RequestToFile,
): Promise<FiledRequest> {
  const { accountId, memberExecutionId, documentName } = request;
  const missing = [
    settings.approverArns.length === 0 ? 'REMEDIATION_APPROVER_ARNS' : undefined,
    settings.automationRoleArn ? undefined : 'REMEDIATION_AUTOMATION_ROLE_ARN',
    settings.approvalTopicArn ? undefined : 'REMEDIATION_APPROVAL_TOPIC_ARN',
  ].filter((v): v is string => v !== undefined);
  if (missing.length > 0) {
    throw new InvalidRemediationConfigError(
      `a member-account run of ${documentName} for ${accountId} files a request in the security tooling ` +
        `account, which needs ${missing.join(', ')} (deploy parameter RemediationApproverArns and the central stack)`,
      { accountId },
    );
  }
  const out = await awsCall('ssm:StartAutomationExecution', accountId, () =>
    ssm.send(
      new StartAutomationExecutionCommand({
        DocumentName: documentName,
        ClientToken: memberExecutionId,
        Parameters: {
          AutomationAssumeRole: [settings.automationRoleArn as string],
          AccountId: [accountId],
          DryRun: ['false'],
          Approvers: settings.approverArns,
          ApprovalNotificationArn: [settings.approvalTopicArn as string],
        },
      }),
    ),
  );
  if (!out.AutomationExecutionId) {
    throw new CollectError(`ssm:StartAutomationExecution returned no execution id for ${documentName}`, {
      action: 'ssm:StartAutomationExecution',
      accountId,
    });
  }
  logger.info('Member-account run: request filed', {
    requestExecutionId: out.AutomationExecutionId,
    startedBy: startedBy(request.requestedBy),
  });
  return {
    status: 'requested',
    route: 'requested',
    accountId,
    memberExecutionId,
    requestExecutionId: out.AutomationExecutionId,
    message:
      `Nothing done in account ${accountId}: a member-account run only asks. Request ${out.AutomationExecutionId} ` +
      `(${documentName}) now waits in the security tooling account for its allow-listed approvers.`,
  };
}
