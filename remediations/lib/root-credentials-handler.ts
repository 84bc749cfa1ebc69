/**
 * The Lambda step both delete-root-* documents run, over the pieces beside it: the configuration
 * (root-credentials-config.ts), centralized root access (root-access.ts), the AssumeRoot session (root-session.ts),
 * what root holds (root-credential-inventory.ts), the plan (root-credential-plan.ts) and the deletion
 * (root-credential-deletion.ts).
 *
 *   step payload (executionId, accountId, dryRun) ─invalid─▶ throw InvalidStepPayloadError
 *     │
 *   ssm:GetAutomationExecution: the record, not the payload, is the evidence; in this function's account (a run
 *     started there by hand), else in the member account through EXECUTION_READER_ROLE_NAME (a Config remediation)
 *     ├─ another document, not running, AccountId or DryRun differ       ─▶ throw ExecutionRecordError
 *     └─ deletion: approval step not Success/Approved, too few approvers  ─▶ throw ApprovalRuleError
 *     │                                       (the requester never counts; nothing is touched before this)
 *   caller: MANAGEMENT_ROLE_ARN set ─▶ sts:AssumeRole into the management account (or IAM delegated admin)
 *           blank                   ─▶ the function's own role (the tooling account is the delegated admin)
 *     │
 *   organizations:DescribeOrganization ─ target is MasterAccountId ─▶ throw ManagementAccountTargetError
 *   iam:ListOrganizationsFeatures ─ no RootCredentialsManagement    ─▶ throw CentralizedRootAccessDisabledError
 *   sts:AssumeRoot, Regional endpoint, 900 s, task policy: IAMAuditRootUserCredentials for a dry run,
 *                  IAMDeleteRootUserCredentials for a deletion  ─ denied ─▶ throw AccessDeniedError naming the role
 *     │
 *   IAM as the member account's root user (no UserName: the caller, root)
 *   list (GetLoginProfile, ListAccessKeys, ListSigningCertificates, ListMFADevices: only the kinds in scope)
 *     → plan (pure) → dry run: report it │ deletion: one credential at a time, MFA last
 *
 * A second run finds nothing left and reports "root already has no ...": every step is safe to repeat.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SSMClient } from '@aws-sdk/client-ssm';
import * as z from 'zod';
import { type HandlerDeps, type HandlerMetrics, handlerDefaults } from '../../lib/handler-deps';
import { lazyHandler } from '../../lib/lazy-handler';
import { metrics as defaultMetrics, logger } from '../../lib/logger';
import { stepVerifier } from './automation-execution';
import { type FiledRequest, fileToolingRequest } from './member-request';
import { remediationStep } from './refusals';
import { deleteRootCredentials } from './root-credential-deletion';
import { listRootCredentials, type RootCredentialKind } from './root-credential-inventory';
import {
  credentialSet,
  planRootCredentialDeletion,
  type RootCredentialSet,
  reportLines,
} from './root-credential-plan';
import type { RootCredentialsConfig } from './root-credentials-config';
import { openRootSession } from './root-session';
import { accountIdField, booleanField, executionIdField, parseStepPayload } from './step-payload';

export const rootCredentialsPayloadSchema = z.object({
  executionId: executionIdField,
  accountId: accountIdField,
  dryRun: booleanField,
});
export type RootCredentialsPayload = z.output<typeof rootCredentialsPayloadSchema>;

export interface RootCredentialsRemediation {
  /** The remediation folder, e.g. `delete-root-access-keys`. */
  folder: string;
  scope: readonly RootCredentialKind[];
  /** The document's aws:approve step and the distinct approvers (requester excluded) a deletion needs. */
  approvalStep: string;
  requiredApprovers: number;
  /** The document's DryRun default: what a record without a DryRun value means. */
  defaultDryRun: boolean;
}

/**
 * A delete-root-* remediation. Both documents wait at ApproveDeletion and default to DryRun true (document.yaml);
 * they differ in what they delete and in how many approvers a deletion needs.
 */
export function deletionRemediation(
  folder: string,
  scope: readonly RootCredentialKind[],
  requiredApprovers: number,
): RootCredentialsRemediation {
  return { folder, scope, approvalStep: 'ApproveDeletion', requiredApprovers, defaultDryRun: true };
}

export interface RootCredentialsResult {
  /** deleted: this run removed something; nothing-to-delete: root held nothing in scope; dry-run: reported only. */
  status: 'deleted' | 'nothing-to-delete' | 'dry-run';
  /** The member document's branch goes on only with route act (a tooling-account record). */
  route: 'act';
  accountId: string;
  executionId: string;
  dryRun: boolean;
  /** The task policy of the root session this run used. */
  taskPolicyArn: string;
  deleted: RootCredentialSet;
  wouldDelete: RootCredentialSet;
  /** One line per credential, as the report of the step. */
  report: string[];
  warnings: string[];
  /** Distinct approvers other than the requester (empty for a dry run, which needs no approval). */
  approvers: string[];
  requestedBy: string | undefined;
  checkedAt: string;
}

/** Without a config, the handler reads its folder's own (rootCredentialsLambda's `loadConfig`). */
export type RootCredentialsHandlerDeps = HandlerDeps<RootCredentialsConfig, HandlerMetrics>;

export type RootCredentialsHandler = (event: unknown) => Promise<RootCredentialsResult | FiledRequest>;

function createRootCredentialsHandler(
  remediation: RootCredentialsRemediation,
  deps: RootCredentialsHandlerDeps,
  loadConfig: () => RootCredentialsConfig,
): RootCredentialsHandler {
  const { config, factory, now, metrics } = handlerDefaults(deps, loadConfig, defaultMetrics);
  const verifyStep = stepVerifier({
    factory,
    folder: remediation.folder,
    executionReaderRoleName: config.executionReaderRoleName,
    documentName: config.documentName,
    allowList: config.approvals.allowList,
  });
  const { scope } = remediation;

  /**
   * Checks the record backs this step. The report step runs first in every execution, whatever DryRun says, and
   * only reads: it needs the record but no approval. A deletion needs DryRun false recorded and enough
   * allow-listed people other than the requester.
   */
  async function authorised(payload: RootCredentialsPayload) {
    if (payload.dryRun) return verifyStep(payload, { parameters: {} });
    return verifyStep(payload, {
      parameters: { DryRun: { value: 'false', whenOmitted: String(remediation.defaultDryRun) } },
      approval: { stepName: remediation.approvalStep, minApprovers: remediation.requiredApprovers },
    });
  }

  return remediationStep(remediation.folder, metrics, 'Root credentials not removed', async (event) => {
    const payload = parseStepPayload(rootCredentialsPayloadSchema, event, `${config.documentName} step`);
    const { executionId, accountId, dryRun } = payload;
    logger.appendKeys({ accountId, executionId, remediation: remediation.folder });
    const checked = await authorised(payload);
    if (checked.where === 'member') {
      // A member-account run only asks (member-request.ts): no root session is opened for it.
      return fileToolingRequest(factory.client(SSMClient), config.approvals, {
        documentName: config.documentName,
        accountId,
        memberExecutionId: executionId,
        requestedBy: checked.requestedBy,
      });
    }
    const { approvers, requestedBy } = checked;

    const session = await openRootSession({
      factory,
      managementRoleArn: config.managementRoleArn,
      accountId,
      // A dry run only reads: it never holds a session that could delete.
      task: dryRun ? 'audit' : 'delete',
      sessionName: `rootguard-${remediation.folder}`,
    });
    const inventory = await listRootCredentials(session.iam, scope, accountId);
    const plan = planRootCredentialDeletion(inventory, scope);
    const base = {
      route: 'act' as const,
      accountId,
      executionId,
      dryRun,
      taskPolicyArn: session.taskPolicyArn,
      approvers,
      requestedBy,
      checkedAt: now().toISOString(),
    };

    if (dryRun) {
      const report = reportLines(scope, plan, true);
      logger.info('Dry run: root credentials reported, nothing deleted', { report });
      return {
        ...base,
        status: 'dry-run',
        deleted: credentialSet(scope, []),
        wouldDelete: credentialSet(scope, plan),
        report,
        warnings: [],
      };
    }

    const outcome = await deleteRootCredentials(session.iam, plan, accountId);
    const report = [
      ...reportLines(scope, outcome.done, false),
      ...outcome.gone.map((a) => `root ${a.label} was already gone`),
    ];
    if (outcome.done.length > 0) {
      metrics.addMetric('RootCredentialsDeleted', MetricUnit.Count, outcome.done.length);
    }
    logger.info('Root credentials removed', { report, warnings: outcome.warnings, approvers, requestedBy });
    return {
      ...base,
      status: outcome.done.length > 0 ? 'deleted' : 'nothing-to-delete',
      deleted: credentialSet(scope, outcome.done),
      wouldDelete: credentialSet(scope, []),
      report,
      warnings: outcome.warnings,
    };
  });
}

/**
 * One delete-root-* remediation's Lambda: its creator (the configuration read from the environment unless a test
 * hands one in) and its entry point, built on the first invocation (lib/lazy-handler.ts).
 */
export function rootCredentialsLambda(
  remediation: RootCredentialsRemediation,
  loadConfig: () => RootCredentialsConfig,
) {
  const create = (deps: RootCredentialsHandlerDeps = {}): RootCredentialsHandler =>
    createRootCredentialsHandler(remediation, deps, loadConfig);
  return { create, handler: lazyHandler(() => create()) };
}
