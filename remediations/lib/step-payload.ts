/**
 * zod building blocks for the Payload an `aws:invokeLambdaFunction` step sends. SSM substitutes `{{ Param }}`
 * inside the Payload string, so every value arrives as a JSON string ("90", "true") whatever the parameter
 * type: these fields accept that form and turn it into the typed value. Only values whose allowedPattern
 * excludes `"` and `\` may be substituted into a Payload; free text (a reason) would break the JSON and is
 * read from the execution record instead (automation-execution.ts).
 */
import * as z from 'zod';
import { ACCOUNT_ID_PATTERN } from '../../lib/partition';
import { InvalidStepPayloadError } from './errors';

/** Automation execution ids are UUIDs, e.g. `4105a4fc-f944-11e6-9d32-0123456789ab`. */
export const EXECUTION_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const accountIdField = z.string().regex(ACCOUNT_ID_PATTERN, 'expected a 12-digit AWS account id');

export const executionIdField = z
  .string()
  .regex(EXECUTION_ID_PATTERN, 'expected an Automation execution id (pass {{automation:EXECUTION_ID}})');

/** An integer in [min, max], given as a JSON number or as the decimal string SSM substitutes. */
export function integerField(min: number, max: number) {
  return z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,9}$/, 'expected a whole number')
        .transform(Number),
    ])
    .pipe(
      z
        .number()
        .int('expected a whole number')
        .min(min, `expected at least ${min}`)
        .max(max, `expected at most ${max}`),
    );
}

/** The DryRun convention: a String parameter limited to `true`/`false` (or a JSON boolean). */
export const booleanField = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/**
 * Parses a step payload; on failure throws InvalidStepPayloadError naming every bad field (path and rule,
 * never the value: payloads can carry text an operator typed).
 */
export function parseStepPayload<S extends z.ZodType>(
  schema: S,
  payload: unknown,
  step: string,
): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(payload)',
    message: i.message,
  }));
  const listed = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new InvalidStepPayloadError(`${step}: the step payload is invalid (${listed})`, {
    issues,
    cause: parsed.error,
  });
}
