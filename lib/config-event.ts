/**
 * Parses the event Config sends to a custom-rule Lambda. `invokingEvent` and `ruleParameters` arrive as
 * JSON strings; both are decoded and validated here so a rule never sees a half-valid event.
 */

import { InvalidConfigEventError } from './errors';
import { ACCOUNT_ID_PATTERN, type Partition, partitionForRegion, partitionFromArn } from './partition';
import * as z from './zod-mini';

const accountId = z.string().check(z.regex(ACCOUNT_ID_PATTERN, 'expected a 12-digit account id'));
const isoTime = z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 time'));
const optionalString = z.optional(z.string());
const nonEmpty = z.string().check(z.minLength(1));
/** What the item (or its summary) may say about when and whose; everything else passes through. */
const itemTimes = z.looseObject({
  configurationItemCaptureTime: z.optional(isoTime),
  awsAccountId: z.optional(accountId),
});

const scheduled = z.object({
  messageType: z.literal('ScheduledNotification'),
  awsAccountId: z.optional(accountId),
  notificationCreationTime: isoTime,
});

const itemChange = z.object({
  messageType: z.literal('ConfigurationItemChangeNotification'),
  notificationCreationTime: isoTime,
  configurationItem: z.nullable(itemTimes),
});

const oversized = z.object({
  messageType: z.literal('OversizedConfigurationItemChangeNotification'),
  notificationCreationTime: isoTime,
  configurationItemSummary: itemTimes,
});

export const invokingEventSchema = z.discriminatedUnion('messageType', [scheduled, itemChange, oversized]);
export type InvokingEvent = z.infer<typeof invokingEventSchema>;

export const configRuleEventSchema = z.looseObject({
  version: optionalString,
  invokingEvent: z.string().check(z.minLength(2)),
  ruleParameters: optionalString,
  resultToken: nonEmpty,
  eventLeftScope: z.optional(z.boolean()),
  executionRoleArn: optionalString,
  configRuleArn: optionalString,
  configRuleName: nonEmpty,
  configRuleId: optionalString,
  accountId,
  evaluationMode: optionalString,
});

export const TEST_MODE_TOKEN = 'TESTMODE';

export interface ConfigRuleInvocation {
  accountId: string;
  region: string;
  partition: Partition;
  configRuleName: string;
  messageType: InvokingEvent['messageType'];
  /** When Config created the notification: the time of a periodic evaluation. */
  notificationCreationTime: string;
  /** OrderingTimestamp for PutEvaluations: the item capture time for change events, else the notification time. */
  orderingTimestamp: string;
  resultToken: string;
  testMode: boolean;
  eventLeftScope: boolean;
  /** Decoded but not yet validated against the rule's definitions. */
  rawParameters: unknown;
  /** The role Config used in the evaluated account, and the rule's ARN: the membership guard checks their accounts. */
  executionRoleArn: string | undefined;
  configRuleArn: string | undefined;
}

function describeIssues(error: z.core.$ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

function decodeJson(text: string, field: string, account?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidConfigEventError(`Config event field ${field} is not valid JSON`, {
      accountId: account,
      cause,
    });
  }
}

function regionFromArn(arn: string | undefined): string | undefined {
  const region = arn?.split(':')[3];
  return region && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ? region : undefined;
}

/**
 * Validates and decodes a Config custom-rule event. `fallbackRegion` is the Lambda's own region
 * (AWS_REGION), used when the event carries no rule ARN.
 */
export function parseConfigRuleEvent(event: unknown, fallbackRegion: string): ConfigRuleInvocation {
  const outer = configRuleEventSchema.safeParse(event);
  if (!outer.success) {
    const account = (event as { accountId?: unknown } | null)?.accountId;
    throw new InvalidConfigEventError(
      `Not a Config custom-rule event: ${describeIssues(outer.error)}`,
      typeof account === 'string' ? { accountId: account } : {},
    );
  }
  const e = outer.data;
  const invoking = invokingEventSchema.safeParse(decodeJson(e.invokingEvent, 'invokingEvent', e.accountId));
  if (!invoking.success) {
    throw new InvalidConfigEventError(
      `Config invokingEvent is malformed: ${describeIssues(invoking.error)}`,
      {
        accountId: e.accountId,
      },
    );
  }
  const inv = invoking.data;
  const rawParameters =
    e.ruleParameters === undefined || e.ruleParameters.trim() === ''
      ? {}
      : decodeJson(e.ruleParameters, 'ruleParameters', e.accountId);

  const captureTime =
    inv.messageType === 'ConfigurationItemChangeNotification'
      ? inv.configurationItem?.configurationItemCaptureTime
      : inv.messageType === 'OversizedConfigurationItemChangeNotification'
        ? inv.configurationItemSummary.configurationItemCaptureTime
        : undefined;

  const region = regionFromArn(e.configRuleArn) ?? fallbackRegion;
  return {
    accountId: e.accountId,
    region,
    partition:
      partitionFromArn(e.configRuleArn) ?? partitionFromArn(e.executionRoleArn) ?? partitionForRegion(region),
    configRuleName: e.configRuleName,
    messageType: inv.messageType,
    notificationCreationTime: new Date(inv.notificationCreationTime).toISOString(),
    orderingTimestamp: new Date(captureTime ?? inv.notificationCreationTime).toISOString(),
    resultToken: e.resultToken,
    testMode: e.resultToken === TEST_MODE_TOKEN,
    eventLeftScope: e.eventLeftScope ?? false,
    rawParameters,
    executionRoleArn: e.executionRoleArn,
    configRuleArn: e.configRuleArn,
  };
}
