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
 *   AssumeRoot issuance (management account) ─▶ kept in the ledger table for its session's member-side
 *     │                  events, {status: 'issuance-recorded'} (audit-session.ts; never pages); one from
 *     │                  any account but the audit role's ─▶ {status: 'ignored'} (issuanceFromAuditAccount)
 *   classify ─not root activity─▶ {status: 'ignored'}            (defence against a misconfigured rule)
 *     │
 *   rootguard's own root audit session (audit-session.ts: the issuance by exactly the configured audit role,
 *     │   audit task policy, this account, an allowed read) ─▶ ledger (paged: false), AuditSessionEvents,
 *     │   {status: 'audit-recorded'}
 *   custody register (sign-ins: is the MFA device registered?)
 *     │
 *   session (session-paging.ts, on when ROOT_SESSION_TABLE is set): `append` or `duplicate` ─▶ break-glass
 *     │   lookup, ledger (paged: false, the session's id), {status: 'appended'}; the session's summaries
 *     │   report it. `page` (first event) and `re-page` (new source IP, failed sign-in, unregistered MFA
 *     │   device) go on; a session store that fails pages the event on its own.
 *   break-glass lookup (a failed read still alerts, as CRITICAL, and says so)
 *     │
 *   ledger claim (ledger.ts): already paged ─▶ {status: 'duplicate'} (the finding re-imported, no page).
 *     │   The ledger item, not the session, is the exactly-once marker of a page (ARCHITECTURE.md, decision 6)
 *     │
 *   SNS alert ∥ Security Hub finding (idempotent id)  ─either fails─▶ throw (Lambda retries, then on-failure)
 *     │
 *   ledger completion (alertedAt, latency) ─fails─▶ LedgerWriteFailures, throw AFTER the page (retried;
 *     │   the retry finds the page in the ledger or in this container's memory and does not page again)
 *   metrics: AlertLatency (ms, by kind) for MTTA, RootActivity; the session marks its page sent and plans
 *   its summary check (never throws: the page is out)
 *
 * Every event that gets past classification is one ledger record, with its root session's id
 * (`rootSessionId`) and `paged` as the session decided.
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
import { ClientPool } from '../../lib/client-pool';
import { errorMessage } from '../../lib/errors';
import { oneLine } from '../../lib/escape';
import { lazyHandler } from '../../lib/lazy-handler';
import { metrics as defaultMetrics, logger } from '../../lib/logger';
import type { LedgerRecord } from '../../lib/root-activity-ledger';
import {
  auditVerdict,
  type IssuanceRefusal,
  isAssumeRootEvent,
  issuanceFromAuditAccount,
  issuanceOf,
  type RootSessionIssuance,
} from './audit-session';
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
import { type CustodyLookup, type DeviceCustody, deviceCustody, registerVerdict } from './device-custody';
import { AlertDeliveryError, type InvalidAlertEventError, LedgerWriteError } from './errors';
import { eventSummary, parseRootActivityEvent } from './event';
import { buildRootActivityFinding, rootActivityFindingId } from './finding';
import {
  claimPage,
  completePage,
  custodyLookupFromLedger,
  type PageClaim,
  readRootSessionIssuance,
  recordRootActivity,
  recordRootSessionIssuance,
} from './ledger';
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
  /**
   * Default: one client pool for the function's region, reused while the Lambda stays warm. A pool, not
   * lib/clients.ts's ClientFactory: the alert assumes no role, and STS stays out of its zip.
   */
  clientFactory?: ClientPool;
  now?: () => Date;
  metrics?: AlertMetrics;
  /** Pause before re-sending findings Security Hub rejected. */
  retryDelayMs?: number;
  /** The key custody register lookup. Default: the copy `custody publish --ledger-table` wrote (ledger.ts). */
  custodyLookup?: CustodyLookup;
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
  /** Part of a session that already paged: in the ledger (paged: false), reported in the session's summaries. */
  | { status: 'appended'; accountId: string; eventId: string; session: SessionOutcome }
  /** rootguard's own root audit session: in the ledger, not paged. */
  | { status: 'audit-recorded'; accountId: string; eventId: string }
  /** Already paged by an earlier delivery or attempt (ledger.ts): not paged again. */
  | {
      status: 'duplicate';
      accountId: string;
      eventId: string;
      alertedAt: string | undefined;
      /** Present when session paging is on. */
      session?: SessionOutcome;
    }
  /** An AssumeRoot call in the management (or delegated administrator) account, kept for its session. */
  | { status: 'issuance-recorded'; eventId: string; targetAccountId: string; callerArn: string }
  | { status: 'ignored'; eventId: string; reason: IgnoreReason | `assume-root-${IssuanceRefusal}` }
  | { status: 'forged'; eventId: string; reason: ForgeryReason }
  | { status: 'invalid'; eventId: string | undefined; reason: string };

export type RootActivityHandler = (event: unknown, context?: Partial<Context>) => Promise<RootActivityResult>;

export const DEFAULT_RETRY_DELAY_MS = 200;
/** Events this container paged (account/eventId → alertedAt), so a retry after a failed ledger write does not page twice. */
export const PAGED_MEMORY_MAX = 1000;

export function createRootActivityHandler(deps: RootActivityHandlerDeps = {}): RootActivityHandler {
  const config = deps.config ?? loadAlertConfig();
  const factory = deps.clientFactory ?? new ClientPool({ region: config.region });
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
  // The register as `custody publish --ledger-table` wrote it into the ledger table (read with the DynamoDB client
  // the alert already has: an S3 client would break the alert zip budget, ARCHITECTURE.md decision 7).
  const custodyLookup: CustodyLookup =
    deps.custodyLookup ??
    custodyLookupFromLedger(clients.dynamodb, config.ledgerTable, now, (reason) => {
      logger.warn('Key custody register could not be read: the sign-in alert says so', { reason });
      metrics.addMetric('CustodyRegisterReadFailures', MetricUnit.Count, 1);
    });
  const pagedHere = new Map<string, string>();
  const rememberPaged = (eventId: string, alertedAt: string) => {
    pagedHere.set(eventId, alertedAt);
    if (pagedHere.size > PAGED_MEMORY_MAX) pagedHere.delete(pagedHere.keys().next().value as string);
  };

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

  function ledgerFailed(activity: RootActivity, error: unknown): LedgerWriteError {
    metrics.addMetric('LedgerWriteFailures', MetricUnit.Count, 1);
    const failure = new LedgerWriteError(
      `Root activity ${activity.eventId} in account ${activity.accountId}: not recorded in the ledger (${errorMessage(error)})`,
      { accountId: activity.accountId, cause: error },
    );
    logger.error('Root activity ledger write failed', { error: failure });
    return failure;
  }

  /** The issuance of an assumed-root session's key, if the AssumeRoot call was seen; never throws. */
  async function lookUpIssuance(activity: RootActivity): Promise<RootSessionIssuance | undefined> {
    if (activity.session !== 'assumed-root' || activity.accessKeyId === undefined) return undefined;
    try {
      return await readRootSessionIssuance(
        clients.dynamodb,
        config.ledgerTable,
        activity.accessKeyId,
        activity.accountId,
      );
    } catch (error) {
      logger.warn('AssumeRoot issuance lookup failed: the session is alerted without its caller', {
        reason: errorMessage(error),
      });
      return undefined;
    }
  }

  async function lookUpCustody(activity: RootActivity): Promise<DeviceCustody | undefined> {
    if (activity.kind !== 'console-sign-in') return undefined;
    if (activity.mfaDevice === undefined) return deviceCustody(activity, 'not-configured');
    return deviceCustody(activity, await custodyLookup(activity.accountId));
  }

  /**
   * The ledger record of one event. `rootSessionId`: its root session's id (session-paging.ts), or the event
   * id when the event is its own session (session paging off, or the session store failed).
   */
  function ledgerRecord(
    activity: RootActivity,
    breakGlass: BreakGlassStatus,
    paged: boolean,
    rootSessionId: string = activity.eventId,
  ): LedgerRecord {
    return {
      eventId: activity.eventId,
      accountId: activity.accountId,
      eventTime: activity.eventTime,
      eventName: activity.eventName,
      eventSource: activity.eventSource,
      kind: activity.kind,
      session: activity.session,
      outcome: activity.outcome,
      region: activity.region,
      ...(activity.sourceIp !== undefined ? { sourceIp: activity.sourceIp } : {}),
      ...(activity.userAgent !== undefined ? { userAgent: activity.userAgent } : {}),
      ...(activity.mfaUsed !== undefined ? { mfaUsed: activity.mfaUsed } : {}),
      ...(activity.mfaDevice !== undefined ? { mfaDevice: activity.mfaDevice } : {}),
      ...(breakGlass.state === 'open' ? { breakGlassWindowId: breakGlass.window.windowId } : {}),
      rootSessionId,
      paged,
    };
  }

  /**
   * Records an event that does not page (paged: false): rootguard's own audit reads, and the events session
   * paging appends to a session that already paged. A write that fails throws (Lambda retries; nothing was
   * paged, so nothing can page twice).
   */
  async function recordUnpaged(
    activity: RootActivity,
    rootSessionId: string = activity.eventId,
    breakGlass: BreakGlassStatus = { state: 'none' },
  ): Promise<void> {
    try {
      await recordRootActivity(
        clients.dynamodb,
        config.ledgerTable,
        ledgerRecord(activity, breakGlass, false, rootSessionId),
      );
    } catch (error) {
      throw ledgerFailed(activity, error);
    }
  }

  /**
   * rootguard's own audit session (audit-session.ts): recorded, counted and logged, never paged. Otherwise
   * undefined, with the issuance of an assumed-root session's key (when seen) for the alert to name.
   */
  async function auditSession(
    activity: RootActivity,
  ): Promise<{ recorded: RootActivityResult } | { issuance: RootSessionIssuance | undefined }> {
    const issuance = await lookUpIssuance(activity);
    const verdict = auditVerdict(activity, issuance, config.rootAuditRoleArn);
    if (!verdict.audit) {
      if (activity.session === 'assumed-root') {
        logger.info("AssumeRoot session event is not rootguard's audit: alerting", {
          reason: verdict.reason,
        });
      }
      return { issuance };
    }
    // Never grouped with other root activity: the audit session is its issued key's, one per AssumeRoot.
    await recordUnpaged(activity, `audit-${activity.accountId}-${activity.accessKeyId}`);
    metrics.addMetric('AuditSessionEvents', MetricUnit.Count, 1);
    logger.info('rootguard root audit session event recorded without paging', {
      eventName: activity.eventName,
      accessKeyId: activity.accessKeyId,
    });
    return {
      recorded: { status: 'audit-recorded', accountId: activity.accountId, eventId: activity.eventId },
    };
  }

  async function recordIssuance(
    eventId: string,
    issuance: ReturnType<typeof issuanceOf>,
    envelopeAccount: string | undefined,
  ): Promise<RootActivityResult> {
    if (!issuance.ok) {
      logger.warn('AssumeRoot event not kept: it does not record an issued root session', {
        eventId,
        reason: issuance.reason,
        account: envelopeAccount,
      });
      metrics.addMetric('IgnoredEvents', MetricUnit.Count, 1);
      return { status: 'ignored', eventId, reason: `assume-root-${issuance.reason}` };
    }
    const { targetAccountId, callerArn } = issuance.issuance;
    try {
      await recordRootSessionIssuance(clients.dynamodb, config.ledgerTable, issuance.issuance);
    } catch (error) {
      metrics.addMetric('LedgerWriteFailures', MetricUnit.Count, 1);
      logger.error('AssumeRoot issuance not recorded', { eventId, reason: errorMessage(error) });
      // Retried by Lambda: without the issuance, the session's audit reads would page.
      throw error;
    }
    metrics.addMetric('RootSessionIssuances', MetricUnit.Count, 1);
    logger.info('AssumeRoot issuance recorded', { eventId, targetAccountId, callerArn });
    return { status: 'issuance-recorded', eventId, targetAccountId, callerArn };
  }

  /**
   * Pages one event (and files its finding, and records it). `issuance`: the AssumeRoot call of an
   * assumed-root session, named in the alert; `custody`: the sign-in's MFA device in the register;
   * `rootSessionId`: the session the event opened or re-paged.
   */
  async function raiseAlert(
    activity: RootActivity,
    context: Partial<Context> | undefined,
    issuance: RootSessionIssuance | undefined,
    custody: DeviceCustody | undefined,
    rootSessionId: string = activity.eventId,
  ): Promise<RootActivityResult> {
    // The ledger item is the page's idempotency marker, claimed while the window and the register are read
    // (one round trip less before the page). The claim carries no window id: completePage writes the whole
    // record. A ledger that cannot be written never stops the page.
    const claiming = claimPage(
      clients.dynamodb,
      config.ledgerTable,
      ledgerRecord(activity, { state: 'none' }, true, rootSessionId),
      {
        requestId: context?.awsRequestId ?? 'unknown-request',
        at: now(),
      },
    ).then(
      (claim) => ({ claim, error: undefined as unknown }),
      (error: unknown) => ({ claim: { state: 'claimed' } as PageClaim, error }),
    );
    const [breakGlass, claimed] = await Promise.all([lookUpWindow(activity), claiming]);
    const severity = alertSeverity(breakGlass, custody);
    const startedAt = now();
    const record = ledgerRecord(activity, breakGlass, true, rootSessionId);
    let ledgerError = claimed.error;
    const { claim } = claimed;
    if (claim.state === 'id-collision') {
      logger.warn('Ledger already holds this event id for another account: paging, not recorded', {
        otherAccountId: claim.otherAccountId,
      });
      metrics.addMetric('LedgerIdCollisions', MetricUnit.Count, 1);
    }
    const pagedEarlier = pagedHere.get(`${activity.accountId}/${activity.eventId}`);
    const alreadyPaged =
      claim.state === 'already-paged'
        ? claim.alertedAt
        : claim.state === 'claimed'
          ? pagedEarlier
          : undefined;

    const message = buildAlertMessage({
      activity,
      breakGlass,
      alertedAt: startedAt.toISOString(),
      runbook: config.runbook,
      ...(custody ? { custody } : {}),
      ...(issuance ? { issuance } : {}),
    });

    let latencyMs: number | undefined;
    let alertedAt: Date | undefined;
    const skipPage = claim.state === 'claimed-elsewhere' || alreadyPaged !== undefined;
    const publishing = skipPage
      ? Promise.resolve(undefined)
      : publishAlert(clients.sns, config.topicArn, message, activity.accountId).then((id) => {
          // The page is out: this is the alert time MTTA is measured by, whatever happens to the finding.
          alertedAt = now();
          latencyMs = recordLatency(activity, alertedAt);
          rememberPaged(`${activity.accountId}/${activity.eventId}`, alertedAt.toISOString());
          return id;
        });
    const importing = (async () => {
      const target = importTargetFrom(context?.invokedFunctionArn, config.securityHubRegion);
      const finding = buildRootActivityFinding({
        activity,
        breakGlass,
        target,
        now: startedAt.toISOString(),
        ...(custody ? { custody } : {}),
        ...(issuance ? { issuance } : {}),
      });
      // Re-imported on a duplicate too (same id, no new finding): the first attempt's import may have failed.
      await importFindings(clients.securityHub, [finding], activity.accountId, retryDelayMs);
    })();
    const [published, imported] = await Promise.allSettled([publishing, importing]);

    // Complete the ledger record once a page is out (now or in an earlier attempt of this container).
    const pageTime = alertedAt?.toISOString() ?? (claim.state === 'claimed' ? pagedEarlier : undefined);
    if (pageTime !== undefined && claim.state === 'claimed') {
      try {
        await completePage(clients.dynamodb, config.ledgerTable, {
          ...record,
          alertedAt: pageTime,
          alertLatencyMs: Math.max(0, Date.parse(pageTime) - Date.parse(activity.eventTime)),
        });
      } catch (error) {
        ledgerError ??= error;
      }
    }

    if (published.status === 'rejected' || imported.status === 'rejected') {
      const failures = [published, imported].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      metrics.addMetric('AlertDeliveryFailures', MetricUnit.Count, 1);
      if (ledgerError !== undefined) ledgerFailed(activity, ledgerError);
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
    // The page is out; a ledger that could not record it fails the invocation now, so Lambda retries the write.
    if (ledgerError !== undefined) throw ledgerFailed(activity, ledgerError);

    if (skipPage) {
      metrics.addMetric('DuplicateEvents', MetricUnit.Count, 1);
      logger.info('Root activity already paged: not paged again', { claim: claim.state });
      return {
        status: 'duplicate' as const,
        accountId: activity.accountId,
        eventId: activity.eventId,
        alertedAt: alreadyPaged,
      };
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
      mfaDevice: custody?.state,
      latencyMs: result.latencyMs,
    });
    return result;
  }

  async function lookUpWindow(activity: RootActivity): Promise<BreakGlassStatus> {
    const breakGlass = await lookUpBreakGlass(clients.dynamodb, config.breakGlassTable, activity);
    if (breakGlass.state === 'lookup-failed') {
      logger.error('Break-glass window lookup failed: alerting as unexpected root use', {
        reason: breakGlass.reason,
      });
      metrics.addMetric('BreakGlassLookupFailures', MetricUnit.Count, 1);
    }
    return breakGlass;
  }

  /**
   * An event whose session decision is made: `page`/`re-page` go through raiseAlert (the ledger claim keeps
   * a retried or duplicate delivery from paging twice, whatever the session remembers), the others are
   * recorded unpaged in their session. The session settles (page marked sent, summary check planned) before
   * an unpaged record is written, so a failed write that Lambda retries finds the event already in its
   * session (`duplicate`) and only writes the record.
   */
  async function handleInSession(
    paging: SessionPaging,
    activity: RootActivity,
    gate: SessionGate,
    context: Partial<Context> | undefined,
    issuance: RootSessionIssuance | undefined,
    custody: DeviceCustody | undefined,
  ): Promise<RootActivityResult> {
    const rootSessionId = gate.sessionId ?? activity.eventId;
    const session = sessionOutcome(gate);
    if (!gate.pages) {
      await paging.settle(gate);
      await recordUnpaged(activity, rootSessionId, await lookUpWindow(activity));
      return { status: 'appended', accountId: activity.accountId, eventId: activity.eventId, session };
    }
    const alerted = await raiseAlert(activity, context, issuance, custody, rootSessionId);
    await paging.settle(gate);
    return alerted.status === 'alerted' || alerted.status === 'duplicate' ? { ...alerted, session } : alerted;
  }

  return async (event, context) => {
    try {
      const parsed = parseRootActivityEvent(event);
      if (!parsed.ok) return await rejectInvalid(event, parsed.error);

      const eventId = parsed.event.detail.eventID;
      const provenance = provenanceOf(parsed.event);
      if (!provenance.ok) return refuseForged(oneLine(eventId, FIELD_MAX.eventId), provenance.evidence);

      if (isAssumeRootEvent(parsed.event)) {
        const issuance = issuanceFromAuditAccount(issuanceOf(parsed.event), config.rootAuditRoleArn);
        return await recordIssuance(eventId, issuance, parsed.event.account);
      }

      const classified = classifyRootActivity(parsed.event);
      if (!classified.ok) {
        // Reaching here means a rule matched more than root activity: worth a look, not a page.
        logger.warn('Event is not alertable root activity: ignored', { eventId, reason: classified.reason });
        metrics.addMetric('IgnoredEvents', MetricUnit.Count, 1);
        return { status: 'ignored', eventId, reason: classified.reason };
      }
      logger.appendKeys({ accountId: classified.activity.accountId, eventId });
      // rootguard's own audit reads are recorded before anything else sees them: never paged, never grouped.
      const audit = await auditSession(classified.activity);
      if ('recorded' in audit) return audit.recorded;
      const { activity } = classified;
      // Before the session decides: a sign-in with a device the register does not know re-pages its session.
      const custody = await lookUpCustody(activity);
      if (!sessions) return await raiseAlert(activity, context, audit.issuance, custody);
      const gate = await sessions.admit(
        sessionEventOf(activity, parsed.event.detail, registerVerdict(custody)),
        now(),
      );
      return await handleInSession(sessions, activity, gate, context, audit.issuance, custody);
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
