/**
 * A storm of root events through the alert handler, delivered the way AWS delivers them (issue 16, part 4):
 * EventBridge invokes the alert Lambda asynchronously and at least once (now and then twice: a duplicate
 * delivery); Lambda retries a failed invocation twice (serverless.yml: maximumRetryAttempts 2) and then hands
 * the event to the on-failure destination, the dead-letter queue. Targets of the handler fail at random
 * (`FlakyTarget`); what each event became is tallied from what the targets actually received.
 *
 * The root activity ledger (alerts/root-activity/ledger.ts) is one more FlakyTarget: its writes fail at the same
 * rate. Each delivery is one Lambda request id, kept across its retries (as Lambda does): the ledger's page claim
 * tells an earlier attempt of the same delivery from another delivery by it.
 */
import type { RootActivityResult } from '../../alerts/root-activity/handler';
import { MEMBER_ACCOUNT } from './constants';
import { asAccount, type CloudTrailEvent, loadEvent } from './root-activity-events';

/** Lambda's attempts at one asynchronous invocation: the first and maximumRetryAttempts (2) retries. */
export const LAMBDA_ATTEMPTS = 3;

export interface StormOptions {
  events: number;
  sessions: number;
  /** Share of events EventBridge delivers twice. */
  duplicateRate: number;
  rand: () => number;
}

/** One of the handler's targets, made to fail at random; `install` is called with the storm's dice. */
export interface FlakyTarget {
  name: string;
  install(fails: () => boolean): void;
}

export interface StormEvent {
  eventId: string;
  event: CloudTrailEvent;
}

/** The sign-in opens each session; API calls and console actions follow, one second apart. */
export function rootSessions({ events, sessions }: Pick<StormOptions, 'events' | 'sessions'>): StormEvent[] {
  const signIn = loadEvent('root-console-signin-success');
  const others = [
    loadEvent('root-api-call'),
    loadEvent('root-api-call-read-only'),
    loadEvent('root-console-action'),
  ];
  const storm: StormEvent[] = [];
  const perSession = Math.ceil(events / sessions);
  for (let s = 0; s < sessions && storm.length < events; s++) {
    const accountId = s === 0 ? MEMBER_ACCOUNT : String(100_000_000_000 + s);
    const start = Date.UTC(2026, 10, 20, 9, 0, 0) + s * 60_000;
    for (let i = 0; i < perSession && storm.length < events; i++) {
      const template = i === 0 ? signIn : (others[i % others.length] as CloudTrailEvent);
      const eventId = `storm-${String(storm.length).padStart(6, '0')}-0000-4000-8000-000000000000`;
      const at = new Date(start + i * 1000).toISOString().replace('.000Z', 'Z');
      const event = asAccount(template, accountId);
      event.id = `bus-${eventId}`;
      event.time = at;
      event.detail = { ...event.detail, eventID: eventId, eventTime: at };
      storm.push({ eventId, event });
    }
  }
  return storm;
}

/** The storm's event id a message or finding carries (every id is `storm-NNNNNN-…`). */
export const stormEventIdIn = (text: string | undefined): string | undefined =>
  /storm-\d{6}-0000-4000-8000-000000000000/.exec(text ?? '')?.[0];

export interface StormResult {
  /** Invocations made (first attempts, retries and duplicate deliveries). */
  invocations: number;
  /**
   * Event ids an invocation returned as handled: paged on their own, recorded in a session that paged, or found
   * already paged (a duplicate delivery, or a retry after the page went out).
   */
  handled: Set<string>;
  /** Event ids that ended in the dead-letter queue (every attempt of one delivery threw). */
  deadLettered: Set<string>;
  duplicatesDelivered: number;
}

const HANDLED: ReadonlySet<RootActivityResult['status']> = new Set(['alerted', 'appended', 'duplicate']);

/** Delivers every event at least once, as EventBridge and Lambda's asynchronous invocation do. */
export async function deliverAtLeastOnce(
  handler: (event: unknown, context: { awsRequestId: string }) => Promise<RootActivityResult>,
  storm: readonly StormEvent[],
  {
    duplicateRate,
    rand,
    onDeadLetter,
  }: Pick<StormOptions, 'duplicateRate' | 'rand'> & {
    /** Lambda's on-failure destination: what becomes of an event whose every attempt threw. */
    onDeadLetter?: (item: StormEvent, attempts: number) => Promise<void>;
  },
): Promise<StormResult> {
  const result: StormResult = {
    invocations: 0,
    handled: new Set(),
    deadLettered: new Set(),
    duplicatesDelivered: 0,
  };
  const duplicates: StormEvent[] = [];
  let deliveries = 0;
  const deliver = async ({ eventId, event }: StormEvent) => {
    const awsRequestId = `delivery-${++deliveries}`;
    for (let attempt = 1; attempt <= LAMBDA_ATTEMPTS; attempt++) {
      result.invocations++;
      try {
        // Each delivery is a fresh copy: JSON over the wire.
        const outcome = await handler(structuredClone(event), { awsRequestId });
        if (HANDLED.has(outcome.status)) result.handled.add(eventId);
        return;
      } catch {
        // Lambda retries; after the last attempt, the on-failure destination.
      }
    }
    result.deadLettered.add(eventId);
    await onDeadLetter?.({ eventId, event }, LAMBDA_ATTEMPTS);
  };
  for (const item of storm) {
    await deliver(item);
    if (rand() < duplicateRate) duplicates.push(item);
  }
  // Duplicates arrive later, after the original was handled: at-least-once, not exactly-once.
  for (const item of duplicates) {
    result.duplicatesDelivered++;
    await deliver(item);
  }
  return result;
}
