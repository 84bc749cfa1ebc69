/**
 * Issue 11, part 3: an administrator of a member account must not be able to clear his own compliance
 * finding with a Config rule he made, nor change another account's. Each case plays him with a real-shaped
 * Config compliance change and checks nothing reaches Security Hub, the refusal is logged (accounts and
 * names only) and counted, and the handler does not throw.
 */
import { BatchImportFindingsCommand, BatchUpdateFindingsCommand } from '@aws-sdk/client-securityhub';
import {
  type ComplianceEventJson,
  findingsHandler,
  findingsLambdaContext,
  HAND_MADE_RULE_EVENT,
  loadComplianceEvent,
  packRuleName,
  withDetail,
} from '../../helpers/compliance-events';
import { MEMBER_ACCOUNT, OTHER_ACCOUNT, SECURITY_TOOLING_ACCOUNT } from '../../helpers/constants';
import { watchRefusalLog } from '../../helpers/refusal-log';
import { MetricsRecorder } from '../../helpers/root-activity-events';
import { useSecurityHubMock } from '../../helpers/sdk-mocks';

const hubMock = useSecurityHubMock();
let metrics: MetricsRecorder;

const invoke = (event: ComplianceEventJson) =>
  findingsHandler({ now: () => new Date('2026-11-21T06:00:06.402Z'), metrics })(
    event,
    findingsLambdaContext(),
  );

const nothingImported = () => {
  expect(hubMock.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
  expect(hubMock.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(0);
};

beforeEach(() => {
  metrics = new MetricsRecorder();
});

describe('compliance changes of rules rootguard did not deploy', () => {
  it('refuses the COMPLIANT of a rule a member made by hand named rootguard-root-user-idle', async () => {
    const result = await invoke(loadComplianceEvent(HAND_MADE_RULE_EVENT));

    expect(result).toEqual({
      status: 'refused',
      eventId: loadComplianceEvent(HAND_MADE_RULE_EVENT).id,
      configRuleName: 'rootguard-root-user-idle',
      reason: 'not-a-conformance-pack-rule',
    });
    nothingImported();
    expect(metrics.named('ForeignComplianceChanges')).toHaveLength(1);
  });

  it('refuses a hand-made rule that copies the conformance pack suffix but not its ARN', async () => {
    const event = withDetail(loadComplianceEvent(HAND_MADE_RULE_EVENT), {
      configRuleName: packRuleName('root-user-idle'),
    });

    const result = await invoke(event);

    expect(result).toMatchObject({ status: 'refused', reason: 'not-a-conformance-pack-rule' });
    nothingImported();
  });

  it("refuses a change whose detail names another account than the envelope's", async () => {
    const event = loadComplianceEvent('compliant');
    event.account = OTHER_ACCOUNT;

    const result = await invoke(event);

    expect(result).toMatchObject({ status: 'refused', reason: 'account-mismatch' });
    nothingImported();
  });

  it("refuses a pack rule whose ARN is in another account than the envelope's", async () => {
    const event = loadComplianceEvent('compliant');
    event.detail.configRuleARN = String(event.detail.configRuleARN).replace(MEMBER_ACCOUNT, OTHER_ACCOUNT);

    const result = await invoke(event);

    expect(result).toMatchObject({ status: 'refused', reason: 'rule-arn-account-mismatch' });
    nothingImported();
  });

  it('refuses a change without a rule ARN: nothing shows who created the rule', async () => {
    const event = loadComplianceEvent('compliant');
    delete event.detail.configRuleARN;

    const result = await invoke(event);

    expect(result).toMatchObject({ status: 'refused', reason: 'no-rule-arn' });
    nothingImported();
  });

  it('logs the accounts and the rule name of a refused change, never its result or annotation', async () => {
    const refusals = watchRefusalLog();
    const event = loadComplianceEvent(HAND_MADE_RULE_EVENT);

    await invoke(event);

    refusals.expectLogged(
      {
        eventBusId: event.id,
        reason: 'not-a-conformance-pack-rule',
        configRuleName: 'rootguard-root-user-idle',
        envelopeAccount: MEMBER_ACCOUNT,
        detailAccount: MEMBER_ACCOUNT,
        ruleArnAccount: MEMBER_ACCOUNT,
      },
      '9999',
    );
  });

  it("accepts the conformance pack's rule in the member account", async () => {
    await expect(invoke(loadComplianceEvent('compliant'))).resolves.toMatchObject({ status: 'imported' });
  });

  it("accepts the central stack's own rootguard-<id> rule in the tooling account", async () => {
    const own = withDetail(loadComplianceEvent(HAND_MADE_RULE_EVENT), {
      accountId: SECURITY_TOOLING_ACCOUNT,
    });

    const result = await invoke(own);

    expect(result).toMatchObject({ status: 'imported', accountId: SECURITY_TOOLING_ACCOUNT });
  });

  it('takes the finding account from the envelope', async () => {
    await invoke(loadComplianceEvent('non-compliant'));

    const [finding] = hubMock.commandCalls(BatchImportFindingsCommand)[0]?.args[0].input.Findings ?? [];
    expect(finding?.Resources?.[0]?.Id).toBe(`AWS::::Account:${MEMBER_ACCOUNT}`);
    expect(finding?.UserDefinedFields?.accountId).toBe(MEMBER_ACCOUNT);
  });
});
