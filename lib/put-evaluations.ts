/**
 * Sends evaluations to Config: batches of at most 100, TestMode when the result token is TESTMODE,
 * annotations cut to 256 characters, and whatever comes back in FailedEvaluations retried before
 * failing loudly with a PutEvaluationsError.
 */
import {
  type ConfigServiceClient,
  type Evaluation,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { PutEvaluationsError, toCollectError } from './errors';
import { type RuleEvaluation, truncateAnnotation } from './evaluation';

export const PUT_EVALUATIONS_BATCH_SIZE = 100;
export const PUT_EVALUATIONS_ATTEMPTS = 3;

export interface PutEvaluationsInput {
  client: ConfigServiceClient;
  resultToken: string;
  testMode: boolean;
  orderingTimestamp: string;
  evaluations: readonly RuleEvaluation[];
  accountId?: string;
  /** Pause between attempts for FailedEvaluations; tests pass 0. */
  retryDelayMs?: number;
}

export function toConfigEvaluation(evaluation: RuleEvaluation, orderingTimestamp: string): Evaluation {
  return {
    ComplianceResourceType: evaluation.complianceResourceType,
    ComplianceResourceId: evaluation.complianceResourceId,
    ComplianceType: evaluation.complianceType,
    Annotation: truncateAnnotation(evaluation.annotation),
    OrderingTimestamp: new Date(orderingTimestamp),
  };
}

const sameEvaluation = (a: Evaluation, b: Evaluation) =>
  a.ComplianceResourceType === b.ComplianceResourceType && a.ComplianceResourceId === b.ComplianceResourceId;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns the number of API calls made. */
export async function putEvaluations(input: PutEvaluationsInput): Promise<number> {
  const all = input.evaluations.map((e) => toConfigEvaluation(e, input.orderingTimestamp));
  let calls = 0;
  for (let start = 0; start < all.length; start += PUT_EVALUATIONS_BATCH_SIZE) {
    let pending = all.slice(start, start + PUT_EVALUATIONS_BATCH_SIZE);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > PUT_EVALUATIONS_ATTEMPTS) {
        const ids = pending.map((e) => e.ComplianceResourceId).join(', ');
        throw new PutEvaluationsError(
          `Config rejected ${pending.length} evaluation(s) for ${ids} after ${PUT_EVALUATIONS_ATTEMPTS} attempts`,
          { accountId: input.accountId },
        );
      }
      if (attempt > 1) await sleep((input.retryDelayMs ?? 200) * 2 ** (attempt - 2));
      calls++;
      let failed: Evaluation[];
      try {
        const out = await input.client.send(
          new PutEvaluationsCommand({
            ResultToken: input.resultToken,
            Evaluations: pending,
            TestMode: input.testMode,
          }),
        );
        failed = out.FailedEvaluations ?? [];
      } catch (error) {
        const wrapped = toCollectError(error, 'config:PutEvaluations', input.accountId);
        throw new PutEvaluationsError(wrapped.message, { accountId: input.accountId, cause: error });
      }
      pending = pending.filter((e) => failed.some((f) => sameEvaluation(e, f)));
    }
  }
  return calls;
}
