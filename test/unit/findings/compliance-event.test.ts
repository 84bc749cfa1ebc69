import {
  eventSummary,
  parseComplianceChangeEvent,
  ruleIdFromConfigRuleName,
} from '../../../findings/compliance-event';
import { InvalidComplianceEventError } from '../../../findings/errors';
import { RULE_IDS } from '../../../rules';
import { COMPLIANCE_EVENTS, loadComplianceEvent } from '../../helpers/compliance-events';
import { MEMBER_ACCOUNT } from '../../helpers/constants';

const KNOWN = new Set(RULE_IDS);

describe('parseComplianceChangeEvent', () => {
  it.each(COMPLIANCE_EVENTS)('accepts the real-shaped %s event', (name) => {
    const parsed = parseComplianceChangeEvent(loadComplianceEvent(name));

    expect(parsed.ok).toBe(true);
  });

  it('keeps the fields the finding uses', () => {
    const parsed = parseComplianceChangeEvent(loadComplianceEvent('compliant'));
    if (!parsed.ok) throw parsed.error;

    expect(parsed.event.detail).toMatchObject({
      awsAccountId: MEMBER_ACCOUNT,
      awsRegion: 'eu-west-1',
      configRuleName: 'rootguard-root-hardware-mfa-conformance-pack-k2m8x0q4z',
      newEvaluationResult: { complianceType: 'COMPLIANT', resultRecordedTime: '2026-11-21T06:00:03.877Z' },
      oldEvaluationResult: { complianceType: 'NON_COMPLIANT' },
    });
  });

  it('accepts a null annotation and a missing evaluationMode (older events)', () => {
    const event = loadComplianceEvent('non-compliant');
    event.detail.newEvaluationResult.annotation = null;
    delete (
      event.detail.newEvaluationResult.evaluationResultIdentifier as {
        evaluationResultQualifier: { evaluationMode?: string };
      }
    ).evaluationResultQualifier.evaluationMode;

    expect(parseComplianceChangeEvent(event).ok).toBe(true);
  });

  it('names the malformed fields, never their values', () => {
    const event = loadComplianceEvent('non-compliant');
    event.detail.awsAccountId = 'secret-ish-value';
    event.detail.newEvaluationResult.complianceType = 'MOSTLY_FINE';

    const parsed = parseComplianceChangeEvent(event);

    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toBeInstanceOf(InvalidComplianceEventError);
    expect(parsed.error.issues.map((i) => i.path)).toEqual([
      'detail.awsAccountId',
      'detail.newEvaluationResult.complianceType',
    ]);
    expect(parsed.error.message).not.toContain('secret-ish-value');
    expect(parsed.error.message).not.toContain('MOSTLY_FINE');
  });

  it('rejects another detail-type and a non-object', () => {
    expect(
      parseComplianceChangeEvent({ ...loadComplianceEvent('compliant'), 'detail-type': 'Other' }).ok,
    ).toBe(false);
    expect(parseComplianceChangeEvent('hello').ok).toBe(false);
    expect(parseComplianceChangeEvent(null).ok).toBe(false);
  });
});

describe('ruleIdFromConfigRuleName', () => {
  it.each([
    ['rootguard-root-hardware-mfa', 'root-hardware-mfa'],
    ['rootguard-root-access-keys', 'root-access-keys'],
    ['rootguard-root-hardware-mfa-conformance-pack-abc123', 'root-hardware-mfa'],
    ['rootguard-root-access-keys-conformance-pack-k2m8x0q4z', 'root-access-keys'],
    ['rootguard-root-activity-alerting-conformance-pack-6cruwvtg2', 'root-activity-alerting'],
  ])('maps %s to %s', (name, id) => {
    expect(ruleIdFromConfigRuleName(name, KNOWN)).toBe(id);
  });

  it.each([
    ['a managed rule', 'iam-root-access-key-check'],
    ['another pack’s rule', 'root-account-mfa-enabled-conformance-pack-hbmlt5imw'],
    ['a rule without the prefix', 'root-hardware-mfa'],
    ['an unknown rootguard id', 'rootguard-root-password-policy'],
    ['a partial id', 'rootguard-root-hardware'],
    ['an id with extra text', 'rootguard-root-hardware-mfa-v2'],
    ['a suffix with nothing after it', 'rootguard-root-hardware-mfa-conformance-pack-'],
    [
      'an upper-case suffix (Config writes lower case)',
      'rootguard-root-hardware-mfa-conformance-pack-ABC123',
    ],
    ['a suffix on a partial id', 'rootguard-root-conformance-pack-abc123'],
    ['the prefix twice', 'rootguard-rootguard-root-hardware-mfa'],
  ])('ignores %s (%s)', (_label, name) => {
    expect(ruleIdFromConfigRuleName(name, KNOWN)).toBeUndefined();
  });
});

describe('eventSummary', () => {
  it('identifies an event by id, detail-type and rule name only', () => {
    expect(eventSummary(loadComplianceEvent('other-rule'))).toEqual({
      id: '3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d',
      detailType: 'Config Rules Compliance Change',
      configRuleName: 'iam-root-access-key-check',
    });
    expect(eventSummary('x')).toEqual({});
    expect(eventSummary({ id: 7, detail: 'nope' })).toEqual({});
  });
});
