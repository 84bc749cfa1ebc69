/**
 * Rule parameters. Config hands them over as the JSON string `ruleParameters`, every value a string
 * (conformance packs drop blank values). They are validated against the definitions in rule.json with zod:
 * an unknown name, a malformed value or a missing required value is an InvalidRuleParametersError that
 * names the parameter, never a silent default.
 */

import { InvalidRuleParametersError } from './errors';
import {
  allParameters,
  COMMON_PARAMETERS,
  type ParameterDefinition,
  type RuleMetadata,
} from './rule-metadata';
import * as z from './zod-mini';

export type ParameterValue = string | number | boolean | string[];
export type RuleParameters = Record<string, ParameterValue | undefined>;

const text = z.pipe(
  z.union([z.string(), z.number(), z.boolean()]),
  z.transform((v) => String(v).trim()),
);

function valueSchema(def: ParameterDefinition): z.ZodMiniType<ParameterValue> {
  const matches = (value: string) => def.pattern === undefined || new RegExp(def.pattern).test(value);
  switch (def.type) {
    case 'Boolean':
      return z.pipe(
        text,
        z.pipe(
          z.string().check(z.regex(/^(true|false)$/i, 'expected true or false')),
          z.transform((v) => v.toLowerCase() === 'true'),
        ),
      );
    case 'Integer': {
      const bounds = [
        ...(def.minimum === undefined ? [] : [z.gte(def.minimum)]),
        ...(def.maximum === undefined ? [] : [z.lte(def.maximum)]),
      ];
      return z.pipe(
        text,
        z.pipe(
          z.pipe(z.string().check(z.regex(/^-?\d+$/, 'expected a whole number')), z.transform(Number)),
          z.number().check(z.int(), ...bounds),
        ),
      );
    }
    case 'StringList':
      return z.pipe(
        text,
        z.pipe(
          z.pipe(
            z.string(),
            z.transform((v) =>
              v
                .split(',')
                .map((item) => item.trim())
                .filter((item) => item.length > 0),
            ),
          ),
          z.array(z.string().check(z.refine(matches, `every item must match ${def.pattern}`))),
        ),
      );
    default:
      return z.pipe(text, z.string().check(z.refine(matches, `must match ${def.pattern}`)));
  }
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * Validates raw parameters (already JSON-parsed) against a rule's definitions plus the common ones,
 * applies defaults and returns typed values. Absent optional parameters are `undefined`.
 */
export function parseRuleParameters(
  metadata: RuleMetadata,
  raw: unknown,
  accountId?: string,
): RuleParameters {
  const fail = (reason: string): never => {
    throw new InvalidRuleParametersError(`Invalid rule parameters for ${metadata.id}: ${reason}`, {
      accountId,
    });
  };
  const input = raw ?? {};
  if (typeof input !== 'object' || Array.isArray(input)) fail('ruleParameters must be a JSON object');

  const definitions = allParameters(metadata);
  const known = new Map(definitions.map((d) => [d.name, d]));
  const entries = Object.entries(input as Record<string, unknown>);
  const unknown = entries.map(([name]) => name).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    fail(`unknown parameter(s) ${unknown.join(', ')}; accepted: ${[...known.keys()].join(', ')}`);
  }

  const result: RuleParameters = {};
  for (const def of definitions) {
    const given = (input as Record<string, unknown>)[def.name];
    const value = isBlank(given) ? def.default : given;
    if (isBlank(value)) {
      if (def.required) fail(`${def.name} is required`);
      result[def.name] = undefined;
      continue;
    }
    const parsed = valueSchema(def).safeParse(value);
    if (!parsed.success) {
      fail(`${def.name}=${JSON.stringify(value)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    } else {
      result[def.name] = parsed.data;
    }
  }
  return result;
}

/**
 * Only the common ExecutionRoleName, read leniently: when a rule's own parameters are invalid the handler
 * still needs the role to report that failure to Config in the evaluated account. A malformed name is ignored.
 */
export function executionRoleNameOf(raw: unknown): string | undefined {
  const value = (raw as Record<string, unknown> | null | undefined)?.ExecutionRoleName;
  const def = COMMON_PARAMETERS.find((p) => p.name === 'ExecutionRoleName');
  if (typeof value !== 'string' || !def?.pattern) return undefined;
  const name = value.trim();
  return new RegExp(def.pattern).test(name) ? name : undefined;
}
