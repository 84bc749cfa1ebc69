/**
 * Pure: root sessions (issue 15, part 2, "one page per root session"). A root user clicking through the console
 * makes dozens of calls in minutes; each used to be its own page. Events are grouped into sessions, and only
 * the first event of a session pages (MTTA is measured on it), plus anything inside a session that changes
 * who might be acting: a new source IP, a failed sign-in (and a sign-in that works after one that failed), an
 * MFA device the custody register does not know.
 *
 * What a session is keyed on, and why:
 *
 * - **Calls signed with an access key outside the console** (CLI, SDK, an `sts:AssumeRoot` task session):
 *   account + the access key id. CloudTrail's `userIdentity.accessKeyId` is the key that signed the request,
 *   the temporary key's id for temporary credentials, so one key is one credential in one hand.
 * - **The console** (sign-ins, console actions, and API calls CloudTrail marks `sessionCredentialFromConsole`,
 *   or that carry no key): account alone, one console session per account at a time. Not the access key: the
 *   sign-in record has none, and the console's calls are signed with session keys the console obtains for
 *   itself (not documented as one per sign-in), so keying on them would split one sitting into several pages.
 *   Not source IP + user agent either: console calls often record `AWS Internal` or a service host as their
 *   source and a service-chosen agent (`AWS Internal`, `console.<service>.amazonaws.com`), not the browser's,
 *   so that key too would split one sitting into several pages. Root is one principal per account, so one
 *   console session per account loses nothing: every new source IP inside it pages again (a second person,
 *   or a stolen session), which is what the IP in the key would have done.
 *
 * The account is the first part of every key: two accounts' sessions never merge. A session ends after
 * SESSION_IDLE_MS without an event (CloudTrail event times); the next event starts a new one and pages.
 *
 * Idempotency: a session remembers the ids of its last MAX_EVENT_IDS events. A retried delivery of one of them
 * changes nothing, unless its page was never confirmed as sent (`pending`): then it pages again, so a failed
 * publish that Lambda retries still reaches a person.
 */
import { isIP } from 'node:net';
import type { ActivityKind, Outcome } from './classify';
import { type NotableCategory, notableCategories } from './notable-calls';

/** A session ends after this long without an event (issue 15: "within 30 minutes of the last event"). */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** The final summary goes out once the session has been quiet this long. */
export const QUIET_MS = 15 * 60 * 1000;
/** While a session lasts, a summary goes out at least this often. */
export const SUMMARY_EVERY_MS = 30 * 60 * 1000;
/** EventBridge Scheduler fires at minute granularity at best: never plan a check sooner than this. */
export const MIN_CHECK_DELAY_MS = 60 * 1000;

/** Bounds that keep one session item far below DynamoDB's 400 KB, whatever a session does. */
export const MAX_EVENT_IDS = 500;
export const MAX_SOURCE_IPS = 20;
export const MAX_USER_AGENTS = 10;
export const MAX_COUNT_KEYS = 400;
export const MAX_NOTABLE = 50;

export type SessionChannel = 'access-key' | 'console';
export type SessionDecision = 'page' | 're-page' | 'append' | 'duplicate';
export type PageReason =
  | 'first-event'
  | 'new-source-ip'
  | 'failed-sign-in'
  | 'unregistered-mfa-device'
  /** A sign-in that worked after one that failed in the same session: someone may have guessed their way in. */
  | 'sign-in-after-failure'
  /** Older than the current session's start by more than the idle window: paged on its own. */
  | 'late-event';

/** What the session logic needs of one root event (from classify.ts's RootActivity and the raw detail). */
export interface SessionEvent {
  accountId: string;
  eventId: string;
  eventTime: string;
  eventSource: string;
  eventName: string;
  region: string;
  kind: ActivityKind;
  outcome: Outcome;
  sourceIp?: string;
  userAgent?: string;
  accessKeyId?: string;
  /** CloudTrail's `sessionCredentialFromConsole`: the call was made from a console session. */
  fromConsole: boolean;
  /** True: the MFA device that signed in is not in the custody register (the alert's register check). */
  unregisteredDevice?: boolean;
}

export interface PendingPage {
  eventId: string;
  decision: 'page' | 're-page';
  reasons: string[];
}

export interface NotableCall {
  eventId: string;
  eventTime: string;
  /** `<service>:<action>`. */
  action: string;
  region: string;
  outcome: 'success' | 'failure';
  categories: string[];
}

/**
 * The stored state of one session (DynamoDB item `state`). session-schema.ts validates it where it is read
 * back in full (the summary Lambda); the alert path checks its shape only (session-store.ts).
 */
export interface SessionState {
  sessionId: string;
  sessionKey: string;
  accountId: string;
  channel: SessionChannel;
  /** Random, made with the session: a summary schedule's payload must carry it (session-schedule.ts). */
  token: string;
  /** CloudTrail times of the first and the latest event. */
  startedAt: string;
  lastEventAt: string;
  /** Wall-clock time the session was opened (its first page). */
  openedAt: string;
  eventCount: number;
  eventIds: string[];
  /** Pages not yet confirmed as sent: a retried delivery of one of them pages again. */
  pending: PendingPage[];
  pages: number;
  failures: number;
  failedSignIns: number;
  sourceIps: string[];
  userAgents: string[];
  /** `<service> <action> <region>` → calls; beyond MAX_COUNT_KEYS distinct keys, `otherCalls`. */
  counts: Record<string, number>;
  otherCalls: number;
  notable: NotableCall[];
  notableOverflow: number;
  summaries: number;
  lastSummaryAt?: string;
  /** Set when the final summary went out; an event inside the idle window reopens the session. */
  closedAt?: string;
  /** The summary check planned (a one-time schedule), and its sequence number (part of its name). */
  nextCheckAt?: string;
  checkSeq: number;
}

export interface SessionStep {
  decision: SessionDecision;
  reasons: PageReason[];
  sessionId: string;
  /** The state to store (conditionally); undefined when the event changes nothing. */
  next?: SessionState;
  /** The session this event replaced (its idle window had passed): kept so its last summary can still read it. */
  replaced?: SessionState;
  /** A retry of an event whose page was not confirmed as sent: page again. */
  redelivery?: boolean;
  /** Plan a summary check at `next.nextCheckAt` (a new session, or one reopened after its final summary). */
  scheduleCheck?: boolean;
}

/** Fresh values for a session this event may open, made by the caller (pure code draws no random numbers). */
export interface NewSessionIds {
  sessionId: string;
  token: string;
}

const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

export function channelOf(e: Pick<SessionEvent, 'kind' | 'accessKeyId' | 'fromConsole'>): SessionChannel {
  return e.kind === 'api-call' && !e.fromConsole && e.accessKeyId ? 'access-key' : 'console';
}

/** The store key of the session an event belongs to. The account comes first: accounts never share one. */
export function sessionKeyOf(
  e: Pick<SessionEvent, 'accountId' | 'kind' | 'accessKeyId' | 'fromConsole'>,
): string {
  return channelOf(e) === 'access-key' ? `${e.accountId}#key#${e.accessKeyId}` : `${e.accountId}#console`;
}

/**
 * A session id: the account, the second the session opened and a random part. Letters, digits and `-` only,
 * so it fits a schedule name and a finding id as it is.
 */
export function newSessionId(accountId: string, openedAt: Date, random: string): string {
  return `${accountId}-${Math.floor(openedAt.getTime() / 1000)}-${random.replace(/[^a-z0-9]/gi, '').slice(0, 8)}`;
}

/** Only an address counts as a source: `AWS Internal` or a service host is AWS acting for the console. */
const isAddress = (ip: string | undefined): ip is string => ip !== undefined && isIP(ip) !== 0;

const boundedAdd = (list: string[], value: string | undefined, max: number): string[] =>
  value === undefined || list.includes(value) || list.length >= max ? list : [...list, value];

function countKey(e: SessionEvent): string {
  return `${e.eventSource.replace(/\.amazonaws\.com$/, '')} ${e.eventName} ${e.region}`;
}

/** The event folded into a session's record (counts, sources, notable calls, ids). */
function fold(state: SessionState, e: SessionEvent): SessionState {
  const key = countKey(e);
  const counts = { ...state.counts };
  let otherCalls = state.otherCalls;
  if (key in counts || Object.keys(counts).length < MAX_COUNT_KEYS) counts[key] = (counts[key] ?? 0) + 1;
  else otherCalls++;

  let notable = state.notable;
  let notableOverflow = state.notableOverflow;
  const categories: NotableCategory[] = notableCategories(e);
  if (categories.length > 0) {
    if (notable.length < MAX_NOTABLE) {
      notable = [
        ...notable,
        {
          eventId: e.eventId,
          eventTime: e.eventTime,
          action: `${e.eventSource.replace(/\.amazonaws\.com$/, '')}:${e.eventName}`,
          region: e.region,
          outcome: e.outcome,
          categories,
        },
      ];
    } else notableOverflow++;
  }
  const ids = [...state.eventIds, e.eventId];
  return {
    ...state,
    lastEventAt: ms(e.eventTime) > ms(state.lastEventAt) ? e.eventTime : state.lastEventAt,
    startedAt: ms(e.eventTime) < ms(state.startedAt) ? e.eventTime : state.startedAt,
    eventCount: state.eventCount + 1,
    eventIds: ids.length > MAX_EVENT_IDS ? ids.slice(ids.length - MAX_EVENT_IDS) : ids,
    failures: state.failures + (e.outcome === 'failure' ? 1 : 0),
    failedSignIns: state.failedSignIns + (e.kind === 'console-sign-in' && e.outcome === 'failure' ? 1 : 0),
    sourceIps: isAddress(e.sourceIp)
      ? boundedAdd(state.sourceIps, e.sourceIp, MAX_SOURCE_IPS)
      : state.sourceIps,
    userAgents: boundedAdd(state.userAgents, e.userAgent, MAX_USER_AGENTS),
    counts,
    otherCalls,
    notable,
    notableOverflow,
  };
}

function openSession(e: SessionEvent, ids: NewSessionIds, now: Date): SessionState {
  const empty: SessionState = {
    sessionId: ids.sessionId,
    sessionKey: sessionKeyOf(e),
    accountId: e.accountId,
    channel: channelOf(e),
    token: ids.token,
    startedAt: e.eventTime,
    lastEventAt: e.eventTime,
    openedAt: now.toISOString(),
    eventCount: 0,
    eventIds: [],
    pending: [],
    pages: 0,
    failures: 0,
    failedSignIns: 0,
    sourceIps: [],
    userAgents: [],
    counts: {},
    otherCalls: 0,
    notable: [],
    notableOverflow: 0,
    summaries: 0,
    checkSeq: 0,
  };
  return fold(empty, e);
}

/** Why an event inside a session pages again; empty when it does not. */
export function repageReasons(state: SessionState, e: SessionEvent): PageReason[] {
  const reasons: PageReason[] = [];
  if (isAddress(e.sourceIp) && !state.sourceIps.includes(e.sourceIp)) reasons.push('new-source-ip');
  if (e.kind === 'console-sign-in' && e.outcome === 'failure') reasons.push('failed-sign-in');
  if (e.kind === 'console-sign-in' && e.outcome === 'success' && state.failedSignIns > 0) {
    reasons.push('sign-in-after-failure');
  }
  if (e.unregisteredDevice === true) reasons.push('unregistered-mfa-device');
  return reasons;
}

const withPending = (state: SessionState, page: PendingPage): SessionState => ({
  ...state,
  pending: [...state.pending, page],
  pages: state.pages + 1,
});

/** The first summary check of a session (re)opened now. */
function planFirstCheck(state: SessionState, now: Date): SessionState {
  return {
    ...state,
    nextCheckAt: iso(now.getTime() + QUIET_MS),
    checkSeq: state.checkSeq + 1,
    closedAt: undefined,
  };
}

/**
 * The decision for one event, given the stored state of its session key (undefined: none stored).
 * `ids` are used only when the event opens a session; `now` is the wall clock (when the session opened).
 */
export function decide(
  state: SessionState | undefined,
  e: SessionEvent,
  ids: NewSessionIds,
  now: Date,
): SessionStep {
  // An unconfirmed page is remembered even once its id has left the bounded id list.
  const pending = state?.pending.find((p) => p.eventId === e.eventId);
  if (state && (pending || state.eventIds.includes(e.eventId))) {
    if (!pending) return { decision: 'duplicate', reasons: [], sessionId: state.sessionId };
    return {
      decision: pending.decision,
      reasons: pending.reasons as PageReason[],
      sessionId: state.sessionId,
      redelivery: true,
      // The first page also planned the first check; creating it again is harmless (same name).
      scheduleCheck: pending.reasons.includes('first-event'),
      next: undefined,
    };
  }

  const t = ms(e.eventTime);
  if (state && t < ms(state.startedAt) - SESSION_IDLE_MS) {
    // Delivered long after the session it belonged to: page it on its own rather than rewrite history.
    return { decision: 'page', reasons: ['late-event'], sessionId: state.sessionId };
  }

  if (!state || t > ms(state.lastEventAt) + SESSION_IDLE_MS) {
    const opened = planFirstCheck(openSession(e, ids, now), now);
    const reasons: PageReason[] = ['first-event'];
    const next = withPending(opened, { eventId: e.eventId, decision: 'page', reasons });
    const replaced = state && state.closedAt === undefined ? state : undefined;
    return { decision: 'page', reasons, sessionId: next.sessionId, next, replaced, scheduleCheck: true };
  }

  const reasons = repageReasons(state, e);
  let next = fold(state, e);
  const reopen = next.nextCheckAt === undefined;
  if (reopen) next = planFirstCheck(next, now);
  if (reasons.length > 0) {
    next = withPending(next, { eventId: e.eventId, decision: 're-page', reasons });
    return { decision: 're-page', reasons, sessionId: state.sessionId, next, scheduleCheck: reopen };
  }
  return { decision: 'append', reasons, sessionId: state.sessionId, next, scheduleCheck: reopen };
}

/** The state once the page for `eventId` went out: it will not page again on a retry. */
export function confirmPage(state: SessionState, eventId: string): SessionState {
  return { ...state, pending: state.pending.filter((p) => p.eventId !== eventId) };
}

export type SummaryCheck =
  /** Quiet for QUIET_MS: send the final summary and close the session (no further check). */
  | { action: 'final' }
  /** Still going and SUMMARY_EVERY_MS since the last summary: send one, check again at `nextCheckAt`. */
  | { action: 'progress'; nextCheckAt: string }
  /** Not yet: check again at `nextCheckAt`. */
  | { action: 'wait'; nextCheckAt: string }
  /** Closed and nothing happened since its final summary. */
  | { action: 'none' };

/** Pure: what a summary check at `now` does with a session. */
export function summaryCheck(state: SessionState, now: Date): SummaryCheck {
  const t = now.getTime();
  const last = ms(state.lastEventAt);
  if (state.closedAt !== undefined && state.lastSummaryAt !== undefined && ms(state.lastSummaryAt) >= last) {
    return { action: 'none' };
  }
  if (t - last >= QUIET_MS) return { action: 'final' };
  const lastSummary = ms(state.lastSummaryAt ?? state.openedAt);
  const due = t - lastSummary >= SUMMARY_EVERY_MS;
  const nextSummary = due ? t + SUMMARY_EVERY_MS : lastSummary + SUMMARY_EVERY_MS;
  const nextCheckAt = iso(Math.max(t + MIN_CHECK_DELAY_MS, Math.min(last + QUIET_MS, nextSummary)));
  return due ? { action: 'progress', nextCheckAt } : { action: 'wait', nextCheckAt };
}

/** The state once a summary went out at `now`: closed if the session is quiet, else the next check planned. */
export function afterSummary(state: SessionState, now: Date): SessionState {
  const sent: SessionState = { ...state, summaries: state.summaries + 1, lastSummaryAt: now.toISOString() };
  const next = summaryCheck(sent, now);
  if (next.action === 'final' || next.action === 'none') {
    return { ...sent, closedAt: now.toISOString(), nextCheckAt: undefined };
  }
  return { ...sent, closedAt: undefined, nextCheckAt: next.nextCheckAt, checkSeq: state.checkSeq + 1 };
}

/** The state once a check found nothing due: the next check planned. */
export function afterWait(state: SessionState, nextCheckAt: string): SessionState {
  return { ...state, nextCheckAt, checkSeq: state.checkSeq + 1 };
}
