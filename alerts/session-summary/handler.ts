/**
 * The session-summary Lambda, invoked only by the one-time EventBridge Scheduler schedules the alert path and
 * this function plan (alerts/root-activity/session-schedule.ts):
 *
 *   payload (zod) ─invalid─▶ {status: 'refused'}              (logged, counted; never thrown, never retried)
 *     │
 *   the session, by key and id, with the payload's token ─not ours─▶ {status: 'refused'}
 *     │                                                      (it only summarizes sessions the alert path made)
 *   check number is the session's last ─no─▶ {status: 'stale'}  (a newer check is planned)
 *     │
 *   summaryCheck (pure): quiet 15 min → final summary; 30 min since the last one → progress summary; else wait
 *     │
 *   summary: usual Regions (parameter ∪ the account's covered sessions of 30 days), break-glass coverage,
 *   composeSummary → SNS (the alert topic) ∥ the session's one Security Hub finding ─either fails─▶ throw
 *     │                                                      (the scheduler retries the invocation)
 *   state written (version-conditional) → the next check planned, or the session closed
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { importFindings } from '../../findings/import';
import { queryWindows } from '../../lib/break-glass-store';
import { ClientPool } from '../../lib/client-pool';
import { optionalVariable, parseEnvironment } from '../../lib/env';
import { errorMessage } from '../../lib/errors';
import { lazyHandler } from '../../lib/lazy-handler';
import { metrics as defaultMetrics, logger } from '../../lib/logger';
import { WINDOW_QUERY_MARGIN_MS } from '../root-activity/break-glass-status';
import { importTargetFrom } from '../root-activity/config';
import { publishAlert } from '../root-activity/deliver';
import { InvalidAlertConfigError } from '../root-activity/errors';
import type { AlertMetrics } from '../root-activity/handler';
import { DEFAULT_RUNBOOK } from '../root-activity/message';
import { afterSummary, afterWait, type SessionState, summaryCheck } from '../root-activity/session';
import { loadSessionPagingConfig, type SessionPagingConfig } from '../root-activity/session-paging';
import { planCheck } from '../root-activity/session-schedule';
import { type SchedulePayload, schedulePayloadSchema } from '../root-activity/session-schedule-payload';
import { parseSessionState } from '../root-activity/session-schema';
import { MAX_MUTATE_ATTEMPTS, SessionStore } from '../root-activity/session-store';
import { buildSessionFinding, sessionFindingId } from './finding';
import { findSession, recordRegions, type StoredSession, usualRegions as usualRegionsOf } from './store';
import { buildSummaryMessage, composeSummary, type SessionCoverage, sessionCoverage } from './summary';

export interface SessionSummaryConfig {
  sessions: SessionPagingConfig;
  topicArn: string;
  breakGlassTable: string;
  region: string;
  securityHubRegion: string;
  runbook: string;
  /** Regions every account normally uses (stack parameter UsualRegions). */
  usualRegions: string[];
}

const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region');
const envSchema = z.object({
  ALERT_TOPIC_ARN: z
    .string()
    .regex(/^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'expected an SNS topic ARN'),
  BREAK_GLASS_TABLE: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'expected a DynamoDB table name'),
  AWS_REGION: region,
  SECURITY_HUB_REGION: optionalVariable(region),
  RUNBOOK_URL: optionalVariable(z.string().min(1)),
  USUAL_REGIONS: optionalVariable(
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean),
      )
      .pipe(z.array(region)),
  ),
});

export function loadSessionSummaryConfig(env: NodeJS.ProcessEnv = process.env): SessionSummaryConfig {
  const e = parseEnvironment(envSchema, env, InvalidAlertConfigError, 'Root session summary');
  const sessions = loadSessionPagingConfig(env);
  if (!sessions)
    throw new InvalidAlertConfigError(
      'Root session summary is misconfigured: ROOT_SESSION_TABLE: is not set',
    );
  return {
    sessions,
    topicArn: e.ALERT_TOPIC_ARN,
    breakGlassTable: e.BREAK_GLASS_TABLE,
    region: e.AWS_REGION,
    securityHubRegion: e.SECURITY_HUB_REGION ?? e.AWS_REGION,
    runbook: e.RUNBOOK_URL ?? DEFAULT_RUNBOOK,
    usualRegions: e.USUAL_REGIONS ?? [],
  };
}

export type SessionSummaryResult =
  | { status: 'refused'; reason: 'invalid-payload' | 'unknown-session' }
  | { status: 'stale'; sessionId: string }
  | { status: 'waiting'; sessionId: string; nextCheckAt: string }
  | { status: 'closed'; sessionId: string }
  | {
      status: 'summarized';
      sessionId: string;
      kind: 'progress' | 'final';
      findingId: string;
      messageId: string | undefined;
      nextCheckAt: string | undefined;
    };

export interface SessionSummaryDeps {
  config?: SessionSummaryConfig;
  /** Default: one client pool for the function's region (lib/client-pool.ts: it assumes no role, so no STS). */
  clientFactory?: ClientPool;
  now?: () => Date;
  metrics?: AlertMetrics;
}

export type SessionSummaryHandler = (
  event: unknown,
  context?: Partial<Context>,
) => Promise<SessionSummaryResult>;

const accountOfKey = (sessionKey: string) => sessionKey.split('#')[0];

export function createSessionSummaryHandler(deps: SessionSummaryDeps = {}): SessionSummaryHandler {
  const config = deps.config ?? loadSessionSummaryConfig();
  const factory = deps.clientFactory ?? new ClientPool({ region: config.region });
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? defaultMetrics;
  const dynamodb = factory.client(DynamoDBClient);
  const scheduler = factory.client(SchedulerClient);
  const sns = factory.client(SNSClient);
  const securityHub = factory.client(SecurityHubClient, { region: config.securityHubRegion });
  // Validated in full here (session-schema.ts): the summary goes to people and into Security Hub.
  const store = new SessionStore(dynamodb, config.sessions.tableName, parseSessionState);

  function refuse(
    reason: 'invalid-payload' | 'unknown-session',
    detail: Record<string, unknown>,
  ): SessionSummaryResult {
    // A payload this function did not plan: no AWS principal but the scheduler role may invoke it, so this is
    // a bug or tampering inside the tooling account. Counted with the other trust-boundary refusals.
    logger.error('Session summary check refused', { reason, ...detail });
    metrics.addMetric('SessionCheckRefusals', MetricUnit.Count, 1);
    return { status: 'refused', reason };
  }

  async function coverageOf(state: SessionState): Promise<SessionCoverage> {
    try {
      const windows = await queryWindows(dynamodb, config.breakGlassTable, state.accountId, {
        from: new Date(Date.parse(state.startedAt) - WINDOW_QUERY_MARGIN_MS).toISOString(),
        to: new Date(Date.parse(state.lastEventAt) + WINDOW_QUERY_MARGIN_MS).toISOString(),
      });
      return sessionCoverage(state, windows);
    } catch (error) {
      metrics.addMetric('BreakGlassLookupFailures', MetricUnit.Count, 1);
      return { state: 'lookup-failed', reason: errorMessage(error) };
    }
  }

  async function usualRegions(accountId: string, at: Date): Promise<string[]> {
    const seen = await usualRegionsOf(store, accountId, at).catch((error: unknown) => {
      // Without the profile every Region is unusual: louder, never quieter.
      logger.warn('Usual Regions unreadable: treating every Region as unusual', {
        error: errorMessage(error),
      });
      return [] as string[];
    });
    return [...new Set([...config.usualRegions, ...seen])].sort();
  }

  /** Writes the session's next state on its own item, again on a conflict (an event arrived meanwhile). */
  async function advance(
    payload: SchedulePayload,
    found: StoredSession,
    change: (s: SessionState) => SessionState,
  ): Promise<SessionState | undefined> {
    let current: StoredSession | undefined = found;
    for (let attempt = 0; attempt < MAX_MUTATE_ATTEMPTS && current; attempt++) {
      if (current.state.checkSeq !== payload.seq) return undefined;
      const next = change(current.state);
      if (await store.save(next, current.version, current.archived)) return next;
      current = await findSession(store, payload.sessionKey, payload.sessionId, current.state.accountId);
    }
    return undefined;
  }

  async function summarize(
    payload: SchedulePayload,
    found: StoredSession,
    kind: 'progress' | 'final',
    at: Date,
    context: Partial<Context> | undefined,
  ): Promise<SessionSummaryResult> {
    const { state } = found;
    const [usual, coverage] = await Promise.all([usualRegions(state.accountId, at), coverageOf(state)]);
    const summary = composeSummary({ state, kind, usualRegions: usual, coverage });
    const message = buildSummaryMessage(summary, state, config.runbook);
    const target = importTargetFrom(context?.invokedFunctionArn, config.securityHubRegion);
    const finding = buildSessionFinding(summary, state, target, at.toISOString());
    const [published, imported] = await Promise.allSettled([
      publishAlert(sns, config.topicArn, message, state.accountId),
      importFindings(securityHub, [finding], { accountId: state.accountId }),
    ]);
    if (published.status === 'rejected' || imported.status === 'rejected') {
      metrics.addMetric('SessionSummaryFailures', MetricUnit.Count, 1);
      const reason =
        published.status === 'rejected' ? published.reason : (imported as PromiseRejectedResult).reason;
      // The scheduler retries the invocation (its RetryPolicy); the state is unchanged, so the retry redoes it.
      throw reason;
    }
    metrics.addMetric('SessionSummaries', MetricUnit.Count, 1);

    const next = await advance(payload, found, (s) => afterSummary(s, at));
    if (next?.nextCheckAt) await planCheck(scheduler, config.sessions.schedule, next);
    if (next?.closedAt && coverage.state === 'covered') {
      // Only documented use teaches rootguard what "usual" is: an intruder's Regions never become usual.
      await recordRegions(
        store,
        state.accountId,
        summary.services.flatMap((svc) => svc.actions.flatMap((a) => a.regions.map((r) => r.region))),
        at,
      ).catch((error: unknown) => logger.warn('Usual Regions not recorded', { error: errorMessage(error) }));
    }
    logger.info('Root session summary sent', { sessionId: state.sessionId, kind, events: state.eventCount });
    return {
      status: 'summarized',
      sessionId: state.sessionId,
      kind,
      findingId: sessionFindingId(state.accountId, state.sessionId),
      messageId: published.value,
      nextCheckAt: next?.nextCheckAt,
    };
  }

  return async (event, context) => {
    try {
      const parsed = schedulePayloadSchema.safeParse(event);
      if (!parsed.success) {
        return refuse('invalid-payload', {
          issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
        });
      }
      const payload = parsed.data;
      const accountId = accountOfKey(payload.sessionKey);
      const found = await findSession(store, payload.sessionKey, payload.sessionId, accountId ?? 'unknown');
      if (!found || found.state.token !== payload.token) {
        return refuse('unknown-session', { sessionId: payload.sessionId });
      }
      if (found.state.checkSeq !== payload.seq) return { status: 'stale', sessionId: payload.sessionId };

      const at = now();
      const check = summaryCheck(found.state, at);
      if (check.action === 'none') return { status: 'closed', sessionId: payload.sessionId };
      if (check.action === 'wait') {
        const next = await advance(payload, found, (s) => afterWait(s, check.nextCheckAt));
        if (next?.nextCheckAt) await planCheck(scheduler, config.sessions.schedule, next);
        return { status: 'waiting', sessionId: payload.sessionId, nextCheckAt: check.nextCheckAt };
      }
      return await summarize(payload, found, check.action, at, context);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

export const handler: SessionSummaryHandler = lazyHandler(() => createSessionSummaryHandler());
