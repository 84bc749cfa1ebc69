/**
 * Reading a Lambda's environment: serverless.yml sets the variables, each Lambda validates them once at cold
 * start against a zod schema and names every bad variable in one error of its own type. Classic zod: only the
 * alert, findings and remediation Lambdas load this, never a rule bundle (lib/zod-mini.ts).
 */
import * as z from 'zod';

// serverless.yml renders an unset optional parameter as an empty string: treat it as absent.
export const optionalVariable = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

// Environment values are always strings: a type error can only mean the variable is not set.
export const requiredVariable = () => z.string({ error: 'is not set' });

/** `VARIABLE: problem`, one per zod issue. */
export function variableProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/**
 * The environment as `schema` reads it, or one `Misconfigured` error naming every bad variable:
 * `<what> is misconfigured: VARIABLE: problem; ...`.
 */
export function parseEnvironment<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv,
  Misconfigured: new (message: string) => Error,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new Misconfigured(`${what} is misconfigured: ${variableProblems(parsed.error).join('; ')}`);
}
