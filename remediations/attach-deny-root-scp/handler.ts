/**
 * The PlanAttachment and AttachScp steps of RootGuard-AttachDenyRootScp (document.yaml next door), invoked by
 * aws:invokeLambdaFunction. PlanAttachment always sends dryRun true (read only, before the approval);
 * AttachScp sends the DryRun parameter, and the document reaches it only after one approval with DryRun false.
 *
 *   payload (executionId, accountId, targetId, policyName, dryRun) ─invalid─▶ throw InvalidStepPayloadError
 *     │
 *   Organizations client: ORG_WRITE_ROLE_ARN assumed, or the function's own credentials
 *     │  (OrgReader's cache is cleared first: a decision to write rests on fresh reads)
 *   plan (plan.ts) ─refused─▶ throw AttachRefusedError (management account, SCPs disabled, bad TargetId, ...)
 *     ├─ already protected ─▶ {status: already-protected}, nothing written
 *     ├─ dry run           ─▶ {status: dry-run, actions}, nothing written
 *     └─ CreatePolicy (if no reusable deny-root SCP) + AttachPolicy ─▶ {status: attached}
 *                            quota reached ─▶ throw ScpQuotaError; other failures ─▶ typed CollectError
 *
 * The approval is enforced by the document, not re-read here: when Config starts the remediation in a member
 * account the execution record lives in that account, out of this function's reach. Who may invoke this
 * function (its resource policy, lambda:InvokeFunction grants) is therefore part of the control.
 */

import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { z } from 'zod';
import { ClientFactory } from '../../lib/clients';
import { errorMessage } from '../../lib/errors';
import { logger } from '../../lib/logger';
import { clearOrgCache } from '../../lib/org-tree';
import { partitionForRegion } from '../../lib/partition';
import { accountIdField, booleanField, executionIdField, parseStepPayload } from '../lib/step-payload';
import { type AttachResult, attachDenyRootScp } from './attach';
import { type AttachScpConfig, DEFAULT_DOCUMENT_NAME, loadAttachScpConfig } from './config';
import { POLICY_NAME_PATTERN, TARGET_ID_PATTERN } from './plan';

export const ORG_WRITE_SESSION_NAME = 'rootguard-attach-deny-root-scp';

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
  dryRun: booleanField,
});

export type AttachPayload = z.output<typeof attachPayloadSchema>;

export interface AttachScpHandlerDeps {
  /** Default: read from the environment (and validated) when the handler is created. */
  config?: AttachScpConfig;
  /** Default: one ClientFactory for the function's region, reused while the Lambda stays warm. */
  clientFactory?: ClientFactory;
}

export type AttachScpHandler = (event: unknown) => Promise<AttachResult>;

export function createAttachScpHandler(deps: AttachScpHandlerDeps = {}): AttachScpHandler {
  const config = deps.config ?? loadAttachScpConfig();
  const factory = deps.clientFactory ?? new ClientFactory({ region: config.region });
  const partition = partitionForRegion(config.region);

  async function organizationsClient(accountId: string): Promise<OrganizationsClient> {
    const roleArn = config.orgWriteRoleArn;
    const credentials = roleArn
      ? await factory.assumeRole(roleArn, ORG_WRITE_SESSION_NAME, accountId)
      : undefined;
    return factory.client(OrganizationsClient, { credentials });
  }

  return async (event) => {
    try {
      const payload = parseStepPayload(attachPayloadSchema, event, `${DEFAULT_DOCUMENT_NAME} step`);
      logger.appendKeys({ accountId: payload.accountId, executionId: payload.executionId });
      clearOrgCache();
      const client = await organizationsClient(payload.accountId);
      const result = await attachDenyRootScp(
        client,
        {
          accountId: payload.accountId,
          targetId: payload.targetId,
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
      });
      return result;
    } catch (error) {
      logger.error('Deny-root SCP remediation failed', { error: errorMessage(error) });
      throw error;
    } finally {
      logger.removeKeys(['accountId', 'executionId']);
    }
  };
}

let defaultHandler: AttachScpHandler | undefined;

/**
 * The Lambda entry point. Built on the first invocation rather than at import, so importing this module
 * (tests, the packager) never needs the environment.
 */
export const handler: AttachScpHandler = (event) => {
  defaultHandler ??= createAttachScpHandler();
  return defaultHandler(event);
};
