/**
 * Pure: rootguard's own root audit sessions, told apart from every other sts:AssumeRoot session.
 *
 * What CloudTrail records (ARCHITECTURE.md, "AWS facts"):
 * - in the CALLING account (the management account, or the IAM delegated administrator), one `AssumeRoot`
 *   event (source `aws.sts`): `userIdentity` is the caller (an assumed role, `sessionContext.sessionIssuer.arn`
 *   its role), `requestParameters.targetPrincipal` the member account, `requestParameters.taskPolicyArn.arn`
 *   the task policy, and `responseElements.credentials.accessKeyId` the key of the root session it issued;
 * - in the MEMBER account, every call of that session as the member's own root (`userIdentity.type` Root,
 *   `sessionContext.assumedRoot` "true", `accessKeyId` = the issued key). Nothing there names the caller: AWS's
 *   own procedure ties the two sides by the access key id.
 *
 * So an assumed-root event is rootguard's audit only when the issuance event of ITS key was seen on the
 * central bus from the audit role's own account, made by exactly the configured audit role, for exactly this
 * member account, with the audit task policy, and the member's call is one the audit policy allows, inside the
 * session's lifetime. Anything else pages (and names the caller whenever an issuance of the key was seen).
 *
 * Neither side can be forged by a member account: both events carry an `aws.` source (refused to anybody's
 * PutEvents) and the envelope account EventBridge writes; the issuance must come from the audit role's account.
 */

import { oneLine } from '../../lib/escape';
import { accountOfArn, partitionFromArn } from '../../lib/partition';
import * as z from '../../lib/zod-mini';
import type { RootActivity } from './classify';
import type { RootActivityEvent } from './event';

/** The task policy the root audit session uses (an AWS managed policy, one per partition). */
export const AUDIT_TASK_POLICY_NAME = 'root-task/IAMAuditRootUserCredentials';
export const auditTaskPolicyArn = (partition: string) =>
  `arn:${partition}:iam::aws:policy/${AUDIT_TASK_POLICY_NAME}`;

/**
 * The calls IAMAuditRootUserCredentials allows on the root user (IAM User Guide, "Privileged tasks"). A call
 * outside this list in a session that claims to be the audit (even a denied one) pages.
 */
export const AUDIT_POLICY_EVENT_NAMES: ReadonlySet<string> = new Set([
  'GetAccessKeyLastUsed',
  'GetAccountSummary',
  'GetLoginProfile',
  'GetUser',
  'ListAccessKeys',
  'ListMFADevices',
  'ListSigningCertificates',
]);
export const AUDIT_POLICY_EVENT_SOURCE = 'iam.amazonaws.com';

/** sts:AssumeRoot sessions last at most 900 s; a little clock skew either side. */
export const MAX_ROOT_SESSION_SECONDS = 900;
export const SESSION_SKEW_MS = 60_000;

export const ASSUME_ROOT_EVENT_SOURCE = 'sts.amazonaws.com';
export const ASSUME_ROOT_SOURCE = 'aws.sts';

const FIELD_MAX = { arn: 256, key: 128 } as const;

/** One root session issued by sts:AssumeRoot, as its caller's CloudTrail recorded it. */
export interface RootSessionIssuance {
  /** The key the member-side events carry (`userIdentity.accessKeyId`). */
  accessKeyId: string;
  /** The member account the session acts in. */
  targetAccountId: string;
  /** The account that called AssumeRoot (the envelope account of the issuance event). */
  callerAccountId: string;
  /** The role behind the caller's session (sessionIssuer.arn), or the caller's own ARN. */
  callerArn: string;
  taskPolicyArn: string;
  /** When the session was issued (the AssumeRoot event time). */
  issuedAt: string;
  /** When its credentials expire (responseElements), or issuedAt + 900 s when not recorded. */
  expiresAt: string;
}

const issuanceDetailSchema = z.looseObject({
  userIdentity: z.looseObject({
    type: z.string(),
    arn: z.optional(z.string()),
    accountId: z.optional(z.string()),
    sessionContext: z.optional(
      z.looseObject({ sessionIssuer: z.optional(z.looseObject({ arn: z.optional(z.string()) })) }),
    ),
  }),
  requestParameters: z.looseObject({
    targetPrincipal: z.string(),
    taskPolicyArn: z.looseObject({ arn: z.string() }),
  }),
  responseElements: z.looseObject({
    credentials: z.looseObject({
      accessKeyId: z.string().check(z.minLength(1)),
      expiration: z.optional(z.unknown()),
    }),
  }),
});

export type IssuanceRefusal =
  | 'not-assume-root'
  | 'source-not-sts'
  | 'failed-call'
  | 'malformed'
  | 'caller-account-mismatch'
  | 'target-not-an-account'
  | 'no-audit-role-configured'
  | 'not-audit-account';

/** Whether a parsed API-call event is an AssumeRoot issuance (routing only; issuanceOf decides the rest). */
export function isAssumeRootEvent(event: RootActivityEvent): boolean {
  return (
    event.detail.eventSource === ASSUME_ROOT_EVENT_SOURCE &&
    event.detail.eventName === 'AssumeRoot' &&
    event.detail.userIdentity.type !== 'Root'
  );
}

/** `222222222222` or `arn:aws:iam::222222222222:root` → the account id. */
function targetAccount(targetPrincipal: string): string | undefined {
  if (/^\d{12}$/.test(targetPrincipal)) return targetPrincipal;
  const account = accountOfArn(targetPrincipal);
  return account !== undefined && targetPrincipal.endsWith(':root') ? account : undefined;
}

function expiration(value: unknown, issuedAt: string): string {
  const fallback = new Date(Date.parse(issuedAt) + MAX_ROOT_SESSION_SECONDS * 1000).toISOString();
  // CloudTrail writes `expiration` as "Oct 25, 2024, 9:07:11 PM" in some STS records: any parseable date is
  // taken, but never later than the 900 s AssumeRoot allows.
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(parsed)) return fallback;
  return new Date(Math.min(parsed, Date.parse(fallback))).toISOString();
}

/**
 * The issuance an AssumeRoot event records, or why it records none. The caller's account is the envelope
 * account (EventBridge sets it); the identity must belong to it, so the ARN cannot name another account.
 */
export function issuanceOf(
  event: RootActivityEvent,
): { ok: true; issuance: RootSessionIssuance } | { ok: false; reason: IssuanceRefusal } {
  const { detail } = event;
  if (!isAssumeRootEvent(event)) return { ok: false, reason: 'not-assume-root' };
  if (event.source !== ASSUME_ROOT_SOURCE) return { ok: false, reason: 'source-not-sts' };
  if (detail.errorCode !== undefined || detail.errorMessage !== undefined)
    return { ok: false, reason: 'failed-call' };
  const parsed = issuanceDetailSchema.safeParse(detail);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const { userIdentity, requestParameters, responseElements } = parsed.data;
  const envelope = event.account;
  const callerArn = userIdentity.sessionContext?.sessionIssuer?.arn ?? userIdentity.arn;
  if (
    envelope === undefined ||
    userIdentity.accountId !== envelope ||
    callerArn === undefined ||
    accountOfArn(callerArn) !== envelope
  ) {
    return { ok: false, reason: 'caller-account-mismatch' };
  }
  const target = targetAccount(requestParameters.targetPrincipal);
  if (target === undefined) return { ok: false, reason: 'target-not-an-account' };
  return {
    ok: true,
    issuance: {
      accessKeyId: oneLine(responseElements.credentials.accessKeyId, FIELD_MAX.key),
      targetAccountId: target,
      callerAccountId: envelope,
      callerArn: oneLine(callerArn, FIELD_MAX.arn),
      taskPolicyArn: oneLine(requestParameters.taskPolicyArn.arn, FIELD_MAX.arn),
      issuedAt: detail.eventTime,
      expiresAt: expiration(responseElements.credentials.expiration, detail.eventTime),
    },
  };
}

/**
 * The issuances the alert keeps: only those of the audit role's own account (the management account, or the IAM
 * delegated administrator it lives in), the one account whose AssumeRoot calls the management-account stack
 * forwards (RootSessionIssuedRule). Any other account's AssumeRoot event, real or forwarded by a member
 * administrator through a rule of his own, is refused before it reaches the ledger: it can never silence an
 * audit read (auditVerdict also requires the audit role), and now it cannot fill the table either.
 */
export function issuanceFromAuditAccount(
  result: ReturnType<typeof issuanceOf>,
  auditRoleArn: string | undefined,
): ReturnType<typeof issuanceOf> {
  if (!result.ok) return result;
  if (auditRoleArn === undefined) return { ok: false, reason: 'no-audit-role-configured' };
  if (result.issuance.callerAccountId !== accountOfArn(auditRoleArn))
    return { ok: false, reason: 'not-audit-account' };
  return result;
}

/** Why an assumed-root event is (or is not) rootguard's own audit. */
export type AuditVerdict =
  | { audit: true }
  | {
      audit: false;
      reason:
        | 'not-assumed-root'
        | 'no-audit-role-configured'
        | 'issuance-not-seen'
        | 'other-caller'
        | 'other-task-policy'
        | 'other-account'
        | 'outside-session'
        | 'not-an-audit-read';
    };

/**
 * Pure: is this root activity a call of rootguard's root audit session? Every condition must hold; the
 * first that fails is the reason (logged, never silenced).
 */
export function auditVerdict(
  activity: RootActivity,
  issuance: RootSessionIssuance | undefined,
  auditRoleArn: string | undefined,
): AuditVerdict {
  const no = (reason: Extract<AuditVerdict, { audit: false }>['reason']): AuditVerdict => ({
    audit: false,
    reason,
  });
  if (activity.session !== 'assumed-root' || activity.accessKeyId === undefined)
    return no('not-assumed-root');
  if (auditRoleArn === undefined) return no('no-audit-role-configured');
  if (issuance === undefined || issuance.accessKeyId !== activity.accessKeyId) return no('issuance-not-seen');
  if (issuance.callerArn !== auditRoleArn || issuance.callerAccountId !== accountOfArn(auditRoleArn)) {
    return no('other-caller');
  }
  const partition = partitionFromArn(auditRoleArn) ?? 'aws';
  if (issuance.taskPolicyArn !== auditTaskPolicyArn(partition)) return no('other-task-policy');
  if (issuance.targetAccountId !== activity.accountId) return no('other-account');
  const t = Date.parse(activity.eventTime);
  if (
    t < Date.parse(issuance.issuedAt) - SESSION_SKEW_MS ||
    t > Date.parse(issuance.expiresAt) + SESSION_SKEW_MS
  ) {
    return no('outside-session');
  }
  if (
    activity.kind !== 'api-call' ||
    activity.eventSource !== AUDIT_POLICY_EVENT_SOURCE ||
    !AUDIT_POLICY_EVENT_NAMES.has(activity.eventName)
  ) {
    return no('not-an-audit-read');
  }
  return { audit: true };
}
