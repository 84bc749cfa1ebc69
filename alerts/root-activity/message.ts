/**
 * Pure: the SNS alert for one root activity. The subject must fit an email subject line and an SMS (SNS
 * wants ASCII, no control characters, under 100 characters); the body is plain text an on-call engineer can
 * act on from a phone: every fact about the event, what the break-glass record says, and what to do next.
 * Message attributes let subscriptions filter (e.g. page only on CRITICAL).
 */
import type { BreakGlassWindow } from '../../lib/break-glass';
import { asciiLine, oneLine } from '../../lib/escape';
import type { RootSessionIssuance } from './audit-session';
import { type AlertSeverity, alertSeverity, type BreakGlassStatus } from './break-glass-status';
import type { RootActivity } from './classify';
import { activityLabel, activitySentence, callerText, isLongTermKey, mfaText } from './describe';
import { custodyText, type DeviceCustody, isSuspectDevice } from './device-custody';

/** SNS: "less than 100 characters". */
export const SUBJECT_MAX = 99;
export const SUBJECT_PREFIX = '[rootguard]';
export const DEFAULT_RUNBOOK = 'README.md#break-glass';

export interface AlertMessageInput {
  activity: RootActivity;
  breakGlass: BreakGlassStatus;
  /** When rootguard raised the alert (ISO-8601). */
  alertedAt: string;
  /** Where the break-glass and incident runbook lives. */
  runbook?: string;
  /** What the key custody register says about the sign-in's MFA device (sign-ins only). */
  custody?: DeviceCustody;
  /** The AssumeRoot call that issued an assumed-root session, when it was seen on the central bus. */
  issuance?: RootSessionIssuance;
}

/** Subject marker of a sign-in with a device the register does not list as active. */
export const SUSPECT_DEVICE_MARK = 'UNREGISTERED MFA DEVICE';

export interface AlertMessage {
  subject: string;
  body: string;
  attributes: Record<string, { DataType: 'String'; StringValue: string }>;
}

/**
 * Bounds of the break-glass record's values in the body. They come from the window's request (typed by a
 * person, stored in DynamoDB): made one safe line each, like every event value (lib/escape.ts).
 */
export const WINDOW_FIELD_MAX = { id: 128, time: 64, person: 256, reason: 512, lookupFailure: 512 } as const;
/** A row's value (or a step) never runs past its line, whatever built the activity. */
export const ROW_VALUE_MAX = 1024;
/** SNS message attribute values: short, one line. */
export const ATTRIBUTE_MAX = 256;

/** One SNS message attribute of an alert or a session summary: a string, one line, ATTRIBUTE_MAX at most. */
export const messageAttribute = (value: string): AlertMessage['attributes'][string] => ({
  DataType: 'String',
  StringValue: oneLine(value, ATTRIBUTE_MAX),
});

export function alertSubject(
  activity: RootActivity,
  severity: AlertSeverity,
  custody?: DeviceCustody,
): string {
  const head = `${SUBJECT_PREFIX} ${severity}${isSuspectDevice(custody) ? ` ${SUSPECT_DEVICE_MARK}` : ''} `;
  const tail = ` (${activity.outcome}) in ${activity.accountId}`;
  const room = SUBJECT_MAX - head.length - tail.length;
  // Cut the label, never the severity, outcome or account: those are what a filter or a reader needs.
  return asciiLine(`${head}${asciiLine(activityLabel(activity), room)}${tail}`, SUBJECT_MAX);
}

function sessionText(a: RootActivity): string {
  if (a.session === 'assumed-root') {
    return 'AssumeRoot session, started from the management account or the IAM delegated administrator';
  }
  if (a.kind === 'console-sign-in') return "root credentials (root's email address and password)";
  if (a.kind === 'console-action') return 'root credentials (a console session of the root user)';
  return isLongTermKey(a.accessKeyId)
    ? 'root credentials: a LONG-TERM ROOT ACCESS KEY'
    : 'root credentials (a console or temporary session of the root user)';
}

function latencyText(eventTime: string, alertedAt: string): string {
  const seconds = Math.max(0, Math.round((Date.parse(alertedAt) - Date.parse(eventTime)) / 1000));
  return `${alertedAt} (${seconds} s after the event)`;
}

/** The window's values as one safe line each: what the body and the next steps may quote. */
function safeWindow(window: BreakGlassWindow) {
  const { id, time, person, reason } = WINDOW_FIELD_MAX;
  return {
    ticketId: oneLine(window.ticketId, id),
    windowId: oneLine(window.windowId, id),
    startsAt: oneLine(window.startsAt, time),
    endsAt: oneLine(window.endsAt, time),
    approvers: window.approvers.map((a) => oneLine(a, person)).filter((a) => a !== ''),
    requestedBy: window.requestedBy ? oneLine(window.requestedBy, person) : '',
    reason: oneLine(window.reason, reason),
  };
}

function windowLines(raw: BreakGlassWindow): string[] {
  const window = safeWindow(raw);
  return [
    `  OPEN: ticket ${window.ticketId} (window ${window.windowId})`,
    `  From ${window.startsAt} until ${window.endsAt}`,
    `  Approved by: ${window.approvers.length > 0 ? window.approvers.join(', ') : '(none recorded)'}`,
    ...(window.requestedBy ? [`  Requested by: ${window.requestedBy}`] : []),
    `  Reason: ${window.reason}`,
  ];
}

function breakGlassLines(status: BreakGlassStatus, a: RootActivity): string[] {
  switch (status.state) {
    case 'open':
      return windowLines(status.window);
    case 'none':
      return [`  None covers ${a.eventTime} for account ${a.accountId}: this root use was not expected.`];
    case 'lookup-failed':
      return [
        `  UNKNOWN: the break-glass window lookup failed (${oneLine(status.reason, WINDOW_FIELD_MAX.lookupFailure)}).`,
        '  Treated as unexpected (CRITICAL) until someone checks the break-glass table.',
      ];
  }
}

const numbered = (steps: readonly string[]) => steps.map((s, i) => `${i + 1}. ${oneLine(s, ROW_VALUE_MAX)}`);

function nextSteps(a: RootActivity, status: BreakGlassStatus, custody?: DeviceCustody): string[] {
  const steps: string[] = [];
  if (isSuspectDevice(custody)) {
    steps.push(
      `Root signed in with MFA device ${a.mfaDevice}, which the key custody register does not list as active: treat it as an attacker's device until its custodian is found. Remove it from root (or delete the root credentials) and record it in the register.`,
    );
  } else if (custody?.state === 'unavailable') {
    steps.push('Check the key custody register by hand: this alert could not read it.');
  }
  if (status.state === 'open') {
    const window = safeWindow(status.window);
    steps.push(
      `Check that this matches the purpose of ticket ${window.ticketId}; the window closes at ${window.endsAt}.`,
      'Anything the ticket does not explain: handle it as unexpected root use (see the runbook).',
    );
    return numbered(steps);
  }
  if (status.state === 'lookup-failed') {
    steps.push('Check the break-glass table first: a window may exist that this alert could not see.');
  }
  if (a.session === 'assumed-root') {
    steps.push(
      `Find the AssumeRoot call in the management (or delegated administrator) account's CloudTrail (eventName AssumeRoot, targetPrincipal ${a.accountId}) to see who started the session and with which task policy.`,
      'If no change or break-glass window covers it, treat that principal as compromised and revoke its sessions.',
    );
  } else if (a.kind === 'console-sign-in' && a.outcome === 'failure') {
    // Nobody got in, but someone knows root's email address (and, if MFA was what failed, its password).
    steps.push(
      "Someone holds root's email address and tried to sign in. Confirm root has MFA (or, better, no credentials at all through centralized root access); if the failure was at the MFA step, reset the root password.",
      `Watch for repeated attempts from ${a.sourceIp ?? 'the same source'}; if they continue, open an incident.`,
    );
  } else {
    // A sign-in that worked, or an API call (even a denied one was signed with a working root credential).
    steps.push(
      `Reach the owner of account ${a.accountId} now: nobody should use root outside a break-glass window.`,
      'If nobody claims it, treat root as compromised: reset the root password, delete root access keys, check the MFA devices (or delete the root credentials through centralized root access).',
    );
    if (isLongTermKey(a.accessKeyId)) {
      steps.push(
        `Deactivate and delete root access key ${a.accessKeyId}: root should have no access keys at all.`,
      );
    }
    steps.push(
      `Review every CloudTrail event in the account since ${a.eventTime} from ${a.sourceIp ?? 'this source'}${a.accessKeyId ? ` and access key ${a.accessKeyId}` : ''}.`,
    );
  }
  steps.push('Record what happened on an incident ticket.');
  return numbered(steps);
}

const KIND_TEXT: Readonly<Record<RootActivity['kind'], string>> = {
  'console-sign-in': 'console sign-in',
  'api-call': 'API call',
  'console-action': 'console action (recorded by the console, not as an API call)',
};

/** Pads labels so values line up in a monospace email client. */
const row = (label: string, value: string) => `${`${label}:`.padEnd(19)}${oneLine(value, ROW_VALUE_MAX)}`;

export function buildAlertMessage(input: AlertMessageInput): AlertMessage {
  const { activity: a, breakGlass, custody } = input;
  const severity = alertSeverity(breakGlass, custody);
  const rows = [
    row('Severity', severity),
    row('Account', a.accountId),
    row('Event', `${a.eventName} (${a.eventSource})`),
    row('Kind', KIND_TEXT[a.kind]),
    row('Session', sessionText(a)),
    row('Outcome', a.outcome),
    row('MFA used', mfaText(a.mfaUsed)),
    ...(a.kind === 'console-sign-in'
      ? [
          row(
            'MFA device',
            a.mfaDevice
              ? `${a.mfaDevice} (${custodyText(input.custody ?? { state: 'no-register' })})`
              : '(not recorded)',
          ),
        ]
      : []),
    ...(a.session === 'assumed-root' ? [row('Started by', callerText(a, input.issuance))] : []),
    ...(a.sourceIdentity ? [row('Source identity', a.sourceIdentity)] : []),
    row('Event time', a.eventTime),
    row('Region', a.region),
    row('Source IP', a.sourceIp ?? '(not recorded)'),
    row('User agent', a.userAgent ?? '(not recorded)'),
    ...(a.accessKeyId ? [row('Access key', a.accessKeyId)] : []),
    ...(a.errorCode || a.errorMessage
      ? [row('Error', [a.errorCode, a.errorMessage].filter(Boolean).join(': '))]
      : []),
    row('CloudTrail event', a.eventId),
    row('Alert raised', latencyText(a.eventTime, input.alertedAt)),
  ];
  const body = [
    oneLine(`${severity}: ${activityLabel(a)} (${a.outcome}) in account ${a.accountId}.`, ROW_VALUE_MAX),
    '',
    oneLine(activitySentence(a), ROW_VALUE_MAX),
    '',
    ...rows,
    '',
    'Break-glass window',
    ...breakGlassLines(breakGlass, a),
    '',
    'What to do',
    ...nextSteps(a, breakGlass, custody),
    '',
    `Runbook: ${input.runbook ?? DEFAULT_RUNBOOK}`,
    '',
  ].join('\n');

  return {
    subject: alertSubject(a, severity, custody),
    body,
    attributes: {
      severity: messageAttribute(severity),
      accountId: messageAttribute(a.accountId),
      kind: messageAttribute(a.kind),
      session: messageAttribute(a.session),
      outcome: messageAttribute(a.outcome),
      breakGlass: messageAttribute(breakGlass.state),
      ...(custody ? { mfaDevice: messageAttribute(custody.state) } : {}),
    },
  };
}
