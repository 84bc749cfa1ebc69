/**
 * Reading a Lambda's environment: serverless.yml sets the variables, each Lambda validates them once at cold
 * start against a zod schema and names every bad variable in one error of its own type. zod/mini (lib/zod-mini.ts):
 * the alert Lambda's zip has no room for classic zod; a Lambda whose schema is classic zod passes it just the same
 * (both are zod's core).
 */
import { type $ZodError, type $ZodType, type output, safeParse } from 'zod/v4/core';
import * as z from './zod-mini';

// serverless.yml renders an unset optional parameter as an empty string: treat it as absent.
export const optionalVariable = <T extends $ZodType>(schema: T) =>
  z.pipe(
    z.transform((v: unknown) => (v === '' ? undefined : v)),
    z.optional(schema),
  );

/** `VARIABLE: problem`, one per zod issue. */
export function variableProblems(error: $ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/**
 * The environment as `schema` reads it, or one `Misconfigured` error naming every bad variable:
 * `<what> is misconfigured: VARIABLE: problem; ...`.
 */
export function parseEnvironment<S extends $ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv,
  Misconfigured: new (message: string) => Error,
  what: string,
): output<S> {
  const parsed = safeParse(schema, env);
  if (parsed.success) return parsed.data;
  throw new Misconfigured(`${what} is misconfigured: ${variableProblems(parsed.error).join('; ')}`);
}
