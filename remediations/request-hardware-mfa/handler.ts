/**
 * The OpenOpsItem step of every request-type document, invoked by aws:invokeLambdaFunction:
 * RootGuard-RequestHardwareMfa (document.yaml next door, task `hardware-mfa`) and
 * RootGuard-RequestRootActivityForwarding (remediations/request-root-activity-forwarding, task
 * `root-activity-forwarding`). Each document sends its task as a fixed value; the task picks the checklist.
 * Nothing here changes the account: the remediation opens an OpsItem with the checklist (remediations/lib/ops-item.ts).
 *
 *   payload (executionId, accountId, severity, dryRun, task) ─invalid─▶ throw InvalidStepPayloadError
 *     │
 *   ssm:DescribeOpsItems on the task's dedup key for the account
 *     ├─ one is Open or InProgress ─▶ {status: already-open, opsItemId}     (no duplicate)
 *     ├─ dry run                   ─▶ {status: dry-run}                     (nothing created)
 *     └─ ssm:CreateOpsItem         ─▶ {status: created, opsItemId}
 *                                      fails ─▶ typed CollectError naming the action
 */

import { SSMClient } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { ClientFactory } from '../../lib/clients';
import { errorMessage } from '../../lib/errors';
import { logger } from '../../lib/logger';
import { type OpsItemResult, type OpsItemTask, requestOpsItem, SEVERITIES } from '../lib/ops-item';
import { accountIdField, booleanField, executionIdField, parseStepPayload } from '../lib/step-payload';
import { ROOT_ACTIVITY_FORWARDING_TASK } from '../request-root-activity-forwarding/checklist';
import { HARDWARE_MFA_TASK } from './checklist';
import { loadRequestHardwareMfaConfig, type RequestHardwareMfaConfig } from './config';

/** Every task this Lambda serves, by the `task` value its document sends. */
export const OPS_ITEM_TASKS: Readonly<Record<string, OpsItemTask>> = Object.fromEntries(
  [HARDWARE_MFA_TASK, ROOT_ACTIVITY_FORWARDING_TASK].map((task) => [task.id, task]),
);
const TASK_IDS = [HARDWARE_MFA_TASK.id, ROOT_ACTIVITY_FORWARDING_TASK.id] as const;

export const requestPayloadSchema = z.object({
  executionId: executionIdField,
  accountId: accountIdField,
  severity: z.enum(SEVERITIES, { error: 'expected an OpsItem severity, 1 to 4' }),
  dryRun: booleanField,
  // Absent: a RootGuard-RequestHardwareMfa version from before there was a second task.
  task: z.enum(TASK_IDS, { error: `expected one of ${TASK_IDS.join(', ')}` }).default(HARDWARE_MFA_TASK.id),
});

export type RequestPayload = z.output<typeof requestPayloadSchema>;

export interface RequestHardwareMfaHandlerDeps {
  /** Default: read from the environment (and validated) when the handler is created. */
  config?: RequestHardwareMfaConfig;
  /** Default: one ClientFactory for the function's region, reused while the Lambda stays warm. */
  clientFactory?: ClientFactory;
}

export type RequestHardwareMfaHandler = (event: unknown) => Promise<OpsItemResult>;

export function createRequestHardwareMfaHandler(
  deps: RequestHardwareMfaHandlerDeps = {},
): RequestHardwareMfaHandler {
  const config = deps.config ?? loadRequestHardwareMfaConfig();
  const factory = deps.clientFactory ?? new ClientFactory({ region: config.region });
  const ssm = factory.client(SSMClient);

  return async (event) => {
    try {
      const payload = parseStepPayload(requestPayloadSchema, event, 'OpenOpsItem step');
      logger.appendKeys({ accountId: payload.accountId, executionId: payload.executionId });
      const task = OPS_ITEM_TASKS[payload.task] as OpsItemTask;
      const result = await requestOpsItem(ssm, task, payload);
      logger.info('OpsItem request', {
        task: task.id,
        status: result.status,
        opsItemId: result.opsItemId,
        dryRun: payload.dryRun,
      });
      return result;
    } catch (error) {
      logger.error('OpsItem not opened', { error: errorMessage(error) });
      throw error;
    } finally {
      logger.removeKeys(['accountId', 'executionId']);
    }
  };
}

let defaultHandler: RequestHardwareMfaHandler | undefined;

/**
 * The Lambda entry point. Built on the first invocation rather than at import, so importing this module
 * (tests, the packager) never needs the environment.
 */
export const handler: RequestHardwareMfaHandler = (event) => {
  defaultHandler ??= createRequestHardwareMfaHandler();
  return defaultHandler(event);
};
