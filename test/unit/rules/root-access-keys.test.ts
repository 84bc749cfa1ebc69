import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { GetAccountSummaryCommand, IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { ClientFactory } from '../../../lib/clients';
import { AccessDeniedError, InvalidRuleParametersError, ThrottlingError } from '../../../lib/errors';
import { parseRuleParameters } from '../../../lib/parameters';
import type { CollectContext, EvaluateContext } from '../../../lib/rule-handler';
import { loadRuleMetadata } from '../../../lib/rule-metadata';
import { collect } from '../../../rules/root-access-keys/collect';
import { evaluate, type RootAccessKeysParams } from '../../../rules/root-access-keys/evaluate';
import { handler } from '../../../rules/root-access-keys/handler';
import metadata from '../../../rules/root-access-keys/rule.json';
import { scheduledEvent } from '../../helpers/config-events';
import { MEMBER_ACCOUNT, NOTIFICATION_TIME, REGION, RESULT_TOKEN } from '../../helpers/constants';
import { rootSummary } from '../../helpers/iam-root';
import { unusedOrgSnapshot, useOrgSnapshot } from '../../helpers/org-snapshot';
import { type RootSummaryOptions, summaryMap } from '../../helpers/summary';

const iamMock = mockClient(IAMClient);
const configMock = mockClient(ConfigServiceClient);
useOrgSnapshot({ members: [MEMBER_ACCOUNT] });

const CTX: EvaluateContext = {
  accountId: MEMBER_ACCOUNT,
  partition: 'aws',
  evaluationTime: NOTIFICATION_TIME,
};
const COUNT_CERTIFICATES: RootAccessKeysParams = { IgnoreSigningCertificates: false };
const IGNORE_CERTIFICATES: RootAccessKeysParams = { IgnoreSigningCertificates: true };

const NO_KEYS = `Account ${MEMBER_ACCOUNT}: root user has no access keys and no signing certificates.`;
const HAS_KEYS = `Account ${MEMBER_ACCOUNT}: root user has access keys.`;
const HAS_KEYS_AND_CERTIFICATES = `Account ${MEMBER_ACCOUNT}: root user has access keys and signing certificates.`;
const HAS_CERTIFICATES = `Account ${MEMBER_ACCOUNT}: root user has signing certificates.`;
const CERTIFICATES_IGNORED = `Account ${MEMBER_ACCOUNT}: root user has no access keys; its signing certificates are ignored (IgnoreSigningCertificates).`;

const judge = (options: RootSummaryOptions, params = COUNT_CERTIFICATES) => {
  const [evaluation, ...rest] = evaluate({ summary: rootSummary(options) }, params, CTX);
  expect(rest).toEqual([]);
  return evaluation;
};

const account = (complianceType: string, annotation: string) => ({
  complianceResourceType: 'AWS::::Account',
  complianceResourceId: MEMBER_ACCOUNT,
  complianceType,
  annotation,
});

describe('root-access-keys evaluate', () => {
  it('returns COMPLIANT when root has no access keys and no signing certificates', () => {
    expect(judge({})).toEqual(account('COMPLIANT', NO_KEYS));
  });

  it('returns NON_COMPLIANT when root has access keys, whatever IgnoreSigningCertificates says', () => {
    expect(judge({ accessKeys: true }, COUNT_CERTIFICATES)).toEqual(account('NON_COMPLIANT', HAS_KEYS));
    expect(judge({ accessKeys: true }, IGNORE_CERTIFICATES)).toEqual(account('NON_COMPLIANT', HAS_KEYS));
    expect(judge({ accessKeys: true, signingCertificates: true }, COUNT_CERTIFICATES)).toEqual(
      account('NON_COMPLIANT', HAS_KEYS_AND_CERTIFICATES),
    );
    expect(judge({ accessKeys: true, signingCertificates: true }, IGNORE_CERTIFICATES)).toEqual(
      account('NON_COMPLIANT', HAS_KEYS),
    );
  });

  it('returns NON_COMPLIANT when root has signing certificates and IgnoreSigningCertificates is false', () => {
    expect(judge({ signingCertificates: true }, COUNT_CERTIFICATES)).toEqual(
      account('NON_COMPLIANT', HAS_CERTIFICATES),
    );
  });

  it('returns COMPLIANT saying the certificates were ignored when root has signing certificates and IgnoreSigningCertificates is true', () => {
    expect(judge({ signingCertificates: true }, IGNORE_CERTIFICATES)).toEqual(
      account('COMPLIANT', CERTIFICATES_IGNORED),
    );
  });
});

describe('root-access-keys parameters', () => {
  const ruleMetadata = loadRuleMetadata(metadata);

  it('defaults IgnoreSigningCertificates to false', () => {
    expect(parseRuleParameters(ruleMetadata, {})).toEqual({
      IgnoreSigningCertificates: false,
      ExecutionRoleName: undefined,
    });
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    [' false ', false],
  ])('reads IgnoreSigningCertificates "%s" as %s', (value, expected) => {
    expect(parseRuleParameters(ruleMetadata, { IgnoreSigningCertificates: value })).toMatchObject({
      IgnoreSigningCertificates: expected,
    });
  });

  it('rejects IgnoreSigningCertificates "yes" with InvalidRuleParametersError', () => {
    expect(() => parseRuleParameters(ruleMetadata, { IgnoreSigningCertificates: 'yes' })).toThrow(
      InvalidRuleParametersError,
    );
  });
});

// ---- collect and the handler: AWS mocked at the SDK boundary ----

const sentEvaluations = () =>
  configMock.commandCalls(PutEvaluationsCommand).flatMap((call) => call.args[0].input.Evaluations ?? []);

const sent = (complianceType: string, annotation: string | ReturnType<typeof expect.stringMatching>) => ({
  ComplianceResourceType: 'AWS::::Account',
  ComplianceResourceId: MEMBER_ACCOUNT,
  ComplianceType: complianceType,
  Annotation: annotation,
  OrderingTimestamp: new Date(NOTIFICATION_TIME),
});

const sdkError = (name: string, message: string) => Object.assign(new Error(message), { name });

const event = (ruleParameters?: Record<string, unknown>) =>
  scheduledEvent({ accountId: MEMBER_ACCOUNT, ...(ruleParameters ? { ruleParameters } : {}) });

const summaryReturns = (options: RootSummaryOptions) =>
  iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: summaryMap(options) });

beforeEach(() => {
  iamMock.reset();
  configMock.reset();
  configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  summaryReturns({});
});

describe('root-access-keys collect', () => {
  it('returns the root credential summary from iam:GetAccountSummary', async () => {
    summaryReturns({ accessKeys: true, signingCertificates: true, password: false });
    const ctx: CollectContext<RootAccessKeysParams> = {
      ...CTX,
      region: REGION,
      params: COUNT_CERTIFICATES,
      clients: new ClientFactory({ region: REGION }),
      accountCredentials: undefined,
      orgSnapshot: unusedOrgSnapshot,
    };

    await expect(collect(ctx)).resolves.toEqual({
      summary: rootSummary({ accessKeys: true, signingCertificates: true, password: false }),
    });
  });
});

describe('root-access-keys handler', () => {
  it('sends COMPLIANT when root has no access keys and no signing certificates', async () => {
    await expect(handler(event())).resolves.toMatchObject({ ruleId: 'root-access-keys' });

    expect(configMock).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: RESULT_TOKEN,
      TestMode: false,
    });
    expect(sentEvaluations()).toEqual([sent('COMPLIANT', NO_KEYS)]);
  });

  it('sends NON_COMPLIANT when root has access keys', async () => {
    summaryReturns({ accessKeys: true });

    await handler(event());

    expect(sentEvaluations()).toEqual([sent('NON_COMPLIANT', HAS_KEYS)]);
  });

  it('sends NON_COMPLIANT for root signing certificates by default', async () => {
    summaryReturns({ signingCertificates: true });

    await handler(event());

    expect(sentEvaluations()).toEqual([sent('NON_COMPLIANT', HAS_CERTIFICATES)]);
  });

  it('sends COMPLIANT for root signing certificates when IgnoreSigningCertificates is the string "true"', async () => {
    summaryReturns({ signingCertificates: true });

    await handler(event({ IgnoreSigningCertificates: 'true' }));

    expect(sentEvaluations()).toEqual([sent('COMPLIANT', CERTIFICATES_IGNORED)]);
  });

  it('sends NON_COMPLIANT for root signing certificates when IgnoreSigningCertificates is the string "false"', async () => {
    summaryReturns({ signingCertificates: true });

    await handler(event({ IgnoreSigningCertificates: 'false' }));

    expect(sentEvaluations()).toEqual([sent('NON_COMPLIANT', HAS_CERTIFICATES)]);
  });

  it('sends NON_COMPLIANT naming iam:GetAccountSummary and rejects with AccessDeniedError when it is denied', async () => {
    iamMock
      .on(GetAccountSummaryCommand)
      .rejects(sdkError('AccessDenied', 'not authorized to perform: iam:GetAccountSummary'));

    await expect(handler(event())).rejects.toBeInstanceOf(AccessDeniedError);
    expect(sentEvaluations()).toEqual([
      sent(
        'NON_COMPLIANT',
        expect.stringMatching(
          new RegExp(
            `^Account ${MEMBER_ACCOUNT}: could not be evaluated, Access denied calling iam:GetAccountSummary in account ${MEMBER_ACCOUNT} \\(AccessDenied: .*\\)\\.$`,
          ),
        ),
      ),
    ]);
  });

  it('never sends COMPLIANT and rejects with ThrottlingError when iam:GetAccountSummary is throttled', async () => {
    iamMock.on(GetAccountSummaryCommand).rejects(sdkError('Throttling', 'Rate exceeded'));

    await expect(handler(event())).rejects.toBeInstanceOf(ThrottlingError);
    expect(sentEvaluations()).toEqual([
      sent(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: could not be evaluated, Throttled calling iam:GetAccountSummary in account ${MEMBER_ACCOUNT} after retries (Throttling: Rate exceeded).`,
      ),
    ]);
  });

  it('sends NON_COMPLIANT and rejects with InvalidRuleParametersError for IgnoreSigningCertificates "yes"', async () => {
    await expect(handler(event({ IgnoreSigningCertificates: 'yes' }))).rejects.toBeInstanceOf(
      InvalidRuleParametersError,
    );
    expect(iamMock).not.toHaveReceivedAnyCommand();
    expect(sentEvaluations()).toEqual([
      sent(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: could not be evaluated, Invalid rule parameters for root-access-keys: IgnoreSigningCertificates="yes": expected true or false.`,
      ),
    ]);
  });
});
