/**
 * The compliance-finding Lambda, invoked by an EventBridge rule on the central bus for every
 * `Config Rules Compliance Change` event (source aws.config) whose rule name starts with `rootguard-`, one
 * event per invocation:
 *
 *   validate ─invalid─▶ log the issues, InvalidComplianceEvents, {status: 'invalid'}
 *     │                 (never throws: the event comes from AWS itself, a retry would fail the same way)
 *   recognise the rule ─not rootguard / unknown id─▶ log, IgnoredComplianceEvents, {status: 'ignored'}
 *     │                ─named rootguard-… but not deployed by rootguard (rule-origin.ts)─▶ log the accounts,
 *     │                 ForeignComplianceChanges, {status: 'refused'}   (never throws, never imports)
 *   build the finding (pure, compliance-finding.ts)
 *     │
 *   BatchImportFindings (rejected findings retried once) ─▶ BatchUpdateFindings for the workflow, when the
 *     │   result passes again (RESOLVED) or fails after not applying (NEW)
 *     │   ─either fails─▶ throw: Lambda's asynchronous retries re-send the same finding id, then the
 *     │                   on-failure destination keeps the event
 *   metrics: ComplianceFindings, ComplianceFindingLatency (import time − Config's notification time)
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { Context } from 'aws-lambda';
import { errorMessage } from '../lib/errors';
import { relatedRequirements } from '../lib/frameworks';
import { type HandlerDeps, type HandlerMetrics, handlerDefaults } from '../lib/handler-deps';
import { lazyHandler } from '../lib/lazy-handler';
import { metrics as defaultMetrics, logger } from '../lib/logger';
import { eventSummary } from './compliance-event';
import {
  buildComplianceFinding,
  type IgnoreReason,
  type RelatedRequirementsLookup,
  type RuleLookup,
  recogniseComplianceChange,
} from './compliance-finding';
import { type FindingsConfig, importTargetFrom, loadFindingsConfig } from './config';
import { importFindings, updateWorkflowStatus } from './import';
import type { ForeignRuleReason } from './rule-origin';

export interface ComplianceFindingHandlerDeps extends HandlerDeps<FindingsConfig, HandlerMetrics> {
  /** Framework requirements per rule id (lib/frameworks.ts). */
  relatedRequirements: RelatedRequirementsLookup;
  /** Rule metadata by id. Default: the rule registry. */
  rules?: RuleLookup;
  /** Rule ids a Config rule name may stand for. Default: every registered rule. */
  knownRuleIds?: ReadonlySet<string>;
  /** Pause before re-sending findings Security Hub rejected. */
  retryDelayMs?: number;
}

export type ComplianceFindingResult =
  | {
      status: 'imported';
      findingId: string;
      ruleId: string;
      accountId: string;
      region: string;
      complianceStatus: string;
      /** The workflow status set with BatchUpdateFindings, if one was. */
      workflowUpdate: string | undefined;
    }
  | { status: 'ignored'; eventId: string | undefined; configRuleName: string; reason: IgnoreReason }
  | { status: 'refused'; eventId: string | undefined; configRuleName: string; reason: ForeignRuleReason }
  | { status: 'invalid'; eventId: string | undefined; reason: string };

export type ComplianceFindingHandler = (
  event: unknown,
  context?: Partial<Context>,
) => Promise<ComplianceFindingResult>;

export const DEFAULT_RETRY_DELAY_MS = 200;

export function createComplianceFindingHandler(deps: ComplianceFindingHandlerDeps): ComplianceFindingHandler {
  const { config, factory, now, metrics } = handlerDefaults(deps, loadFindingsConfig, defaultMetrics);
  const retryDelayMs = deps.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  const securityHub = factory.client(SecurityHubClient, { region: config.securityHubRegion });

  return async (event, context) => {
    try {
      // The importer is the tooling account: the only account whose own rootguard-<id> rules count.
      const target = importTargetFrom(context?.invokedFunctionArn, config.securityHubRegion);
      const recognised = recogniseComplianceChange(event, {
        toolingAccountId: target.importerAccountId,
        rules: deps.rules,
        knownRuleIds: deps.knownRuleIds,
      });
      const { id: eventId, configRuleName } = eventSummary(event);

      if (recognised.kind === 'invalid') {
        // The issues name fields and rules only: never log the event itself.
        logger.error('Invalid Config compliance change event: ignored', {
          eventBusId: eventId,
          configRuleName,
          issues: recognised.error.issues,
        });
        metrics.addMetric('InvalidComplianceEvents', MetricUnit.Count, 1);
        return { status: 'invalid', eventId, reason: recognised.error.message };
      }
      if (recognised.kind === 'refused') {
        // A rule named like ours that rootguard did not deploy (rule-origin.ts): it must not change a
        // finding. Not thrown: a retry would be refused the same way.
        logger.error('Compliance change refused: not a rule of the rootguard conformance pack', {
          eventBusId: eventId,
          ...recognised.evidence,
        });
        metrics.addMetric('ForeignComplianceChanges', MetricUnit.Count, 1);
        return {
          status: 'refused',
          eventId,
          configRuleName: recognised.evidence.configRuleName,
          reason: recognised.evidence.reason,
        };
      }
      if (recognised.kind === 'ignored') {
        // Reaching here means the EventBridge rule matched more than rootguard's rules, or a rule this
        // build does not know: worth a look, not a failure.
        logger.warn('Compliance change of a rule that is not a known rootguard rule: ignored', {
          eventBusId: eventId,
          configRuleName: recognised.configRuleName,
          reason: recognised.reason,
        });
        metrics.addMetric('IgnoredComplianceEvents', MetricUnit.Count, 1);
        return {
          status: 'ignored',
          eventId,
          configRuleName: recognised.configRuleName,
          reason: recognised.reason,
        };
      }

      const accountId = recognised.event.account;
      logger.appendKeys({ ruleId: recognised.rule.id, accountId });
      const mapped = buildComplianceFinding({
        event: recognised.event,
        rule: recognised.rule,
        relatedRequirements: deps.relatedRequirements,
        target,
        runbookBaseUrl: config.runbookBaseUrl,
      });
      if (mapped.requirements.clipped > 0 || mapped.requirements.dropped > 0) {
        logger.warn('Framework requirements cut to fit Security Hub (≤ 32 entries of ≤ 64 characters)', {
          clipped: mapped.requirements.clipped,
          dropped: mapped.requirements.dropped,
        });
      }

      const { finding } = mapped;
      try {
        await importFindings(securityHub, [finding], { accountId, retryDelayMs });
        if (mapped.workflowUpdate) {
          await updateWorkflowStatus(
            securityHub,
            [{ finding: { Id: finding.Id, ProductArn: finding.ProductArn }, status: mapped.workflowUpdate }],
            { accountId, retryDelayMs },
          );
        }
      } catch (error) {
        metrics.addMetric('ComplianceFindingFailures', MetricUnit.Count, 1);
        logger.error('Compliance finding not delivered to Security Hub', {
          findingId: finding.Id,
          error: errorMessage(error),
        });
        throw error;
      }

      const latencyMs = Math.max(
        0,
        now().getTime() - Date.parse(recognised.event.detail.notificationCreationTime),
      );
      metrics.addMetric('ComplianceFindings', MetricUnit.Count, 1);
      metrics.addMetric('ComplianceFindingLatency', MetricUnit.Milliseconds, latencyMs);
      logger.info('Compliance finding imported', {
        findingId: finding.Id,
        region: mapped.region,
        complianceType: mapped.complianceType,
        workflowUpdate: mapped.workflowUpdate,
        latencyMs,
      });
      return {
        status: 'imported',
        findingId: finding.Id,
        ruleId: mapped.ruleId,
        accountId,
        region: mapped.region,
        complianceStatus: mapped.complianceStatus,
        workflowUpdate: mapped.workflowUpdate,
      };
    } finally {
      metrics.publishStoredMetrics();
      logger.removeKeys(['ruleId', 'accountId']);
    }
  };
}

const defaultHandler = lazyHandler(() => createComplianceFindingHandler({ relatedRequirements }));

/**
 * The Lambda entry point, built on the first invocation (lib/lazy-handler.ts); a bad environment fails every
 * invocation with the same InvalidFindingsConfigError until it is fixed. Async, so that failure stays a
 * rejected promise rather than a synchronous throw.
 */
export const handler: ComplianceFindingHandler = async (event, context) => defaultHandler(event, context);
