/**
 * The OpenOpsItem step of every request-type document, invoked by aws:invokeLambdaFunction:
 * RootGuard-RequestHardwareMfa (document.yaml next door, task `hardware-mfa`) and
 * RootGuard-RequestRootActivityForwarding (remediations/request-root-activity-forwarding, task
 * `root-activity-forwarding`) and RootGuard-RequestBackupHardwareMfa (remediations/request-backup-hardware-mfa, task
 * `backup-hardware-mfa`). Each document sends its task as a fixed value; the task picks the checklist.
 * Nothing here changes the account: the remediation opens an OpsItem with the checklist (remediations/lib/ops-item.ts).
 *
 *   payload (executionId, accountId, severity, dryRun, task) ─invalid─▶ throw InvalidStepPayloadError
 *     │
 *   the execution record (this account, or the member account through EXECUTION_READER_ROLE_NAME): the task's own
 *   document with the content rootguard deployed, running, AccountId, Severity and DryRun as in the payload
 *     ─ otherwise ─▶ throw ExecutionRecordError (counted as RemediationRefusals; nothing read or opened)
 *     │  (a made-up payload invoked directly could otherwise pre-open a low-severity OpsItem for any account)
 *   ssm:DescribeOpsItems on the task's dedup key for the account: only rootguard's own OpsItems count
 *     ├─ one is Open or InProgress ─▶ {status: already-open, opsItemId}     (no duplicate)
 *     ├─ dry run                   ─▶ {status: dry-run}                     (nothing created)
 *     └─ ssm:CreateOpsItem         ─▶ {status: created, opsItemId}
 *                                      fails ─▶ typed CollectError naming the action
 */

import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import * as z from 'zod';
import { awsCall } from '../../lib/errors';
import { type HandlerDeps, type HandlerMetrics, handlerDefaults } from '../../lib/handler-deps';
import { lazyHandler } from '../../lib/lazy-handler';
import { metrics as defaultMetrics, logger } from '../../lib/logger';
import { stepVerifier } from '../lib/automation-execution';
import { normalizeIdentity } from '../lib/identity';
import { documentName } from '../lib/names';
import {
  DEFAULT_SEVERITY,
  type OpsItemResult,
  type OpsItemTask,
  requestOpsItem,
  SEVERITIES,
} from '../lib/ops-item';
import { remediationStep } from '../lib/refusals';
import { accountIdField, booleanField, executionIdField, parseStepPayload } from '../lib/step-payload';
import { BACKUP_HARDWARE_MFA_TASK } from '../request-backup-hardware-mfa/checklist';
import { ROOT_ACTIVITY_FORWARDING_TASK } from '../request-root-activity-forwarding/checklist';
import { HARDWARE_MFA_TASK } from './checklist';
import { FOLDER, loadRequestHardwareMfaConfig, type RequestHardwareMfaConfig } from './config';

/** Every task this Lambda serves, by the `task` value its document sends. */
export const OPS_ITEM_TASKS: Readonly<Record<string, OpsItemTask>> = Object.fromEntries(
  [HARDWARE_MFA_TASK, ROOT_ACTIVITY_FORWARDING_TASK, BACKUP_HARDWARE_MFA_TASK].map((task) => [task.id, task]),
);
const TASK_IDS = [
  HARDWARE_MFA_TASK.id,
  ROOT_ACTIVITY_FORWARDING_TASK.id,
  BACKUP_HARDWARE_MFA_TASK.id,
] as const;

export const requestPayloadSchema = z.object({
  executionId: executionIdField,
  accountId: accountIdField,
  severity: z.enum(SEVERITIES, { error: 'expected an OpsItem severity, 1 to 4' }),
  dryRun: booleanField,
  // Absent: a RootGuard-RequestHardwareMfa version from before there was a second task.
  task: z.enum(TASK_IDS, { error: `expected one of ${TASK_IDS.join(', ')}` }).default(HARDWARE_MFA_TASK.id),
});

export type RequestPayload = z.output<typeof requestPayloadSchema>;

/** Both request documents' DryRun default. */
export const DEFAULT_DRY_RUN = 'false';

export type RequestHardwareMfaHandlerDeps = Omit<
  HandlerDeps<RequestHardwareMfaConfig, HandlerMetrics>,
  'now'
>;

export type RequestHardwareMfaHandler = (event: unknown) => Promise<OpsItemResult>;

export function createRequestHardwareMfaHandler(
  deps: RequestHardwareMfaHandlerDeps = {},
): RequestHardwareMfaHandler {
  const { config, factory, metrics } = handlerDefaults(deps, loadRequestHardwareMfaConfig, defaultMetrics);
  const ssm = factory.client(SSMClient);
  // One verifier per task: each task is sent by its own document, and only that document's executions may ask.
  // An OpsItem changes nothing in any account, so a genuine member-account run may open it itself.
  const verifiers = new Map(
    Object.values(OPS_ITEM_TASKS).map((task) => [
      task.id,
      stepVerifier({
        factory,
        folder: task.folder,
        executionReaderRoleName: config.executionReaderRoleName,
        documentName: documentName(task.folder),
        memberRuns: 'act',
      }),
    ]),
  );
  /** This Lambda's own role (identity.ts principal form), read once: the creator of rootguard's OpsItems. */
  let creator: Promise<string> | undefined;
  const ownRole = () => {
    creator ??= awsCall('sts:GetCallerIdentity', undefined, () =>
      factory.client(STSClient).send(new GetCallerIdentityCommand({})),
    ).then((out) => normalizeIdentity(out.Arn ?? '').principal);
    return creator;
  };

  return remediationStep(FOLDER, metrics, 'OpsItem not opened', async (event) => {
    const payload = parseStepPayload(requestPayloadSchema, event, 'OpenOpsItem step');
    logger.appendKeys({ accountId: payload.accountId, executionId: payload.executionId });
    const task = OPS_ITEM_TASKS[payload.task] as OpsItemTask;
    await (verifiers.get(task.id) as ReturnType<typeof stepVerifier>)(payload, {
      parameters: {
        Severity: { value: payload.severity, whenOmitted: DEFAULT_SEVERITY },
        DryRun: { value: String(payload.dryRun), whenOmitted: DEFAULT_DRY_RUN },
      },
    });
    const result = await requestOpsItem(ssm, task, { ...payload, creator: await ownRole() });
    logger.info('OpsItem request', {
      task: task.id,
      status: result.status,
      opsItemId: result.opsItemId,
      dryRun: payload.dryRun,
    });
    return result;
  });
}

/** The Lambda entry point (lib/lazy-handler.ts: built on the first invocation). */
export const handler: RequestHardwareMfaHandler = lazyHandler(() => createRequestHardwareMfaHandler());
