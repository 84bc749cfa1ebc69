import { PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BreakGlassWindow } from '../../../lib/break-glass';
import { sortKey } from '../../../lib/break-glass-store';
import type { RootUsage } from '../../../lib/credential-report';
import { AccessDeniedError, CollectError, InvalidRuleParametersError } from '../../../lib/errors';
import { parseRuleParameters } from '../../../lib/parameters';
import { loadRuleMetadata } from '../../../lib/rule-metadata';
import { BREAK_GLASS_TABLE_ENV, collect } from '../../../rules/root-user-idle/collect';
import {
  evaluate,
  lastRootUse,
  type RootUserIdleFacts,
  type RootUserIdleParams,
} from '../../../rules/root-user-idle/evaluate';
import { handler } from '../../../rules/root-user-idle/handler';
import metadata from '../../../rules/root-user-idle/rule.json';
import { MEMBER_ACCOUNT, NOTIFICATION_TIME, OTHER_ACCOUNT } from '../../helpers/constants';
import {
  AFTER_NOTIFICATION,
  breakGlassWindow,
  credentialReportCsv,
  EXACTLY_NINETY_DAYS_AGO,
  getCredentialReportOutput,
  iamUserRow,
  JUST_UNDER_NINETY_DAYS_AGO,
  ONE_HUNDRED_TWENTY_DAYS_AGO,
  REPORT_GENERATED_AT,
  rootKey1UsedAt,
  rootRow,
  TEN_DAYS_AGO,
  THREE_DAYS_AGO,
  TICKET_ID,
} from '../../helpers/credential-report';
import {
  collectContext,
  EXECUTION_ROLE_NAME,
  executionRoleArn,
  expectParametersRefused,
  judgeOne,
  sdkError,
  sentEvaluation,
  signedByAssumedRole,
  useRuleHarness,
} from '../../helpers/rule-harness';

const rule = useRuleHarness(handler, { orgSnapshot: { members: [MEMBER_ACCOUNT, OTHER_ACCOUNT] } });
const iamMock = rule.mock(IAMClient);
const dynamoMock = rule.mock(DynamoDBDocumentClient);

const TABLE = 'rootguard-break-glass-windows';
const DAY_MS = 86_400_000;
const DEFAULT_PARAMS: RootUserIdleParams = { MaxDaysSinceLastUse: 90 };

/** A never-used root user as rootUsage reads it from the helpers' default root row. */
const NEVER_USED: RootUsage = {
  mfaActive: true,
  accessKey1Active: false,
  accessKey2Active: false,
  passwordLastUsedNote: 'no_information',
  accessKey1LastUsedNote: 'N/A',
  accessKey2LastUsedNote: 'N/A',
};

function facts(
  root: Partial<RootUsage> = {},
  windows: BreakGlassWindow[] = [],
  breakGlassWindowsRead = true,
): RootUserIdleFacts {
  return {
    report: { generatedAt: REPORT_GENERATED_AT, root: { ...NEVER_USED, ...root } },
    breakGlassWindows: windows,
    breakGlassWindowsRead,
  };
}

const judge = (f: RootUserIdleFacts, params = DEFAULT_PARAMS) => judgeOne(evaluate, f, params);

/** A window that starts an hour before `at` and lasts two hours. */
const windowAround = (at: string, accountId = MEMBER_ACCOUNT) =>
  breakGlassWindow(accountId, new Date(Date.parse(at) - 60 * 60_000).toISOString());

describe('root-user-idle evaluate', () => {
  it('returns COMPLIANT when root has never been used', () => {
    expect(judge(facts())).toEqual({
      complianceResourceType: 'AWS::::Account',
      complianceResourceId: MEMBER_ACCOUNT,
      complianceType: 'COMPLIANT',
      annotation: `Account ${MEMBER_ACCOUNT}: root user has never been used (credential report of 2026-11-20).`,
    });
  });

  it('returns COMPLIANT, saying so, when root has no password and no active access key', () => {
    const evaluation = judge(facts({ passwordLastUsedNote: 'N/A' }));

    expect(evaluation?.complianceType).toBe('COMPLIANT');
    expect(evaluation?.annotation).toBe(
      `Account ${MEMBER_ACCOUNT}: root user has never been used (credential report of 2026-11-20); it has no password and no active access key.`,
    );
  });

  it('returns COMPLIANT with the last use and its kind when root was last used longer ago than the limit', () => {
    const evaluation = judge(facts({ passwordLastUsed: ONE_HUNDRED_TWENTY_DAYS_AGO }));

    expect(evaluation?.complianceType).toBe('COMPLIANT');
    expect(evaluation?.annotation).toBe(
      `Account ${MEMBER_ACCOUNT}: root user was last used 120 days ago (2026-07-23, console password); limit is 90 days.`,
    );
  });

  it('returns NON_COMPLIANT when root used its password within the limit outside any break-glass window', () => {
    const evaluation = judge(facts({ passwordLastUsed: THREE_DAYS_AGO }));

    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toBe(
      `Account ${MEMBER_ACCOUNT}: root user was last used 3 days ago (2026-11-17, console password); limit is 90 days and no break-glass window covers that use.`,
    );
  });

  it('names the kind of the latest use when root used an access key more recently than its password', () => {
    const evaluation = judge(
      facts({
        passwordLastUsed: ONE_HUNDRED_TWENTY_DAYS_AGO,
        accessKey1Active: true,
        accessKey1LastUsed: '2026-09-01T00:00:00+00:00',
        accessKey2Active: true,
        accessKey2LastUsed: TEN_DAYS_AGO,
      }),
    );

    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toContain(
      'root user was last used 10 days ago (2026-11-10, access key 2)',
    );
  });

  it('returns COMPLIANT naming the ticket when a break-glass window covers the last use', () => {
    const evaluation = judge(facts({ passwordLastUsed: THREE_DAYS_AGO }, [windowAround(THREE_DAYS_AGO)]));

    expect(evaluation?.complianceType).toBe('COMPLIANT');
    expect(evaluation?.annotation).toBe(
      `Account ${MEMBER_ACCOUNT}: root user was last used 3 days ago (2026-11-17, console password), inside the break-glass window for ticket ${TICKET_ID}.`,
    );
  });

  it('returns NON_COMPLIANT when the break-glass window ended before the last use', () => {
    const endedBefore = breakGlassWindow(MEMBER_ACCOUNT, '2026-11-17T01:00:00Z', 180);
    expect(Date.parse(endedBefore.endsAt)).toBeLessThan(Date.parse(THREE_DAYS_AGO));

    const evaluation = judge(facts({ passwordLastUsed: THREE_DAYS_AGO }, [endedBefore]));

    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toContain('no break-glass window covers that use');
  });

  it('returns NON_COMPLIANT when the only covering window belongs to another account', () => {
    const evaluation = judge(
      facts({ passwordLastUsed: THREE_DAYS_AGO }, [windowAround(THREE_DAYS_AGO, OTHER_ACCOUNT)]),
    );

    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
  });

  it('returns NON_COMPLIANT saying windows were not read when BREAK_GLASS_TABLE was unset', () => {
    const evaluation = judge(facts({ passwordLastUsed: THREE_DAYS_AGO }, [], false));

    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toBe(
      `Account ${MEMBER_ACCOUNT}: root user was last used 3 days ago (2026-11-17, console password); limit is 90 days (break-glass windows were not read: BREAK_GLASS_TABLE is not set).`,
    );
  });

  it('treats a last use dated after the evaluation time as a use now', () => {
    const evaluation = judge(facts({ passwordLastUsed: AFTER_NOTIFICATION }));

    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toContain('last used less than a day ago (2026-11-20, console password)');
  });

  it('accepts a window covering a last use dated after the evaluation time', () => {
    const evaluation = judge(
      facts({ passwordLastUsed: AFTER_NOTIFICATION }, [windowAround(AFTER_NOTIFICATION)]),
    );

    expect(evaluation?.complianceType).toBe('COMPLIANT');
  });

  it('counts a use exactly MaxDaysSinceLastUse days ago as idle, and one a second later as recent', () => {
    expect(judge(facts({ passwordLastUsed: EXACTLY_NINETY_DAYS_AGO }))?.complianceType).toBe('COMPLIANT');
    const recent = judge(facts({ passwordLastUsed: JUST_UNDER_NINETY_DAYS_AGO }));
    expect(recent?.complianceType).toBe('NON_COMPLIANT');
    expect(recent?.annotation).toContain('last used 89 days ago');
  });

  it('applies MaxDaysSinceLastUse', () => {
    const tenDays = facts({ accessKey1Active: true, accessKey1LastUsed: TEN_DAYS_AGO });

    expect(judge(tenDays, { MaxDaysSinceLastUse: 7 })?.annotation).toBe(
      `Account ${MEMBER_ACCOUNT}: root user was last used 10 days ago (2026-11-10, access key 1); limit is 7 days.`,
    );
    expect(judge(tenDays, { MaxDaysSinceLastUse: 30 })?.complianceType).toBe('NON_COMPLIANT');
    expect(
      judge(facts({ passwordLastUsed: AFTER_NOTIFICATION }), { MaxDaysSinceLastUse: 1 })?.annotation,
    ).toContain('limit is 1 day and');
  });
});

describe('lastRootUse', () => {
  it('returns the latest of the three dates with its kind, the password winning a tie', () => {
    expect(lastRootUse({ passwordLastUsed: TEN_DAYS_AGO, accessKey1LastUsed: TEN_DAYS_AGO })).toEqual({
      kind: 'console password',
      at: TEN_DAYS_AGO,
    });
    expect(lastRootUse({ passwordLastUsed: TEN_DAYS_AGO, accessKey1LastUsed: THREE_DAYS_AGO })).toEqual({
      kind: 'access key 1',
      at: THREE_DAYS_AGO,
    });
    expect(lastRootUse(NEVER_USED)).toBeUndefined();
  });
});

describe('root-user-idle parameters', () => {
  const ruleMetadata = loadRuleMetadata(metadata);

  it('defaults MaxDaysSinceLastUse to 90', () => {
    expect(parseRuleParameters(ruleMetadata, {})).toEqual({
      MaxDaysSinceLastUse: 90,
      ExecutionRoleName: undefined,
    });
  });

  it.each(['abc', '0', '3651', '1.5'])(
    'rejects MaxDaysSinceLastUse=%s with InvalidRuleParametersError',
    (value) => {
      expect(() => parseRuleParameters(ruleMetadata, { MaxDaysSinceLastUse: value })).toThrow(
        InvalidRuleParametersError,
      );
    },
  );
});

// ---- collect and the handler: AWS mocked at the SDK boundary ----

const NEVER_USED_CSV = credentialReportCsv([
  rootRow(MEMBER_ACCOUNT),
  iamUserRow(MEMBER_ACCOUNT, 'ops,admin'),
]);
const RECENT_PASSWORD_CSV = credentialReportCsv([
  rootRow(MEMBER_ACCOUNT, { password_last_used: THREE_DAYS_AGO }),
  iamUserRow(MEMBER_ACCOUNT, 'alice'),
]);

/** A window as the store keeps it: with its sort key and TTL attribute. */
const storedItem = (w: BreakGlassWindow) => ({ ...w, sk: sortKey(w), expiresAt: 1_900_000_000 });

function reportReturns(csv: string) {
  iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iamMock.on(GetCredentialReportCommand).resolves(getCredentialReportOutput(csv));
}

beforeEach(() => {
  dynamoMock.on(QueryCommand).resolves({ Items: [] });
  process.env[BREAK_GLASS_TABLE_ENV] = TABLE;
});

afterEach(() => {
  delete process.env[BREAK_GLASS_TABLE_ENV];
});

describe('root-user-idle collect', () => {
  it('returns the report time, root usage and the windows of the last MaxDaysSinceLastUse days', async () => {
    reportReturns(RECENT_PASSWORD_CSV);
    const window = windowAround(THREE_DAYS_AGO);
    dynamoMock.on(QueryCommand).resolves({ Items: [storedItem(window)] });

    const result = await collect(collectContext(DEFAULT_PARAMS), { pollDelayMs: 0 });

    expect(result).toEqual({
      report: {
        generatedAt: REPORT_GENERATED_AT,
        root: { ...NEVER_USED, passwordLastUsed: THREE_DAYS_AGO, passwordLastUsedNote: undefined },
      },
      breakGlassWindows: [window],
      breakGlassWindowsRead: true,
    });
    expect(result.report.root).not.toHaveProperty('passwordLastUsedNote');
    const hour = 60 * 60 * 1000;
    expect(dynamoMock).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TABLE,
      ExpressionAttributeValues: {
        ':account': MEMBER_ACCOUNT,
        ':from': new Date(Date.parse(NOTIFICATION_TIME) - 90 * DAY_MS - hour).toISOString(),
        ':to': `${new Date(Date.parse(NOTIFICATION_TIME) + hour).toISOString()}#\uffff`,
      },
    });
  });

  it('reads no windows and says so when BREAK_GLASS_TABLE is unset', async () => {
    delete process.env[BREAK_GLASS_TABLE_ENV];
    reportReturns(RECENT_PASSWORD_CSV);

    const result = await collect(collectContext(DEFAULT_PARAMS), { pollDelayMs: 0 });

    expect(result.breakGlassWindowsRead).toBe(false);
    expect(result.breakGlassWindows).toEqual([]);
    expect(dynamoMock).not.toHaveReceivedAnyCommand();
  });

  it('queries windows up to a last use dated after the evaluation time', async () => {
    reportReturns(credentialReportCsv([rootRow(MEMBER_ACCOUNT, rootKey1UsedAt(AFTER_NOTIFICATION))]));

    await collect(collectContext(DEFAULT_PARAMS), { pollDelayMs: 0 });

    const to = dynamoMock.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':to'];
    expect(to).toBe(`${new Date(Date.parse(AFTER_NOTIFICATION) + 60 * 60 * 1000).toISOString()}#\uffff`);
  });

  it('throws CollectError when a stored window is malformed', async () => {
    reportReturns(RECENT_PASSWORD_CSV);
    dynamoMock
      .on(QueryCommand)
      .resolves({ Items: [{ ...storedItem(windowAround(THREE_DAYS_AGO)), ticketId: '' }] });

    await expect(collect(collectContext(DEFAULT_PARAMS), { pollDelayMs: 0 })).rejects.toThrow(CollectError);
  });
});

describe('root-user-idle handler', () => {
  it('sends COMPLIANT for a root user that has never been used', async () => {
    reportReturns(NEVER_USED_CSV);

    const { result } = await rule.invoke();

    expect(result.evaluations[0]?.complianceType).toBe('COMPLIANT');
    expect(rule.config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      Evaluations: [
        sentEvaluation(
          'COMPLIANT',
          `Account ${MEMBER_ACCOUNT}: root user has never been used (credential report of 2026-11-20).`,
        ),
      ],
    });
  });

  it('sends COMPLIANT naming the ticket when a stored break-glass window covers the last use', async () => {
    reportReturns(RECENT_PASSWORD_CSV);
    dynamoMock.on(QueryCommand).resolves({ Items: [storedItem(windowAround(THREE_DAYS_AGO))] });

    await rule.invoke();

    const [sent] = rule.sent();
    expect(sent?.ComplianceType).toBe('COMPLIANT');
    expect(sent?.Annotation).toContain(`inside the break-glass window for ticket ${TICKET_ID}`);
  });

  it('sends NON_COMPLIANT when root was used recently and no window covers it', async () => {
    reportReturns(RECENT_PASSWORD_CSV);

    await rule.invoke();

    expect(rule.sent()).toEqual([
      expect.objectContaining({
        ComplianceType: 'NON_COMPLIANT',
        Annotation: `Account ${MEMBER_ACCOUNT}: root user was last used 3 days ago (2026-11-17, console password); limit is 90 days and no break-glass window covers that use.`,
      }),
    ]);
  });

  it('reads the report with the execution role and the windows with the Lambda’s own credentials', async () => {
    reportReturns(RECENT_PASSWORD_CSV);

    await rule.invoke({ ruleParameters: { ExecutionRoleName: EXECUTION_ROLE_NAME } });

    expect(rule.sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: executionRoleArn() });
    await expect(signedByAssumedRole(iamMock.commandCalls(GenerateCredentialReportCommand))).resolves.toBe(
      true,
    );
    await expect(signedByAssumedRole(dynamoMock.commandCalls(QueryCommand))).resolves.toBe(false);
  });

  it('sends NON_COMPLIANT and rejects with AccessDeniedError when the report is denied, never COMPLIANT', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .rejects(sdkError('AccessDenied', 'not authorized to perform: iam:GenerateCredentialReport'));

    await expect(rule.invoke()).rejects.toBeInstanceOf(AccessDeniedError);
    const sent = rule.sent();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.ComplianceType).toBe('NON_COMPLIANT');
    expect(sent[0]?.Annotation).toMatch(
      new RegExp(
        `^Account ${MEMBER_ACCOUNT}: could not be evaluated, Access denied calling iam:GenerateCredentialReport`,
      ),
    );
  });

  it('sends NON_COMPLIANT and rejects with CollectError when the report has no root row', async () => {
    reportReturns(credentialReportCsv([iamUserRow(MEMBER_ACCOUNT, 'alice')]));

    await expect(rule.invoke()).rejects.toBeInstanceOf(CollectError);
    expect(rule.sent()[0]).toMatchObject({
      ComplianceType: 'NON_COMPLIANT',
      Annotation: expect.stringContaining('has no <root_account> row'),
    });
  });

  it('sends NON_COMPLIANT and rejects with InvalidRuleParametersError for MaxDaysSinceLastUse "abc"', async () => {
    const outcome = await rule.invokeRejected({ ruleParameters: { MaxDaysSinceLastUse: 'abc' } });

    expectParametersRefused(outcome, expect.stringContaining('MaxDaysSinceLastUse="abc"'));
    expect(iamMock).not.toHaveReceivedAnyCommand();
  });
});
