/**
 * Session paging for the alert Lambda: for each classified root event, read its session, decide (session.ts),
 * write conditionally (session-store.ts), plan the summary check (session-schedule.ts), and after the page,
 * mark it sent. The handler pages only on `page` and `re-page`; every event is still handled (and handed
 * to the ledger with its session id and whether it paged).
 *
 * Failure always leans towards paging: when the session store cannot be read or written, the event pages as
 * it did before sessions existed (`store-unavailable`); when a summary check cannot be planned, the page still
 * goes out and the session forgets the check, so the next event of the session plans it again.
 */
import { randomBytes } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';

import { optionalVariable, parseEnvironment } from '../../lib/env';
import { errorMessage } from '../../lib/errors';
import { logger } from '../../lib/logger';
import * as z from '../../lib/zod-mini';
import type { RootActivity } from './classify';
import { InvalidAlertConfigError } from './errors';
import type { CloudTrailDetail } from './event';
import {
  confirmPage,
  decide,
  type NewSessionIds,
  newSessionId,
  type PageReason,
  type SessionDecision,
  type SessionEvent,
  type SessionState,
  type SessionStep,
  sessionKeyOf,
} from './session';
import { planCheck, type ScheduleTarget } from './session-schedule';
import { SessionStore } from './session-store';

export interface SessionPagingConfig {
  tableName: string;
  schedule: ScheduleTarget;
}

const name = z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,255}$/, 'expected a name'));
const arn = (service: string) =>
  z.string().check(z.regex(new RegExp(`^arn:aws(-cn|-us-gov)?:${service}:`), `expected an ${service} ARN`));
const envSchema = z.object({
  ROOT_SESSION_TABLE: optionalVariable(name),
  ROOT_SESSION_SCHEDULE_GROUP: optionalVariable(name),
  ROOT_SESSION_SUMMARY_FUNCTION_ARN: optionalVariable(arn('lambda')),
  ROOT_SESSION_SCHEDULER_ROLE_ARN: optionalVariable(arn('iam')),
});

/**
 * Undefined when ROOT_SESSION_TABLE is not set: every root event then pages on its own, as before sessions
 * (louder, never quieter). Set, the other three variables are required.
 */
export function loadSessionPagingConfig(
  env: NodeJS.ProcessEnv = process.env,
): SessionPagingConfig | undefined {
  const e = parseEnvironment(envSchema, env, InvalidAlertConfigError, 'Root session paging');
  if (e.ROOT_SESSION_TABLE === undefined) return undefined;
  const missing = (
    [
      'ROOT_SESSION_SCHEDULE_GROUP',
      'ROOT_SESSION_SUMMARY_FUNCTION_ARN',
      'ROOT_SESSION_SCHEDULER_ROLE_ARN',
    ] as const
  ).filter((k) => e[k] === undefined);
  if (missing.length > 0) {
    throw new InvalidAlertConfigError(
      `Root session paging is misconfigured: ${missing.map((k) => `${k}: is not set`).join('; ')}`,
    );
  }
  return {
    tableName: e.ROOT_SESSION_TABLE,
    schedule: {
      groupName: e.ROOT_SESSION_SCHEDULE_GROUP as string,
      functionArn: e.ROOT_SESSION_SUMMARY_FUNCTION_ARN as string,
      roleArn: e.ROOT_SESSION_SCHEDULER_ROLE_ARN as string,
    },
  };
}

/** CloudTrail writes `"true"` (a string) when a call came from a console session. */
const fromConsole = (detail: CloudTrailDetail) =>
  String((detail as Record<string, unknown>).sessionCredentialFromConsole).toLowerCase() === 'true';

/** What session.ts needs of a classified event. `unregisteredDevice`: the custody register's verdict. */
export function sessionEventOf(
  activity: RootActivity,
  detail: CloudTrailDetail,
  unregisteredDevice?: boolean,
): SessionEvent {
  return {
    accountId: activity.accountId,
    eventId: activity.eventId,
    eventTime: activity.eventTime,
    eventSource: activity.eventSource,
    eventName: activity.eventName,
    region: activity.region,
    kind: activity.kind,
    outcome: activity.outcome,
    sourceIp: activity.sourceIp,
    userAgent: activity.userAgent,
    accessKeyId: activity.accessKeyId,
    fromConsole: fromConsole(detail),
    ...(unregisteredDevice === undefined ? {} : { unregisteredDevice }),
  };
}

export function randomSessionIds(accountId: string, now: Date): NewSessionIds {
  return {
    sessionId: newSessionId(accountId, now, randomBytes(4).toString('hex')),
    token: randomBytes(16).toString('hex'),
  };
}

/** What the handler learns about an event's session. */
export interface SessionGate {
  /** Undefined when the store failed (the event pages untracked). */
  sessionId: string | undefined;
  decision: SessionDecision;
  reasons: (PageReason | 'store-unavailable')[];
  /** The event pages (`page`, `re-page`, or the store failed). */
  pages: boolean;
  /** Why the store failed, when it did. */
  storeError?: string;
  /** Internal: what to confirm and plan after the page. */
  step?: SessionStep;
  event: SessionEvent;
}

/** The event's root session: what the ledger records with it (rootSessionId, paged). */
export interface SessionOutcome {
  /** Undefined when the session store failed and the event paged untracked. */
  sessionId: string | undefined;
  decision: SessionDecision;
  reasons: (PageReason | 'store-unavailable')[];
}

export const sessionOutcome = (gate: SessionGate): SessionOutcome => ({
  sessionId: gate.sessionId,
  decision: gate.decision,
  reasons: gate.reasons,
});

export interface SessionPagingDeps {
  dynamodb: DynamoDBClient;
  scheduler: SchedulerClient;
  /** The alert Lambda's metrics (Powertools, or the tests' recorder). */
  metrics: { addMetric(name: string, unit: typeof MetricUnit.Count, value: number): unknown };
  newIds?: (accountId: string, now: Date) => NewSessionIds;
}

export class SessionPaging {
  readonly store: SessionStore;
  private readonly newIds: (accountId: string, now: Date) => NewSessionIds;

  constructor(
    readonly config: SessionPagingConfig,
    private readonly deps: SessionPagingDeps,
  ) {
    this.store = new SessionStore(deps.dynamodb, config.tableName);
    this.newIds = deps.newIds ?? randomSessionIds;
  }

  /** Read, decide, write (again on a conflict). Never throws: a store failure pages the event. */
  async admit(event: SessionEvent, now: Date): Promise<SessionGate> {
    try {
      const ids = this.newIds(event.accountId, now);
      const step = await this.store.mutate(sessionKeyOf(event), event.accountId, (stored) =>
        decide(stored, event, ids, now),
      );
      if (step.replaced) await this.store.archive(step.replaced);
      return {
        sessionId: step.sessionId,
        decision: step.decision,
        reasons: step.reasons,
        pages: step.decision === 'page' || step.decision === 're-page',
        step,
        event,
      };
    } catch (error) {
      logger.error('Root session store failed: paging the event on its own', { reason: errorMessage(error) });
      this.deps.metrics.addMetric('SessionStoreFailures', MetricUnit.Count, 1);
      return {
        sessionId: undefined,
        decision: 'page',
        reasons: ['store-unavailable'],
        pages: true,
        storeError: errorMessage(error),
        event,
      };
    }
  }

  /**
   * The session side of an event once its page (if any) is out: plan the summary check the session asked for,
   * mark the page sent, count the event. Failures are logged and counted, never thrown: the page went out.
   */
  async settle(gate: SessionGate): Promise<void> {
    const [planFailure, confirmFailure] = await Promise.all([this.planSummaries(gate), this.confirm(gate)]);
    if (planFailure) {
      logger.error('Root session summary check not planned: the next event of the session plans it', {
        sessionId: gate.sessionId,
        reason: planFailure,
      });
      this.deps.metrics.addMetric('SessionScheduleFailures', MetricUnit.Count, 1);
    }
    if (confirmFailure) {
      logger.warn('Root session page not marked sent: a retried delivery would page again', {
        sessionId: gate.sessionId,
        reason: confirmFailure,
      });
    }
    if (!gate.pages) {
      this.deps.metrics.addMetric(
        gate.decision === 'duplicate' ? 'DuplicateEvents' : 'SessionEvents',
        MetricUnit.Count,
        1,
      );
    }
  }

  /**
   * Plans the summary check the step asked for. A failure is returned, not thrown (the page matters more):
   * the session then forgets the check, so its next event plans one again.
   */
  async planSummaries(gate: SessionGate): Promise<string | undefined> {
    if (!gate.step?.scheduleCheck) return undefined;
    const state = gate.step.next ?? (gate.step.redelivery ? await this.current(gate) : undefined);
    if (!state?.nextCheckAt) return undefined;
    try {
      await planCheck(this.deps.scheduler, this.config.schedule, state);
      return undefined;
    } catch (error) {
      await this.forget(gate, (s) =>
        s.checkSeq === state.checkSeq ? { ...s, nextCheckAt: undefined } : undefined,
      ).catch(() => undefined);
      return errorMessage(error);
    }
  }

  /** After the page went out: a retried delivery of this event no longer pages. Failure returned, not thrown. */
  async confirm(gate: SessionGate): Promise<string | undefined> {
    if (!gate.step || !gate.pages || gate.step.reasons.includes('late-event')) return undefined;
    try {
      await this.forget(gate, (s) =>
        s.pending.some((p) => p.eventId === gate.event.eventId)
          ? confirmPage(s, gate.event.eventId)
          : undefined,
      );
      return undefined;
    } catch (error) {
      return errorMessage(error);
    }
  }

  private async current(gate: SessionGate): Promise<SessionState | undefined> {
    const stored = await this.store.load(sessionKeyOf(gate.event), gate.event.accountId);
    return stored && stored.state.sessionId === gate.sessionId ? stored.state : undefined;
  }

  /** A conditional update of the gate's own session (nothing when a newer session replaced it). */
  private async forget(gate: SessionGate, change: (s: SessionState) => SessionState | undefined) {
    await this.store.mutate(sessionKeyOf(gate.event), gate.event.accountId, (stored) => ({
      next: stored !== undefined && stored.sessionId === gate.sessionId ? change(stored) : undefined,
    }));
  }
}
