/**
 * Pure: turns a validated CloudTrail event into the facts an operator needs about one use of the root user.
 *
 * The EventBridge rules (patterns.json) already select root activity, but this function checks again and
 * refuses anything else, so a rule edited by hand (or a pattern bug) cannot page people about IAM users or
 * about calls AWS services make on root's behalf. The exclusions are those of the CIS root-usage metric
 * filter: `userIdentity.invokedBy` present, or `eventType` = `AwsServiceEvent`.
 */
import { oneLine, optionalLine } from '../../lib/escape';
import {
  API_CALL_DETAIL_TYPE,
  CONSOLE_ACTION_DETAIL_TYPE,
  CONSOLE_SIGN_IN_DETAIL_TYPE,
  type RootActivityEvent,
} from './event';

/**
 * `console-action`: an action in a console that CloudTrail records as "AWS Console Action via CloudTrail"
 * (eventType AwsConsoleAction), e.g. closing the account in the billing console: neither a sign-in nor an
 * API call, and as much a use of root as either.
 */
export type ActivityKind = 'console-sign-in' | 'api-call' | 'console-action';
/**
 * `assumed-root`: a short session from sts:AssumeRoot (centralized root access), started by the management
 * account or the IAM delegated administrator. Nobody used root's own password or keys.
 */
export type RootSession = 'root-credentials' | 'assumed-root';
export type Outcome = 'success' | 'failure';

export interface RootActivity {
  /** The account whose root user acted. */
  accountId: string;
  /** CloudTrail's eventID: unique per record, the basis of the idempotent finding id. */
  eventId: string;
  eventName: string;
  eventSource: string;
  eventTime: string;
  kind: ActivityKind;
  session: RootSession;
  outcome: Outcome;
  /** undefined when CloudTrail did not record it (e.g. a call signed with a long-term access key). */
  mfaUsed: boolean | undefined;
  sourceIp: string | undefined;
  userAgent: string | undefined;
  region: string;
  errorCode?: string;
  errorMessage?: string;
  /** The key that signed an API call; `AKIA…` is a long-term root access key, which should not exist. */
  accessKeyId?: string;
  /**
   * The MFA device a console sign-in used: CloudTrail's `additionalEventData.MFAIdentifier` (its serial
   * number or ARN), when recorded.
   */
  mfaDevice?: string;
  /** `userIdentity.sessionContext.sourceIdentity`: who the caller's session said it was, when set. */
  sourceIdentity?: string;
}

export type IgnoreReason =
  | 'not-root'
  | 'invoked-by-service'
  | 'aws-service-event'
  | 'unsupported-detail-type';

export type ClassifyResult = { ok: true; activity: RootActivity } | { ok: false; reason: IgnoreReason };

// A Map, not an object literal: a detail-type such as "constructor" must not hit Object.prototype.
const KIND_BY_DETAIL_TYPE = new Map<string, ActivityKind>([
  [CONSOLE_SIGN_IN_DETAIL_TYPE, 'console-sign-in'],
  [API_CALL_DETAIL_TYPE, 'api-call'],
  [CONSOLE_ACTION_DETAIL_TYPE, 'console-action'],
]);

/**
 * A CloudTrail flag read case-insensitively: real records spell them `Yes`/`YES`, `true`/`True`. Anything
 * else (absent, another word, not a string) is not recorded.
 */
function flag(value: unknown, yes: string, no: string): boolean | undefined {
  if (typeof value !== 'string') return undefined;
  const word = value.toLowerCase();
  return word === yes ? true : word === no ? false : undefined;
}
const yesNo = (value: unknown) => flag(value, 'yes', 'no');
const trueFalse = (value: unknown) => flag(value, 'true', 'false');

/**
 * Bounds of the values copied from the event. Every one of them may have been chosen by whoever made the call
 * (a user agent, an error message), so each is made one safe line here (lib/escape.ts), once, before the page
 * or the finding sees it.
 */
export const FIELD_MAX = {
  eventId: 128,
  eventName: 128,
  eventSource: 128,
  region: 32,
  sourceIp: 64,
  userAgent: 256,
  errorCode: 128,
  errorMessage: 512,
  accessKeyId: 128,
  mfaDevice: 256,
  sourceIdentity: 128,
} as const;

export function classifyRootActivity(event: RootActivityEvent): ClassifyResult {
  const { detail } = event;
  const identity = detail.userIdentity;
  if (identity.type !== 'Root') return { ok: false, reason: 'not-root' };
  if (identity.invokedBy !== undefined) return { ok: false, reason: 'invoked-by-service' };
  if (detail.eventType === 'AwsServiceEvent') return { ok: false, reason: 'aws-service-event' };
  const kind = KIND_BY_DETAIL_TYPE.get(event['detail-type']);
  if (kind === undefined) return { ok: false, reason: 'unsupported-detail-type' };

  // The envelope account first: EventBridge sets it, a member account cannot (provenance.ts refuses an event
  // whose root belongs to another account before it gets here). The schema guarantees one of the three.
  const accountId = (event.account ?? identity.accountId ?? detail.recipientAccountId) as string;
  const failed = detail.errorCode !== undefined || detail.errorMessage !== undefined;
  // Sign-in events report their result under their own name: {"ConsoleLogin": "Failure"},
  // {"PasswordRecoveryRequested": "Success"}, ...
  const signInResult = detail.responseElements?.[detail.eventName];
  // A sign-in says whether MFA was used; an API call or console action, whether its session was MFA-authenticated.
  const mfaFlag =
    kind === 'console-sign-in'
      ? yesNo(detail.additionalEventData?.MFAUsed)
      : trueFalse(identity.sessionContext?.attributes?.mfaAuthenticated);

  const activity: RootActivity = {
    accountId,
    eventId: oneLine(detail.eventID, FIELD_MAX.eventId),
    eventName: oneLine(detail.eventName, FIELD_MAX.eventName),
    eventSource: oneLine(detail.eventSource, FIELD_MAX.eventSource),
    eventTime: detail.eventTime,
    kind,
    session: trueFalse(identity.sessionContext?.assumedRoot) ? 'assumed-root' : 'root-credentials',
    outcome:
      failed || (typeof signInResult === 'string' && signInResult.toLowerCase() === 'failure')
        ? 'failure'
        : 'success',
    mfaUsed: mfaFlag,
    sourceIp: optionalLine(detail.sourceIPAddress, FIELD_MAX.sourceIp),
    userAgent: optionalLine(detail.userAgent, FIELD_MAX.userAgent),
    region: oneLine(detail.awsRegion, FIELD_MAX.region),
  };
  const errorCode = optionalLine(detail.errorCode, FIELD_MAX.errorCode);
  const errorMessage = optionalLine(detail.errorMessage, FIELD_MAX.errorMessage);
  const accessKeyId = optionalLine(identity.accessKeyId, FIELD_MAX.accessKeyId);
  if (errorCode) activity.errorCode = errorCode;
  if (errorMessage) activity.errorMessage = errorMessage;
  if (accessKeyId) activity.accessKeyId = accessKeyId;
  const mfaIdentifier = detail.additionalEventData?.MFAIdentifier;
  const mfaDevice =
    kind === 'console-sign-in' && typeof mfaIdentifier === 'string'
      ? optionalLine(mfaIdentifier, FIELD_MAX.mfaDevice)
      : undefined;
  if (mfaDevice) activity.mfaDevice = mfaDevice;
  const sourceIdentity = optionalLine(identity.sessionContext?.sourceIdentity, FIELD_MAX.sourceIdentity);
  if (sourceIdentity) activity.sourceIdentity = sourceIdentity;
  return { ok: true, activity };
}
