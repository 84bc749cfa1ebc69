/**
 * The EventBridge envelope and the CloudTrail `detail` the root-activity alert reads. Only the fields the
 * alert uses are checked; everything else passes through untouched, so a new CloudTrail field never breaks
 * the alert, while a missing or mistyped field we rely on makes the event invalid (it is then parked on the
 * invalid-event queue, not half-alerted).
 */

import { envelopeSummary, eventParser } from '../../lib/event-validation';
import { ACCOUNT_ID_PATTERN } from '../../lib/partition';
import * as z from '../../lib/zod-mini';
import { InvalidAlertEventError } from './errors';

export const CONSOLE_SIGN_IN_DETAIL_TYPE = 'AWS Console Sign In via CloudTrail';
export const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
/** Some consoles (billing, for one) record what the root user does in them this way, not as an API call. */
export const CONSOLE_ACTION_DETAIL_TYPE = 'AWS Console Action via CloudTrail';

const accountId = z.string().check(z.regex(ACCOUNT_ID_PATTERN, 'expected a 12-digit account id'));
const isoTime = z.iso.datetime({ offset: true });
const text = z.string().check(z.minLength(1));
const optionalString = z.optional(z.string());

const sessionContextSchema = z.looseObject({
  attributes: z.optional(z.looseObject({ mfaAuthenticated: optionalString })),
  /** "true" on sessions issued by sts:AssumeRoot (centralized root access). */
  assumedRoot: optionalString,
  /** Set by the caller's role session (sts:SetSourceIdentity); carried into an AssumeRoot session. */
  sourceIdentity: optionalString,
});

const userIdentitySchema = z.looseObject({
  type: text,
  accountId: z.optional(accountId),
  arn: optionalString,
  accessKeyId: optionalString,
  /** Present when an AWS service made the call on the principal's behalf. */
  invokedBy: optionalString,
  sessionContext: z.optional(sessionContextSchema),
});

export const cloudTrailDetailSchema = z.looseObject({
  userIdentity: userIdentitySchema,
  eventTime: isoTime,
  eventSource: text,
  eventName: text,
  awsRegion: text,
  // A UUID in practice; bounded so the finding id built from it stays within ASFF's 512 characters.
  eventID: z.string().check(z.minLength(1), z.maxLength(128)),
  eventType: optionalString,
  sourceIPAddress: optionalString,
  userAgent: optionalString,
  recipientAccountId: z.optional(accountId),
  errorCode: optionalString,
  errorMessage: optionalString,
  // Objects, or null when CloudTrail has nothing to record (e.g. a failed call).
  responseElements: z.nullish(z.record(z.string(), z.unknown())),
  additionalEventData: z.nullish(z.record(z.string(), z.unknown())),
});

export const rootActivityEventSchema = z
  .looseObject({
    version: optionalString,
    id: text,
    'detail-type': text,
    source: text,
    // Real events always carry `account`; it is optional because the detail names the account too, and
    // some deliveries (e.g. the local emulator's) drop it.
    account: z.optional(accountId),
    time: z.optional(isoTime),
    region: optionalString,
    resources: z.optional(z.array(z.string())),
    detail: cloudTrailDetailSchema,
  })
  .check(
    z.refine(
      (e) => (e.detail.userIdentity.accountId ?? e.detail.recipientAccountId ?? e.account) !== undefined,
      {
        message: 'no account id in detail.userIdentity, detail.recipientAccountId or account',
        path: ['detail'],
      },
    ),
  );

export type RootActivityEvent = z.infer<typeof rootActivityEventSchema>;
export type CloudTrailDetail = z.infer<typeof cloudTrailDetailSchema>;

/**
 * Validates an EventBridge event carrying a CloudTrail record. Never throws: an invalid event comes back as
 * an InvalidAlertEventError whose message and issues name fields and rules, never the event's values.
 */
export const parseRootActivityEvent = eventParser(
  rootActivityEventSchema,
  'a CloudTrail event',
  InvalidAlertEventError,
);

/** The envelope fields safe to log about an event we could not parse (lib/event-validation.ts). */
export const eventSummary = (raw: unknown): { id?: string; detailType?: string } => envelopeSummary(raw);
