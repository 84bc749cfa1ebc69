import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../../../cli/errors';
import { type FactsFile, loadFactsFile, parseFactsFile } from '../../../cli/facts-file';
import { formatJson, formatText } from '../../../cli/format';
import { EXIT_ERROR, EXIT_NON_COMPLIANT, EXIT_OK, run } from '../../../cli/index';
import { hasNonCompliant, percentCompliant, scanFacts, scanFactsFile, type Verdict } from '../../../cli/scan';
import { InvalidRuleParametersError } from '../../../lib/errors';
import { argv, captureIo } from '../../helpers/cli-io';
import { useTempDir } from '../../helpers/temp-dir';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const SAMPLE_ORG = join(REPO_ROOT, 'examples', 'sample-org.json');

const MFA = 'root-hardware-mfa';
const BACKUP = 'root-backup-mfa';
const KEYS = 'root-access-keys';
const SCP = 'root-deny-scp';
const CENTRAL = 'root-access-centralized';

/** The sample organization's accounts, as named in examples/sample-org.json. */
const ACCOUNT = {
  management: '111111111111',
  prodPayments: '222222222222',
  prodData: '333333333333',
  staging: '444444444444',
  dev: '555555555555',
  securityTooling: '666666666666',
  logArchive: '777777777777',
  sharedNetwork: '888888888888',
  sandboxAlice: '999999999999',
  mlExperiments: '101010101010',
  legacyClosed: '121212121212',
} as const;

const C: Verdict = 'COMPLIANT';
const NC: Verdict = 'NON_COMPLIANT';
const NA: Verdict = 'NOT_APPLICABLE';
const NONE: Verdict = 'NO_FACTS';

/** account, scenario, hardware MFA, backup MFA, access keys, deny-root SCP, root idle, root-activity alerting, centralized root access. */
const EXPECTED: Array<[string, string, Verdict, Verdict, Verdict, Verdict, Verdict, Verdict, Verdict]> = [
  [
    ACCOUNT.management,
    'management account; root used inside break-glass window CHG-4711',
    C,
    C,
    C,
    NA,
    C,
    C,
    NA,
  ],
  [ACCOUNT.prodPayments, 'hardware MFA, deny-root SCP two levels up, root never used', C, C, C, C, C, C, C],
  [
    ACCOUNT.prodData,
    'no root credentials; CIS metric filter alarming inside the account only',
    C,
    C,
    C,
    C,
    C,
    NC,
    C,
  ],
  [ACCOUNT.staging, 'virtual MFA on root, recent root sign-in, alert rule disabled', NC, NC, C, C, NC, NC, C],
  [
    ACCOUNT.dev,
    'root access keys, used 10 days ago, no forwarding in ap-southeast-2',
    C,
    NC,
    NC,
    C,
    NC,
    NC,
    C,
  ],
  [ACCOUNT.securityTooling, 'partial deny (iam:* and organizations:* only)', C, NC, C, NC, C, C, C],
  [
    ACCOUNT.logArchive,
    'root signing certificates, partial deny, eu-west-1 rule only ENABLED',
    C,
    NC,
    NC,
    NC,
    C,
    NC,
    C,
  ],
  [ACCOUNT.sharedNetwork, 'sibling OU without the SCP', C, NC, C, NC, C, C, C],
  [
    ACCOUNT.sandboxAlice,
    'no root MFA, narrowed deny, use after its window ended, IAM-user alerts only',
    NC,
    NC,
    C,
    NC,
    NC,
    NC,
    NC,
  ],
  [ACCOUNT.mlExperiments, 'legacy StringLike deny on the account itself', C, NC, C, C, C, C, C],
  [ACCOUNT.legacyClosed, 'suspended: deny-all SCP, no IAM facts', NONE, NONE, NONE, C, NONE, NONE, NONE],
];

const sampleFile = (): FactsFile => loadFactsFile(SAMPLE_ORG);
/** The sample file as plain JSON, loosely typed so tests can break it. */
interface LooseFacts {
  summary: Record<string, unknown>;
  chain: Array<Record<string, unknown>>;
}
interface LooseFactsFile {
  evaluationTime: string;
  accounts: Array<{ accountId: string; facts: Record<string, LooseFacts | object> } | object>;
}
const sampleJson = (): LooseFactsFile => JSON.parse(readFileSync(SAMPLE_ORG, 'utf8'));

function annotation(accountId: string, ruleId: string): string {
  const result = scanFacts(sampleFile()).results.find(
    (r) => r.accountId === accountId && r.ruleId === ruleId,
  );
  if (!result) throw new Error(`no result for ${accountId} ${ruleId}`);
  return result.annotation;
}

describe('scanning the sample organization', () => {
  const report = scanFacts(sampleFile());

  it('covers at least eight accounts across nested OUs', () => {
    expect(report.accounts.length).toBeGreaterThanOrEqual(8);
    expect(report.accounts.some((a) => a.ouPath.split('/').length >= 3)).toBe(true);
  });

  it.each(EXPECTED)(
    'judges %s (%s)',
    (accountId, _scenario, mfa, backup, keys, scp, idle, alerting, central) => {
      const row = report.accounts.find((a) => a.accountId === accountId);
      expect(row?.verdicts).toEqual({
        [MFA]: mfa,
        [BACKUP]: backup,
        [KEYS]: keys,
        [SCP]: scp,
        'root-user-idle': idle,
        'root-activity-alerting': alerting,
        [CENTRAL]: central,
      });
    },
  );

  it('judges every account in the file and nothing else', () => {
    expect(report.accounts.map((a) => a.accountId)).toEqual(EXPECTED.map(([id]) => id));
  });

  it('names the OU two levels up that holds the deny-root SCP', () => {
    expect(annotation(ACCOUNT.prodPayments, SCP)).toContain('RootGuardDenyRootUser) on OU ou-ab12-wkld0001');
  });

  it('explains a partial deny and a narrowed deny', () => {
    expect(annotation(ACCOUNT.securityTooling, SCP)).toContain('denies only iam:*, organizations:* to root');
    expect(annotation(ACCOUNT.sandboxAlice, SCP)).toContain('narrowed by other conditions');
  });

  it('says no SCP denies root in the sibling OU without one', () => {
    expect(annotation(ACCOUNT.sharedNetwork, SCP)).toContain('no SCP on the account, its OUs');
  });

  it('names the break-glass ticket that covers a recent root use, and the use no window covers', () => {
    expect(annotation(ACCOUNT.management, 'root-user-idle')).toContain('CHG-4711');
    expect(annotation(ACCOUNT.sandboxAlice, 'root-user-idle')).toContain(
      'no break-glass window covers that use',
    );
  });

  it('says why root activity raises no alert, Region by Region', () => {
    expect(annotation(ACCOUNT.staging, 'root-activity-alerting')).toContain('DISABLED');
    expect(annotation(ACCOUNT.prodData, 'root-activity-alerting')).toContain(
      'metric filter RootAccountUsage alarms inside the account only',
    );
    expect(annotation(ACCOUNT.dev, 'root-activity-alerting')).toContain(
      'no rule forwards root API calls in ap-southeast-2',
    );
    expect(annotation(ACCOUNT.logArchive, 'root-activity-alerting')).toContain(
      'root API call rules are only ENABLED, so read-only calls are missed, in eu-west-1',
    );
  });

  it('says which credentials centralized root access left on root, and never passes a snapshot that predates it', () => {
    expect(annotation(ACCOUNT.prodPayments, CENTRAL)).toContain(
      'root still has a password, an MFA device (enabling it deletes none): remove them with RootGuard-DeleteRootCredentials',
    );
    expect(annotation(ACCOUNT.dev, CENTRAL)).toContain(
      'root still has a password, access keys, an MFA device',
    );
    expect(annotation(ACCOUNT.prodData, CENTRAL)).toContain('root has no credentials');
    expect(annotation(ACCOUNT.sandboxAlice, CENTRAL)).toContain('predates');
    expect(annotation(ACCOUNT.management, CENTRAL)).toContain('covers member accounts only');
  });

  it('names the virtual MFA device and the credential-less root', () => {
    expect(annotation(ACCOUNT.staging, MFA)).toContain(`arn:aws:iam::${ACCOUNT.staging}:mfa/`);
    expect(annotation(ACCOUNT.prodData, MFA)).toContain('centralized root access');
  });

  it('gives every result an annotation that names its account and ends with a period', () => {
    for (const result of report.results) {
      expect(result.annotation).toMatch(new RegExp(`^Account ${result.accountId}: .+\\.$`));
    }
  });

  it('summarises each rule, leaving N/A and missing facts out of the percentage', () => {
    expect(report.summary.rules).toEqual([
      expect.objectContaining({ ruleId: MFA, compliant: 8, nonCompliant: 2, notApplicable: 0, noFacts: 1 }),
      expect.objectContaining({
        ruleId: BACKUP,
        compliant: 3,
        nonCompliant: 7,
        notApplicable: 0,
        noFacts: 1,
      }),
      expect.objectContaining({ ruleId: KEYS, compliant: 8, nonCompliant: 2, notApplicable: 0, noFacts: 1 }),
      expect.objectContaining({ ruleId: SCP, compliant: 6, nonCompliant: 4, notApplicable: 1, noFacts: 0 }),
      expect.objectContaining({ ruleId: 'root-user-idle', compliant: 7, nonCompliant: 3, noFacts: 1 }),
      expect.objectContaining({
        ruleId: 'root-activity-alerting',
        compliant: 5,
        nonCompliant: 5,
        noFacts: 1,
      }),
      expect.objectContaining({
        ruleId: CENTRAL,
        compliant: 8,
        nonCompliant: 1,
        notApplicable: 1,
        noFacts: 1,
      }),
    ]);
    expect(report.summary.rules.map((r) => r.percentCompliant)).toEqual([80, 30, 80, 60, 70, 50, 88.8]);
    expect(report.summary.totals).toEqual({ compliant: 45, nonCompliant: 24, notApplicable: 2, noFacts: 6 });
    expect(hasNonCompliant(report)).toBe(true);
  });

  it('evaluates only the rules and accounts asked for', () => {
    const only = scanFacts(sampleFile(), { ruleIds: [SCP], accountIds: [ACCOUNT.management, ACCOUNT.dev] });
    expect(only.accounts).toEqual([
      expect.objectContaining({ accountId: ACCOUNT.management, verdicts: { [SCP]: NA } }),
      expect.objectContaining({ accountId: ACCOUNT.dev, verdicts: { [SCP]: C } }),
    ]);
    expect(hasNonCompliant(only)).toBe(false);
  });

  it('rejects an unknown rule or account by name', () => {
    expect(() => scanFacts(sampleFile(), { ruleIds: ['root-mfa'] })).toThrow(
      /Unknown rule root-mfa; known rules: root-hardware-mfa/,
    );
    expect(() => scanFacts(sampleFile(), { accountIds: ['000000000000'] })).toThrow(
      /Account 000000000000 is not in the facts file/,
    );
  });

  it('applies ruleParameters and rejects a malformed one', () => {
    const ignoring = scanFacts({
      ...sampleFile(),
      ruleParameters: { [KEYS]: { IgnoreSigningCertificates: 'true' } },
    });
    expect(ignoring.accounts.find((a) => a.accountId === ACCOUNT.logArchive)?.verdicts[KEYS]).toBe(C);

    const bad = { ...sampleFile(), ruleParameters: { [KEYS]: { IgnoreSigningCertificates: 'maybe' } } };
    expect(() => scanFacts(bad)).toThrow(InvalidRuleParametersError);
    expect(() => scanFacts(bad)).toThrow(/IgnoreSigningCertificates="maybe"/);
  });

  it('computes the percentage compliant rounded down, or null when nothing was judged', () => {
    expect(percentCompliant(2, 1)).toBe(66.6);
    expect(percentCompliant(199, 1)).toBe(99.5);
    expect(percentCompliant(0, 0)).toBeNull();
  });
});

describe('reading a facts file', () => {
  const dir = useTempDir('rootguard-facts-');

  function invalid(mutate: (data: LooseFactsFile) => void): string {
    const data = sampleJson();
    mutate(data);
    try {
      parseFactsFile(data, 'broken.json');
    } catch (error) {
      expect(error).toBeInstanceOf(CliError);
      return (error as Error).message;
    }
    throw new Error('expected the facts file to be rejected');
  }
  const accountAt = (data: LooseFactsFile, index: number) =>
    data.accounts[index] as { accountId: string; facts: Record<string, object> };
  const factsAt = (data: LooseFactsFile, index: number, ruleId: string) =>
    accountAt(data, index).facts[ruleId] as LooseFacts;

  it('names the path and account of a wrongly typed fact', () => {
    const message = invalid((data) => {
      factsAt(data, 3, MFA).summary.mfaEnabled = 'yes';
    });
    expect(message).toContain('Invalid facts file broken.json');
    expect(message).toContain(
      `accounts.3.facts.root-hardware-mfa.summary.mfaEnabled (account ${ACCOUNT.staging}): Invalid input: expected boolean`,
    );
  });

  it('rejects a misspelt fact rather than ignoring it', () => {
    const message = invalid((data) => {
      const { summary } = factsAt(data, 1, KEYS);
      summary.accessKeyPresent = summary.accessKeysPresent;
      delete summary.accessKeysPresent;
    });
    expect(message).toContain('accounts.1.facts.root-access-keys.summary.accessKeysPresent');
    expect(message).toMatch(/Unrecognized key.*accessKeyPresent/);
  });

  it('rejects facts for a rule that does not exist, listing the known rules', () => {
    const message = invalid((data) => {
      accountAt(data, 0).facts['root-mfa'] = {};
    });
    expect(message).toContain('accounts.0.facts');
    expect(message).toContain('unknown rule id(s) in facts: root-mfa; known rules: root-hardware-mfa');
  });

  it('rejects an SCP chain entry with an unknown target type', () => {
    const message = invalid((data) => {
      (factsAt(data, 1, SCP).chain[1] as Record<string, unknown>).targetType = 'OU';
    });
    expect(message).toContain('accounts.1.facts.root-deny-scp.chain.1.targetType');
  });

  it('rejects a duplicate account id and a malformed evaluation time', () => {
    const message = invalid((data) => {
      accountAt(data, 2).accountId = ACCOUNT.prodPayments;
      data.evaluationTime = 'yesterday';
    });
    expect(message).toContain(`accounts.2.accountId`);
    expect(message).toContain(`duplicate account id ${ACCOUNT.prodPayments} (also accounts.1)`);
    expect(message).toContain('evaluationTime: expected an ISO-8601 date-time');
  });

  it('says plainly when the file is missing or not JSON', () => {
    expect(() => loadFactsFile(join(dir(), 'missing.json'))).toThrow(
      /Cannot read facts file .*: no such file/,
    );
    const notJson = join(dir(), 'facts.json');
    writeFileSync(notJson, '{ "organization": ');
    expect(() => scanFactsFile(notJson)).toThrow(/Facts file .*facts\.json is not valid JSON/);
  });
});

describe('formatting a report', () => {
  const report = scanFacts(sampleFile());

  it('prints results and summary as JSON', () => {
    const output = JSON.parse(formatJson(report));
    expect(Object.keys(output)).toEqual(['results', 'summary']);
    // One result per (account, rule) with facts: every cell of EXPECTED that is not NO_FACTS.
    const judged = EXPECTED.flatMap(([, , ...verdicts]) => verdicts).filter((v) => v !== NONE).length;
    expect(output.results).toHaveLength(judged);
    for (const result of output.results) {
      expect(Object.keys(result).sort()).toEqual(['accountId', 'annotation', 'complianceType', 'ruleId']);
    }
    expect(output.results).toContainEqual({
      accountId: ACCOUNT.management,
      ruleId: SCP,
      complianceType: 'NOT_APPLICABLE',
      annotation: expect.stringContaining('management account'),
    });
    expect(output.summary).toEqual(
      expect.objectContaining({
        organizationId: 'o-a1b2c3d4e5',
        evaluationTime: '2026-11-20T06:00:00.000Z',
        accounts: EXPECTED.length,
        totals: report.summary.totals,
      }),
    );
    expect(output.summary.rules[0]).toEqual({
      ruleId: MFA,
      title: expect.any(String),
      severity: 'CRITICAL',
      compliant: 8,
      nonCompliant: 2,
      notApplicable: 0,
      noFacts: 1,
      percentCompliant: 80,
    });
  });

  it('prints the account table, the rule summary and every failure, without colour unless asked', () => {
    const text = formatText(report, { color: false });
    expect(text).not.toContain('\u001b[');
    expect(text).toMatch(
      // Seven rules: the OU path gives up its start and the name its end so the table keeps 120 columns.
      /│ 121212121212 │ legacy-\S* +│ \S*Suspended +│ no facts +│ no facts +│ no facts +│ ok/,
    );
    expect(text).toMatch(/│ 111111111111 │ management +│ Root +│ ok +│ ok +│ ok +│ N\/A/);
    expect(text).toContain('ok = COMPLIANT · FAIL = NON_COMPLIANT');
    expect(text).toContain('Summary by rule');
    expect(text).toMatch(/│ root-deny-scp +│ HIGH +│ +6 │ +4 │ +1 │ +0 │ +60% │/);
    expect(text).toContain('NON_COMPLIANT results (24)');
    // Reasons are wrapped to the report's width: compare them with the line breaks taken out.
    const unwrapped = text.replace(/\n +/g, ' ');
    for (const result of report.results.filter((r) => r.complianceType === 'NON_COMPLIANT')) {
      expect(unwrapped).toContain(result.annotation);
    }
    expect(formatText(report, { color: true })).toContain('\u001b[31m\u001b[1mFAIL\u001b[0m');
  });

  it('fits 120 columns', () => {
    const lines = formatText(report, { color: false }).split('\n');
    expect(Math.max(...lines.map((line) => [...line].length))).toBeLessThanOrEqual(120);
  });
});

describe('the rootguard command', () => {
  const scratch = useTempDir('rootguard-cli-');

  it('exits 0 and prints the report', async () => {
    const io = captureIo();
    await expect(run(argv('scan', '--facts', SAMPLE_ORG), io)).resolves.toBe(EXIT_OK);
    expect(io.out()).toContain('Summary by rule');
    expect(io.err()).toBe('');
  });

  it('exits 2 with --fail-on-noncompliant when anything is NON_COMPLIANT, 0 when nothing is', async () => {
    const failing = captureIo();
    await expect(run(argv('scan', '--facts', SAMPLE_ORG, '--fail-on-noncompliant'), failing)).resolves.toBe(
      EXIT_NON_COMPLIANT,
    );
    const passing = captureIo();
    const args = [
      '--rule',
      SCP,
      '--account',
      ACCOUNT.prodPayments,
      ACCOUNT.management,
      '--fail-on-noncompliant',
    ];
    await expect(run(argv('scan', '--facts', SAMPLE_ORG, ...args), passing)).resolves.toBe(EXIT_OK);
  });

  it('prints JSON with --format json, filtered by --rule (comma-separated or repeated)', async () => {
    const io = captureIo();
    await run(argv('scan', '--facts', SAMPLE_ORG, '--format', 'json', '--rule', `${MFA},${KEYS}`), io);
    const ruleIds = (out: string) =>
      new Set(JSON.parse(out).results.map((r: { ruleId: string }) => r.ruleId));
    expect(ruleIds(io.out())).toEqual(new Set([MFA, KEYS]));

    const repeated = captureIo();
    await run(
      argv('scan', '--facts', SAMPLE_ORG, '--rule', SCP, '--format', 'json', '--rule', KEYS),
      repeated,
    );
    expect(ruleIds(repeated.out())).toEqual(new Set([SCP, KEYS]));
  });

  it('exits 1 with a message on stderr for a missing file, an unknown rule or an unknown format', async () => {
    const missing = captureIo();
    await expect(run(argv('scan', '--facts', 'nope.json'), missing)).resolves.toBe(EXIT_ERROR);
    expect(missing.err()).toBe('rootguard: Cannot read facts file nope.json: no such file\n');
    expect(missing.out()).toBe('');

    const unknownRule = captureIo();
    await expect(run(argv('scan', '--facts', SAMPLE_ORG, '--rule', 'root-mfa'), unknownRule)).resolves.toBe(
      EXIT_ERROR,
    );
    expect(unknownRule.err()).toContain('Unknown rule root-mfa');

    const badFormat = captureIo();
    await expect(run(argv('scan', '--facts', SAMPLE_ORG, '--format', 'xml'), badFormat)).resolves.toBe(
      EXIT_ERROR,
    );
    expect(badFormat.err()).toContain("argument 'xml' is invalid");
  });

  it('runs as a process: `tsx cli/main.ts scan --facts examples/sample-org.json` exits 0', () => {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', 'scan', '--facts', 'examples/sample-org.json'],
      { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout).toContain('Summary by rule');
    expect(child.stdout).toMatch(/│ root-hardware-mfa +│ CRITICAL +│ +8 │ +2 │ +0 │ +1 │ +80% │/);
  });

  it('exits 1 as a process when the facts file is invalid, naming the path', () => {
    // Prepare
    const data = sampleJson();
    data.accounts[0] = { accountId: '1234' };
    const file = join(scratch(), 'facts.json');
    writeFileSync(file, JSON.stringify(data));

    // Act
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'scan', '--facts', file], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });

    // Assess
    expect(child.status).toBe(1);
    expect(child.stdout).toBe('');
    expect(child.stderr).toContain(`rootguard: Invalid facts file ${file}`);
    expect(child.stderr).toContain('accounts.0.accountId (account 1234): expected a 12-digit account id');
  });
});
