import {
  CredentialReportExpiredException,
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  IAMClient,
  ReportGenerationLimitExceededException,
} from '@aws-sdk/client-iam';
import {
  fetchCredentialReport,
  MAX_POLL_DELAY_MS,
  MAX_REPORT_ATTEMPTS,
  parseCredentialReport,
  rootUsage,
} from '../../../lib/credential-report';
import { AccessDeniedError, CollectError } from '../../../lib/errors';
import { MEMBER_ACCOUNT, OTHER_ACCOUNT } from '../../helpers/constants';
import {
  CREDENTIAL_REPORT_COLUMNS,
  credentialReportCsv,
  getCredentialReportOutput,
  iamUserRow,
  REPORT_GENERATED_AT,
  rootKey1UsedAt,
  rootRow,
  THREE_DAYS_AGO,
} from '../../helpers/credential-report';
import { useMockedClient } from '../../helpers/sdk-mocks';

const { client: iam, mock: iamMock } = useMockedClient(IAMClient, 'us-east-1');

const NEVER_USED_CSV = credentialReportCsv([rootRow(MEMBER_ACCOUNT), iamUserRow(MEMBER_ACCOUNT, 'alice')]);
const meta = { $metadata: {} };
const accessDenied = (message: string) => Object.assign(new Error(message), { name: 'AccessDenied' });

/** Root usage straight from CSV text. */
const usageOf = (csv: string) => rootUsage(parseCredentialReport(csv, MEMBER_ACCOUNT), MEMBER_ACCOUNT);

describe('parseCredentialReport', () => {
  it('reads quoted fields holding commas and doubled quotes', () => {
    const csv = credentialReportCsv([
      rootRow(MEMBER_ACCOUNT),
      iamUserRow(MEMBER_ACCOUNT, 'ops,admin'),
      iamUserRow(MEMBER_ACCOUNT, 'say"hi"'),
    ]);
    expect(csv).toContain('"ops,admin"');

    const rows = parseCredentialReport(csv);

    expect(rows.map((r) => r.user)).toEqual(['<root_account>', 'ops,admin', 'say"hi"']);
    expect(rows[1]?.arn).toBe(`arn:aws:iam::${MEMBER_ACCOUNT}:user/ops,admin`);
    expect(Object.keys(rows[1] ?? {})).toEqual([...CREDENTIAL_REPORT_COLUMNS]);
  });

  it('accepts CRLF line endings, a byte-order mark and a trailing blank line', () => {
    const csv = `\uFEFF${NEVER_USED_CSV.replaceAll('\n', '\r\n')}\r\n`;

    const rows = parseCredentialReport(csv);

    expect(rows).toHaveLength(2);
    expect(rows[0]?.user).toBe('<root_account>');
  });

  it('throws CollectError for malformed CSV, naming the account', () => {
    const csv = `${NEVER_USED_CSV}"<root_account>,only,three\n`;

    expect(() => parseCredentialReport(csv, MEMBER_ACCOUNT)).toThrow(CollectError);
    expect(() => parseCredentialReport(csv, MEMBER_ACCOUNT)).toThrow(
      `The IAM credential report of account ${MEMBER_ACCOUNT} is not valid CSV`,
    );
  });

  it('throws CollectError when a row has the wrong number of fields', () => {
    const csv = `${NEVER_USED_CSV}bob,arn:aws:iam::${MEMBER_ACCOUNT}:user/bob,extra\n`;

    expect(() => parseCredentialReport(csv)).toThrow(CollectError);
  });

  it('throws CollectError naming a missing required column', () => {
    const columns = CREDENTIAL_REPORT_COLUMNS.filter((c) => c !== 'access_key_2_last_used_date');
    const csv = credentialReportCsv([rootRow(MEMBER_ACCOUNT)], columns);

    expect(() => parseCredentialReport(csv)).toThrow(/has no access_key_2_last_used_date column/);
  });

  it('throws CollectError for an empty report', () => {
    expect(() => parseCredentialReport('')).toThrow(CollectError);
  });
});

describe('rootUsage', () => {
  it('keeps ISO dates as the report writes them', () => {
    const usage = usageOf(
      credentialReportCsv([
        rootRow(MEMBER_ACCOUNT, {
          password_last_used: THREE_DAYS_AGO,
          ...rootKey1UsedAt('2026-10-01T12:00:00+00:00'),
          access_key_2_last_used_date: '2026-09-01T12:00:00Z',
        }),
      ]),
    );

    expect(usage).toMatchObject({
      passwordLastUsed: THREE_DAYS_AGO,
      accessKey1LastUsed: '2026-10-01T12:00:00+00:00',
      accessKey2LastUsed: '2026-09-01T12:00:00Z',
      accessKey1Active: true,
    });
    expect(usage.passwordLastUsedNote).toBeUndefined();
  });

  it('turns N/A, no_information and not_supported into undefined, keeping the marker in a note', () => {
    const usage = usageOf(
      credentialReportCsv([
        rootRow(MEMBER_ACCOUNT, {
          password_last_used: 'no_information',
          access_key_1_last_used_date: 'N/A',
          access_key_2_last_used_date: 'not_supported',
        }),
      ]),
    );

    expect(usage).toEqual({
      mfaActive: true,
      accessKey1Active: false,
      accessKey2Active: false,
      passwordLastUsedNote: 'no_information',
      accessKey1LastUsedNote: 'N/A',
      accessKey2LastUsedNote: 'not_supported',
    });
  });

  it('leaves root password_enabled (not_supported) undefined, and reads TRUE/FALSE in any case', () => {
    expect(usageOf(NEVER_USED_CSV).passwordEnabled).toBeUndefined();
    const usage = usageOf(
      credentialReportCsv([rootRow(MEMBER_ACCOUNT, { password_enabled: 'FALSE', mfa_active: 'TRUE' })]),
    );
    expect(usage).toMatchObject({ passwordEnabled: false, mfaActive: true });
  });

  it('treats an empty date field as absent, with no note', () => {
    const usage = usageOf(credentialReportCsv([rootRow(MEMBER_ACCOUNT, { password_last_used: '' })]));

    expect(usage.passwordLastUsed).toBeUndefined();
    expect(usage.passwordLastUsedNote).toBeUndefined();
  });

  it('reads only the <root_account> row, never an IAM user named like it', () => {
    const usage = usageOf(
      credentialReportCsv([
        iamUserRow(MEMBER_ACCOUNT, 'root', { password_last_used: THREE_DAYS_AGO }),
        rootRow(MEMBER_ACCOUNT),
      ]),
    );

    expect(usage.passwordLastUsed).toBeUndefined();
    expect(usage.passwordLastUsedNote).toBe('no_information');
  });

  it('throws CollectError when the report has no <root_account> row, never a silent "never used"', () => {
    const csv = credentialReportCsv([iamUserRow(MEMBER_ACCOUNT, 'alice')]);

    expect(() => usageOf(csv)).toThrow(CollectError);
    expect(() => usageOf(csv)).toThrow(
      `The IAM credential report of account ${MEMBER_ACCOUNT} has no <root_account> row; cannot judge the root user`,
    );
  });

  it('throws CollectError when a row lacks a required column', () => {
    const row = {
      user: '<root_account>',
      arn: `arn:aws:iam::${MEMBER_ACCOUNT}:root`,
      password_last_used: 'N/A',
    };

    expect(() => rootUsage([row])).toThrow(
      /has no access_key_1_last_used_date, access_key_2_last_used_date column/,
    );
  });

  it('throws CollectError for a date column holding something else', () => {
    const csv = credentialReportCsv([rootRow(MEMBER_ACCOUNT, { password_last_used: 'yesterday' })]);

    expect(() => usageOf(csv)).toThrow(/holds "yesterday" in password_last_used/);
  });

  it('throws CollectError when the root row belongs to another account', () => {
    const csv = credentialReportCsv([rootRow(OTHER_ACCOUNT)]);

    expect(() => usageOf(csv)).toThrow(`not the root user of ${MEMBER_ACCOUNT}`);
  });

  it('accepts the root ARN of the aws-us-gov partition', () => {
    const csv = credentialReportCsv([
      rootRow(MEMBER_ACCOUNT, { arn: `arn:aws-us-gov:iam::${MEMBER_ACCOUNT}:root` }),
    ]);

    expect(() => usageOf(csv)).not.toThrow();
  });

  it('throws CollectError when the report holds two <root_account> rows', () => {
    const csv = credentialReportCsv([rootRow(MEMBER_ACCOUNT), rootRow(MEMBER_ACCOUNT)]);

    expect(() => usageOf(csv)).toThrow(/has 2 <root_account> rows/);
  });
});

describe('fetchCredentialReport', () => {
  const fast = { pollDelayMs: 0 };

  it('downloads a report that is COMPLETE at once, decoding the content and the generation time', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).resolves(getCredentialReportOutput(NEVER_USED_CSV));

    const report = await fetchCredentialReport(iam, MEMBER_ACCOUNT, fast);

    expect(report).toEqual({ generatedAt: REPORT_GENERATED_AT, csv: NEVER_USED_CSV });
    expect(iamMock).toHaveReceivedCommandTimes(GenerateCredentialReportCommand, 1);
    expect(iamMock).toHaveReceivedCommandTimes(GetCredentialReportCommand, 1);
  });

  it('polls GenerateCredentialReport while it is STARTED or INPROGRESS, then downloads', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .resolvesOnce({ State: 'STARTED' })
      .resolvesOnce({ State: 'INPROGRESS' })
      .resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).resolves(getCredentialReportOutput(NEVER_USED_CSV));

    const report = await fetchCredentialReport(iam, MEMBER_ACCOUNT, fast);

    expect(report.csv).toBe(NEVER_USED_CSV);
    expect(iamMock).toHaveReceivedCommandTimes(GenerateCredentialReportCommand, 3);
    expect(iamMock).toHaveReceivedCommandTimes(GetCredentialReportCommand, 1);
  });

  it('backs off between polls, doubling the pause up to the cap', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });
    const pauses: number[] = [];
    let clock = 0;

    await expect(
      fetchCredentialReport(iam, MEMBER_ACCOUNT, {
        pollDelayMs: 1_000,
        maxWaitMs: 40_000,
        now: () => clock,
        sleep: async (ms) => {
          pauses.push(ms);
          clock += ms;
        },
      }),
    ).rejects.toThrow(CollectError);

    expect(pauses).toEqual([1_000, 2_000, 4_000, MAX_POLL_DELAY_MS, 8_000, 8_000, 8_000, 1_000]);
    expect(pauses.reduce((a, b) => a + b, 0)).toBe(40_000);
  });

  it.each([
    {
      name: 'regenerates the report when GetCredentialReport says ReportNotPresent',
      generationStates: ['COMPLETE'],
      getFailures: [new CredentialReportNotPresentException({ message: 'no report', ...meta })],
      calls: { generate: 2, get: 2 },
    },
    {
      name: 'regenerates the report when GetCredentialReport says ReportExpired',
      generationStates: ['COMPLETE', 'STARTED', 'COMPLETE'],
      getFailures: [new CredentialReportExpiredException({ message: 'expired', ...meta })],
      calls: { generate: 3, get: 2 },
    },
    {
      name: 'waits and asks again when GetCredentialReport says ReportInProgress',
      generationStates: ['COMPLETE'],
      getFailures: [
        new CredentialReportNotReadyException({ message: 'in progress', ...meta }),
        Object.assign(new Error('still in progress'), { name: 'ReportInProgress' }),
      ],
      calls: { generate: 3, get: 3 },
    },
  ] as const)('$name', async ({ generationStates, getFailures, calls }) => {
    const generate = iamMock.on(GenerateCredentialReportCommand);
    for (const State of generationStates.slice(0, -1)) generate.resolvesOnce({ State });
    generate.resolves({ State: generationStates.at(-1) });
    const get = iamMock.on(GetCredentialReportCommand);
    for (const failure of getFailures) get.rejectsOnce(failure);
    get.resolves(getCredentialReportOutput(NEVER_USED_CSV));

    const report = await fetchCredentialReport(iam, MEMBER_ACCOUNT, fast);

    expect(report.csv).toBe(NEVER_USED_CSV);
    expect(iamMock).toHaveReceivedCommandTimes(GenerateCredentialReportCommand, calls.generate);
    expect(iamMock).toHaveReceivedCommandTimes(GetCredentialReportCommand, calls.get);
  });

  it('waits when too many reports are being generated', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .rejectsOnce(new ReportGenerationLimitExceededException({ message: 'limit', ...meta }))
      .resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).resolves(getCredentialReportOutput(NEVER_USED_CSV));

    await expect(fetchCredentialReport(iam, MEMBER_ACCOUNT, fast)).resolves.toMatchObject({
      csv: NEVER_USED_CSV,
    });
  });

  it('throws CollectError saying the report is still being generated when the wait runs out', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });
    let clock = 0;

    const promise = fetchCredentialReport(iam, MEMBER_ACCOUNT, {
      pollDelayMs: 0,
      maxWaitMs: 60_000,
      now: () => {
        clock += 7_000;
        return clock;
      },
    });

    await expect(promise).rejects.toThrow(CollectError);
    await expect(promise).rejects.toThrow(
      new RegExp(
        `^The IAM credential report of account ${MEMBER_ACCOUNT} is still being generated after \\d+ s .*last: generation INPROGRESS`,
      ),
    );
    await expect(promise).rejects.toMatchObject({
      action: 'iam:GenerateCredentialReport',
      accountId: MEMBER_ACCOUNT,
    });
    expect(iamMock).not.toHaveReceivedCommand(GetCredentialReportCommand);
  });

  it('stops after MAX_REPORT_ATTEMPTS calls even when the clock does not move', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'STARTED' });

    await expect(
      fetchCredentialReport(iam, MEMBER_ACCOUNT, { pollDelayMs: 0, now: () => 0 }),
    ).rejects.toThrow(/still being generated/);
    expect(iamMock).toHaveReceivedCommandTimes(GenerateCredentialReportCommand, MAX_REPORT_ATTEMPTS);
  });

  it('throws AccessDeniedError when GenerateCredentialReport is denied', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .rejects(accessDenied('not authorized to perform: iam:GenerateCredentialReport'));

    const promise = fetchCredentialReport(iam, MEMBER_ACCOUNT, fast);

    await expect(promise).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(promise).rejects.toThrow(
      `Access denied calling iam:GenerateCredentialReport in account ${MEMBER_ACCOUNT}`,
    );
  });

  it('throws AccessDeniedError when GetCredentialReport is denied', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).rejects(accessDenied('not authorized'));

    await expect(fetchCredentialReport(iam, MEMBER_ACCOUNT, fast)).rejects.toMatchObject({
      name: 'AccessDeniedError',
      action: 'iam:GetCredentialReport',
    });
  });

  it('throws CollectError for another GetCredentialReport failure, keeping the cause', async () => {
    const failure = Object.assign(new Error('boom'), { name: 'ServiceFailureException' });
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).rejects(failure);

    await expect(fetchCredentialReport(iam, MEMBER_ACCOUNT, fast)).rejects.toMatchObject({
      name: 'CollectError',
      cause: failure,
    });
  });

  it('throws CollectError for a state it does not know', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({});

    await expect(fetchCredentialReport(iam, MEMBER_ACCOUNT, fast)).rejects.toThrow(
      /returned state null; expected STARTED, INPROGRESS or COMPLETE/,
    );
  });

  it('throws CollectError when the report has no GeneratedTime', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock
      .on(GetCredentialReportCommand)
      .resolves({ ...getCredentialReportOutput(NEVER_USED_CSV), GeneratedTime: undefined });

    await expect(fetchCredentialReport(iam, MEMBER_ACCOUNT, fast)).rejects.toThrow(
      /returned no GeneratedTime/,
    );
  });

  it('throws CollectError when the report has no content', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).resolves({ ...getCredentialReportOutput(''), Content: undefined });

    await expect(fetchCredentialReport(iam, MEMBER_ACCOUNT, fast)).rejects.toThrow(
      /iam:GetCredentialReport in account \d+ returned an empty report/,
    );
  });

  it('throws CollectError when the report is not CSV', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock
      .on(GetCredentialReportCommand)
      .resolves({ ...getCredentialReportOutput(NEVER_USED_CSV), ReportFormat: 'text/json' as 'text/csv' });

    await expect(fetchCredentialReport(iam, MEMBER_ACCOUNT, fast)).rejects.toThrow(/not text\/csv/);
  });
});
