/**
 * The EventBridge envelope and the CloudTrail `detail` the root-activity alert reads. Only the fields the
 * alert uses are checked; everything else passes through untouched, so a new CloudTrail field never breaks
 * the alert, while a missing or mistyped field we rely on makes the event invalid (it is then parked on the
 * invalid-event queue, not half-alerted).
 */
import * as z from 'zod';
import { envelopeSummary, eventParser } from '../../lib/event-validation';
import { ACCOUNT_ID_PATTERN } from '../../lib/partition';
import { InvalidAlertEventError } from './errors';

export const CONSOLE_SIGN_IN_DETAIL_TYPE = 'AWS Console Sign In via CloudTrail';
export const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
/** Some consoles (billing, for one) record what the root user does in them this way, not as an API call. */
export const CONSOLE_ACTION_DETAIL_TYPE = 'AWS Console Action via CloudTrail';

const accountId = z.string().regex(ACCOUNT_ID_PATTERN, 'expected a 12-digit account id');
const isoTime = z.iso.datetime({ offset: true });
const text = z.string().min(1);

const sessionContextSchema = z.looseObject({
  attributes: z.looseObject({ mfaAuthenticated: z.string().optional() }).optional(),
  /** "true" on sessions issued by sts:AssumeRoot (centralized root access). */
  assumedRoot: z.string().optional(),
  /** Set by the caller's role session (sts:SetSourceIdentity); carried into an AssumeRoot session. */
  sourceIdentity: z.string().optional(),
});

const userIdentitySchema = z.looseObject({
  type: text,
  accountId: accountId.optional(),
  arn: z.string().optional(),
  accessKeyId: z.string().optional(),
  /** Present when an AWS service made the call on the principal's behalf. */
  invokedBy: z.string().optional(),
  sessionContext: sessionContextSchema.optional(),
});

export const cloudTrailDetailSchema = z.looseObject({
  userIdentity: userIdentitySchema,
  eventTime: isoTime,
  eventSource: text,
  eventName: text,
  awsRegion: text,
  // A UUID in practice; bounded so the finding id built from it stays within ASFF's 512 characters.
  eventID: text.max(128),
  eventType: z.string().optional(),
  sourceIPAddress: z.string().optional(),
  userAgent: z.string().optional(),
  recipientAccountId: accountId.optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  // Objects, or null when CloudTrail has nothing to record (e.g. a failed call).
  responseElements: z.record(z.string(), z.unknown()).nullish(),
  additionalEventData: z.record(z.string(), z.unknown()).nullish(),
});

export const rootActivityEventSchema = z
  .looseObject({
    version: z.string().optional(),
    id: text,
    'detail-type': text,
    source: text,
    // Real events always carry `account`; it is optional because the detail names the account too, and
    // some deliveries (e.g. the local emulator's) drop it.
    account: accountId.optional(),
    time: isoTime.optional(),
    region: z.string().optional(),
    resources: z.array(z.string()).optional(),
    detail: cloudTrailDetailSchema,
  })
  .refine(
    (e) => (e.detail.userIdentity.accountId ?? e.detail.recipientAccountId ?? e.account) !== undefined,
    {
      message: 'no account id in detail.userIdentity, detail.recipientAccountId or account',
      path: ['detail'],
    },
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
