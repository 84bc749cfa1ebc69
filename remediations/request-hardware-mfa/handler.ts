/**
 * The OpenOpsItem step of RootGuard-RequestHardwareMfa (document.yaml next door), invoked by
 * aws:invokeLambdaFunction. Nothing here changes the account: registering MFA on a root user takes a person
 * signed in as that root user, so the remediation opens an OpsItem with the checklist (checklist.ts).
 *
 *   payload (executionId, accountId, severity, dryRun) ─invalid─▶ throw InvalidStepPayloadError
 *     │
 *   ssm:DescribeOpsItems on the account's dedup key
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
import { accountIdField, booleanField, executionIdField, parseStepPayload } from '../lib/step-payload';
import { SEVERITIES } from './checklist';
import { DEFAULT_DOCUMENT_NAME, loadRequestHardwareMfaConfig, type RequestHardwareMfaConfig } from './config';
import { type OpsItemResult, requestHardwareMfa } from './opsitem';

export const requestPayloadSchema = z.object({
  executionId: executionIdField,
  accountId: accountIdField,
  severity: z.enum(SEVERITIES, { error: 'expected an OpsItem severity, 1 to 4' }),
  dryRun: booleanField,
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
      const payload = parseStepPayload(requestPayloadSchema, event, `${DEFAULT_DOCUMENT_NAME} OpenOpsItem`);
      logger.appendKeys({ accountId: payload.accountId, executionId: payload.executionId });
      const result = await requestHardwareMfa(ssm, payload);
      logger.info('Hardware MFA OpsItem', {
        status: result.status,
        opsItemId: result.opsItemId,
        dryRun: payload.dryRun,
      });
      return result;
    } catch (error) {
      logger.error('Hardware MFA OpsItem not opened', { error: errorMessage(error) });
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
