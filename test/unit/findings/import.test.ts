import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { FindingImportError, WorkflowUpdateError } from '../../../findings/errors';
import { BATCH_MAX, chunk, importFindings, updateWorkflowStatus } from '../../../findings/import';
import { AccessDeniedError } from '../../../lib/errors';
import { MEMBER_ACCOUNT } from '../../helpers/constants';
import { useMockedClient } from '../../helpers/sdk-mocks';

const { client, mock: hubMock } = useMockedClient(SecurityHubClient, 'eu-west-1');
const PRODUCT_ARN = 'arn:aws:securityhub:eu-west-1:444444444444:product/444444444444/default';

/** Minimal findings: the importer only reads Id (and ProductArn for workflow updates). */
const findings = (n: number, prefix = 'f'): AwsSecurityFinding[] =>
  Array.from(
    { length: n },
    (_, i) => ({ Id: `${prefix}-${i}`, ProductArn: PRODUCT_ARN }) as AwsSecurityFinding,
  );

const importCalls = () =>
  hubMock
    .commandCalls(BatchImportFindingsCommand)
    .map((c) => (c.args[0].input.Findings ?? []).map((f) => f.Id));
const updateCalls = () =>
  hubMock.commandCalls(BatchUpdateFindingsCommand).map((c) => ({
    status: c.args[0].input.Workflow?.Status,
    ids: (c.args[0].input.FindingIdentifiers ?? []).map((f) => f.Id),
  }));

beforeEach(() => {
  hubMock.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
    SuccessCount: input.Findings.length,
    FailedCount: 0,
    FailedFindings: [],
  }));
  hubMock.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
});

describe('chunk', () => {
  it('cuts a list into pieces of at most 100', () => {
    expect(chunk(findings(250)).map((c) => c.length)).toEqual([100, 100, 50]);
    expect(chunk([])).toEqual([]);
    expect(BATCH_MAX).toBe(100);
  });
});

describe('importFindings', () => {
  it('imports more than 100 findings in calls of at most 100, in order', async () => {
    const all = findings(205);

    const summary = await importFindings(client, all);

    expect(importCalls().map((ids) => ids.length)).toEqual([100, 100, 5]);
    expect(importCalls().flat()).toEqual(all.map((f) => f.Id));
    expect(summary).toEqual({ imported: 205, calls: 3, retried: 0 });
  });

  it('makes no call for no findings', async () => {
    await expect(importFindings(client, [])).resolves.toEqual({ imported: 0, calls: 0, retried: 0 });
    expect(hubMock).not.toHaveReceivedAnyCommand();
  });

  it('re-sends only the findings Security Hub rejected, once', async () => {
    hubMock
      .on(BatchImportFindingsCommand)
      .resolvesOnce({
        SuccessCount: 1,
        FailedCount: 2,
        FailedFindings: [
          { Id: 'f-0', ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          { Id: 'f-2', ErrorCode: 'InternalException', ErrorMessage: 'try again' },
        ],
      })
      .resolves({ SuccessCount: 2, FailedCount: 0, FailedFindings: [] });

    const summary = await importFindings(client, findings(3));

    expect(importCalls()).toEqual([
      ['f-0', 'f-1', 'f-2'],
      ['f-0', 'f-2'],
    ]);
    expect(summary).toEqual({ imported: 3, calls: 2, retried: 2 });
  });

  it('raises a FindingImportError naming the ids and error codes still rejected after the retry', async () => {
    hubMock.on(BatchImportFindingsCommand).resolves({
      SuccessCount: 0,
      FailedCount: 1,
      FailedFindings: [{ Id: 'f-1', ErrorCode: 'InvalidInput', ErrorMessage: 'bad Types' }],
    });

    const failure = importFindings(client, findings(2), { accountId: MEMBER_ACCOUNT });

    await expect(failure).rejects.toBeInstanceOf(FindingImportError);
    await expect(failure).rejects.toThrow(
      'Security Hub rejected 1 finding(s) after one retry (f-1: InvalidInput bad Types)',
    );
    await failure.catch((error: FindingImportError) => {
      expect(error.rejected).toEqual([{ id: 'f-1', errorCode: 'InvalidInput', errorMessage: 'bad Types' }]);
      expect(error.accountId).toBe(MEMBER_ACCOUNT);
    });
    expect(importCalls()).toEqual([['f-0', 'f-1'], ['f-1']]);
  });

  it('sends every batch before raising, and names the rejections of all of them', async () => {
    hubMock.on(BatchImportFindingsCommand).callsFake((input: { Findings: { Id: string }[] }) => {
      const bad = input.Findings.filter((f) => f.Id === 'f-3' || f.Id === 'f-150');
      return {
        SuccessCount: input.Findings.length - bad.length,
        FailedCount: bad.length,
        FailedFindings: bad.map((f) => ({ Id: f.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'nope' })),
      };
    });

    const failure = importFindings(client, findings(180));

    await expect(failure).rejects.toThrow(
      /rejected 2 finding\(s\).*f-3: InvalidInput nope; f-150: InvalidInput nope/,
    );
    expect(importCalls().map((ids) => ids.length)).toEqual([100, 1, 80, 1]);
  });

  it('re-sends the whole batch when Security Hub gives a FailedCount without ids', async () => {
    hubMock
      .on(BatchImportFindingsCommand)
      .resolvesOnce({ SuccessCount: 1, FailedCount: 1 })
      .resolves({ SuccessCount: 2, FailedCount: 0, FailedFindings: [] });

    await importFindings(client, findings(2));

    expect(importCalls()).toEqual([
      ['f-0', 'f-1'],
      ['f-0', 'f-1'],
    ]);
  });

  it('says when Security Hub gave no detail at all', async () => {
    hubMock.on(BatchImportFindingsCommand).resolves({ SuccessCount: 0, FailedCount: 1 });

    await expect(importFindings(client, findings(1))).rejects.toThrow(
      'Security Hub rejected 1 finding(s) after one retry (no detail given)',
    );
  });

  it('turns an SDK failure into a typed error naming the action', async () => {
    hubMock
      .on(BatchImportFindingsCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    const failure = importFindings(client, findings(1), { accountId: MEMBER_ACCOUNT });

    await expect(failure).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(failure).rejects.toThrow(/securityhub:BatchImportFindings in account 222222222222/);
  });
});

describe('updateWorkflowStatus', () => {
  const change = (id: string, status: 'NEW' | 'RESOLVED') => ({
    finding: { Id: id, ProductArn: PRODUCT_ARN },
    status,
  });

  it('sets each status with its own calls of at most 100 findings', async () => {
    const resolved = findings(130, 'r').map((f) => change(f.Id as string, 'RESOLVED'));

    await updateWorkflowStatus(client, [...resolved, change('n-0', 'NEW')]);

    expect(updateCalls().map((c) => [c.status, c.ids.length])).toEqual([
      ['RESOLVED', 100],
      ['RESOLVED', 30],
      ['NEW', 1],
    ]);
    expect(hubMock.commandCalls(BatchUpdateFindingsCommand)[2]?.args[0].input).toEqual({
      FindingIdentifiers: [{ Id: 'n-0', ProductArn: PRODUCT_ARN }],
      Workflow: { Status: 'NEW' },
    });
  });

  it('re-sends unprocessed findings once', async () => {
    hubMock
      .on(BatchUpdateFindingsCommand)
      .resolvesOnce({
        ProcessedFindings: [{ Id: 'a', ProductArn: PRODUCT_ARN }],
        UnprocessedFindings: [
          {
            FindingIdentifier: { Id: 'b', ProductArn: PRODUCT_ARN },
            ErrorCode: 'Throttled',
            ErrorMessage: 'x',
          },
        ],
      })
      .resolves({ ProcessedFindings: [{ Id: 'b', ProductArn: PRODUCT_ARN }], UnprocessedFindings: [] });

    await updateWorkflowStatus(client, [change('a', 'RESOLVED'), change('b', 'RESOLVED')]);

    expect(updateCalls().map((c) => c.ids)).toEqual([['a', 'b'], ['b']]);
  });

  it('raises a WorkflowUpdateError naming what stayed unprocessed', async () => {
    hubMock.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: 'a', ProductArn: PRODUCT_ARN },
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'no such finding',
        },
      ],
    });

    const failure = updateWorkflowStatus(client, [change('a', 'RESOLVED')], { accountId: MEMBER_ACCOUNT });

    await expect(failure).rejects.toBeInstanceOf(WorkflowUpdateError);
    await expect(failure).rejects.toThrow(
      /workflow status of 1 finding\(s\).*a: FindingNotFound no such finding/,
    );
    expect(hubMock).toHaveReceivedCommandTimes(BatchUpdateFindingsCommand, 2);
  });

  it('makes no call when nothing changes', async () => {
    await updateWorkflowStatus(client, []);

    expect(hubMock).not.toHaveReceivedAnyCommand();
  });
});
