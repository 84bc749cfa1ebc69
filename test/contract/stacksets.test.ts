/**
 * The templates in stacksets/ keep their least-privilege and trust conventions: no wildcard action anywhere,
 * the execution role holds exactly the reads the rules make with it (checked against a list per rule and
 * against the SDK commands the reading code imports), the Organizations read role exactly what
 * lib/org-tree.ts calls, the remediation roles exactly what their code imports, every trust policy names the
 * security tooling account (or, for the Automation role, SSM acting for the account itself) and nothing else,
 * and the forwarding rules (member-forwarding.yaml, every Region) carry alerts/root-activity/patterns.json
 * verbatim, receive read-only calls too, and are the rules the forwarding role's trust names exactly. member-remediation.yaml is the
 * output of stacksets/generate-member-remediation.ts. Read as plain YAML (long-form intrinsics only), so no AWS
 * credentials are needed; cfn-lint checks the CloudFormation schema in CI.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import assumeRootPatterns from '../../alerts/root-activity/assume-root-pattern.json';
import patterns from '../../alerts/root-activity/patterns.json';
import { functionNameParameters } from '../../conformance-packs/generate';
import findingPatterns from '../../findings/patterns.json';
import { ALL_MANAGEMENT_EVENTS_STATE } from '../../lib/event-pattern';
import organizationsPatterns from '../../org-snapshot/patterns.json';
import { POLICY_TAGS } from '../../remediations/attach-deny-root-scp/attach';
import { DEFAULT_EXECUTION_READER_ROLE_NAME } from '../../remediations/lib/automation-execution';
import { loadDocuments, remediationFolders } from '../../remediations/lib/documents';
import { RULE_IDS, RULES } from '../../rules';
import {
  FUNCTION_NAME_PREFIX,
  GENERATED_HEADER,
  generateMemberRemediation,
  MAX_TEMPLATE_BODY_BYTES,
  MEMBER_REMEDIATION_FILE,
  memberRemediationDocuments,
  RECORD_READING_FOLDERS,
  renderMemberRemediation,
} from '../../stacksets/generate-member-remediation';

const ROOT = resolve(__dirname, '../..');
const STACKSETS_DIR = join(ROOT, 'stacksets');
// Fn::Sub texts, compared as written in the templates (not JavaScript template strings).
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
const TOOLING_ACCOUNT_ROOT = 'arn:${AWS::Partition}:iam::${SecurityToolingAccountId}:root';
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
const TOOLING_ROLE_PREFIX = 'arn:${AWS::Partition}:iam::${SecurityToolingAccountId}:role/';
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
const ANY_ROOT_USER = 'arn:${AWS::Partition}:iam::*:root';
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
const ANY_REGION_RULE_PREFIX = 'arn:${AWS::Partition}:events:*:${AWS::AccountId}:rule/';
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
const FORWARDING_ROLE_ARN = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${ForwardingRoleName}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
const ROOT_TASK_POLICY = 'arn:${AWS::Partition}:iam::aws:policy/root-task/';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Resource {
  Type: string;
  Condition?: string;
  Properties: JsonObject;
}

interface Template {
  Parameters: Record<string, JsonObject>;
  Conditions?: Record<string, Json>;
  Resources: Record<string, Resource>;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asArray = (value: Json | undefined): Json[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function loadTemplate(file: string): Template {
  return parse(readFileSync(join(STACKSETS_DIR, file), 'utf8')) as Template;
}

const templateFiles = readdirSync(STACKSETS_DIR)
  .filter((file) => file.endsWith('.yaml'))
  .sort();
const member = loadTemplate('member-account.yaml');
const FORWARDING_FILE = 'member-forwarding.yaml';
const forwarding = loadTemplate(FORWARDING_FILE);
const management = loadTemplate('management-account.yaml');
const memberRemediation = loadTemplate(MEMBER_REMEDIATION_FILE);

/**
 * Resources as far as IAM roles and ARNs are concerned: an SSM document's content is the document, not the
 * template's, and an SCP's content (Deny statements, arn:* for any partition) is judged by
 * test/contract/protection-scp.test.ts.
 */
const CONTENT_OF_ITS_OWN = new Set(['AWS::SSM::Document', 'AWS::Organizations::Policy']);
const withoutDocumentContent = (template: Template): Record<string, Resource> =>
  Object.fromEntries(
    Object.entries(template.Resources).map(([id, r]) => [
      id,
      CONTENT_OF_ITS_OWN.has(r.Type) ? { ...r, Properties: { ...r.Properties, Content: '(document)' } } : r,
    ]),
  );

/** Every IAM statement anywhere under `node` (permission and trust policies), with where it was found. */
function statementsUnder(node: Json, path: string): { path: string; statement: JsonObject }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => statementsUnder(item, `${path}[${i}]`));
  if (!isObject(node)) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'Statement'
      ? asArray(value).map((statement, i) => ({
          path: `${path}.Statement[${i}](${isObject(statement) ? String(statement.Sid ?? '?') : '?'})`,
          statement: isObject(statement) ? statement : {},
        }))
      : statementsUnder(value, `${path}.${key}`),
  );
}

const roleOf = (template: Template, logicalId: string): JsonObject => {
  const resource = template.Resources[logicalId];
  if (resource?.Type !== 'AWS::IAM::Role') throw new Error(`${logicalId} is not an AWS::IAM::Role`);
  return resource.Properties;
};

/** The permission statements of a role's inline policies. */
function permissionStatements(role: JsonObject): JsonObject[] {
  return asArray(role.Policies).flatMap((policy) =>
    isObject(policy) ? statementsUnder(policy.PolicyDocument ?? null, 'policy').map((s) => s.statement) : [],
  );
}

const actionsOf = (role: JsonObject): string[] =>
  [...new Set(permissionStatements(role).flatMap((s) => asArray(s.Action).map(String)))].sort();

const trustStatements = (role: JsonObject): JsonObject[] =>
  statementsUnder(role.AssumeRolePolicyDocument ?? null, 'trust').map((s) => s.statement);

/** The text of an `Fn::Sub` with no variable map, or a plain string. */
function subText(value: Json | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value['Fn::Sub'] === 'string') return value['Fn::Sub'];
  return undefined;
}

/**
 * `service:Operation` for every SDK v3 command a source file imports (`import { XCommand } from
 * '@aws-sdk/client-…'`): whatever code calls, it has to import the command first.
 */
const IAM_PREFIX_OF_CLIENT: Record<string, string> = {
  'client-account': 'account',
  'client-iam': 'iam',
  'client-eventbridge': 'events',
  'client-cloudwatch-logs': 'logs',
  'client-cloudwatch': 'cloudwatch',
  'client-config-service': 'config',
  'client-organizations': 'organizations',
  'client-ssm': 'ssm',
  'client-sts': 'sts',
};
function commandsImportedBy(relativePath: string): string[] {
  const source = readFileSync(join(ROOT, relativePath), 'utf8');
  const actions: string[] = [];
  for (const [, names = '', client = ''] of source.matchAll(
    /import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z-]+)'/g,
  )) {
    const prefix = IAM_PREFIX_OF_CLIENT[client];
    if (!prefix) throw new Error(`${relativePath} imports @aws-sdk/${client}: add its IAM prefix here`);
    for (const name of names.split(',').map((n) => n.trim())) {
      const command = /^(\w+)Command$/.exec(name)?.[1];
      if (command) actions.push(`${prefix}:${command}`);
    }
  }
  return actions;
}

/**
 * What each rule does with the execution role in the evaluated account (lib/rule-handler.ts assumes it for
 * every rule and sends the evaluations with it).
 */
const EXECUTION_ROLE_ACTIONS_BY_RULE: Record<string, string[]> = {
  // lib/iam-root.ts: the root credential summary and the root's virtual MFA devices.
  'root-hardware-mfa': ['iam:GetAccountSummary', 'iam:ListVirtualMFADevices'],
  // The same reads; its devices come from the root audit session (lib/root-mfa-inventory.ts), not this role.
  'root-backup-mfa': ['iam:GetAccountSummary', 'iam:ListVirtualMFADevices'],
  // lib/iam-root.ts: AccountAccessKeysPresent, AccountSigningCertificatesPresent.
  'root-access-keys': ['iam:GetAccountSummary'],
  // lib/credential-report.ts (break-glass windows are read centrally with the Lambda's own role).
  'root-user-idle': ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'],
  // rules/root-activity-alerting/collect.ts: the enabled Regions, default-bus rules and targets in each,
  // metric filters and their alarms.
  'root-activity-alerting': [
    'account:ListRegions',
    'events:ListRules',
    'events:ListTargetsByRule',
    'logs:DescribeMetricFilters',
    'cloudwatch:DescribeAlarmsForMetric',
  ],
  // Organizations is read centrally (OrgReadRoleArn or the Lambda's own role): nothing in the account.
  'root-deny-scp': [],
  // lib/iam-root.ts: the credentials left on root; the features come from the organization snapshot.
  'root-access-centralized': ['iam:GetAccountSummary'],
};
/** lib/put-evaluations.ts, for every rule. */
const EVERY_RULE_ACTIONS = ['config:PutEvaluations'];
/** The code that runs with the execution role's credentials. */
const EXECUTION_ROLE_SOURCES = [
  'lib/iam-root.ts',
  'lib/credential-report.ts',
  'rules/root-activity-alerting/collect.ts',
  'lib/put-evaluations.ts',
];
const expectedExecutionRoleActions = [
  ...new Set([...EVERY_RULE_ACTIONS, ...Object.values(EXECUTION_ROLE_ACTIONS_BY_RULE).flat()]),
].sort();

describe('stacksets/ templates', () => {
  it('holds the member-account, member-forwarding, member-remediation and management-account templates', () => {
    expect(templateFiles).toEqual(
      expect.arrayContaining([
        'management-account.yaml',
        'member-account.yaml',
        FORWARDING_FILE,
        MEMBER_REMEDIATION_FILE,
      ]),
    );
  });

  describe.each(templateFiles)('%s', (file) => {
    const template = loadTemplate(file);
    const statements = Object.entries(withoutDocumentContent(template)).flatMap(([id, resource]) =>
      statementsUnder(resource as unknown as Json, id),
    );

    it('uses long-form intrinsics only, so plain YAML parsers read it', () => {
      expect(readFileSync(join(STACKSETS_DIR, file), 'utf8')).not.toMatch(
        /(^|[\s[{,:-])!(Ref|Sub|GetAtt|If)\b/m,
      );
    });

    it('finds IAM statements to check wherever it creates IAM roles', () => {
      const roles = Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
      expect(statements.length > 0).toBe(roles.length > 0);
    });

    it('names the actions of every IAM statement (Action, never NotAction)', () => {
      const missing = statements
        .filter(({ statement }) => asArray(statement.Action).length === 0 || 'NotAction' in statement)
        .map(({ path }) => path);
      expect(missing).toEqual([]);
    });

    it('grants no wildcard action (such as "*" or "iam:*")', () => {
      const wildcards = statements.flatMap(({ path, statement }) =>
        asArray(statement.Action)
          .filter((action) => typeof action !== 'string' || action === '*' || action.endsWith(':*'))
          .map((action) => `${path}: ${JSON.stringify(action)}`),
      );
      expect(wildcards).toEqual([]);
    });

    it('uses no NotResource or NotPrincipal and only Allow statements', () => {
      const odd = statements
        .filter(({ statement }) => 'NotResource' in statement || 'NotPrincipal' in statement)
        .concat(statements.filter(({ statement }) => statement.Effect !== 'Allow'))
        .map(({ path }) => path);
      expect(odd).toEqual([]);
    });

    it('builds every ARN with the partition pseudo parameter, never a literal arn:aws:', () => {
      expect(JSON.stringify(withoutDocumentContent(template))).not.toMatch(/arn:aws(-cn|-us-gov)?:/);
    });

    it('lets only the security tooling account assume its roles for the rootguard Lambdas', () => {
      const roles = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
      for (const [id, resource] of roles) {
        for (const statement of trustStatements(resource.Properties)) {
          const principal = statement.Principal;
          expect({ id, action: statement.Action }).toEqual({ id, action: 'sts:AssumeRole' });
          if (isObject(principal) && 'Service' in principal) {
            // Only EventBridge (forwarding) and SSM Automation (remediation), each acting for the account itself.
            expect({ id, principal }).toEqual({
              id,
              principal: { Service: expect.stringMatching(/^(events|ssm)\.amazonaws\.com$/) },
            });
            expect(statement.Condition).toMatchObject({
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            });
            continue;
          }
          expect({ id, principal }).toEqual({ id, principal: { AWS: { 'Fn::Sub': TOOLING_ACCOUNT_ROOT } } });
          // The account alone would let any of its principals in: the condition names the roles.
          const condition = isObject(statement.Condition) ? statement.Condition : {};
          const principalArns = Object.values(condition).flatMap((test) =>
            isObject(test) ? asArray(test['aws:PrincipalArn']).map(subText) : [],
          );
          expect({ id, named: principalArns.length > 0 }).toEqual({ id, named: true });
          expect(principalArns.filter((arn) => !arn?.startsWith(TOOLING_ROLE_PREFIX))).toEqual([]);
        }
      }
    });

    it('takes the security tooling account as a 12-digit parameter', () => {
      expect(template.Parameters.SecurityToolingAccountId).toMatchObject({
        Type: 'String',
        AllowedPattern: '^\\d{12}$',
      });
      expect(template.Parameters.SecurityToolingAccountId).not.toHaveProperty('Default');
    });
  });
});

describe('member-account.yaml', () => {
  const role = roleOf(member, 'ExecutionRole');

  it('covers every rule folder in the list of execution role actions', () => {
    const rules = readdirSync(join(ROOT, 'rules'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(Object.keys(EXECUTION_ROLE_ACTIONS_BY_RULE).sort()).toEqual(rules);
  });

  it('grants the execution role exactly the actions the rules make with it', () => {
    expect(actionsOf(role)).toEqual(expectedExecutionRoleActions);
  });

  it('grants the execution role every AWS call the code reading the account imports, and no other', () => {
    const imported = [...new Set(EXECUTION_ROLE_SOURCES.flatMap(commandsImportedBy))].sort();
    expect(imported).toEqual(expectedExecutionRoleActions);
  });

  it('names the execution role after ExecutionRoleName, at path /, as lib/rule-handler.ts builds its ARN', () => {
    expect(role.RoleName).toEqual({ Ref: 'ExecutionRoleName' });
    expect(role.Path ?? '/').toBe('/');
    expect(member.Parameters.ExecutionRoleName?.Default).toBe('RootGuardExecutionRole');
  });

  it('trusts exactly the rule role of every rule of the registry, by ARN, at request time', () => {
    expect(trustStatements(role)).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Sub': TOOLING_ACCOUNT_ROOT } },
        Action: 'sts:AssumeRole',
        Condition: {
          ArnEquals: {
            'aws:PrincipalArn': RULES.map((rule) => ({
              'Fn::Sub': `${TOOLING_ROLE_PREFIX}\${RuleRoleNamePrefix}${rule.metadata.id}`,
            })),
          },
        },
      }),
    ]);
  });

  it.each(['', '*', 'rootguard-*', 'rootguard-?', 'rootguard-prod-rule-with-a-name-far-too-long-'])(
    'refuses the rule role name prefix %j, which would widen the trust or leave no room for a rule id',
    (prefix) => {
      const allowed = new RegExp(String(member.Parameters.RuleRoleNamePrefix?.AllowedPattern));
      expect(allowed.test(prefix)).toBe(false);
      expect(allowed.test(String(member.Parameters.RuleRoleNamePrefix?.Default))).toBe(true);
    },
  );

  it('keeps sessions to one hour', () => {
    expect(role.MaxSessionDuration).toBe(3600);
  });

  describe('forwarding role', () => {
    const forwardingRole = roleOf(member, 'ForwardingRole');
    const forwardingRuleNames = Object.values(forwarding.Resources)
      .filter((r) => r.Type === 'AWS::Events::Rule')
      .map((r) => String(r.Properties.Name))
      .sort();

    it('creates no forwarding rule itself: they live in member-forwarding.yaml, in every Region', () => {
      expect(Object.values(member.Resources).filter((r) => r.Type === 'AWS::Events::Rule')).toEqual([]);
    });

    it('has the fixed name member-forwarding.yaml targets, only when there is a central bus', () => {
      expect(member.Resources.ForwardingRole?.Condition).toBe('HasCentralEventBus');
      expect(forwardingRole.RoleName).toEqual({ Ref: 'ForwardingRoleName' });
      expect(forwardingRole.Path ?? '/').toBe('/');
      const { AllowedPattern, Default } = member.Parameters.ForwardingRoleName ?? {};
      expect(Default).toBe('RootGuardForwardingRole');
      expect(forwarding.Parameters.ForwardingRoleName).toMatchObject({ AllowedPattern, Default });
    });

    it('lets the forwarding role put events on the central bus only', () => {
      expect(permissionStatements(forwardingRole)).toEqual([
        expect.objectContaining({ Action: 'events:PutEvents', Resource: { Ref: 'CentralEventBusArn' } }),
      ]);
    });

    it('is assumed only for the forwarding rules of this account, named exactly, in any Region', () => {
      expect(forwardingRuleNames.length).toBeGreaterThan(0);
      expect(trustStatements(forwardingRole)).toEqual([
        expect.objectContaining({
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: { 'aws:SourceArn': expect.any(Array) },
          },
        }),
      ]);
      const sourceArns = trustStatements(forwardingRole).flatMap((s) =>
        isObject(s.Condition) && isObject(s.Condition.ArnLike)
          ? asArray(s.Condition.ArnLike['aws:SourceArn']).map(subText)
          : [],
      );
      expect(sourceArns.sort()).toEqual(
        forwardingRuleNames.map((name) => `${ANY_REGION_RULE_PREFIX}${name}`).sort(),
      );
      // The Region is the only wildcard: no rule name pattern, no other account.
      for (const arn of sourceArns) expect(arn?.split(':rule/')[1]).toMatch(/^rootguard-[a-z-]+$/);
    });
  });
});

describe(`${FORWARDING_FILE}`, () => {
  const rules = Object.entries(forwarding.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule');
  const patternKeys = Object.keys(patterns) as (keyof typeof patterns)[];
  const ruleIdOf = (key: string) => `${key.charAt(0).toUpperCase()}${key.slice(1)}Rule`;
  const rootActivityRules = rules.filter(
    ([id]) => id !== 'ConfigComplianceChangeRule' && id !== 'HeartbeatRule',
  );

  it('creates no IAM resource: it is deployed in every Region, and IAM names are global', () => {
    expect(Object.values(forwarding.Resources).filter((r) => r.Type.startsWith('AWS::IAM::'))).toEqual([]);
  });

  it('has one rule per pattern of alerts/root-activity/patterns.json, plus the compliance-change and heartbeat rules', () => {
    expect(rootActivityRules.map(([id]) => id).sort()).toEqual(patternKeys.map(ruleIdOf).sort());
    expect(rules.map(([id]) => id)).toEqual(
      expect.arrayContaining(['ConfigComplianceChangeRule', 'HeartbeatRule']),
    );
  });

  it.each(patternKeys)('deploys the %s pattern verbatim', (key) => {
    expect(forwarding.Resources[ruleIdOf(key)]?.Properties.EventPattern).toEqual(patterns[key]);
  });

  it.each(patternKeys)('names the %s rule after its pattern key', (key) => {
    const kebab = key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    expect(forwarding.Resources[ruleIdOf(key)]?.Properties.Name).toBe(`rootguard-${kebab}`);
  });

  it('puts every root activity rule on the default bus of every Region it is deployed to, read-only calls included', () => {
    for (const [id, rule] of rootActivityRules) {
      expect({ id, condition: rule.Condition }).toEqual({ id, condition: undefined });
      expect({ id, ...rule.Properties }).toMatchObject({
        id,
        EventBusName: 'default',
        State: ALL_MANAGEMENT_EVENTS_STATE,
      });
    }
  });

  it('forwards rootguard compliance changes with the pattern of findings/patterns.json, from the pack Region only, except from the tooling account', () => {
    const rule = forwarding.Resources.ConfigComplianceChangeRule;
    expect(rule?.Properties.EventPattern).toEqual(findingPatterns.complianceChange);
    expect(rule?.Properties.State).toBe('ENABLED');
    expect(rule?.Condition).toBe('ForwardComplianceChanges');
    expect(forwarding.Conditions?.ForwardComplianceChanges).toEqual({
      'Fn::And': [
        { Condition: 'IsConformancePackRegion' },
        { 'Fn::Not': [{ Condition: 'IsToolingAccount' }] },
      ],
    });
  });

  it('targets the central bus through the fixed-name forwarding role of member-account.yaml', () => {
    for (const [, rule] of rules) {
      expect(rule.Properties.Targets).toEqual([
        {
          Id: 'central-event-bus',
          Arn: { Ref: 'CentralEventBusArn' },
          RoleArn: { 'Fn::Sub': FORWARDING_ROLE_ARN },
        },
      ]);
    }
  });

  it('requires the central bus (forwarding is all it does) and takes it with the pattern member-account.yaml uses', () => {
    const bus = forwarding.Parameters.CentralEventBusArn;
    expect(bus).not.toHaveProperty('Default');
    const allowed = new RegExp(String(bus?.AllowedPattern));
    expect(allowed.test('')).toBe(false);
    const example = 'arn:aws:events:us-east-1:444444444444:event-bus/rootguard-root-activity-prod';
    expect(allowed.test(example)).toBe(true);
    expect(new RegExp(String(member.Parameters.CentralEventBusArn?.AllowedPattern)).test(example)).toBe(true);
  });
});

describe('management-account.yaml', () => {
  it('grants the Organizations read role exactly what the snapshot builder (lib/org-snapshot.ts) calls, centralized root access included', () => {
    const orgRead = roleOf(management, 'OrgReadRole');
    expect(actionsOf(orgRead)).toEqual([...new Set(commandsImportedBy('lib/org-snapshot.ts'))].sort());
    expect(
      actionsOf(orgRead).every(
        (a) =>
          a.startsWith('organizations:Describe') ||
          a.startsWith('organizations:List') ||
          a === 'iam:ListOrganizationsFeatures',
      ),
    ).toBe(true);
  });

  it('trusts the snapshot builder role alone, by its exact name, for Organizations reads', () => {
    expect(trustStatements(roleOf(management, 'OrgReadRole'))[0]?.Condition).toEqual({
      ArnEquals: {
        'aws:PrincipalArn': { 'Fn::Sub': `${TOOLING_ROLE_PREFIX}\${OrgSnapshotRoleName}` },
      },
    });
    // The central stack names the builder's role <stack name>-org-snapshot (serverless.yml).
    expect(management.Parameters.OrgSnapshotRoleName?.Default).toBe('rootguard-prod-org-snapshot');
  });

  it('forwards Organizations changes with a role of the fixed name the central bus admits', () => {
    const role = management.Resources.OrganizationsChangeForwardingRole;
    expect(role?.Properties.RoleName).toEqual({ Ref: 'OrganizationsChangeForwardingRoleName' });
    expect(role?.Properties.Path ?? '/').toBe('/');
    const central = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as {
      params: { default: Record<string, string> };
    };
    // The central bus policy names both roles by these defaults (serverless.yml params).
    expect(central.params.default.OrganizationsChangeForwardingRoleName).toBe(
      management.Parameters.OrganizationsChangeForwardingRoleName?.Default,
    );
    expect(central.params.default.ForwardingRoleName).toBe(member.Parameters.ForwardingRoleName?.Default);
    expect(management.Parameters.OrganizationsChangeForwardingRoleName?.AllowedPattern).toBe(
      member.Parameters.ForwardingRoleName?.AllowedPattern,
    );
  });

  it('forwards exactly the Organizations changes of org-snapshot/patterns.json to the central bus', () => {
    const rule = management.Resources.OrganizationsChangeRule;
    expect(rule?.Properties.EventPattern).toEqual(organizationsPatterns.organizationsChange);
    expect(rule?.Condition).toBe('ForwardOrganizationsChanges');
  });

  it('forwards exactly the AssumeRoot issuances of assume-root-pattern.json, read-only events included, to the central bus', () => {
    const rule = management.Resources.RootSessionIssuedRule;
    expect(rule?.Properties).toMatchObject({
      Name: 'rootguard-root-session-issued',
      EventBusName: 'default',
      // CloudTrail records AssumeRoot with readOnly true: a rule in state ENABLED would never see it.
      State: ALL_MANAGEMENT_EVENTS_STATE,
      EventPattern: assumeRootPatterns.rootSessionIssued,
      Targets: [
        {
          Id: 'central-event-bus',
          Arn: { Ref: 'CentralEventBusArn' },
          RoleArn: { 'Fn::GetAtt': ['OrganizationsChangeForwardingRole', 'Arn'] },
        },
      ],
    });
    expect(rule?.Condition).toBe('ForwardRootSessionIssuances');
  });

  it('forwards AssumeRoot issuances from its own Region, whatever the central bus Region, with the audit role deployed', () => {
    // Prepare: the root MFA rules call STS in RootAuditStsRegion, which README sets to this stack's Region; a
    // condition tying the rule to the bus's Region left it out whenever the central stack lived elsewhere.
    const condition = management.Conditions?.ForwardRootSessionIssuances;
    const rule = management.Resources.RootSessionIssuedRule;

    // Assess
    expect(condition).toEqual({
      'Fn::And': [
        { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'CentralEventBusArn' }, ''] }] },
        { 'Fn::Equals': [{ Ref: 'DeployRootAudit' }, 'true'] },
      ],
    });
    expect(JSON.stringify(condition)).not.toContain('AWS::Region');
    // Cross-Region delivery: the target is the central bus's full ARN, in whatever Region it lives.
    expect(rule?.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { Ref: 'CentralEventBusArn' } }),
    ]);
  });

  it('trusts the management forwarding role for its two rules of this account and Region only', () => {
    const role = management.Resources.OrganizationsChangeForwardingRole;
    expect(role?.Condition).toBe('ForwardToCentralBus');
    expect(management.Conditions?.ForwardToCentralBus).toEqual({
      'Fn::Or': [{ Condition: 'ForwardOrganizationsChanges' }, { Condition: 'ForwardRootSessionIssuances' }],
    });
    const ruleArn = (name: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${name}`,
    });
    const forwarded = Object.values(management.Resources).filter(
      (r) =>
        r.Type === 'AWS::Events::Rule' &&
        JSON.stringify(r.Properties.Targets).includes('OrganizationsChangeForwardingRole'),
    );
    expect(trustStatements(roleOf(management, 'OrganizationsChangeForwardingRole'))[0]?.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnEquals: { 'aws:SourceArn': forwarded.map((r) => ruleArn(String(r.Properties.Name))) },
    });
  });

  it('generates every event pattern of the template from its JSON file, never a hand-made copy', () => {
    // Each rule's EventPattern sits between the marker lines of stacksets/generate-management-account.ts;
    // test/contract/generated.test.ts keeps the blocks equal to the files.
    const text = readFileSync(join(STACKSETS_DIR, 'management-account.yaml'), 'utf8');
    const rules = Object.entries(management.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule');
    expect(rules.length).toBeGreaterThan(1);
    for (const [id] of rules) {
      const start = text.indexOf(`\n  ${id}:\n`);
      const end = text.slice(start + 1).search(/\n {2}[A-Za-z]/);
      const body = text.slice(start, end < 0 ? undefined : start + 1 + end);
      expect({ id, pattern: /EventPattern:\n\s+# <generated:[a-z-]+-pattern>\n/.test(body) }).toEqual({
        id,
        pattern: true,
      });
    }
  });

  it('keeps reads and writes in separate roles', () => {
    const writes = (role: string) =>
      actionsOf(roleOf(management, role)).filter((a) => !/^organizations:(Describe|List)|^iam:List/.test(a));
    expect(writes('OrgReadRole')).toEqual([]);
    expect(writes('ScpRemediationRole')).toEqual([
      'organizations:AttachPolicy',
      'organizations:CreatePolicy',
      'organizations:TagResource',
    ]);
    expect(writes('RootCredentialsRemediationRole')).toEqual(['sts:AssumeRoot']);
    expect(writes('RootAuditRole')).toEqual(['sts:AssumeRoot']);
  });

  it('limits the root-audit role to sts:AssumeRoot with the audit task policy, in the organization', () => {
    const statements = permissionStatements(roleOf(management, 'RootAuditRole'));
    expect(actionsOf(roleOf(management, 'RootAuditRole'))).toEqual([
      'iam:ListOrganizationsFeatures',
      'sts:AssumeRoot',
    ]);
    expect(statements.filter((s) => asArray(s.Action).includes('sts:AssumeRoot'))).toEqual([
      expect.objectContaining({
        Resource: { 'Fn::Sub': ANY_ROOT_USER },
        Condition: {
          ArnEquals: { 'sts:TaskPolicyArn': { 'Fn::Sub': `${ROOT_TASK_POLICY}IAMAuditRootUserCredentials` } },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, literal in the template
          StringEquals: { 'aws:ResourceOrgID': '${aws:PrincipalOrgID}' },
        },
      }),
    ]);
  });

  it('trusts the root-audit role to exactly the rules that read the root MFA inventory', () => {
    const trusted = trustStatements(roleOf(management, 'RootAuditRole')).flatMap((s) =>
      isObject(s.Condition)
        ? Object.values(s.Condition).flatMap((test) =>
            isObject(test) ? asArray(test['aws:PrincipalArn']).map(subText) : [],
          )
        : [],
    );
    // The rules whose role may assume it (deploy.json stackAccess AssumeRootAuditRole), by exact name.
    const auditing = RULE_IDS.filter((id) =>
      readFileSync(join(ROOT, 'rules', id, 'deploy.json'), 'utf8').includes('"AssumeRootAuditRole"'),
    );
    expect(auditing.sort()).toEqual(['root-backup-mfa', 'root-hardware-mfa']);
    expect(trusted.sort()).toEqual(
      auditing.map((id) => `${TOOLING_ROLE_PREFIX}\${RuleRoleNamePrefix}${id}`).sort(),
    );
  });

  it('grants the SCP remediation role exactly what attach-deny-root-scp calls (its reads and writes)', () => {
    const imported = [
      ...commandsImportedBy('lib/org-tree.ts'),
      ...commandsImportedBy('remediations/attach-deny-root-scp/attach.ts'),
    ];
    // CreatePolicy carries Tags (app=rootguard), which Organizations authorizes as TagResource too.
    expect(POLICY_TAGS.length).toBeGreaterThan(0);
    const expected = [...new Set([...imported, 'organizations:TagResource'])].sort();
    expect(actionsOf(roleOf(management, 'ScpRemediationRole'))).toEqual(expected);
  });

  it('lets the SCP remediation role add the app=rootguard tag and no other', () => {
    const tagging = permissionStatements(roleOf(management, 'ScpRemediationRole')).filter((s) =>
      asArray(s.Action).includes('organizations:TagResource'),
    );
    expect(tagging).toEqual([
      expect.objectContaining({
        Action: 'organizations:TagResource',
        Resource: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
          'Fn::Sub': 'arn:${AWS::Partition}:organizations::*:policy/o-*/service_control_policy/p-*',
        },
        Condition: {
          StringEquals: { 'aws:RequestTag/app': 'rootguard' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['app'] },
        },
      }),
    ]);
    expect(POLICY_TAGS).toEqual([{ Key: 'app', Value: 'rootguard' }]);
  });

  it('lets the SCP remediation role attach only SCPs tagged app=rootguard, and create only tagged SCPs', () => {
    // Attacker case: a quarantine SCP (Deny * on *, no condition) must not be attachable with this role even if
    // the Lambda chose it: every AttachPolicy statement on a policy resource requires the rootguard tag.
    const statements = permissionStatements(roleOf(management, 'ScpRemediationRole'));
    const attach = statements.filter((s) => asArray(s.Action).includes('organizations:AttachPolicy'));
    const onPolicies = attach.filter((s) => JSON.stringify(s.Resource).includes(':policy/'));
    expect(onPolicies).toEqual([
      expect.objectContaining({ Condition: { StringEquals: { 'aws:ResourceTag/app': 'rootguard' } } }),
    ]);
    expect(attach.every((s) => s.Resource !== '*')).toBe(true);
    const create = statements.filter((s) => asArray(s.Action).includes('organizations:CreatePolicy'));
    expect(create).toEqual([
      expect.objectContaining({
        Condition: {
          StringEquals: {
            'organizations:PolicyType': 'SERVICE_CONTROL_POLICY',
            'aws:RequestTag/app': 'rootguard',
          },
        },
      }),
    ]);
  });

  it('grants the root credentials role what the delete-root-* flow calls as the management role', () => {
    // IAM calls on the root user's credentials run inside the AssumeRoot session (the task policy allows
    // them), not with this role: only iam:ListOrganizationsFeatures is made with it. The flow is the
    // remediations/lib/root-*.ts modules (access check, session, inventory, plan, deletion, handler) and the
    // generic AssumeRoot call they share with the rules (lib/root-session.ts).
    const imported = readdirSync(join(ROOT, 'remediations', 'lib'))
      .filter((file) => /^root-.*\.ts$/.test(file))
      .flatMap((file) => commandsImportedBy(`remediations/lib/${file}`))
      .concat(commandsImportedBy('lib/root-session.ts'));
    const inRootSession = imported.filter(
      (a) => a.startsWith('iam:') && a !== 'iam:ListOrganizationsFeatures',
    );
    expect(inRootSession.length).toBeGreaterThan(0);
    const expected = [...new Set(imported.filter((a) => !inRootSession.includes(a)))].sort();
    expect(expected).toEqual(
      expect.arrayContaining([
        'iam:ListOrganizationsFeatures',
        'organizations:DescribeOrganization',
        'sts:AssumeRoot',
      ]),
    );
    expect(actionsOf(roleOf(management, 'RootCredentialsRemediationRole'))).toEqual(expected);
  });

  it('creates and attaches service control policies only', () => {
    const scpWrites = permissionStatements(roleOf(management, 'ScpRemediationRole')).filter((s) =>
      asArray(s.Action).some((a) => a === 'organizations:CreatePolicy' || a === 'organizations:AttachPolicy'),
    );
    // Each write names SCPs: by the PolicyType condition (CreatePolicy), by an SCP policy ARN (AttachPolicy on
    // the policy) or by organization targets only (AttachPolicy on the account, OU or root).
    expect(scpWrites.length).toBeGreaterThan(0);
    for (const statement of scpWrites) {
      const resources = JSON.stringify(statement.Resource);
      const scpOnly =
        JSON.stringify(statement.Condition ?? {}).includes(
          '"organizations:PolicyType":"SERVICE_CONTROL_POLICY"',
        ) ||
        resources.includes(':policy/o-*/service_control_policy/') ||
        (!resources.includes(':policy/') && resources !== '"*"');
      expect(scpOnly).toBe(true);
    }
  });

  it('limits sts:AssumeRoot to the audit and delete root credential task policies', () => {
    const assumeRoot = permissionStatements(roleOf(management, 'RootCredentialsRemediationRole')).filter(
      (s) => asArray(s.Action).includes('sts:AssumeRoot'),
    );
    expect(assumeRoot).toEqual([
      expect.objectContaining({
        Resource: { 'Fn::Sub': ANY_ROOT_USER },
        Condition: {
          ArnEquals: {
            'sts:TaskPolicyArn': [
              { 'Fn::Sub': `${ROOT_TASK_POLICY}IAMAuditRootUserCredentials` },
              { 'Fn::Sub': `${ROOT_TASK_POLICY}IAMDeleteRootUserCredentials` },
            ],
          },
        },
      }),
    ]);
  });

  it('takes the same remediation role name prefix as member-remediation.yaml', () => {
    const { AllowedPattern, Default } = memberRemediation.Parameters.RemediationRoleNamePrefix ?? {};
    expect(management.Parameters.RemediationRoleNamePrefix).toMatchObject({ AllowedPattern, Default });
  });

  it('trusts each remediation role to its own remediation in the tooling account', () => {
    const trustedArn = (role: string) =>
      trustStatements(roleOf(management, role)).flatMap((s) =>
        isObject(s.Condition)
          ? Object.values(s.Condition).flatMap((test) =>
              isObject(test) ? asArray(test['aws:PrincipalArn']).map(subText) : [],
            )
          : [],
      );
    expect(trustedArn('ScpRemediationRole')).toEqual([
      `${TOOLING_ROLE_PREFIX}\${RemediationRoleNamePrefix}attach-deny-root-scp`,
    ]);
    // Every remediation that opens an AssumeRoot session (remediations/lib/root-session.ts), by exact name.
    expect(trustedArn('RootCredentialsRemediationRole')).toEqual(
      remediationFolders()
        .filter((folder) => folder.startsWith('delete-root-'))
        .map((folder) => `${TOOLING_ROLE_PREFIX}\${RemediationRoleNamePrefix}${folder}`),
    );
  });
});

describe(`${MEMBER_REMEDIATION_FILE}`, () => {
  const committedText = readFileSync(join(STACKSETS_DIR, MEMBER_REMEDIATION_FILE), 'utf8');
  const documents = memberRemediationDocuments(
    RULES.map((rule) => rule.metadata),
    loadDocuments(),
  );
  const generated = generateMemberRemediation(documents);
  const remediationRole = roleOf(memberRemediation, 'RemediationRole');
  const reader = roleOf(memberRemediation, 'ExecutionReaderRole');

  it('is the generator output for the current documents (run npm run generate)', () => {
    expect(memberRemediation).toEqual(JSON.parse(JSON.stringify(generated)));
    expect(renderMemberRemediation(generated)).toBe(committedText);
    expect(committedText.startsWith(GENERATED_HEADER)).toBe(true);
  });

  it(`fits a TemplateBody (≤ ${MAX_TEMPLATE_BODY_BYTES} bytes); beyond that the StackSet needs a TemplateURL`, () => {
    expect(Buffer.byteLength(committedText, 'utf8')).toBeLessThanOrEqual(MAX_TEMPLATE_BODY_BYTES);
  });

  it("deploys every rule's remediation document under the name the rule gives, as written", () => {
    const deployed = Object.values(memberRemediation.Resources).filter(
      (r) => r.Type === 'AWS::SSM::Document',
    );
    const named = [...new Set(RULES.map((rule) => rule.metadata.remediation.documentId))].sort();
    expect(deployed.map((r) => r.Properties.Name).sort()).toEqual(named);
    for (const resource of deployed) {
      const doc = documents.find((d) => d.name === resource.Properties.Name);
      expect(resource.Properties).toMatchObject({
        DocumentType: 'Automation',
        DocumentFormat: 'YAML',
        UpdateMethod: 'NewVersion',
      });
      expect(resource.Properties.Content).toEqual(parse(doc?.raw ?? ''));
    }
  });

  it('keeps the break-glass document out (started by hand in the security tooling account only)', () => {
    const names = Object.values(memberRemediation.Resources).map((r) => r.Properties.Name);
    expect(names).not.toContain('RootGuard-OpenBreakGlassWindow');
  });

  it('lets SSM Automation assume the remediation role only for executions of this account', () => {
    expect(remediationRole.RoleName).toEqual({ Ref: 'RemediationRoleName' });
    expect(memberRemediation.Parameters.RemediationRoleName?.Default).toBe('RootGuardRemediationRole');
    expect(trustStatements(remediationRole)).toEqual([
      expect.objectContaining({
        Principal: { Service: 'ssm.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
              'Fn::Sub': 'arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:automation-execution/*',
            },
          },
        },
      }),
    ]);
  });

  it('lets the remediation role invoke exactly the Lambdas the documents name, and publish approval requests', () => {
    expect(actionsOf(remediationRole)).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'lambda:InvokeFunction',
      'sns:Publish',
    ]);
    const invoke = permissionStatements(remediationRole).find((st) => st.Action === 'lambda:InvokeFunction');
    const functions = [
      ...new Set(
        documents.flatMap((d) =>
          [...functionNameParameters(d.content)].map((p) => String(d.content.parameters[p]?.default)),
        ),
      ),
    ];
    expect(functions.every((name) => name.startsWith(FUNCTION_NAME_PREFIX))).toBe(true);
    const arns = asArray(invoke?.Resource).map(subText);
    expect(arns.sort()).toEqual(
      functions
        .flatMap((name) => {
          const arn = `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${SecurityToolingAccountId}:function:\${RemediationFunctionNamePrefix}${name.slice(FUNCTION_NAME_PREFIX.length)}`;
          return [arn, `${arn}:*`];
        })
        .sort(),
    );
    const publish = permissionStatements(remediationRole).find((st) => st.Action === 'sns:Publish');
    expect(publish?.Resource).toEqual({ Ref: 'ApprovalTopicArn' });
  });

  it("uses the approval topic's KMS key through SNS only", () => {
    const kms = permissionStatements(remediationRole).filter((st) =>
      asArray(st.Action).some((a) => String(a).startsWith('kms:')),
    );
    expect(kms).toEqual([
      expect.objectContaining({
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: { Ref: 'ApprovalTopicKeyArn' },
        Condition: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
          StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'sns.${AWS::Region}.${AWS::URLSuffix}' } },
        },
      }),
    ]);
    expect(memberRemediation.Parameters.ApprovalTopicKeyArn).not.toHaveProperty('Default');
  });

  it("takes the approval topic with the pattern of the documents' ApprovalNotificationArn", () => {
    const patterns = new Set(
      documents.flatMap((d) => {
        const p = d.content.parameters.ApprovalNotificationArn?.allowedPattern;
        return p ? [p] : [];
      }),
    );
    expect([...patterns]).toEqual([memberRemediation.Parameters.ApprovalTopicArn?.AllowedPattern]);
    expect(memberRemediation.Parameters.ApprovalTopicArn).not.toHaveProperty('Default');
  });

  it('grants the reader role exactly the SSM reads automation-execution.ts imports, on automation executions', () => {
    expect(reader.RoleName).toEqual({ Ref: 'ExecutionReaderRoleName' });
    expect(memberRemediation.Parameters.ExecutionReaderRoleName?.Default).toBe(
      DEFAULT_EXECUTION_READER_ROLE_NAME,
    );
    expect(actionsOf(reader)).toEqual(
      [
        ...new Set([
          ...commandsImportedBy('remediations/lib/automation-execution.ts'),
          // The version of the document an execution ran (remediations/lib/document-digest.ts).
          ...commandsImportedBy('remediations/lib/document-digest.ts'),
        ]),
      ].sort(),
    );
    expect(permissionStatements(reader)).toEqual([
      expect.objectContaining({
        Resource: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
          'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*',
        },
      }),
      expect.objectContaining({
        Action: 'ssm:GetDocument',
        Resource: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
          'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:document/RootGuard-*',
        },
      }),
    ]);
  });

  it('lets only the remediation Lambdas that check execution records assume the reader role', () => {
    // A remediation checks records when its handler reads them (executionRecordReader, directly, through
    // automation-execution.ts's stepVerifier or through root-credentials-handler.ts's rootCredentialsLambda).
    const checking = remediationFolders().filter((folder) => {
      const handler = join(ROOT, 'remediations', folder, 'handler.ts');
      if (!existsSync(handler)) return false;
      const source = readFileSync(handler, 'utf8');
      return /executionRecordReader|stepVerifier|rootCredentialsLambda/.test(source);
    });
    expect([...RECORD_READING_FOLDERS].sort()).toEqual(checking.sort());
    expect(trustStatements(reader)[0]?.Condition).toEqual({
      ArnEquals: {
        'aws:PrincipalArn': RECORD_READING_FOLDERS.map((folder) => ({
          'Fn::Sub': `${TOOLING_ROLE_PREFIX}\${RemediationRoleNamePrefix}${folder}`,
        })),
      },
    });
  });

  it('keeps sessions to one hour', () => {
    expect(remediationRole.MaxSessionDuration).toBe(3600);
    expect(reader.MaxSessionDuration).toBe(3600);
  });
});
