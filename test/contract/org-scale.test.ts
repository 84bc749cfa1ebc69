/**
 * Nothing in the rollout grows with the organization (README, "Rollout into an organization";
 * ARCHITECTURE.md, "Deployment topology").
 *
 * What a rollout deploys is rendered for an organization of 5 accounts and for one of 5,000 (same organization,
 * root, management and tooling account; only the member accounts differ): the packaged central template
 * (`osls package`, offline), each function's resource policy as Lambda holds it, every StackSet with the template
 * and parameters README passes it, its deployment targets, and the conformance pack with its parameters. The two
 * renderings must be identical and within AWS's limits; no command of README's rollout may name or iterate over
 * accounts; and each of the 5,000 accounts, plus one that joins afterwards, must be admitted by the one Config grant
 * and by the membership guard with nothing rendered changing, while an account outside the organization is refused.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'yaml';
import { buildOrgSnapshot } from '../../lib/org-snapshot';
import { CachingOrgSnapshotReader } from '../../lib/org-snapshot-store';
import { checkMembership } from '../../lib/rule-handler';
import { RULE_IDS } from '../../rules';
import { MANAGEMENT_ACCOUNT, ORG_ID, ORG_ROOT_ID, SECURITY_TOOLING_ACCOUNT } from '../helpers/constants';
import { FakeOrganization, installFakeOrganizations } from '../helpers/fake-organizations';
import { inProcessBuilder, MemoryLease, MemorySnapshotStore } from '../helpers/org-snapshot';
import { packagedService } from '../helpers/packaged-service';

const ROOT = resolve(__dirname, '../..');
const REGION = 'us-east-1';
const STAGE = 'orgscale';
const OUTSIDER = '999999999999';

/** AWS limits the rendering must stay within. */
const LAMBDA_POLICY_BYTES = 20_480;
const TEMPLATE_BODY_BYTES = 51_200;
const PACK_PARAMETERS = 60;
const STACK_PARAMETERS = 200;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

interface Organization {
  id: string;
  rootId: string;
  managementAccountId: string;
  toolingAccountId: string;
  members: string[];
}

function organizationOf(size: number): Organization {
  const members = Array.from({ length: size }, (_, i) => String(500_000_000_000 + i));
  return {
    id: ORG_ID,
    rootId: ORG_ROOT_ID,
    managementAccountId: MANAGEMENT_ACCOUNT,
    toolingAccountId: SECURITY_TOOLING_ACCOUNT,
    members,
  };
}

/** The central stack as CloudFormation receives it: `osls package`, offline and without credentials. */
async function packageCentralStack(): Promise<JsonObject> {
  const out = await packagedService(STAGE);
  return JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
}

/** The shell commands of a markdown section, continuation lines joined. */
function commandsIn(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(heading);
  if (start < 0) throw new Error(`no section ${heading}`);
  const next = markdown.indexOf('\n## ', start + heading.length);
  const section = markdown.slice(start, next < 0 ? undefined : next);
  const blocks = [...section.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line.length > 0),
  );
}

const README_ROLLOUT = commandsIn(
  readFileSync(join(ROOT, 'README.md'), 'utf8'),
  '## Rollout into an organization',
);
const PACK_ROLLOUT = commandsIn(
  readFileSync(join(ROOT, 'conformance-packs/README.md'), 'utf8'),
  '## Rollout into an organization',
);

/** `--parameters ParameterKey=K,ParameterValue=V ...` or `--parameter-overrides K=V ...` of one command. */
function parametersOf(command: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of command.matchAll(/ParameterKey=([\w]+),ParameterValue=(\S+)/g))
    found[m[1] ?? ''] = m[2] ?? '';
  for (const m of command.matchAll(/ParameterName=([\w]+),ParameterValue=(\S+)/g))
    found[m[1] ?? ''] = m[2] ?? '';
  const overrides = /--parameter-overrides\s+(.*)$/.exec(command)?.[1] ?? '';
  for (const m of overrides.matchAll(/(?:^|\s)([A-Za-z]\w*)=(\S+)/g)) found[m[1] ?? ''] = m[2] ?? '';
  return found;
}

/** README's example ids replaced by the organization's own: what a user of that organization runs. */
function forOrganization(text: string, org: Organization): string {
  return text
    .replaceAll('111111111111', org.managementAccountId)
    .replaceAll('444444444444', org.toolingAccountId)
    .replaceAll('o-abcdefghij', org.id)
    .replaceAll('r-ab12', org.rootId);
}

/** Lambda's resource policy of one function, from the AWS::Lambda::Permission resources that name it. */
function functionPolicy(template: JsonObject, functionId: string, org: Organization): JsonObject {
  // Built as JSON values so the policy is exactly what would be serialised.
  const resources = template.Resources as Record<string, JsonObject>;
  const functionArn = `arn:aws:lambda:${REGION}:${org.toolingAccountId}:function:${functionId}`;
  const statements = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Permission')
    .map(([sid, r]) => ({ sid, p: r.Properties as JsonObject }))
    .filter(
      ({ p }) => JSON.stringify(p.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [functionId, 'Arn'] }),
    )
    .map(({ sid, p }): JsonObject => {
      const principal = String(p.Principal);
      const condition: JsonObject = {};
      if (p.SourceAccount !== undefined) condition.StringEquals = { 'AWS:SourceAccount': p.SourceAccount };
      if (p.SourceArn !== undefined) condition.ArnLike = { 'AWS:SourceArn': p.SourceArn };
      if (p.PrincipalOrgID !== undefined) condition.StringEquals = { 'aws:PrincipalOrgID': org.id };
      return {
        Sid: sid,
        Effect: 'Allow',
        Principal: principal.includes('.') ? { Service: principal } : { AWS: principal },
        Action: p.Action ?? null,
        Resource: functionArn,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      };
    });
  return { Version: '2012-10-17', Id: 'default', Statement: statements };
}

interface Rendering {
  centralTemplateBytes: number;
  functionPolicies: Record<string, JsonObject>;
  stackSets: Array<{ name: string; templateBytes: number; parameters: Record<string, string> }>;
  deploymentTargets: string[];
  pack: { templateBytes: number; parameterCount: number; parameters: Record<string, string> };
}

function render(template: JsonObject, org: Organization): Rendering {
  const resources = template.Resources as Record<string, JsonObject>;
  const functionIds = Object.keys(resources).filter((id) => resources[id]?.Type === 'AWS::Lambda::Function');
  const commands = README_ROLLOUT.map((command) => forOrganization(command, org));
  const stackSets = commands
    .filter((command) => command.includes('create-stack-set '))
    .map((command) => {
      const file = /--template-body file:\/\/(\S+)/.exec(command)?.[1] ?? '?';
      return {
        name: /--stack-set-name (\S+)/.exec(command)?.[1] ?? '?',
        templateBytes: Buffer.byteLength(readFileSync(join(ROOT, file), 'utf8')),
        parameters: parametersOf(command),
      };
    });
  const packCommand = PACK_ROLLOUT.map((command) => forOrganization(command, org)).find((command) =>
    command.includes('put-organization-conformance-pack'),
  );
  const packFile = /--template-body file:\/\/(\S+)/.exec(packCommand ?? '')?.[1] ?? '?';
  const packText = readFileSync(join(ROOT, packFile), 'utf8');
  return {
    centralTemplateBytes: Buffer.byteLength(JSON.stringify(template)),
    functionPolicies: Object.fromEntries(functionIds.map((id) => [id, functionPolicy(template, id, org)])),
    stackSets,
    deploymentTargets: commands
      .filter((command) => command.includes('--deployment-targets'))
      .map((command) => /--deployment-targets (\S+)/.exec(command)?.[1] ?? '?'),
    pack: {
      templateBytes: Buffer.byteLength(packFile.startsWith('conformance-packs/') ? packText : ''),
      parameterCount: Object.keys((parse(packText) as { Parameters?: JsonObject }).Parameters ?? {}).length,
      parameters: parametersOf(packCommand ?? ''),
    },
  };
}

/** Does a resource policy let Config invoke the function for a rule in `account`? (Only what the grants use.) */
function allowsConfigFrom(policy: JsonObject, account: string): boolean {
  const statements = (policy.Statement as JsonObject[]) ?? [];
  return statements.some((statement) => {
    const principal = statement.Principal;
    if (!isObject(principal) || principal.Service !== 'config.amazonaws.com') return false;
    const condition = statement.Condition;
    if (condition === undefined) return true;
    const sourceAccount = isObject(condition) && isObject(condition.StringEquals) && condition.StringEquals;
    return sourceAccount !== false && sourceAccount['AWS:SourceAccount'] === account;
  });
}

const configEventFor = (account: string) => ({
  accountId: account,
  executionRoleArn: `arn:aws:iam::${account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
  configRuleArn: `arn:aws:config:${REGION}:${account}:config-rule/aws-service-rule/config-conforms.amazonaws.com/config-rule-abcdef`,
});

describe('the organization rollout at 5 and at 5,000 accounts', () => {
  let template: JsonObject;
  const small = organizationOf(5);
  const large = organizationOf(5_000);

  beforeAll(async () => {
    template = await packageCentralStack();
  }, 180_000);

  it('renders the same templates, policies, parameters and targets for 5 and for 5,000 accounts', () => {
    expect(render(template, large)).toEqual(render(template, small));
  });

  it('keeps every function policy, template and parameter list within its AWS limit', () => {
    const rendering = render(template, large);
    const oversized = Object.entries(rendering.functionPolicies)
      .map(([functionId, policy]) => [functionId, Buffer.byteLength(JSON.stringify(policy))] as const)
      .filter(([, bytes]) => bytes > LAMBDA_POLICY_BYTES);
    expect(Object.keys(rendering.functionPolicies).length).toBeGreaterThan(RULE_IDS.length);
    expect(oversized).toEqual([]);
    for (const stackSet of rendering.stackSets) {
      expect(stackSet.templateBytes).toBeLessThanOrEqual(TEMPLATE_BODY_BYTES);
      expect(Object.keys(stackSet.parameters).length).toBeLessThanOrEqual(STACK_PARAMETERS);
    }
    expect(rendering.pack.templateBytes).toBeLessThanOrEqual(TEMPLATE_BODY_BYTES);
    expect(rendering.pack.parameterCount).toBeLessThanOrEqual(PACK_PARAMETERS);
  });

  it('gives each rule function exactly one Config grant, whatever the number of accounts', () => {
    const rendering = render(template, large);
    const ruleFunctions = Object.entries(rendering.functionPolicies).filter(([, policy]) =>
      JSON.stringify(policy).includes('config.amazonaws.com'),
    );
    expect(ruleFunctions).toHaveLength(RULE_IDS.length);
    for (const [, policy] of ruleFunctions) {
      const configStatements = (policy.Statement as JsonObject[]).filter(
        (s) => isObject(s.Principal) && s.Principal.Service === 'config.amazonaws.com',
      );
      expect(configStatements).toHaveLength(1);
      for (const account of large.members) expect(allowsConfigFrom(policy, account)).toBe(true);
    }
  });

  it('deploys every StackSet to OUs or the organization root, never to a list of accounts', () => {
    const { deploymentTargets, stackSets } = render(template, large);
    expect(stackSets.length).toBeGreaterThanOrEqual(2);
    expect(deploymentTargets.length).toBeGreaterThanOrEqual(stackSets.length);
    for (const target of deploymentTargets) {
      expect(target).toMatch(
        /^OrganizationalUnitIds=(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})(,|$)/,
      );
    }
  });

  it('has no rollout command that names or iterates over member accounts', () => {
    for (const command of [...README_ROLLOUT, ...PACK_ROLLOUT]) {
      expect(command).not.toMatch(/--source-account|list-accounts|<member>|<account>|add-permission/);
      const loop = /^for (\w+) in (.*); do/.exec(command);
      // A loop is allowed over Regions (once per Region), never over accounts.
      if (loop) expect(loop[2]).toMatch(/list-regions|\$REGIONS/);
    }
  });

  it('admits every account of the organization, and one that joins later, with nothing re-rendered', async () => {
    // Prepare: the 5,000-account organization behind the snapshot, and its rendering before anyone joins.
    const organizations = mockClient(OrganizationsClient);
    const fake = new FakeOrganization(
      { id: large.id, managementAccountId: large.managementAccountId, featureSet: 'ALL', scpEnabled: true },
      large.rootId,
    );
    const ous = Array.from({ length: 50 }, (_, i) =>
      fake.addOu(`ou-ab12-${String(i).padStart(8, '0')}`, large.rootId),
    );
    for (const [i, account] of large.members.entries())
      fake.addAccount(account, ous[i % ous.length] ?? large.rootId);
    installFakeOrganizations(organizations, fake);
    const client = new OrganizationsClient({ region: REGION });
    const before = render(template, large);
    // The first snapshot is an hour old when the new account's Config first invokes (the builder stamps real time).
    let clock = Date.now() - 60 * 60_000;
    const store = new MemorySnapshotStore();
    const builder = inProcessBuilder({
      store,
      lease: new MemoryLease(),
      organizations: client,
      retryDelayMs: 1,
    });
    await store.put(await buildOrgSnapshot(client, { now: () => new Date(clock) }));
    const reader = new CachingOrgSnapshotReader({
      store,
      requestRebuild: async (requestedAt, reason) => {
        await builder.trigger(requestedAt, reason);
        await builder.settled();
      },
      now: () => new Date(clock),
      sleep: async (ms) => {
        clock += ms;
      },
    });

    // Act: every member's Config invokes; an hour later an account joins and its Config invokes too.
    const verdicts = [];
    for (const account of large.members) {
      verdicts.push(
        (await checkMembership(configEventFor(account), SECURITY_TOOLING_ACCOUNT, () => reader)).accepted,
      );
    }
    const joiner = '600000000000';
    fake.addAccount(joiner, large.rootId);
    clock = Date.now();
    const joined = await checkMembership(configEventFor(joiner), SECURITY_TOOLING_ACCOUNT, () => reader);
    const outsider = await checkMembership(configEventFor(OUTSIDER), SECURITY_TOOLING_ACCOUNT, () => reader);

    // Assess
    expect(verdicts.every(Boolean)).toBe(true);
    expect(joined.accepted).toBe(true);
    expect(outsider).toMatchObject({ accepted: false, account: OUTSIDER });
    expect(render(template, { ...large, members: [...large.members, joiner] })).toEqual(before);
    organizations.restore();
  }, 60_000);
});
