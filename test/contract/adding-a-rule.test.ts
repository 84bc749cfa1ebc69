/**
 * README, "Adding a rule": a rule folder (rule.json, deploy.json, evaluate.ts, collect.ts) is all a new rule needs
 * for deployment; `npm run generate` puts it everywhere else. Proved with a throwaway fixture rule in a temporary
 * folder, sent through the very list `npm run generate` writes (scripts/lib/generated-files.ts): it must appear
 * in the serverless rules file (function, role, Config permission and rule, output, stack parameter), the member
 * execution role (trust list and reads), the conformance pack, the README tables and the facts schema
 * registration. Nothing is written to the repository.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configRuleLogicalId, lambdaArnParameterName, PACK_FILE } from '../../conformance-packs/generate';
import { loadRuleDeclarations, RULES_DEPLOYMENT_FILE } from '../../deploy/generate-rules';
import { loadRuleMetadata } from '../../lib/rule-metadata';
import { type GeneratedFile, generatedFiles, registeredRules } from '../../scripts/lib/generated-files';
import { MEMBER_ACCOUNT_FILE } from '../../stacksets/generate-member-account';

const ID = 'root-fixture-check';

const RULE_JSON = {
  id: ID,
  title: 'The fixture check holds for the root user of the account',
  description: 'A throwaway rule that only exists inside test/contract/adding-a-rule.test.ts.',
  severity: 'LOW',
  trigger: { type: 'Periodic', maximumExecutionFrequency: 'TwentyFour_Hours' },
  resourceType: 'AWS::::Account',
  parameters: [
    {
      name: 'FixtureThreshold',
      type: 'Integer',
      default: '7',
      minimum: 1,
      maximum: 30,
      description: 'How many fixture things may be found before the rule fails.',
    },
  ],
  remediation: { documentId: 'RootGuard-RequestHardwareMfa' },
};

const DEPLOY_JSON = {
  function: {
    summary: 'the fixture check holds',
    timeout: 45,
    environment: { FIXTURE_TABLE: { Ref: 'BreakGlassWindowsTable' } },
  },
  accountReads: [
    {
      Sid: 'ReadFixtureFacts',
      Why: 'GetAccountPasswordPolicy has no resource-level permission.',
      Action: ['iam:GetAccountPasswordPolicy'],
      Resource: '*',
    },
  ],
  stackParameters: {
    FixtureThreshold: {
      AllowedPattern: '^(\\d{1,2})?$',
      Description: 'root-fixture-check fails above this many things. Blank = rule default (7).',
      unsetWhenBlank: true,
    },
  },
  configRuleInputs: {
    FixtureThreshold: {
      'Fn::If': ['HasFixtureThreshold', { Ref: 'FixtureThreshold' }, { Ref: 'AWS::NoValue' }],
    },
  },
};

type Json = Record<string, unknown>;

let dir: string;
let files: GeneratedFile[];
const text = (file: string) => files.find((f) => f.file === file)?.text ?? '';

beforeAll(() => {
  // Prepare: the rule folder, as a contributor writes it.
  dir = mkdtempSync(join(tmpdir(), 'rootguard-fixture-rule-'));
  const folder = join(dir, ID);
  mkdirSync(folder);
  writeFileSync(join(folder, 'rule.json'), JSON.stringify(RULE_JSON, null, 2));
  writeFileSync(join(folder, 'deploy.json'), JSON.stringify(DEPLOY_JSON, null, 2));
  writeFileSync(join(folder, 'evaluate.ts'), 'export const evaluate = () => [];\n');
  writeFileSync(join(folder, 'collect.ts'), 'export const collect = async () => ({});\n');

  // Act: the registry's rules plus the fixture, through the list `npm run generate` writes.
  const metadata = loadRuleMetadata(JSON.parse(readFileSync(join(folder, 'rule.json'), 'utf8')));
  files = generatedFiles([...registeredRules(), ...loadRuleDeclarations([metadata], dir)]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('adding a rule', () => {
  it('deploys its function with its settings, its role, Config permission and rule, output and parameter', () => {
    const generated = parse(text(RULES_DEPLOYMENT_FILE)) as {
      functions: Record<string, Json>;
      resources: Record<'Parameters' | 'Conditions' | 'Resources' | 'Outputs', Record<string, Json>>;
    };

    // Assess
    expect(generated.functions.rootFixtureCheck).toMatchObject({
      handler: `rules/${ID}/handler.handler`,
      timeout: 45,
      environment: {
        FIXTURE_TABLE: { Ref: 'BreakGlassWindowsTable' },
        ORG_SNAPSHOT_BUCKET: { Ref: 'OrgSnapshotBucket' },
      },
    });
    const { Resources, Parameters, Conditions, Outputs } = generated.resources;
    expect(JSON.stringify(Resources.RootFixtureCheckRole)).toContain('iam:GetAccountPasswordPolicy');
    expect(JSON.stringify(Resources.RootFixtureCheckRole)).toContain(`-rule-${ID}`);
    expect(Resources.RootFixtureCheckConfigPermission).toMatchObject({ Type: 'AWS::Lambda::Permission' });
    expect(Resources.RootFixtureCheckConfigRule).toMatchObject({
      Properties: { ConfigRuleName: `rootguard-${ID}`, InputParameters: DEPLOY_JSON.configRuleInputs },
    });
    expect(Outputs.RootFixtureCheckLambdaArn).toBeDefined();
    expect(Parameters.FixtureThreshold).toMatchObject({
      Type: 'String',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the osls param the generator defaults it to
      Default: '${param:FixtureThreshold}',
    });
    expect(Conditions.HasFixtureThreshold).toBeDefined();
  });

  it('lets its role assume the member execution role, which grants its reads', () => {
    const template = text(MEMBER_ACCOUNT_FILE);

    // Assess
    expect(template).toContain(`role/\${RuleRoleNamePrefix}${ID}`);
    expect(template).toContain('- Sid: ReadFixtureFacts');
    expect(template).toContain('iam:GetAccountPasswordPolicy');
  });

  it('puts it in the conformance pack with its Lambda ARN parameter', () => {
    const pack = parse(text(`conformance-packs/${PACK_FILE}`)) as { Parameters: Json; Resources: Json };

    // Assess
    expect(pack.Resources[configRuleLogicalId(ID)]).toBeDefined();
    expect(pack.Parameters[lambdaArnParameterName(ID)]).toBeDefined();
  });

  it('lists it and its parameter in the README tables', () => {
    const readme = text('README.md');

    // Assess
    expect(readme).toContain(`[\`${ID}\`](#${ID})`);
    expect(readme).toMatch(new RegExp(`\\| \`${ID}\` +\\| \`FixtureThreshold\``));
  });

  it('registers its facts schema from its folder', () => {
    const registration = text('cli/facts-schemas.generated.ts');

    // Assess
    expect(registration).toContain(`from '../rules/${ID}/facts';`);
    expect(registration).toContain(`'${ID}': rootFixtureCheckFacts,`);
  });

  it('adds it to every per-rule file and leaves the per-document and per-pattern ones alone', () => {
    // Prepare: what the repository holds now. The member-remediation StackSet and the digests list documents,
    // and the fixture names a document that is already deployed; the management-account template's generated
    // blocks are event patterns, which no rule adds to.
    const committed = generatedFiles();
    const untouchedByRules = new Set([
      'stacksets/member-remediation.yaml',
      'remediations/lib/document-digests.ts',
      'stacksets/management-account.yaml',
    ]);

    // Assess
    expect(files.map((f) => f.file)).toEqual(committed.map((f) => f.file));
    for (const { file, text: now } of committed) {
      if (untouchedByRules.has(file)) expect(text(file)).toBe(now);
      else expect(text(file)).toContain(ID);
    }
  });
});
