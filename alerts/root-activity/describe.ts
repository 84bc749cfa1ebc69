/**
 * Pure: the words rootguard uses for one root activity, shared by the SNS alert and the Security Hub finding
 * so both say the same thing. An AssumeRoot session is never called a root sign-in: no root credential
 * was used.
 */
import type { RootSessionIssuance } from './audit-session';
import type { RootActivity } from './classify';

/** `iam.amazonaws.com` + `CreateAccessKey` → `iam:CreateAccessKey`, the form IAM policies use. */
export function actionName(activity: Pick<RootActivity, 'eventSource' | 'eventName'>): string {
  return `${activity.eventSource.replace(/\.amazonaws\.com$/, '')}:${activity.eventName}`;
}

/**
 * A short phrase for subjects and titles: "root console sign-in", "root API call iam:CreateAccessKey",
 * "root console action billingconsole:CloseAccount", "AssumeRoot session API call iam:DeleteLoginProfile".
 */
export function activityLabel(activity: RootActivity): string {
  const who = activity.session === 'assumed-root' ? 'AssumeRoot session' : 'root';
  if (activity.kind === 'api-call') return `${who} API call ${actionName(activity)}`;
  if (activity.kind === 'console-action') return `${who} console action ${actionName(activity)}`;
  return activity.eventName === 'ConsoleLogin'
    ? `${who} console sign-in`
    : `${who} sign-in event ${activity.eventName}`;
}

/** A long-term (non-session) access key id. */
export const isLongTermKey = (accessKeyId: string | undefined) => accessKeyId?.startsWith('AKIA') ?? false;

export const mfaText = (value: boolean | undefined) =>
  value === undefined ? 'not recorded' : value ? 'yes' : 'NO';

function callPhrase(a: RootActivity): string {
  if (a.kind === 'console-action') {
    return a.outcome === 'failure'
      ? `tried ${actionName(a)} in the AWS console, which failed`
      : `did ${actionName(a)} in the AWS console`;
  }
  return a.outcome === 'failure' ? `tried to call ${actionName(a)}, which failed` : `called ${actionName(a)}`;
}

/** One plain sentence saying what happened, for the alert body and the finding description. */
export function activitySentence(a: RootActivity): string {
  if (a.session === 'assumed-root') {
    return `An sts:AssumeRoot session (centralized root access) ${callPhrase(a)} in account ${a.accountId}. No root password or access key was used.`;
  }
  if (a.kind !== 'console-sign-in') return `The root user of account ${a.accountId} ${callPhrase(a)}.`;
  if (a.eventName === 'ConsoleLogin') {
    return a.outcome === 'failure'
      ? `Someone tried to sign in to the AWS console as the root user of account ${a.accountId} and failed.`
      : `Someone signed in to the AWS console as the root user of account ${a.accountId}.`;
  }
  return `A root sign-in event ${a.eventName} (${a.outcome}) was recorded for account ${a.accountId}.`;
}

/**
 * Who started an AssumeRoot session, as far as CloudTrail says: the caller of the AssumeRoot call that issued
 * its key (seen on the central bus), else where to look.
 */
export function callerText(a: RootActivity, issuance: RootSessionIssuance | undefined): string {
  if (issuance && issuance.accessKeyId === a.accessKeyId) {
    return `${issuance.callerArn} (account ${issuance.callerAccountId}, task policy ${issuance.taskPolicyArn})`;
  }
  return `not seen by rootguard: the AssumeRoot call that issued access key ${a.accessKeyId ?? '(not recorded)'} is in the management or delegated administrator account's CloudTrail`;
}
