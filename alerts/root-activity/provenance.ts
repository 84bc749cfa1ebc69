/**
 * Pure: whether a root-activity event can be what it claims to be, judged from the fields a member account
 * cannot set. An administrator of one member account (A) can put events on the central bus through a role he
 * names like the forwarding role; what he cannot choose is
 *
 * - the envelope `account`: EventBridge sets it to the account that put the event (for an event a rule
 *   forwards, the account where the event happened), never to a value in the request;
 * - a `source` beginning with `aws.`: reserved to AWS services, refused by PutEvents from anybody else.
 *
 * So an event is accepted only when its source is the one CloudTrail uses for its detail-type (`aws.signin`
 * for sign-ins, `aws.<service>` for API calls and console actions; the central patterns pin the same) and the
 * root that acted belongs to the envelope account: `detail.userIdentity.accountId` and, where present,
 * `detail.recipientAccountId` equal `account`. The alert and the finding then name the envelope account.
 *
 * Cases where they legitimately differ, and what happens:
 * - An sts:AssumeRoot session is recorded in the member account as that account's root (identity = recipient =
 *   envelope = the member): accepted. The AssumeRoot call itself, on the caller's side, is made by an IAM
 *   principal of the management account, not by a root user: the patterns never deliver it.
 * - A root user's call on a resource of another account is recorded in the caller's account (accepted: it
 *   pages) and may also be delivered to the resource owner's account (recipient = envelope ≠ identity): that
 *   copy is refused, so one root action pages once, about the account whose root acted.
 */
import { oneLine } from '../../lib/escape';
import { CONSOLE_SIGN_IN_DETAIL_TYPE, type RootActivityEvent } from './event';

/** The source CloudTrail gives console sign-ins on EventBridge. */
export const SIGN_IN_SOURCE = 'aws.signin';
/** Every AWS service's events carry a source beginning with this; nobody else may use it. */
export const AWS_SOURCE_PREFIX = 'aws.';

const EVIDENCE_MAX = 128;

export type ForgeryReason =
  | 'source-not-aws'
  | 'source-not-sign-in'
  | 'no-envelope-account'
  | 'identity-account-mismatch'
  | 'recipient-account-mismatch';

/** What a refused event's log line may say: its ids and accounts, never its content. */
export interface ForgeryEvidence {
  reason: ForgeryReason;
  source: string;
  detailType: string;
  envelopeAccount: string | undefined;
  identityAccount: string | undefined;
  recipientAccount: string | undefined;
}

export type Provenance = { ok: true; accountId: string } | { ok: false; evidence: ForgeryEvidence };

/** Whether `source` is what CloudTrail puts on an event of `detailType` (the central patterns pin the same). */
export function expectedSource(detailType: string, source: string): ForgeryReason | undefined {
  if (detailType === CONSOLE_SIGN_IN_DETAIL_TYPE)
    return source === SIGN_IN_SOURCE ? undefined : 'source-not-sign-in';
  // API calls and console actions carry the service's own source (aws.iam, aws.ec2, aws.billingconsole...).
  return source.startsWith(AWS_SOURCE_PREFIX) && source.length > AWS_SOURCE_PREFIX.length
    ? undefined
    : 'source-not-aws';
}

export function provenanceOf(event: RootActivityEvent): Provenance {
  const { detail } = event;
  const evidence = (reason: ForgeryReason): Provenance => ({
    ok: false,
    evidence: {
      reason,
      // Chosen by whoever put the event: bounded, one line (the logger escapes JSON, not length).
      source: oneLine(event.source, EVIDENCE_MAX),
      detailType: oneLine(event['detail-type'], EVIDENCE_MAX),
      envelopeAccount: event.account,
      identityAccount: detail.userIdentity.accountId,
      recipientAccount: detail.recipientAccountId,
    },
  });
  const sourceProblem = expectedSource(event['detail-type'], event.source);
  if (sourceProblem) return evidence(sourceProblem);
  const envelope = event.account;
  if (envelope === undefined) return evidence('no-envelope-account');
  // A root identity always names its account; one that does not cannot be tied to the envelope.
  if (detail.userIdentity.accountId !== envelope) return evidence('identity-account-mismatch');
  if (detail.recipientAccountId !== undefined && detail.recipientAccountId !== envelope)
    return evidence('recipient-account-mismatch');
  return { ok: true, accountId: envelope };
}
