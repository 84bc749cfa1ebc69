import { PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { GetAccountSummaryCommand, IAMClient } from '@aws-sdk/client-iam';
import { AccessDeniedError, InvalidRuleParametersError, ThrottlingError } from '../../../lib/errors';
import { parseRuleParameters } from '../../../lib/parameters';
import { loadRuleMetadata } from '../../../lib/rule-metadata';
import { collect } from '../../../rules/root-access-keys/collect';
import { evaluate, type RootAccessKeysParams } from '../../../rules/root-access-keys/evaluate';
import { handler } from '../../../rules/root-access-keys/handler';
import metadata from '../../../rules/root-access-keys/rule.json';
import { MEMBER_ACCOUNT, RESULT_TOKEN } from '../../helpers/constants';
import { rootSummary } from '../../helpers/iam-root';
import {
  accessDeniedAnnotation,
  accountEvaluation as account,
  collectContext,
  expectParametersRefused,
  judgeOne,
  sdkError,
  sentEvaluation as sent,
  throttledAnnotation,
  useRuleHarness,
} from '../../helpers/rule-harness';
import { type RootSummaryOptions, summaryMap } from '../../helpers/summary';

const rule = useRuleHarness(handler);
const iamMock = rule.mock(IAMClient);
const COUNT_CERTIFICATES: RootAccessKeysParams = { IgnoreSigningCertificates: false };
const IGNORE_CERTIFICATES: RootAccessKeysParams = { IgnoreSigningCertificates: true };

const NO_KEYS = `Account ${MEMBER_ACCOUNT}: root user has no access keys and no signing certificates.`;
const HAS_KEYS = `Account ${MEMBER_ACCOUNT}: root user has access keys.`;
const HAS_KEYS_AND_CERTIFICATES = `Account ${MEMBER_ACCOUNT}: root user has access keys and signing certificates.`;
const HAS_CERTIFICATES = `Account ${MEMBER_ACCOUNT}: root user has signing certificates.`;
const CERTIFICATES_IGNORED = `Account ${MEMBER_ACCOUNT}: root user has no access keys; its signing certificates are ignored (IgnoreSigningCertificates).`;

const judge = (options: RootSummaryOptions, params = COUNT_CERTIFICATES) =>
  judgeOne(evaluate, { summary: rootSummary(options) }, params);

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

const summaryReturns = (options: RootSummaryOptions) =>
  iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: summaryMap(options) });

beforeEach(() => {
  summaryReturns({});
});

describe('root-access-keys collect', () => {
  it('returns the root credential summary from iam:GetAccountSummary', async () => {
    summaryReturns({ accessKeys: true, signingCertificates: true, password: false });

    await expect(collect(collectContext(COUNT_CERTIFICATES))).resolves.toEqual({
      summary: rootSummary({ accessKeys: true, signingCertificates: true, password: false }),
    });
  });
});

describe('root-access-keys handler', () => {
  it('sends COMPLIANT when root has no access keys and no signing certificates', async () => {
    const { result, sent: evaluations } = await rule.invoke();

    expect(result).toMatchObject({ ruleId: 'root-access-keys' });
    expect(rule.config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: RESULT_TOKEN,
      TestMode: false,
    });
    expect(evaluations).toEqual([sent('COMPLIANT', NO_KEYS)]);
  });

  it.each([
    [
      'sends NON_COMPLIANT when root has access keys',
      { accessKeys: true },
      undefined,
      'NON_COMPLIANT',
      HAS_KEYS,
    ],
    [
      'sends NON_COMPLIANT for root signing certificates by default',
      { signingCertificates: true },
      undefined,
      'NON_COMPLIANT',
      HAS_CERTIFICATES,
    ],
    [
      'sends COMPLIANT for root signing certificates when IgnoreSigningCertificates is the string "true"',
      { signingCertificates: true },
      'true',
      'COMPLIANT',
      CERTIFICATES_IGNORED,
    ],
    [
      'sends NON_COMPLIANT for root signing certificates when IgnoreSigningCertificates is the string "false"',
      { signingCertificates: true },
      'false',
      'NON_COMPLIANT',
      HAS_CERTIFICATES,
    ],
  ] as const)('%s', async (_scenario, summary, ignore, complianceType, annotation) => {
    summaryReturns(summary);

    const { sent: evaluations } = await rule.invoke(
      ignore === undefined ? {} : { ruleParameters: { IgnoreSigningCertificates: ignore } },
    );

    expect(evaluations).toEqual([sent(complianceType, annotation)]);
  });

  it('sends NON_COMPLIANT naming iam:GetAccountSummary and rejects with AccessDeniedError when it is denied', async () => {
    iamMock
      .on(GetAccountSummaryCommand)
      .rejects(sdkError('AccessDenied', 'not authorized to perform: iam:GetAccountSummary'));

    const { error, sent: evaluations } = await rule.invokeRejected();

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(evaluations).toEqual([sent('NON_COMPLIANT', accessDeniedAnnotation('iam:GetAccountSummary'))]);
  });

  it('never sends COMPLIANT and rejects with ThrottlingError when iam:GetAccountSummary is throttled', async () => {
    iamMock.on(GetAccountSummaryCommand).rejects(sdkError('Throttling', 'Rate exceeded'));

    const { error, sent: evaluations } = await rule.invokeRejected();

    expect(error).toBeInstanceOf(ThrottlingError);
    expect(evaluations).toEqual([
      sent('NON_COMPLIANT', throttledAnnotation('iam:GetAccountSummary', 'Throttling: Rate exceeded')),
    ]);
  });

  it('sends NON_COMPLIANT and rejects with InvalidRuleParametersError for IgnoreSigningCertificates "yes"', async () => {
    const outcome = await rule.invokeRejected({ ruleParameters: { IgnoreSigningCertificates: 'yes' } });

    expectParametersRefused(
      outcome,
      `Account ${MEMBER_ACCOUNT}: could not be evaluated, Invalid rule parameters for root-access-keys: IgnoreSigningCertificates="yes": expected true or false.`,
    );
    expect(iamMock).not.toHaveReceivedAnyCommand();
  });
});
