import { ConfigServiceClient, type Evaluation, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { PutEvaluationsError } from '../../../lib/errors';
import { compliant, MAX_ANNOTATION_LENGTH, nonCompliant, type RuleEvaluation } from '../../../lib/evaluation';
import {
  PUT_EVALUATIONS_ATTEMPTS,
  PUT_EVALUATIONS_BATCH_SIZE,
  putEvaluations,
  toConfigEvaluation,
} from '../../../lib/put-evaluations';
import { MEMBER_ACCOUNT, NOTIFICATION_TIME, OTHER_ACCOUNT, RESULT_TOKEN } from '../../helpers/constants';
import { sentEvaluation } from '../../helpers/rule-harness';
import { useMockedClient } from '../../helpers/sdk-mocks';

const { client, mock: configMock } = useMockedClient(ConfigServiceClient, 'eu-west-1');

/** `count` distinct 12-digit account evaluations. */
function manyEvaluations(count: number): RuleEvaluation[] {
  return Array.from({ length: count }, (_, i) => compliant(String(100000000000 + i), 'root has MFA'));
}

function send(evaluations: readonly RuleEvaluation[], overrides: { testMode?: boolean } = {}) {
  return putEvaluations({
    client,
    resultToken: RESULT_TOKEN,
    testMode: overrides.testMode ?? false,
    orderingTimestamp: NOTIFICATION_TIME,
    evaluations,
    accountId: MEMBER_ACCOUNT,
    retryDelayMs: 0,
  });
}

const sentEvaluations = (call: number): Evaluation[] =>
  (configMock.commandCalls(PutEvaluationsCommand)[call]?.args[0].input.Evaluations ?? []) as Evaluation[];

beforeEach(() => {
  configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
});

describe('putEvaluations', () => {
  it('sends one evaluation with the result token, ordering timestamp and TestMode off', async () => {
    const calls = await send([nonCompliant(MEMBER_ACCOUNT, 'root has an access key')]);

    expect(calls).toBe(1);
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(configMock).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: RESULT_TOKEN,
      TestMode: false,
      Evaluations: [sentEvaluation('NON_COMPLIANT', `Account ${MEMBER_ACCOUNT}: root has an access key.`)],
    });
  });

  it('passes TestMode true through', async () => {
    await send([compliant(MEMBER_ACCOUNT, 'fine')], { testMode: true });

    expect(configMock).toHaveReceivedCommandWith(PutEvaluationsCommand, { TestMode: true });
  });

  it('sets OrderingTimestamp as a Date equal to the given time on every evaluation', async () => {
    await send(manyEvaluations(3));

    for (const evaluation of sentEvaluations(0)) {
      expect(evaluation.OrderingTimestamp).toBeInstanceOf(Date);
      expect(evaluation.OrderingTimestamp?.toISOString()).toBe(NOTIFICATION_TIME);
    }
  });

  it('splits 250 evaluations into batches of 100, 100 and 50', async () => {
    const evaluations = manyEvaluations(250);

    const calls = await send(evaluations);

    expect(PUT_EVALUATIONS_BATCH_SIZE).toBe(100);
    expect(calls).toBe(3);
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 3);
    expect([0, 1, 2].map((i) => sentEvaluations(i).length)).toEqual([100, 100, 50]);
    const sentIds = [0, 1, 2].flatMap((i) => sentEvaluations(i).map((e) => e.ComplianceResourceId));
    expect(sentIds).toEqual(evaluations.map((e) => e.complianceResourceId));
  });

  it('sends exactly 100 evaluations in one call', async () => {
    expect(await send(manyEvaluations(100))).toBe(1);
  });

  it('makes no call when there is nothing to send', async () => {
    expect(await send([])).toBe(0);
    expect(configMock).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('truncates an annotation to 256 characters, keeping the account prefix', async () => {
    await send([nonCompliant(MEMBER_ACCOUNT, `root used: ${'ConsoleLogin, '.repeat(40)}`)]);

    const annotation = sentEvaluations(0)[0]?.Annotation ?? '';
    expect(annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
    expect(annotation.startsWith(`Account ${MEMBER_ACCOUNT}: root used: ConsoleLogin`)).toBe(true);
    expect(annotation.endsWith('.')).toBe(true);
  });

  it('retries only the failed evaluations, then succeeds', async () => {
    const evaluations = [
      compliant(MEMBER_ACCOUNT, 'fine'),
      nonCompliant(OTHER_ACCOUNT, 'root has an access key'),
      compliant('555555555555', 'fine'),
    ];
    const failed = toConfigEvaluation(evaluations[1] as RuleEvaluation, NOTIFICATION_TIME);
    configMock
      .on(PutEvaluationsCommand)
      .resolvesOnce({ FailedEvaluations: [failed] })
      .resolves({ FailedEvaluations: [] });

    const calls = await send(evaluations);

    expect(calls).toBe(2);
    expect(sentEvaluations(0)).toHaveLength(3);
    expect(sentEvaluations(1).map((e) => e.ComplianceResourceId)).toEqual([OTHER_ACCOUNT]);
    expect(configMock).toHaveReceivedNthCommandWith(2, PutEvaluationsCommand, { ResultToken: RESULT_TOKEN });
  });

  it('throws PutEvaluationsError naming the rejected accounts after 3 attempts of persistent failure', async () => {
    const evaluations = [compliant(MEMBER_ACCOUNT, 'fine'), nonCompliant(OTHER_ACCOUNT, 'bad')];
    const failed = toConfigEvaluation(evaluations[1] as RuleEvaluation, NOTIFICATION_TIME);
    configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [failed] });

    const promise = send(evaluations);

    await expect(promise).rejects.toBeInstanceOf(PutEvaluationsError);
    await expect(promise).rejects.toThrow(
      `Config rejected 1 evaluation(s) for ${OTHER_ACCOUNT} after 3 attempts`,
    );
    await expect(promise).rejects.toMatchObject({ accountId: MEMBER_ACCOUNT });
    expect(PUT_EVALUATIONS_ATTEMPTS).toBe(3);
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 3);
  });

  it('wraps an SDK error in a PutEvaluationsError that keeps the cause', async () => {
    const cause = Object.assign(new Error('Invalid result token'), { name: 'InvalidResultTokenException' });
    configMock.on(PutEvaluationsCommand).rejects(cause);

    const promise = send([compliant(MEMBER_ACCOUNT, 'fine')]);

    await expect(promise).rejects.toBeInstanceOf(PutEvaluationsError);
    await expect(promise).rejects.toThrow(
      `Failed calling config:PutEvaluations in account ${MEMBER_ACCOUNT} (InvalidResultTokenException: Invalid result token)`,
    );
    await expect(promise).rejects.toMatchObject({ cause, accountId: MEMBER_ACCOUNT });
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
  });

  it('names an access-denied PutEvaluations plainly', async () => {
    configMock
      .on(PutEvaluationsCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));

    await expect(send([compliant(MEMBER_ACCOUNT, 'fine')])).rejects.toThrow(
      /^Access denied calling config:PutEvaluations in account 222222222222/,
    );
  });
});
