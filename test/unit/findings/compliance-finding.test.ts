import { DESCRIPTION_MAX, TITLE_MAX } from '../../../findings/asff';
import type { ComplianceType } from '../../../findings/compliance-event';
import {
  BEST_PRACTICES_TYPE,
  CIS_TYPE,
  type ComplianceFinding,
  complianceFindingId,
  fitRelatedRequirements,
  type MapComplianceChangeOptions,
  mapComplianceChange,
  PCI_TYPE,
  RECOMMENDATION_TEXT_MAX,
  runbookUrl,
  workflowUpdateFor,
} from '../../../findings/compliance-finding';
import { InvalidComplianceEventError } from '../../../findings/errors';
import { getRule } from '../../../rules';
import {
  type ComplianceEventJson,
  type ComplianceEventName,
  IMPORT_TARGET,
  loadComplianceEvent,
  packRuleName,
  RUNBOOK_BASE_URL,
  SAMPLE_REQUIREMENTS,
  SECURITY_HUB_REGION,
  sampleRelatedRequirements,
  withCompliance,
  withDetail,
} from '../../helpers/compliance-events';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, SECURITY_TOOLING_ACCOUNT } from '../../helpers/constants';

const OPTIONS: MapComplianceChangeOptions = {
  relatedRequirements: sampleRelatedRequirements,
  target: IMPORT_TARGET,
  runbookBaseUrl: RUNBOOK_BASE_URL,
};
const PRODUCT_ARN = `arn:aws:securityhub:${SECURITY_HUB_REGION}:${SECURITY_TOOLING_ACCOUNT}:product/${SECURITY_TOOLING_ACCOUNT}/default`;
const MFA_ID = `rootguard/root-hardware-mfa/${MEMBER_ACCOUNT}/eu-west-1`;

function map(
  event: ComplianceEventName | ComplianceEventJson,
  options: Partial<MapComplianceChangeOptions> = {},
) {
  return mapComplianceChange(typeof event === 'string' ? loadComplianceEvent(event) : event, {
    ...OPTIONS,
    ...options,
  });
}

function mapped(
  event: ComplianceEventName | ComplianceEventJson,
  options: Partial<MapComplianceChangeOptions> = {},
): ComplianceFinding {
  const result = map(event, options);
  if (result.kind !== 'finding') throw new Error(`expected a finding, got ${result.kind}`);
  return result.result;
}

describe('compliance finding', () => {
  it('maps a NON_COMPLIANT result to a complete ASFF finding', () => {
    const result = mapped('non-compliant');

    expect(result).toEqual({
      finding: {
        SchemaVersion: '2018-10-08',
        Id: MFA_ID,
        ProductArn: PRODUCT_ARN,
        ProductName: 'rootguard',
        CompanyName: 'rootguard',
        GeneratorId: 'rootguard/root-hardware-mfa',
        AwsAccountId: SECURITY_TOOLING_ACCOUNT,
        Types: [CIS_TYPE, PCI_TYPE, BEST_PRACTICES_TYPE],
        FirstObservedAt: '2026-11-20T06:00:04.512Z',
        LastObservedAt: '2026-11-20T06:00:04.512Z',
        CreatedAt: '2026-11-20T06:00:04.512Z',
        UpdatedAt: '2026-11-20T06:00:04.512Z',
        Severity: { Label: 'CRITICAL', Original: 'CRITICAL' },
        FindingProviderFields: {
          Severity: { Label: 'CRITICAL', Original: 'CRITICAL' },
          Types: [CIS_TYPE, PCI_TYPE, BEST_PRACTICES_TYPE],
        },
        Title: `The root user is protected by a hardware MFA device, not a virtual one (account ${MEMBER_ACCOUNT})`,
        Description: `Account ${MEMBER_ACCOUNT}: root user has a virtual MFA device (arn:aws:iam::${MEMBER_ACCOUNT}:mfa/root-account-mfa-device); only a FIDO security key or hardware TOTP token counts.`,
        Remediation: {
          Recommendation: {
            Text: `Run the SSM Automation document RootGuard-RequestHardwareMfa for account ${MEMBER_ACCOUNT}, or follow the runbook linked here, until this holds: The root user is protected by a hardware MFA device, not a virtual one`,
            Url: `${RUNBOOK_BASE_URL}#root-hardware-mfa`,
          },
        },
        Resources: [
          {
            Type: 'AwsAccount',
            Id: `AWS::::Account:${MEMBER_ACCOUNT}`,
            Partition: 'aws',
            Region: 'eu-west-1',
          },
        ],
        Compliance: {
          Status: 'FAILED',
          RelatedRequirements: SAMPLE_REQUIREMENTS['root-hardware-mfa'],
          StatusReasons: [
            {
              ReasonCode: 'NON_COMPLIANT',
              Description: `Config rule ${packRuleName('root-hardware-mfa')} reported NON_COMPLIANT at 2026-11-20T06:00:04.512Z.`,
            },
          ],
        },
        ProductFields: {
          'rootguard/ConfigRuleName': packRuleName('root-hardware-mfa'),
          'rootguard/ConfigRuleArn': `arn:aws:config:eu-west-1:${MEMBER_ACCOUNT}:config-rule/aws-service-rule/config-conforms.amazonaws.com/config-rule-h4rdmf`,
          'rootguard/ComplianceType': 'NON_COMPLIANT',
          'rootguard/RemediationDocument': 'RootGuard-RequestHardwareMfa',
        },
        UserDefinedFields: { ruleId: 'root-hardware-mfa', accountId: MEMBER_ACCOUNT, region: 'eu-west-1' },
        Workflow: { Status: 'NEW' },
        RecordState: 'ACTIVE',
      },
      ruleId: 'root-hardware-mfa',
      accountId: MEMBER_ACCOUNT,
      region: 'eu-west-1',
      complianceType: 'NON_COMPLIANT',
      complianceStatus: 'FAILED',
      // First result: the import creates the finding as NEW; nothing to update.
      workflowUpdate: undefined,
      requirements: { values: SAMPLE_REQUIREMENTS['root-hardware-mfa'], clipped: 0, dropped: 0 },
    });
  });

  it('takes the severity from rule.json while failing', () => {
    expect(mapped('conformance-pack').finding.Severity).toEqual({ Label: 'CRITICAL', Original: 'CRITICAL' });
    const userIdle = withDetail(loadComplianceEvent('non-compliant'), {
      configRuleName: packRuleName('root-user-idle'),
    });
    expect(getRule('root-user-idle').metadata.severity).toBe('HIGH');
    expect(mapped(userIdle).finding.Severity).toEqual({ Label: 'HIGH', Original: 'HIGH' });
  });

  describe('finding id', () => {
    it('is the same for every result of one rule in one account and region', () => {
      const ids = [
        mapped('non-compliant').finding.Id,
        mapped('non-compliant').finding.Id,
        mapped('compliant').finding.Id,
        mapped(withCompliance(loadComplianceEvent('compliant'), 'NOT_APPLICABLE')).finding.Id,
      ];

      expect(new Set(ids)).toEqual(new Set([MFA_ID]));
      expect(complianceFindingId('root-hardware-mfa', MEMBER_ACCOUNT, 'eu-west-1')).toBe(MFA_ID);
    });

    it("is the same for the pack's rule and the tooling account's own rule of that id", () => {
      const own = withDetail(loadComplianceEvent('hand-made-rule'), {
        accountId: MEMBER_ACCOUNT,
        configRuleName: 'rootguard-root-access-keys',
      });

      expect(
        mapped(own, { target: { ...IMPORT_TARGET, importerAccountId: MEMBER_ACCOUNT } }).finding.Id,
      ).toBe(mapped('conformance-pack').finding.Id);
      expect(mapped('conformance-pack').finding.Id).toBe(
        `rootguard/root-access-keys/${MEMBER_ACCOUNT}/eu-west-1`,
      );
    });

    it('differs per account, region and rule, so none overwrites another', () => {
      const base = loadComplianceEvent('non-compliant');
      const ids = [
        mapped(base).finding.Id,
        mapped(withDetail(base, { accountId: '999999999999' })).finding.Id,
        mapped(withDetail(base, { region: 'us-east-1' })).finding.Id,
        mapped(withDetail(base, { configRuleName: packRuleName('root-access-keys') })).finding.Id,
      ];

      expect(new Set(ids).size).toBe(4);
    });

    it('does not depend on the import time, the event id or the annotation', () => {
      const event = loadComplianceEvent('non-compliant');
      const again = { ...structuredClone(event), id: 'another-delivery' };
      again.detail.newEvaluationResult.annotation = 'Account 222222222222: something else.';

      expect(mapped(again).finding.Id).toBe(mapped(event).finding.Id);
    });
  });

  describe('when the rule passes again', () => {
    it('is PASSED, INFORMATIONAL and RESOLVED, with a BatchUpdateFindings to RESOLVED', () => {
      const result = mapped('compliant');

      expect(result.finding).toMatchObject({
        Id: MFA_ID,
        Compliance: { Status: 'PASSED' },
        Severity: { Label: 'INFORMATIONAL' },
        FindingProviderFields: { Severity: { Label: 'INFORMATIONAL' } },
        Workflow: { Status: 'RESOLVED' },
        RecordState: 'ACTIVE',
        UpdatedAt: '2026-11-21T06:00:03.877Z',
        Description: expect.stringContaining('no virtual MFA device'),
        ProductFields: expect.objectContaining({ 'rootguard/ComplianceType': 'COMPLIANT' }),
      });
      expect(result.workflowUpdate).toBe('RESOLVED');
    });

    it('is updated later than the failure it resolves', () => {
      const failed = mapped('non-compliant').finding;
      const passed = mapped('compliant').finding;

      expect(Date.parse(passed.UpdatedAt ?? '')).toBeGreaterThan(Date.parse(failed.UpdatedAt ?? ''));
    });
  });

  describe('when the rule does not apply', () => {
    it('is NOT_AVAILABLE, INFORMATIONAL and RESOLVED', () => {
      const result = mapped('not-applicable');

      expect(result.finding).toMatchObject({
        Id: `rootguard/root-deny-scp/${MANAGEMENT_ACCOUNT}/eu-west-1`,
        GeneratorId: 'rootguard/root-deny-scp',
        Compliance: { Status: 'NOT_AVAILABLE' },
        Severity: { Label: 'INFORMATIONAL', Original: 'INFORMATIONAL' },
        Workflow: { Status: 'RESOLVED' },
        Description: expect.stringContaining('SCPs never apply to it'),
        Resources: [expect.objectContaining({ Id: `AWS::::Account:${MANAGEMENT_ACCOUNT}` })],
      });
      // First result: created RESOLVED, nothing to update.
      expect(result.workflowUpdate).toBeUndefined();
    });

    it('resolves a finding that failed before', () => {
      const event = withCompliance(loadComplianceEvent('not-applicable'), 'NOT_APPLICABLE', 'NON_COMPLIANT');

      expect(mapped(event).workflowUpdate).toBe('RESOLVED');
    });
  });

  it('treats INSUFFICIENT_DATA as NOT_AVAILABLE without touching the workflow', () => {
    const event = withCompliance(loadComplianceEvent('compliant'), 'INSUFFICIENT_DATA', 'NON_COMPLIANT');
    const result = mapped(event);

    expect(result.finding).toMatchObject({
      Compliance: { Status: 'NOT_AVAILABLE' },
      Severity: { Label: 'INFORMATIONAL' },
      Workflow: { Status: 'NEW' },
    });
    expect(result.workflowUpdate).toBeUndefined();
  });

  describe('workflowUpdateFor', () => {
    it.each<[ComplianceType, ComplianceType | undefined, string | undefined]>([
      ['NON_COMPLIANT', undefined, undefined],
      ['COMPLIANT', undefined, undefined],
      ['NOT_APPLICABLE', undefined, undefined],
      ['COMPLIANT', 'NON_COMPLIANT', 'RESOLVED'],
      ['NOT_APPLICABLE', 'NON_COMPLIANT', 'RESOLVED'],
      ['COMPLIANT', 'NOT_APPLICABLE', 'RESOLVED'],
      // Security Hub reopens a RESOLVED finding itself when Compliance.Status leaves PASSED.
      ['NON_COMPLIANT', 'COMPLIANT', undefined],
      // ...but not when it leaves NOT_AVAILABLE.
      ['NON_COMPLIANT', 'NOT_APPLICABLE', 'NEW'],
      ['NON_COMPLIANT', 'INSUFFICIENT_DATA', 'NEW'],
      ['INSUFFICIENT_DATA', 'NON_COMPLIANT', undefined],
    ])('%s after %s → %s', (next, previous, expected) => {
      expect(workflowUpdateFor(next, previous)).toBe(expected);
    });

    it('asks for nothing when an organization conformance pack rule fails after passing', () => {
      expect(mapped('conformance-pack')).toMatchObject({
        complianceStatus: 'FAILED',
        workflowUpdate: undefined,
        finding: { Workflow: { Status: 'NEW' } },
      });
    });
  });

  describe('related requirements', () => {
    it('cuts 40 long requirements to 32 entries of at most 64 characters', () => {
      const long = Array.from(
        { length: 40 },
        (_, i) =>
          `PCI DSS v4.0/requirement ${String(i).padStart(2, '0')} ${'with a very long explanation '.repeat(3)}`,
      );
      const result = mapped('non-compliant', { relatedRequirements: () => long });
      const requirements = result.finding.Compliance?.RelatedRequirements ?? [];

      expect(requirements).toHaveLength(32);
      for (const r of requirements) expect(r.length).toBeLessThanOrEqual(64);
      expect(requirements[0]).toBe(`${long[0]?.slice(0, 63)}…`);
      expect(new Set(requirements).size).toBe(32);
      expect(result.requirements).toMatchObject({ clipped: 40, dropped: 8 });
    });

    it('drops blanks and duplicates, and keeps short entries as they are', () => {
      expect(fitRelatedRequirements(['CIS/1.4', ' CIS/1.4 ', '', '  ', 'PCI DSS v4.0/8.4.1'])).toEqual({
        values: ['CIS/1.4', 'PCI DSS v4.0/8.4.1'],
        clipped: 0,
        dropped: 3,
      });
    });

    it('leaves RelatedRequirements out when the rule maps to no requirement', () => {
      const result = mapped('non-compliant', { relatedRequirements: () => [] });

      expect(result.finding.Compliance).not.toHaveProperty('RelatedRequirements');
      expect(result.finding.Types).toEqual([CIS_TYPE, BEST_PRACTICES_TYPE]);
    });

    it('asks the mapping for the rule id, not the Config rule name', () => {
      const asked: string[] = [];
      mapped('conformance-pack', {
        relatedRequirements: (id) => {
          asked.push(id);
          return [];
        },
      });

      expect(asked).toEqual(['root-access-keys']);
    });
  });

  describe('ASFF limits', () => {
    it('cuts the title so the account still fits, and the description to 1024 characters', () => {
      const rule = { ...getRule('root-hardware-mfa').metadata, title: `T${'x'.repeat(599)}` };
      const event = loadComplianceEvent('non-compliant');
      event.detail.newEvaluationResult.annotation = 'y'.repeat(5000);

      const { finding } = mapped(event, { rules: () => rule });

      expect(finding.Title?.length).toBe(TITLE_MAX);
      expect(finding.Title).toMatch(new RegExp(`… \\(account ${MEMBER_ACCOUNT}\\)$`));
      expect(finding.Description?.length).toBe(DESCRIPTION_MAX);
      expect(finding.Remediation?.Recommendation?.Text?.length).toBe(RECOMMENDATION_TEXT_MAX);
    });

    it('writes a description when Config gives no annotation', () => {
      const event = loadComplianceEvent('non-compliant');
      delete event.detail.newEvaluationResult.annotation;

      expect(mapped(event).finding.Description).toBe(
        `rootguard rule root-hardware-mfa fails for account ${MEMBER_ACCOUNT} in eu-west-1 (Config rule ${packRuleName('root-hardware-mfa')} gave no annotation).`,
      );
    });
  });

  describe('runbook', () => {
    it('names the runbook in the text and leaves Url out when no base URL is set', () => {
      const { finding } = mapped('non-compliant', { runbookBaseUrl: undefined });

      expect(finding.Remediation?.Recommendation).toEqual({
        Text: expect.stringContaining('follow the runbook (README.md#root-hardware-mfa)'),
      });
    });

    it.each([
      ['https://wiki.example.com/rootguard', 'https://wiki.example.com/rootguard#root-access-keys'],
      ['https://wiki.example.com/rootguard#old', 'https://wiki.example.com/rootguard#root-access-keys'],
      [
        'https://wiki.example.com/runbooks/{ruleId}.html',
        'https://wiki.example.com/runbooks/root-access-keys.html',
      ],
    ])('builds the Url from %s', (base, url) => {
      expect(runbookUrl(base, 'root-access-keys')).toBe(url);
    });
  });

  describe('events it does not turn into findings', () => {
    it('ignores a rule that is not rootguard’s', () => {
      expect(map('other-rule')).toEqual({
        kind: 'ignored',
        configRuleName: 'iam-root-access-key-check',
        reason: 'not-rootguard',
      });
    });

    it('ignores a rootguard-prefixed rule this build does not know', () => {
      const event = withDetail(loadComplianceEvent('non-compliant'), {
        configRuleName: packRuleName('root-password-policy'),
      });

      expect(map(event)).toMatchObject({ kind: 'ignored', reason: 'unknown-rule' });
    });

    it('reports a malformed event as invalid, without throwing', () => {
      const result = mapComplianceChange(
        { source: 'aws.config', 'detail-type': 'Config Rules Compliance Change', detail: {} },
        OPTIONS,
      );

      expect(result.kind).toBe('invalid');
      if (result.kind !== 'invalid') return;
      expect(result.error).toBeInstanceOf(InvalidComplianceEventError);
      expect(result.error.issues.map((i) => i.path)).toContain('detail.configRuleName');
    });

    it('reports a rootguard result on another resource type as invalid', () => {
      const event = loadComplianceEvent('non-compliant');
      event.detail.resourceType = 'AWS::IAM::User';
      event.detail.resourceId = 'AIDAEXAMPLE';

      const result = map(event);

      expect(result).toMatchObject({ kind: 'invalid' });
      if (result.kind !== 'invalid') return;
      expect(result.error.issues.map((i) => i.path)).toEqual(['detail.resourceType', 'detail.resourceId']);
    });
  });
});
