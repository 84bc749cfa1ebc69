/**
 * Trust is exact (issue 11, part 5): every trust policy and resource policy in serverless.yml and
 * stacksets/*.yaml names the roles it admits by their full name. A `*` or `?` inside a role name of a
 * `Principal` or an `aws:PrincipalArn` condition would let anyone who can create a role of a matching name
 * (in the tooling account, or in any member account) inherit the power. A wildcard account is allowed only
 * where the caller is genuinely any member account, and then only with `aws:PrincipalOrgID` beside it. A
 * `${Parameter}` inside a role name counts as exact only when the parameter's AllowedPattern refuses `*` and
 * `?`. Deny statements (the protection SCP's exemption) are judged in protection-scp.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  conditionValues,
  expandIf,
  type FoundStatement,
  isObject,
  type Json,
  type JsonObject,
  statementsUnder,
  subText,
} from '../helpers/policy-walk';
import { loadServerlessConfig } from '../helpers/serverless-config';

const ROOT = resolve(__dirname, '../..');

interface LoadedTemplate {
  file: string;
  parameters: Record<string, JsonObject>;
  resources: Record<string, Json>;
}

function load(file: string): LoadedTemplate {
  // serverless.yml as osls merges it (its generated rule roles included).
  const text = (
    file === 'serverless.yml' ? loadServerlessConfig() : parse(readFileSync(join(ROOT, file), 'utf8'))
  ) as JsonObject;
  // serverless.yml keeps its CloudFormation under `resources`; the StackSet templates at the top level.
  const cfn = isObject(text.resources) ? text.resources : text;
  return {
    file,
    parameters: (isObject(cfn.Parameters) ? cfn.Parameters : {}) as Record<string, JsonObject>,
    resources: (isObject(cfn.Resources) ? cfn.Resources : {}) as Record<string, Json>,
  };
}

const templates = [
  'serverless.yml',
  ...readdirSync(join(ROOT, 'stacksets'))
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => `stacksets/${file}`),
].map(load);

/** Every principal a statement admits by ARN: `Principal.AWS` and every `aws:PrincipalArn` value. */
function principalArns(statement: JsonObject): string[] {
  const principal = statement.Principal;
  const named = isObject(principal) ? expandIf(principal.AWS) : [];
  return [...named, ...conditionValues(statement, 'aws:PrincipalArn')]
    .map(subText)
    .filter((arn): arn is string => arn !== undefined);
}

const WILDCARD = /[*?]/;
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
const RIDING_PRINCIPAL = 'arn:aws:iam::444444444444:role/${Prefix}delete-root-*';

/**
 * What is wrong with a role ARN's name: a wildcard, or a `${Parameter}` whose AllowedPattern admits one.
 * Pseudo parameters (`${AWS::StackName}`) and osls variables are fixed at deploy time.
 */
function roleNameProblem(arn: string, template: LoadedTemplate): string | undefined {
  const name = arn.split(':role/')[1];
  if (name === undefined) return undefined;
  for (const [, variable = ''] of name.matchAll(/\$\{([^}]+)\}/g)) {
    if (variable.includes(':') || variable.includes('.')) continue;
    const pattern = template.parameters[variable]?.AllowedPattern;
    if (typeof pattern !== 'string') return `parameter ${variable} has no AllowedPattern`;
    const allowed = new RegExp(pattern);
    if (allowed.test('a*') || allowed.test('a?')) return `parameter ${variable} admits a wildcard`;
  }
  const literal = name.replace(/\$\{[^}]+\}/g, '');
  return WILDCARD.test(literal) ? `wildcard in role name ${JSON.stringify(name)}` : undefined;
}

const accountOf = (arn: string) => /:iam::([^:]*):role\//.exec(arn)?.[1] ?? '';

function problems(template: LoadedTemplate): string[] {
  const found: FoundStatement[] = Object.entries(template.resources).flatMap(([id, resource]) =>
    statementsUnder(resource, id),
  );
  return found
    .filter(({ statement }) => statement.Effect === 'Allow')
    .flatMap(({ path, statement }) =>
      principalArns(statement).flatMap((arn) => {
        const issues: string[] = [];
        const nameProblem = roleNameProblem(arn, template);
        if (nameProblem) issues.push(`${path}: ${nameProblem}`);
        const anyAccount = WILDCARD.test(accountOf(arn)) && arn.includes(':role/');
        if (anyAccount && conditionValues(statement, 'aws:PrincipalOrgID').length === 0) {
          issues.push(`${path}: ${arn} admits any account without aws:PrincipalOrgID`);
        }
        return issues;
      }),
    );
}

describe('trust and resource policies name exact role ARNs', () => {
  it('finds the templates and statements that admit roles by ARN', () => {
    const admitting = templates.filter((template) =>
      Object.entries(template.resources)
        .flatMap(([id, resource]) => statementsUnder(resource, id))
        .some(({ statement }) => principalArns(statement).some((arn) => arn.includes(':role/'))),
    );
    expect(admitting.map((t) => t.file)).toEqual(
      expect.arrayContaining([
        'serverless.yml',
        'stacksets/management-account.yaml',
        'stacksets/member-account.yaml',
        'stacksets/member-remediation.yaml',
      ]),
    );
  });

  it.each(templates.map((t) => [t.file, t] as const))(
    'admits no role of %s through a name wildcard, and any account only within the organization',
    (_file, template) => {
      // Prepare: the template as parsed above. Act
      const found = problems(template);
      // Assess
      expect(found).toEqual([]);
    },
  );

  it('catches a trust that rides a role-name wildcard (the attacker creates delete-root-anything)', () => {
    // Prepare: a trust policy as the management account had it before issue 11, part 5.
    const riding: LoadedTemplate = {
      file: 'attacker.yaml',
      parameters: { Prefix: { AllowedPattern: '^[\\w+=,.@-]{1,44}$' } },
      resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: 'arn:aws:iam::444444444444:root' },
                  Action: 'sts:AssumeRole',
                  Condition: {
                    ArnLike: {
                      'aws:PrincipalArn': { 'Fn::Sub': RIDING_PRINCIPAL },
                    },
                  },
                },
              ],
            },
          },
        },
      },
    };
    // Act
    const found = problems(riding);
    // Assess
    expect(found).toEqual([expect.stringContaining('wildcard in role name')]);
  });
});
