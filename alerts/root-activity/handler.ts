/**
 * The root-activity alert Lambda, invoked by the central bus's rules (patterns.json) for every root console
 * sign-in, root API call (read-only ones included) and root console action in the organization, from every
 * Region:
 *
 *   parse ─invalid─▶ invalid-event queue, {status: 'invalid'}   (never throws: no retry storm on a bad shape)
 *     │
 *   provenance ─forged─▶ log the accounts, ForgedEvents, {status: 'forged'}   (provenance.ts: the source is
 *     │                  CloudTrail's and the root that acted belongs to the envelope account; never throws,
 *     │                  never pages, never files a finding)
 *   classify ─not root activity─▶ {status: 'ignored'}            (defence against a misconfigured rule)
 *     │
 *   break-glass lookup (a failed read still alerts, as CRITICAL, and says so)
 *     │
 *   SNS alert ∥ Security Hub finding (idempotent id)  ─either fails─▶ throw (Lambda retries, then on-failure)
 *     │
 *   metrics: AlertLatency (ms, by kind) for MTTA, RootActivity
 *
 * Session paging (session-paging.ts, on when ROOT_SESSION_TABLE is set): after classification the event's
 * root session is read and decided on (session.ts). Only `page` (the first event of a session) and
 * `re-page` (a new source IP, a failed sign-in, an unregistered MFA device) go down the alert path above;
 * the others return {status: 'appended'} and reach people in the session's summaries. A session store that
 * fails pages the event as before.
 *
 * Pure pieces live next door (event, classify, message, finding); deliver.ts holds the AWS calls.
 */

import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { ClientFactory } from '../../lib/clients';
import { errorMessage } from '../../lib/errors';
import { oneLine } from '../../lib/escape';
import { lazyHandler } from '../../lib/lazy-handler';
import { metrics as defaultMetrics, logger } from '../../lib/logger';
import { type AlertSeverity, alertSeverity, type BreakGlassStatus } from './break-glass-status';
import { classifyRootActivity, FIELD_MAX, type IgnoreReason, type RootActivity } from './classify';
import { type AlertConfig, importTargetFrom, loadAlertConfig } from './config';
import {
  type AlertClients,
  importFindings,
  lookUpBreakGlass,
  parkInvalidEvent,
  publishAlert,
} from './deliver';
import { AlertDeliveryError, type InvalidAlertEventError } from './errors';
import { eventSummary, parseRootActivityEvent } from './event';
import { buildRootActivityFinding, rootActivityFindingId } from './finding';
import { buildAlertMessage } from './message';
import { type ForgeryEvidence, type ForgeryReason, provenanceOf } from './provenance';
import {
  loadSessionPagingConfig,
  type SessionGate,
  type SessionOutcome,
  SessionPaging,
  type SessionPagingConfig,
  sessionEventOf,
  sessionOutcome,
} from './session-paging';

type Unit = Parameters<Metrics['addMetric']>[1];

/** The part of Powertools Metrics the handler uses (tests and the benchmark pass a recorder). */
export interface AlertMetrics {
  addMetric(name: string, unit: Unit, value: number): unknown;
  singleMetric(): {
    addDimension(name: string, value: string): unknown;
    addMetadata(key: string, value: string): unknown;
    addMetric(name: string, unit: Unit, value: number): unknown;
  };
  publishStoredMetrics(): unknown;
}

export interface RootActivityHandlerDeps {
  /** Default: read from the environment (and validated) when the handler is created. */
  config?: AlertConfig;
  /** Default: one ClientFactory for the function's region, reused while the Lambda stays warm. */
  clientFactory?: ClientFactory;
  now?: () => Date;
  metrics?: AlertMetrics;
  /** Pause before re-sending findings Security Hub rejected. */
  retryDelayMs?: number;
  /**
   * Session paging. Default: read from the environment when `config` is not given (off when
   * ROOT_SESSION_TABLE is unset); null: off.
   */
  sessions?: SessionPagingConfig | null;
}

export type RootActivityResult =
  | {
      status: 'alerted';
      accountId: string;
      eventId: string;
      findingId: string;
      severity: AlertSeverity;
      breakGlass: BreakGlassStatus['state'];
      /** SNS publish time minus CloudTrail event time. */
      latencyMs: number;
      messageId: string | undefined;
      /** Present when session paging is on. */
      session?: SessionOutcome;
    }
  | {
      /** Part of a session that already paged: no page, reported in the session's summaries. */
      status: 'appended';
      accountId: string;
      eventId: string;
      session: SessionOutcome;
    }
  | { status: 'ignored'; eventId: string; reason: IgnoreReason }
  | { status: 'forged'; eventId: string; reason: ForgeryReason }
  | { status: 'invalid'; eventId: string | undefined; reason: string };

export type RootActivityHandler = (event: unknown, context?: Partial<Context>) => Promise<RootActivityResult>;

export const DEFAULT_RETRY_DELAY_MS = 200;

export function createRootActivityHandler(deps: RootActivityHandlerDeps = {}): RootActivityHandler {
  const config = deps.config ?? loadAlertConfig();
  const factory = deps.clientFactory ?? new ClientFactory({ region: config.region });
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? defaultMetrics;
  const retryDelayMs = deps.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  const clients: AlertClients = {
    sns: factory.client(SNSClient),
    sqs: factory.client(SQSClient),
    dynamodb: factory.client(DynamoDBClient),
    securityHub: factory.client(SecurityHubClient, { region: config.securityHubRegion }),
  };
  const sessionConfig =
    deps.sessions !== undefined ? deps.sessions : deps.config ? null : loadSessionPagingConfig();
  const sessions = sessionConfig
    ? new SessionPaging(sessionConfig, {
        dynamodb: clients.dynamodb,
        scheduler: factory.client(SchedulerClient),
        metrics,
      })
    : undefined;

  async function rejectInvalid(raw: unknown, error: InvalidAlertEventError): Promise<RootActivityResult> {
    const { id, detailType } = eventSummary(raw);
    // The issues name fields and rules only; the event itself goes to the queue, never to the log.
    logger.error('Invalid root activity event: sent to the invalid-event queue', {
      eventBusId: id,
      detailType,
      issues: error.issues,
    });
    metrics.addMetric('InvalidEvents', MetricUnit.Count, 1);
    // If the queue itself is unreachable this throws: Lambda retries and then hands the event to the
    // on-failure destination, so it is still kept somewhere.
    await parkInvalidEvent(clients.sqs, config.invalidEventQueueUrl, raw, {
      reason: error.message,
      eventBusId: id,
      detailType,
    });
    return { status: 'invalid', eventId: id, reason: error.message };
  }

  /**
   * An event that claims root activity of an account other than the one that put it, or that no AWS service
   * sent: logged with its accounts (never its content) and counted, neither paged nor filed. Not thrown: a
   * retry would be refused the same way.
   */
  function refuseForged(eventId: string, evidence: ForgeryEvidence): RootActivityResult {
    logger.error('Root activity event refused: it cannot come from the account it names', {
      eventId,
      ...evidence,
    });
    metrics.addMetric('ForgedEvents', MetricUnit.Count, 1);
    return { status: 'forged', eventId, reason: evidence.reason };
  }

  function recordLatency(activity: RootActivity, alertedAt: Date): number {
    // CloudTrail times have whole seconds and clocks drift a little: never report a negative latency.
    const latencyMs = Math.max(0, alertedAt.getTime() - Date.parse(activity.eventTime));
    const single = metrics.singleMetric();
    single.addDimension('kind', activity.kind);
    single.addMetadata('eventId', activity.eventId);
    single.addMetric('AlertLatency', MetricUnit.Milliseconds, latencyMs);
    return latencyMs;
  }

  async function raiseAlert(activity: RootActivity, context: Partial<Context> | undefined) {
    const breakGlass = await lookUpBreakGlass(clients.dynamodb, config.breakGlassTable, activity);
    if (breakGlass.state === 'lookup-failed') {
      logger.error('Break-glass window lookup failed: alerting as unexpected root use', {
        reason: breakGlass.reason,
      });
      metrics.addMetric('BreakGlassLookupFailures', MetricUnit.Count, 1);
    }
    const severity = alertSeverity(breakGlass);
    const startedAt = now();
    const message = buildAlertMessage({
      activity,
      breakGlass,
      alertedAt: startedAt.toISOString(),
      runbook: config.runbook,
    });

    let latencyMs: number | undefined;
    const publishing = publishAlert(clients.sns, config.topicArn, message, activity.accountId).then((id) => {
      // The page is out: this is the alert time MTTA is measured by, whatever happens to the finding.
      latencyMs = recordLatency(activity, now());
      return id;
    });
    const importing = (async () => {
      const target = importTargetFrom(context?.invokedFunctionArn, config.securityHubRegion);
      const finding = buildRootActivityFinding({
        activity,
        breakGlass,
        target,
        now: startedAt.toISOString(),
      });
      await importFindings(clients.securityHub, [finding], activity.accountId, retryDelayMs);
    })();
    const [published, imported] = await Promise.allSettled([publishing, importing]);

    if (published.status === 'rejected' || imported.status === 'rejected') {
      const failures = [published, imported].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      metrics.addMetric('AlertDeliveryFailures', MetricUnit.Count, 1);
      const what = [
        published.status === 'rejected'
          ? `SNS alert not sent (${errorMessage(published.reason)})`
          : undefined,
        imported.status === 'rejected'
          ? `finding not imported (${errorMessage(imported.reason)})`
          : undefined,
      ].filter(Boolean);
      const error = new AlertDeliveryError(
        `Root activity ${activity.eventId} in account ${activity.accountId}: ${what.join('; ')}`,
        { accountId: activity.accountId, cause: failures[0], failures },
      );
      logger.error('Root activity alert delivery failed', { error });
      throw error;
    }

    metrics.addMetric('RootActivity', MetricUnit.Count, 1);
    const result: RootActivityResult = {
      status: 'alerted',
      accountId: activity.accountId,
      eventId: activity.eventId,
      findingId: rootActivityFindingId(activity.accountId, activity.eventId),
      severity,
      breakGlass: breakGlass.state,
      latencyMs: latencyMs ?? 0,
      messageId: published.value,
    };
    logger.info('Root activity alert raised', {
      kind: activity.kind,
      session: activity.session,
      outcome: activity.outcome,
      severity,
      breakGlass: breakGlass.state,
      latencyMs: result.latencyMs,
    });
    return result;
  }

  async function handleInSession(
    paging: SessionPaging,
    activity: RootActivity,
    gate: SessionGate,
    context: Partial<Context> | undefined,
  ): Promise<RootActivityResult> {
    if (!gate.pages) {
      await paging.settle(gate);
      return {
        status: 'appended',
        accountId: activity.accountId,
        eventId: activity.eventId,
        session: sessionOutcome(gate),
      };
    }
    const alerted = await raiseAlert(activity, context);
    await paging.settle(gate);
    // Integration point for the root activity ledger: every result, 'appended' included, carries the
    // session id and whether the event paged.
    return { ...alerted, session: sessionOutcome(gate) } as RootActivityResult;
  }

  return async (event, context) => {
    try {
      const parsed = parseRootActivityEvent(event);
      if (!parsed.ok) return await rejectInvalid(event, parsed.error);

      const eventId = parsed.event.detail.eventID;
      const provenance = provenanceOf(parsed.event);
      if (!provenance.ok) return refuseForged(oneLine(eventId, FIELD_MAX.eventId), provenance.evidence);

      const classified = classifyRootActivity(parsed.event);
      if (!classified.ok) {
        // Reaching here means a rule matched more than root activity: worth a look, not a page.
        logger.warn('Event is not alertable root activity: ignored', { eventId, reason: classified.reason });
        metrics.addMetric('IgnoredEvents', MetricUnit.Count, 1);
        return { status: 'ignored', eventId, reason: classified.reason };
      }
      logger.appendKeys({ accountId: classified.activity.accountId, eventId });
      if (!sessions) return await raiseAlert(classified.activity, context);
      const gate = await sessions.admit(sessionEventOf(classified.activity, parsed.event.detail), now());
      return await handleInSession(sessions, classified.activity, gate, context);
    } finally {
      metrics.publishStoredMetrics();
      logger.removeKeys(['accountId', 'eventId']);
    }
  };
}

/**
 * The Lambda entry point, built on the first invocation (lib/lazy-handler.ts); a bad environment fails every
 * invocation with the same InvalidAlertConfigError until it is fixed.
 */
export const handler: RootActivityHandler = lazyHandler(() => createRootActivityHandler());
