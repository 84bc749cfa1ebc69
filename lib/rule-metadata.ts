/**
 * The shape of every `rules/<id>/rule.json`, and the parameters every rule accepts on top of its own.
 * rule.json is the single description of a rule: the handler validates parameters against it, the
 * conformance pack, serverless.yml and the Security Hub mapper read it.
 */
import * as z from './zod-mini';

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const EXECUTION_FREQUENCIES = [
  'One_Hour',
  'Three_Hours',
  'Six_Hours',
  'Twelve_Hours',
  'TwentyFour_Hours',
] as const;

export const parameterDefinitionSchema = z.strictObject({
  name: z.string().check(z.regex(/^[A-Z][A-Za-z0-9]{0,63}$/, 'parameter names are PascalCase')),
  type: z.enum(['String', 'Boolean', 'Integer', 'StringList']),
  description: z.string().check(z.minLength(10)),
  default: z.optional(z.string()),
  required: z.optional(z.boolean()),
  /** For String and StringList items: a regular expression every value must match. */
  pattern: z.optional(z.string()),
  minimum: z.optional(z.number().check(z.int())),
  maximum: z.optional(z.number().check(z.int())),
});
export type ParameterDefinition = z.infer<typeof parameterDefinitionSchema>;

export const ruleMetadataSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]{2,62}$/)),
  title: z.string().check(z.minLength(10), z.maxLength(256)),
  description: z.string().check(z.minLength(20)),
  severity: z.enum(SEVERITIES),
  trigger: z.strictObject({
    type: z.literal('Periodic'),
    maximumExecutionFrequency: z.enum(EXECUTION_FREQUENCIES),
  }),
  resourceType: z.literal('AWS::::Account'),
  parameters: z.array(parameterDefinitionSchema),
  remediation: z.strictObject({ documentId: z.string().check(z.regex(/^RootGuard-[A-Za-z]+$/)) }),
});
export type RuleMetadata = z.infer<typeof ruleMetadataSchema>;

const IAM_ROLE_NAME = '^[\\w+=,.@-]{1,64}$';

/** Parameters the shared handler understands for every rule (cross-account execution). */
export const COMMON_PARAMETERS: readonly ParameterDefinition[] = [
  {
    name: 'ExecutionRoleName',
    type: 'String',
    pattern: IAM_ROLE_NAME,
    description:
      'Name of the role the rule assumes in the evaluated account (deployed by the member-account StackSet). Blank: use the Lambda’s own credentials (single-account mode).',
  },
];

/** The rule's own parameters followed by the common ones, as the conformance pack and handler see them. */
export function allParameters(metadata: RuleMetadata): ParameterDefinition[] {
  return [...metadata.parameters, ...COMMON_PARAMETERS];
}

export function loadRuleMetadata(raw: unknown): RuleMetadata {
  return ruleMetadataSchema.parse(raw);
}
