/**
 * The shape of every `rules/<id>/deploy.json`: what deploying the rule needs, next to the rule (issue 12, part 1).
 * Read only by the generators (deploy/generate-rules.ts, stacksets/generate-member-account.ts), never by a Lambda:
 * kept out of lib/rule-metadata.ts, which every rule bundle loads with zod/mini, so classic zod stays out of them.
 */
import * as z from 'zod';

/** A CloudFormation value: long-form intrinsics only (plain YAML parsers read the generated templates). */
type CfnValue = null | boolean | number | string | CfnValue[] | { [key: string]: CfnValue };
const cfnValueSchema: z.ZodType<CfnValue> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(cfnValueSchema),
    z.record(z.string(), cfnValueSchema),
  ]),
);

const iamStatementSchema = z
  .object({
    Sid: z.string().regex(/^[A-Za-z0-9]+$/),
    /** Why the statement is there, or why its Resource is as wide as it is: a comment in the generated YAML. */
    Why: z.string().optional(),
    Action: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/, 'no wildcard actions')).min(1),
    Resource: cfnValueSchema,
    Condition: cfnValueSchema.optional(),
  })
  .strict();
export type IamStatementDeclaration = z.infer<typeof iamStatementSchema>;

/**
 * A statement of the rule's own role: may name a stack condition (`OnlyIf`) it is granted under, e.g. a role
 * ARN parameter that may be blank. Not for accountReads, which the member template renders without conditions.
 */
const stackStatementSchema = iamStatementSchema
  .extend({
    OnlyIf: z
      .string()
      .regex(/^[A-Za-z0-9]+$/)
      .optional(),
  })
  .strict();
export type StackStatementDeclaration = z.infer<typeof stackStatementSchema>;

export const ruleDeploymentSchema = z
  .object({
    function: z
      .object({
        /** After "rootguard <id>: " in the Lambda's description. */
        summary: z.string().min(10).max(200),
        /** Why the settings differ from the provider's: a comment in the generated YAML. */
        Why: z.string().optional(),
        /** Seconds; the provider default (serverless.yml) otherwise. */
        timeout: z.number().int().min(1).max(900).optional(),
        memorySize: z.number().int().min(128).max(10240).optional(),
        /** Variables on top of the organization snapshot's, which every rule function gets. */
        environment: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), cfnValueSchema).default({}),
      })
      .strict(),
    /**
     * What the rule reads in the account it evaluates: granted to its own role (single-account mode, which reads
     * its own account) and to the member accounts' execution role (stacksets/member-account.yaml). Statements of
     * different rules with the same Sid are merged there, so one Sid must keep one Resource.
     */
    accountReads: z.array(iamStatementSchema),
    /** What the rule's own role needs of the central stack in either mode (e.g. the break-glass table). */
    stackAccess: z.array(stackStatementSchema).default([]),
    /**
     * The central stack's parameter for each of the rule's parameters (rule.json), without Type and Default
     * (String, and the osls param of the same name). `unsetWhenBlank` adds the Has<Name> condition.
     */
    stackParameters: z
      .record(
        z.string(),
        z
          .object({
            Description: z.string().min(10),
            AllowedPattern: z.string().optional(),
            AllowedValues: z.array(z.string()).optional(),
            unsetWhenBlank: z.boolean().default(false),
          })
          .strict(),
      )
      .default({}),
    /** The Config rule's InputParameters besides ExecutionRoleName, which every rule gets. */
    configRuleInputs: z.record(z.string(), cfnValueSchema).default({}),
  })
  .strict();
export type RuleDeployment = z.infer<typeof ruleDeploymentSchema>;

export function loadRuleDeployment(raw: unknown): RuleDeployment {
  return ruleDeploymentSchema.parse(raw);
}
