/**
 * Pure: the Security Hub (ASFF) finding for one root activity.
 *
 * - The Id is derived from the account and the CloudTrail eventID, so a Lambda retry (or a duplicate
 *   EventBridge delivery) re-imports the same finding instead of adding a second one.
 * - AwsAccountId is the importing (security tooling) account: with the default product ARN, Security Hub
 *   accepts only findings whose AwsAccountId is the caller's. The account whose root acted is the
 *   AwsAccount resource, the title and a user-defined field.
 * - Severity and Types are also sent under FindingProviderFields, the place Security Hub reads a provider's
 *   values from on updates (top-level Severity/Types belong to the analysts once they triage).
 * - After creation, BatchImportFindings no longer changes Note, UserDefinedFields or Workflow; a retry
 *   carries the same values anyway.
 */
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import * as asff from '../../findings/asff';
import type { RootSessionIssuance } from './audit-session';
import { alertSeverity, type BreakGlassStatus } from './break-glass-status';
import type { RootActivity } from './classify';
import { activityLabel, activitySentence, callerText, mfaText } from './describe';
import { custodyText, type DeviceCustody } from './device-custody';

export const GENERATOR_ID = 'rootguard/root-activity';

/** ASFF limits this module must respect (AwsSecurityFinding, Note and AwsApiCallAction in the API reference). */
export const NOTE_MAX = 512;
export const API_NAME_MAX = 128;

export interface RootActivityFindingInput {
  activity: RootActivity;
  breakGlass: BreakGlassStatus;
  target: asff.ImportTarget;
  /** The import time (ISO-8601): CreatedAt and UpdatedAt. */
  now: string;
  custody?: DeviceCustody;
  issuance?: RootSessionIssuance;
}

export function rootActivityFindingId(accountId: string, eventId: string): string {
  return `${GENERATOR_ID}/${accountId}/${eventId}`;
}

/** ASFF types (namespace/category/classifier), MITRE ATT&CK names as classifiers. */
export function findingTypes(activity: RootActivity): string[] {
  // An API call or a console action is root already inside the account, using its privileges.
  if (activity.kind !== 'console-sign-in')
    return ['Unusual Behaviors/User', 'TTPs/Privilege Escalation/Valid Accounts'];
  return activity.outcome === 'success'
    ? ['Unusual Behaviors/User', 'TTPs/Initial Access/Valid Accounts']
    : ['Unusual Behaviors/User', 'TTPs/Credential Access'];
}

/** The break-glass context in one sentence: finding description and Note. */
export function breakGlassSentence(status: BreakGlassStatus): string {
  switch (status.state) {
    case 'open': {
      const w = status.window;
      const approvers = w.approvers.length > 0 ? w.approvers.join(', ') : 'nobody recorded';
      return `Inside break-glass window ${w.windowId} for ticket ${w.ticketId} (${w.startsAt} to ${w.endsAt}, approved by ${approvers}).`;
    }
    case 'none':
      return 'No break-glass window covers this time: the root use was not expected.';
    case 'lookup-failed':
      return `The break-glass window lookup failed (${status.reason}), so this is treated as unexpected root use.`;
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** AwsApiCallAction takes an IPv4 caller only; "AWS Internal" or IPv6 sources leave the caller out. */
function apiCallAction(a: RootActivity): AwsSecurityFinding['Action'] {
  const caller =
    a.sourceIp !== undefined && IPV4.test(a.sourceIp)
      ? { CallerType: 'remoteip', RemoteIpDetails: { IpAddressV4: a.sourceIp } }
      : {};
  return {
    ActionType: 'AWS_API_CALL',
    AwsApiCallAction: {
      Api: asff.clip(a.eventName, API_NAME_MAX),
      ServiceName: asff.clip(a.eventSource, API_NAME_MAX),
      ...caller,
      FirstSeen: a.eventTime,
      LastSeen: a.eventTime,
    },
  };
}

function userDefinedFields(
  a: RootActivity,
  status: BreakGlassStatus,
  custody: DeviceCustody | undefined,
  issuance: RootSessionIssuance | undefined,
): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    accountId: a.accountId,
    eventName: a.eventName,
    kind: a.kind,
    session: a.session,
    outcome: a.outcome,
    mfaUsed: a.mfaUsed === undefined ? 'unknown' : String(a.mfaUsed),
    sourceIp: a.sourceIp,
    mfaDevice: a.mfaDevice,
    mfaDeviceCustody: custody && custody.state !== 'no-device' ? custody.state : undefined,
    assumeRootCaller: a.session === 'assumed-root' ? issuance?.callerArn : undefined,
    sourceIdentity: a.sourceIdentity,
    breakGlass: status.state,
    breakGlassTicket: status.state === 'open' ? status.window.ticketId : undefined,
    breakGlassWindowId: status.state === 'open' ? status.window.windowId : undefined,
  };
  // ASFF rejects empty values: absent facts are left out rather than sent blank.
  return Object.fromEntries(
    Object.entries(fields)
      .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
      .map(([k, v]) => [k, asff.clip(v, asff.USER_DEFINED_VALUE_MAX)]),
  );
}

function capitalize(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

export function buildRootActivityFinding(input: RootActivityFindingInput): AwsSecurityFinding {
  const { activity: a, breakGlass, target, now, custody, issuance } = input;
  const description = [
    activitySentence(a),
    `MFA used: ${mfaText(a.mfaUsed)}.`,
    ...(a.mfaDevice
      ? [`MFA device ${a.mfaDevice}: ${custodyText(custody ?? { state: 'no-register' })}.`]
      : []),
    ...(a.session === 'assumed-root' ? [`Started by: ${callerText(a, issuance)}.`] : []),
    `Source IP: ${a.sourceIp ?? 'not recorded'}. Region: ${a.region}. CloudTrail event ${a.eventId} at ${a.eventTime}.`,
    breakGlassSentence(breakGlass),
  ].join(' ');

  const finding: AwsSecurityFinding = {
    ...asff.findingBase({
      id: rootActivityFindingId(a.accountId, a.eventId),
      generatorId: GENERATOR_ID,
      target,
      types: findingTypes(a),
      severity: alertSeverity(breakGlass, custody),
      observedAt: a.eventTime,
      importedAt: now,
    }),
    Title: asff.clip(
      `${capitalize(activityLabel(a))} (${a.outcome}) in account ${a.accountId}`,
      asff.TITLE_MAX,
    ),
    Description: asff.clip(description, asff.DESCRIPTION_MAX),
    Resources: [asff.accountResource(target, a.accountId)],
    Action: apiCallAction(a),
    UserDefinedFields: userDefinedFields(a, breakGlass, custody, issuance),
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
  };
  // A note only where a person should read one: the ticket that makes the activity expected, or the
  // warning that nobody could check.
  if (breakGlass.state !== 'none') {
    finding.Note = {
      Text: asff.clip(breakGlassSentence(breakGlass), NOTE_MAX),
      UpdatedBy: GENERATOR_ID,
      UpdatedAt: now,
    };
  }
  return finding;
}
