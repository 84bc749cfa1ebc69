/**
 * The PlanAttachment and AttachScp steps of RootGuard-AttachDenyRootScp (document.yaml next door), invoked by
 * aws:invokeLambdaFunction. PlanAttachment always sends dryRun true (read only, before the approval);
 * AttachScp sends the DryRun parameter, and the document reaches it only after the approval with DryRun false.
 *
 *   payload (executionId, accountId, targetId, policyName, allowOrganizationalTarget, dryRun) ─invalid─▶ throw
 *     │
 *   the execution record, for EVERY step (the plan names OU paths, SCP ids and the management account): in this
 *   function's account, or in the member account through EXECUTION_READER_ROLE_NAME; this document with the
 *   content rootguard deployed, running, the payload's AccountId, TargetId, PolicyName, AllowOrganizationalTarget
 *     ─ otherwise ─▶ throw ExecutionRecordError (RemediationRefusals; nothing read from Organizations)
 *     ├─ member-account record ─▶ file a request in the tooling account (member-request.ts), {status: requested}
 *     └─ attachment: DryRun false recorded, ApproveAttachment approved by one allow-listed person other than the
 *        requester (ApproveOrganizationalAttachment and two for an OU or root) ─ otherwise ─▶ ApprovalRuleError
 *     │
 *   Organizations client: ORG_WRITE_ROLE_ARN assumed, or the function's own credentials
 *     │  (OrgReader's cache is cleared first: a decision to write rests on fresh reads)
 *   plan (plan.ts) ─refused─▶ throw AttachRefusedError (management account, SCPs disabled, bad or unconfirmed
 *     │                        TargetId, PolicyName taken by an SCP that is not reusable, ...)
 *     ├─ already protected ─▶ {status: already-protected}, nothing written
 *     ├─ dry run           ─▶ {status: dry-run, actions}, nothing written
 *     └─ CreatePolicy (no reusable SCP) or TagResource (an untagged canonical one) + AttachPolicy ─▶ attached
 *                            quota reached ─▶ throw ScpQuotaError; other failures ─▶ typed CollectError
 *
 * Who may invoke the function (its organization-wide resource policy) therefore no longer decides anything: a
 * made-up payload has no record, a member account's record only asks, and only the allow-listed people of the
 * security tooling account approve (README "Remediations").
 */

import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSMClient } from '@aws-sdk/client-ssm';
import * as z from 'zod';
import { type HandlerDeps, type HandlerMetrics, handlerDefaults } from '../../lib/handler-deps';
import { lazyHandler } from '../../lib/lazy-handler';
import { metrics as defaultMetrics, logger } from '../../lib/logger';
import { clearOrgCache } from '../../lib/org-tree';
import { partitionForRegion } from '../../lib/partition';
import { stepVerifier } from '../lib/automation-execution';
import { type FiledRequest, fileToolingRequest } from '../lib/member-request';
import { remediationStep } from '../lib/refusals';
import { accountIdField, booleanField, executionIdField, parseStepPayload } from '../lib/step-payload';
import { type AttachResult, attachDenyRootScp } from './attach';
import { type AttachScpConfig, FOLDER, loadAttachScpConfig } from './config';
import { DEFAULT_POLICY_NAME, POLICY_NAME_PATTERN, TARGET_ID_PATTERN } from './plan';

export const ORG_WRITE_SESSION_NAME = 'rootguard-attach-deny-root-scp';
/**
 * The document's approval steps (document.yaml) and the allow-listed approvers other than the requester each
 * needs: one for the account itself, two when AllowOrganizationalTarget is true (an OU or the root: every account
 * below it).
 */
export const APPROVAL_STEP = 'ApproveAttachment';
export const REQUIRED_APPROVERS = 1;
export const ORGANIZATIONAL_APPROVAL_STEP = 'ApproveOrganizationalAttachment';
export const ORGANIZATIONAL_REQUIRED_APPROVERS = 2;
export const DEFAULT_ALLOW_ORGANIZATIONAL_TARGET = 'false';
/** The document's DryRun default. */
export const DEFAULT_DRY_RUN = 'false';

export const attachPayloadSchema = z.object({
  executionId: executionIdField,
  accountId: accountIdField,
  // Blank (the document's default) means the account itself.
  targetId: z
    .string()
    .regex(new RegExp(TARGET_ID_PATTERN), 'expected blank, an OU id (ou-...) or a root id (r-...)')
    .optional()
    .transform((v) => (v ? v : undefined)),
  policyName: z.string().regex(new RegExp(POLICY_NAME_PATTERN), 'expected an SCP name'),
  // Absent: a document version from before the parameter existed, which could not confirm an OU or root target.
  allowOrganizationalTarget: booleanField.default(false),
  dryRun: booleanField,
});

export type AttachPayload = z.output<typeof attachPayloadSchema>;

export type AttachScpHandlerDeps = Omit<HandlerDeps<AttachScpConfig, HandlerMetrics>, 'now'>;

export type AttachScpHandler = (event: unknown) => Promise<AttachResult | FiledRequest>;

export function createAttachScpHandler(deps: AttachScpHandlerDeps = {}): AttachScpHandler {
  const { config, factory, metrics } = handlerDefaults(deps, loadAttachScpConfig, defaultMetrics);
  const partition = partitionForRegion(config.region);
  const verifyStep = stepVerifier({
    factory,
    folder: FOLDER,
    executionReaderRoleName: config.executionReaderRoleName,
    documentName: config.documentName,
    allowList: config.approvals.allowList,
  });

  /**
   * Every step needs SSM's record of this execution, the plan (a dry run) included: the plan names OU paths, SCP
   * ids and the management account, which nobody without a genuine run of the deployed document may read. An
   * attachment also needs DryRun false recorded and the approval its target calls for.
   */
  async function authorised(payload: AttachPayload) {
    const organizational = payload.allowOrganizationalTarget;
    const parameters = {
      TargetId: { value: payload.targetId ?? '', whenOmitted: '' },
      PolicyName: { value: payload.policyName, whenOmitted: DEFAULT_POLICY_NAME },
      AllowOrganizationalTarget: {
        value: String(organizational),
        whenOmitted: DEFAULT_ALLOW_ORGANIZATIONAL_TARGET,
      },
    };
    if (payload.dryRun) return verifyStep(payload, { parameters });
    return verifyStep(payload, {
      parameters: { ...parameters, DryRun: { value: 'false', whenOmitted: DEFAULT_DRY_RUN } },
      approval: organizational
        ? { stepName: ORGANIZATIONAL_APPROVAL_STEP, minApprovers: ORGANIZATIONAL_REQUIRED_APPROVERS }
        : { stepName: APPROVAL_STEP, minApprovers: REQUIRED_APPROVERS },
    });
  }

  async function organizationsClient(accountId: string): Promise<OrganizationsClient> {
    const roleArn = config.orgWriteRoleArn;
    const credentials = roleArn
      ? await factory.assumeRole(roleArn, ORG_WRITE_SESSION_NAME, accountId)
      : undefined;
    return factory.client(OrganizationsClient, { credentials });
  }

  return remediationStep(FOLDER, metrics, 'Deny-root SCP remediation failed', async (event) => {
    const payload = parseStepPayload(attachPayloadSchema, event, `${config.documentName} step`);
    logger.appendKeys({ accountId: payload.accountId, executionId: payload.executionId });
    const checked = await authorised(payload);
    if (checked.where === 'member') {
      // A member-account run only asks (member-request.ts): for its own account, account-level, nothing read
      // from Organizations. TargetId, PolicyName and AllowOrganizationalTarget keep their defaults there.
      return fileToolingRequest(factory.client(SSMClient), config.approvals, {
        documentName: config.documentName,
        accountId: payload.accountId,
        memberExecutionId: payload.executionId,
        requestedBy: checked.requestedBy,
      });
    }
    clearOrgCache();
    const client = await organizationsClient(payload.accountId);
    const result = await attachDenyRootScp(
      client,
      {
        accountId: payload.accountId,
        targetId: payload.targetId,
        allowOrganizationalTarget: payload.allowOrganizationalTarget,
        policyName: payload.policyName,
        dryRun: payload.dryRun,
      },
      { partition, namespace: config.orgWriteRoleArn ?? 'self' },
    );
    logger.info('Deny-root SCP remediation', {
      status: result.status,
      targetId: result.targetId,
      policyId: result.policyId,
      actions: result.actions,
      dryRun: payload.dryRun,
      approvers: checked.approvers,
      requestedBy: checked.requestedBy,
    });
    return result;
  });
}

/** The Lambda entry point (lib/lazy-handler.ts: built on the first invocation). */
export const handler: AttachScpHandler = lazyHandler(() => createAttachScpHandler());
