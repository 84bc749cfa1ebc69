import {
  ConfigServiceClient,
  DescribeAggregateComplianceByConfigRulesCommand,
  GetAggregateComplianceDetailsByConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { RepeatedPageTokenError } from '../../../lib/errors';
import { readAggregatorCompliance } from '../../../report/sources/aggregator';
import { LedgerFileError, parseLedgerLines } from '../../../report/sources/ledger-file';
import { LedgerTableError, readLedgerTable } from '../../../report/sources/ledger-table';
import { accountsFromOrganization } from '../../../report/sources/organization';
import { FakeOrganization, installFakeOrganizations } from '../../helpers/fake-organizations';
import { SNAPSHOT_ORGANIZATION } from '../../helpers/org-snapshot';
import { ledgerRecord } from '../../helpers/report-fixtures';
import { useSdkMocks } from '../../helpers/sdk-mocks';

describe('ledger export (JSON Lines)', () => {
  it('reads one record a line and skips blank lines', () => {
    // Prepare
    const records = [ledgerRecord(), ledgerRecord({ mfaUsed: undefined })];
    const text = `${JSON.stringify(records[0])}\n\n${JSON.stringify(records[1])}\r\n`;

    // Act
    const parsed = parseLedgerLines(text, 'ledger.jsonl');

    // Assess
    expect(parsed).toEqual(records);
  });

  it('names the line of every bad record', () => {
    // Prepare
    const good = JSON.stringify(ledgerRecord());
    const noAccount = JSON.stringify({ ...ledgerRecord(), accountId: 'x' });
    const text = [good, '{"eventId": ', noAccount, JSON.stringify({ ...ledgerRecord(), extra: 1 })].join(
      '\n',
    );

    // Act
    const read = () => parseLedgerLines(text, 'ledger.jsonl');

    // Assess
    expect(read).toThrow(LedgerFileError);
    expect(read).toThrow(/ledger\.jsonl:2: not JSON/);
    expect(read).toThrow(/ledger\.jsonl:3: accountId: expected a 12-digit account id/);
    expect(read).toThrow(/ledger\.jsonl:4: .*extra/);
  });
});

describe('Config aggregator', () => {
  const { config } = useSdkMocks({ config: ConfigServiceClient });
  const client = new ConfigServiceClient({ region: 'eu-west-1' });
  const listed = (ConfigRuleName: string, AccountId: string, AwsRegion = 'eu-west-1') => ({
    ConfigRuleName,
    AccountId,
    AwsRegion,
    Compliance: { ComplianceType: 'COMPLIANT' as const },
  });

  it('reads every page of every rootguard rule and keeps the worst verdict and the latest time', async () => {
    // Prepare
    config
      .on(DescribeAggregateComplianceByConfigRulesCommand, { NextToken: undefined })
      .resolves({
        AggregateComplianceByConfigRules: [
          listed('rootguard-root-hardware-mfa-conformance-pack-ab12cd34', '222222222222'),
          listed('someone-elses-rule', '222222222222'),
        ],
        NextToken: 'list-2',
      })
      .on(DescribeAggregateComplianceByConfigRulesCommand, { NextToken: 'list-2' })
      .resolves({ AggregateComplianceByConfigRules: [listed('rootguard-root-access-keys', '333333333333')] });
    config
      .on(GetAggregateComplianceDetailsByConfigRuleCommand, {
        AccountId: '222222222222',
        NextToken: undefined,
      })
      .resolves({
        AggregateEvaluationResults: [
          {
            ComplianceType: 'COMPLIANT',
            Annotation: 'hardware MFA',
            ConfigRuleInvokedTime: new Date('2026-09-30T10:00:00Z'),
          },
        ],
        NextToken: 'page-2',
      })
      .on(GetAggregateComplianceDetailsByConfigRuleCommand, {
        AccountId: '222222222222',
        NextToken: 'page-2',
      })
      .resolves({
        AggregateEvaluationResults: [
          {
            ComplianceType: 'NON_COMPLIANT',
            Annotation: 'a virtual MFA device',
            ConfigRuleInvokedTime: new Date('2026-09-29T10:00:00Z'),
          },
        ],
      })
      .on(GetAggregateComplianceDetailsByConfigRuleCommand, { AccountId: '333333333333' })
      .resolves({ AggregateEvaluationResults: [] });

    // Act
    const records = await readAggregatorCompliance(client, 'org-aggregator');

    // Assess
    expect(records).toEqual([
      {
        accountId: '222222222222',
        ruleId: 'root-hardware-mfa',
        status: 'NON_COMPLIANT',
        annotation: 'a virtual MFA device',
        lastEvaluated: '2026-09-30T10:00:00.000Z',
      },
      // No result: the summary, undated (never counted as evaluated in the window).
      {
        accountId: '333333333333',
        ruleId: 'root-access-keys',
        status: 'COMPLIANT',
        annotation: '',
        lastEvaluated: undefined,
      },
    ]);
    expect(config).toHaveReceivedCommandWith(GetAggregateComplianceDetailsByConfigRuleCommand, {
      ConfigurationAggregatorName: 'org-aggregator',
      ConfigRuleName: 'rootguard-root-hardware-mfa-conformance-pack-ab12cd34',
      AccountId: '222222222222',
      AwsRegion: 'eu-west-1',
    });
    expect(config).toHaveReceivedCommandTimes(GetAggregateComplianceDetailsByConfigRuleCommand, 3);
  });

  it('fails with a typed error when a page token comes back twice', async () => {
    // Prepare
    config.on(DescribeAggregateComplianceByConfigRulesCommand).resolves({
      AggregateComplianceByConfigRules: [listed('rootguard-root-hardware-mfa', '222222222222')],
    });
    config.on(GetAggregateComplianceDetailsByConfigRuleCommand).resolves({ NextToken: 'same' });

    // Act
    const read = readAggregatorCompliance(client, 'org-aggregator');

    // Assess
    await expect(read).rejects.toThrow(RepeatedPageTokenError);
    await expect(read).rejects.toThrow(
      'config:GetAggregateComplianceDetailsByConfigRule returned the page token same twice',
    );
  });
});

describe('ledger table', () => {
  const { dynamo } = useSdkMocks({ dynamo: DynamoDBDocumentClient });
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));

  it("scans every page and leaves out the table's own attributes", async () => {
    // Prepare
    const [first, second] = [ledgerRecord(), ledgerRecord()];
    dynamo
      .on(ScanCommand, { ExclusiveStartKey: undefined })
      .resolves({
        Items: [{ ...first, expiresAt: 1_900_000_000 }],
        LastEvaluatedKey: { eventId: first?.eventId },
      })
      .on(ScanCommand, { ExclusiveStartKey: { eventId: first?.eventId } })
      .resolves({ Items: [second as unknown as Record<string, unknown>] });

    // Act
    const records = await readLedgerTable(client, 'rootguard-ledger');

    // Assess
    expect(records).toEqual([first, second]);
    expect(dynamo).toHaveReceivedCommandTimes(ScanCommand, 2);
  });

  it('names the eventId of an item that is not a ledger record', async () => {
    // Prepare
    dynamo.on(ScanCommand).resolves({ Items: [{ ...ledgerRecord({ eventId: 'evt-bad' }), kind: 'bogus' }] });

    // Act
    const read = readLedgerTable(client, 'rootguard-ledger');

    // Assess
    await expect(read).rejects.toThrow(LedgerTableError);
    await expect(read).rejects.toThrow(/item evt-bad is not a ledger record: kind/);
  });

  it('fails with a typed error when LastEvaluatedKey repeats', async () => {
    // Prepare
    dynamo.on(ScanCommand).resolves({ Items: [], LastEvaluatedKey: { eventId: 'loop' } });

    // Act / Assess
    await expect(readLedgerTable(client, 'rootguard-ledger')).rejects.toThrow(RepeatedPageTokenError);
  });
});

describe('organization accounts', () => {
  const { organizations } = useSdkMocks({ organizations: OrganizationsClient });

  it('names every account with its OU path, read top-down once', async () => {
    // Prepare
    const org = new FakeOrganization(SNAPSHOT_ORGANIZATION, 'r-ab12');
    org.addOu('ou-ab12-workloads', 'r-ab12');
    org.addOu('ou-ab12-prod', 'ou-ab12-workloads');
    org.addAccount('222222222222', 'ou-ab12-prod');
    installFakeOrganizations(organizations, org);

    // Act
    const { organization, accounts } = await accountsFromOrganization(
      new OrganizationsClient({ region: 'us-east-1' }),
    );

    // Assess
    expect(organization.id).toBe(SNAPSHOT_ORGANIZATION.id);
    expect(accounts).toContainEqual(
      expect.objectContaining({ accountId: '222222222222', ouPath: expect.stringMatching(/^Root\/.+\/.+$/) }),
    );
    expect(accounts).toContainEqual(
      expect.objectContaining({ accountId: SNAPSHOT_ORGANIZATION.managementAccountId, ouPath: 'Root' }),
    );
  });
});
