import { GetAccountSummaryCommand, IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  ROOT_CREDENTIALS_MANAGEMENT,
  ROOT_SESSIONS,
  type RootAccessFeatures,
} from '../../../lib/root-access-features';
import { collect } from '../../../rules/root-access-centralized/collect';
import { evaluate, type RootAccessCentralizedFacts } from '../../../rules/root-access-centralized/evaluate';
import { handler } from '../../../rules/root-access-centralized/handler';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, ORG_ID, OTHER_ACCOUNT } from '../../helpers/constants';
import { rootSummary } from '../../helpers/iam-root';
import {
  CENTRALIZED_ROOT_ACCESS,
  orgSnapshotFixture,
  SNAPSHOT_ORGANIZATION,
} from '../../helpers/org-snapshot';
import {
  accessDeniedAnnotation,
  accountEvaluation as account,
  EVALUATE_CONTEXT as CTX,
  collectContext,
  deployedIn,
  judgeOne,
  sdkError,
  sentEvaluation as sent,
  useRuleHarness,
} from '../../helpers/rule-harness';
import { NO_ROOT_CREDENTIALS, summaryMap } from '../../helpers/summary';

const BUILT_AT = '2026-11-20T05:00:00.000Z';
const NO_ROOT_CREDENTIALS_SUMMARY = rootSummary(NO_ROOT_CREDENTIALS);
const ENABLE_CREDENTIALS = 'aws iam enable-organizations-root-credentials-management';
const ENABLE_SESSIONS = 'aws iam enable-organizations-root-sessions';

/** A member account's facts: both features on and a root user without credentials, unless overridden. */
const facts = (overrides: Partial<RootAccessCentralizedFacts> = {}): RootAccessCentralizedFacts => ({
  organization: SNAPSHOT_ORGANIZATION,
  accountInOrganization: true,
  snapshotBuiltAt: BUILT_AT,
  rootAccessFeatures: CENTRALIZED_ROOT_ACCESS,
  rootCredentials: NO_ROOT_CREDENTIALS_SUMMARY,
  ...overrides,
});
const enabled = (...enabledFeatures: string[]): RootAccessFeatures => ({ status: 'READ', enabledFeatures });
const unreadable = (
  reason: Extract<RootAccessFeatures, { status: 'UNREADABLE' }>['reason'],
  error: string,
): RootAccessFeatures => ({ status: 'UNREADABLE', reason, error });

const judge = (f: RootAccessCentralizedFacts, ctx = CTX) => judgeOne(evaluate, f, {}, ctx);
const member = (reason: string) => `Account ${MEMBER_ACCOUNT}: ${reason}`;

const COVERED = member(
  `organization ${ORG_ID} has centralized root access (RootCredentialsManagement, RootSessions) and root has no credentials.`,
);
const MANAGEMENT_NOT_APPLICABLE = `Account ${MANAGEMENT_ACCOUNT}: is the management account of ${ORG_ID}; centralized root access covers member accounts only, so protect its root user itself.`;
const ACCESS_DENIED_ERROR =
  'iam:ListOrganizationsFeatures: AccessDenied: User: arn:aws:sts::111111111111:assumed-role/RootGuardOrgRead/rootguard-org-snapshot is not authorized to perform: iam:ListOrganizationsFeatures';

describe('root-access-centralized evaluate', () => {
  it('returns COMPLIANT for a member account when both features are enabled and root has no credentials', () => {
    expect(judge(facts())).toEqual(account('COMPLIANT', COVERED));
  });

  it('returns COMPLIANT but names the credentials root still has, and how to remove them (enabling deletes none)', () => {
    const leftOver = facts({ rootCredentials: rootSummary({ accessKeys: true }) });

    const evaluation = judge(leftOver);

    expect(evaluation).toEqual(
      account(
        'COMPLIANT',
        member(
          `organization ${ORG_ID} has centralized root access, but root still has a password, access keys, an MFA device (enabling it deletes none): remove them with RootGuard-DeleteRootCredentials.`,
        ),
      ),
    );
    expect(evaluation?.annotation.length).toBeLessThanOrEqual(256);
  });

  it('fits every leftover credential into Config’s 256 characters', () => {
    const everything = facts({
      rootCredentials: rootSummary({ accessKeys: true, signingCertificates: true }),
    });

    expect(judge(everything)?.annotation.length).toBeLessThanOrEqual(256);
  });

  it('says so when it cannot tell whether root still has a password', () => {
    const { passwordPresent: _unknown, ...noPasswordKey } = NO_ROOT_CREDENTIALS_SUMMARY;

    expect(judge(facts({ rootCredentials: noPasswordKey }))).toEqual(
      account(
        'COMPLIANT',
        member(
          `organization ${ORG_ID} has centralized root access (RootCredentialsManagement, RootSessions); whether root still has a password is unknown.`,
        ),
      ),
    );
  });

  it.each([
    [
      'neither feature',
      enabled(),
      `RootCredentialsManagement, RootSessions; run ${ENABLE_CREDENTIALS} and ${ENABLE_SESSIONS}`,
    ],
    ['only RootSessions', enabled(ROOT_SESSIONS), `RootCredentialsManagement; run ${ENABLE_CREDENTIALS}`],
    [
      'only RootCredentialsManagement',
      enabled(ROOT_CREDENTIALS_MANAGEMENT),
      `RootSessions; run ${ENABLE_SESSIONS}`,
    ],
  ])(
    'returns NON_COMPLIANT naming what is missing when the organization enabled %s',
    (_case, features, missing) => {
      const evaluation = judge(facts({ rootAccessFeatures: features }));

      expect(evaluation).toEqual(
        account(
          'NON_COMPLIANT',
          member(`organization ${ORG_ID} has not enabled ${missing} from the management account.`),
        ),
      );
      expect(evaluation?.annotation.length).toBeLessThanOrEqual(256);
    },
  );

  it('returns NOT_APPLICABLE for the management account, whatever the features', () => {
    const management = { ...CTX, accountId: MANAGEMENT_ACCOUNT };

    for (const rootAccessFeatures of [CENTRALIZED_ROOT_ACCESS, enabled(), null]) {
      expect(judge(facts({ rootAccessFeatures, rootCredentials: null }), management)).toEqual(
        account('NOT_APPLICABLE', MANAGEMENT_NOT_APPLICABLE, MANAGEMENT_ACCOUNT),
      );
    }
  });

  it('never returns COMPLIANT when the snapshot builder was denied iam:ListOrganizationsFeatures', () => {
    const denied = facts({ rootAccessFeatures: unreadable('ACCESS_DENIED', ACCESS_DENIED_ERROR) });

    const evaluation = judge(denied);

    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toMatch(
      new RegExp(
        `^Account ${MEMBER_ACCOUNT}: could not tell whether centralized root access is enabled: the snapshot builder was denied iam:ListOrganizationsFeatures; grant it to the OrgReadRole \\(management-account.yaml\\) \\(iam:ListOrganizationsFeatures: AccessDenied`,
      ),
    );
  });

  it.each([
    ['NOT_ALL_FEATURES', `organization ${ORG_ID} does not have all features enabled`],
    ['TRUSTED_ACCESS_DISABLED', `trusted access for IAM is not enabled in organization ${ORG_ID}`],
    ['NOT_ADMINISTRATOR', 'neither the management account nor the IAM delegated administrator'],
    ['NO_ORGANIZATION', 'IAM found no organization'],
    ['THROTTLED', 'iam:ListOrganizationsFeatures was throttled'],
    ['FAILED', 'iam:ListOrganizationsFeatures failed'],
  ] as const)('returns NON_COMPLIANT saying why when the features were unreadable (%s)', (reason, why) => {
    const evaluation = judge(facts({ rootAccessFeatures: unreadable(reason, `${reason} error`) }));

    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toContain(why);
    expect(evaluation?.annotation).toContain(`(${reason} error)`);
  });

  it('keeps an error from a facts file to one line of the annotation', () => {
    const multiLine = facts({
      rootAccessFeatures: unreadable('FAILED', 'XML parse error\nDeserialization error'),
    });

    expect(judge(multiLine)?.annotation).toBe(
      member(
        'could not tell whether centralized root access is enabled: iam:ListOrganizationsFeatures failed (XML parse error Deserialization error).',
      ),
    );
  });

  it('returns NON_COMPLIANT, never COMPLIANT, when the snapshot predates the read of the features', () => {
    expect(judge(facts({ rootAccessFeatures: null }))).toEqual(
      account(
        'NON_COMPLIANT',
        member(
          `the organization snapshot (built ${BUILT_AT}) predates rootguard's read of centralized root access features; the next rebuild (hourly) reads them.`,
        ),
      ),
    );
  });

  it.each([
    [
      'the account is in no organization',
      facts({ organization: null, accountInOrganization: false }),
      'is in no AWS Organization, so centralized root access cannot cover it.',
    ],
    [
      'the organization does not list the account',
      facts({ accountInOrganization: false, rootCredentials: null }),
      `is not a member of organization ${ORG_ID}, which rootguard reads.`,
    ],
  ])('returns NON_COMPLIANT when %s, even with the features on', (_case, f, reason) => {
    expect(judge(f)).toEqual(account('NON_COMPLIANT', member(reason)));
  });
});

// ---- collect and the handler: the snapshot in a mocked S3 object, GetAccountSummary mocked ----

const rule = useRuleHarness(handler, {
  orgSnapshot: { members: [MEMBER_ACCOUNT], rootAccessFeatures: CENTRALIZED_ROOT_ACCESS },
});
const iamMock = rule.mock(IAMClient);
const orgMock = rule.mock(OrganizationsClient);

beforeEach(() => {
  iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: summaryMap(NO_ROOT_CREDENTIALS) });
});

describe('root-access-centralized collect', () => {
  const snapshot = (rootAccessFeatures?: RootAccessFeatures) =>
    orgSnapshotFixture({ members: [MEMBER_ACCOUNT], builtAt: BUILT_AT, rootAccessFeatures });
  const context = (s = snapshot(CENTRALIZED_ROOT_ACCESS)) =>
    collectContext({}, { orgSnapshot: async () => s });

  it('takes the features from the snapshot and the leftover credentials from the account', async () => {
    await expect(collect(context())).resolves.toEqual(facts());
    expect(iamMock).toHaveReceivedCommandTimes(GetAccountSummaryCommand, 1);
    expect(orgMock).not.toHaveReceivedAnyCommand();
  });

  it('gives null features for a snapshot built before they were read, never a default', async () => {
    await expect(collect(context(snapshot()))).resolves.toMatchObject({ rootAccessFeatures: null });
  });

  it('reads no credentials in the management account or an account the organization does not list', async () => {
    await expect(collect({ ...context(), accountId: MANAGEMENT_ACCOUNT })).resolves.toMatchObject({
      rootCredentials: null,
    });
    await expect(collect({ ...context(), accountId: OTHER_ACCOUNT })).resolves.toMatchObject({
      accountInOrganization: false,
      rootCredentials: null,
    });
    expect(iamMock).not.toHaveReceivedAnyCommand();
  });
});

describe('root-access-centralized handler', () => {
  it('sends COMPLIANT for a member account of an organization with centralized root access', async () => {
    await rule.invoke();

    expect(rule.sent()).toEqual([sent('COMPLIANT', COVERED)]);
    expect(orgMock).not.toHaveReceivedAnyCommand();
  });

  it('sends COMPLIANT naming the root password left behind', async () => {
    iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: summaryMap({ mfa: false }) });

    await rule.invoke();

    expect(rule.sent()).toEqual([
      sent(
        'COMPLIANT',
        member(
          `organization ${ORG_ID} has centralized root access, but root still has a password (enabling it deletes none): remove them with RootGuard-DeleteRootCredentials.`,
        ),
      ),
    ]);
  });

  it('sends NON_COMPLIANT when the organization has RootCredentialsManagement but not RootSessions', async () => {
    rule.org.set(
      orgSnapshotFixture({
        members: [MEMBER_ACCOUNT],
        rootAccessFeatures: enabled(ROOT_CREDENTIALS_MANAGEMENT),
      }),
    );

    await rule.invoke();

    expect(rule.sent()).toEqual([
      sent(
        'NON_COMPLIANT',
        member(
          `organization ${ORG_ID} has not enabled RootSessions; run ${ENABLE_SESSIONS} from the management account.`,
        ),
      ),
    ]);
  });

  it('sends NOT_APPLICABLE for the management account without reading its root credentials', async () => {
    await rule.invoke({ accountId: MANAGEMENT_ACCOUNT });

    expect(rule.sent()).toEqual([sent('NOT_APPLICABLE', MANAGEMENT_NOT_APPLICABLE, MANAGEMENT_ACCOUNT)]);
    expect(iamMock).not.toHaveReceivedAnyCommand();
  });

  it('sends NON_COMPLIANT, never COMPLIANT, when the snapshot has no rootAccessFeatures (an old snapshot)', async () => {
    const old = orgSnapshotFixture({ members: [MEMBER_ACCOUNT] });
    rule.org.set(old);

    await rule.invoke();

    expect(rule.sent()).toEqual([
      sent(
        'NON_COMPLIANT',
        member(
          `the organization snapshot (built ${old.builtAt}) predates rootguard's read of centralized root access features; the next rebuild (hourly) reads them.`,
        ),
      ),
    ]);
  });

  it('sends NON_COMPLIANT when the snapshot recorded AccessDenied on iam:ListOrganizationsFeatures', async () => {
    rule.org.set(
      orgSnapshotFixture({
        members: [MEMBER_ACCOUNT],
        rootAccessFeatures: unreadable('ACCESS_DENIED', ACCESS_DENIED_ERROR.slice(0, 200)),
      }),
    );

    await rule.invoke();

    expect(rule.sent()).toEqual([
      sent(
        'NON_COMPLIANT',
        expect.stringMatching(
          /could not tell whether centralized root access is enabled: the snapshot builder was denied/,
        ),
      ),
    ]);
  });

  it('sends "could not be evaluated" when GetAccountSummary is denied in the account, even with the features on', async () => {
    iamMock.on(GetAccountSummaryCommand).rejects(sdkError('AccessDenied', 'not authorized'));

    const { sent: evaluations } = await rule.invokeRejected();

    expect(evaluations).toEqual([sent('NON_COMPLIANT', accessDeniedAnnotation('iam:GetAccountSummary'))]);
  });

  it('sends NON_COMPLIANT for its own account when the snapshot saw no organization (single-account mode)', async () => {
    rule.org.set(orgSnapshotFixture({ organization: null }));

    await rule.invoke({ context: deployedIn(MEMBER_ACCOUNT) });

    expect(rule.sent()).toEqual([
      sent('NON_COMPLIANT', member('is in no AWS Organization, so centralized root access cannot cover it.')),
    ]);
  });
});
