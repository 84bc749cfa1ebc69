/**
 * The facts file: an organization's saved facts, one entry per account and rule, evaluated offline by
 * `rootguard scan` with the same pure evaluate functions the Lambdas use (examples/sample-org.json).
 *
 * {
 *   "organization": { "id": "o-…", "managementAccountId": "…", "rootId"?: "r-…", "name"?: "…" },
 *   "evaluationTime": "2026-11-20T06:00:00Z",            // "now" for the evaluations (Config's notification time)
 *   "accounts": [{ "accountId", "name", "ouPath": "Root/Workloads/Prod", "partition"?: "aws",
 *                  "facts": { "<rule-id>": <that rule's Facts, exactly as collect returns them> } }],
 *   "ruleParameters"?: { "<rule-id>": { "<Name>": "<value as Config passes it>" } }
 * }
 *
 * Every rule's facts are checked against a strict schema that must match the rule's Facts interface
 * (compile-time check in each rules/<id>/facts.ts), so a typo in a saved file is an error with its path, never a
 * wrong verdict.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { accountId, isoTime } from '../lib/facts-schema';
import { PARTITIONS, type Partition } from '../lib/partition';
import { RULE_IDS } from '../rules';
import { CliError } from './errors';
import { RULE_FACTS_SCHEMAS } from './facts-schemas.generated';

// ---- Facts of each rule: rules/<id>/facts.ts, registered by the generated cli/facts-schemas.generated.ts ----

export { RULE_FACTS_SCHEMAS };

// ---- The file ----

const unknownRuleIds = (what: string) => (issue: { code?: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys'
    ? `unknown rule id(s) in ${what}: ${(issue.keys ?? []).join(', ')}; known rules: ${RULE_IDS.join(', ')}`
    : undefined;

const accountFactsSchema = z.strictObject(
  Object.fromEntries(
    RULE_IDS.map((id) => [
      id,
      (
        RULE_FACTS_SCHEMAS[id] ??
        z.never({
          error: `rootguard has no facts schema for rule ${id}; add rules/${id}/facts.ts and run npm run generate`,
        })
      ).optional(),
    ]),
  ),
  { error: unknownRuleIds('facts') },
);

const ruleParametersSchema = z.strictObject(
  Object.fromEntries(RULE_IDS.map((id) => [id, z.record(z.string(), z.unknown()).optional()])),
  { error: unknownRuleIds('ruleParameters') },
);

export const factsFileSchema = z
  .strictObject({
    description: z.string().optional(),
    organization: z.strictObject({
      id: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'expected an organization id (o-…)'),
      managementAccountId: accountId,
      rootId: z
        .string()
        .regex(/^r-[0-9a-z]{4,32}$/, 'expected an organization root id (r-…)')
        .optional(),
      name: z.string().optional(),
    }),
    evaluationTime: isoTime,
    accounts: z
      .array(
        z.strictObject({
          accountId,
          name: z.string().min(1),
          ouPath: z.string().min(1),
          partition: z.enum(PARTITIONS).optional(),
          facts: accountFactsSchema,
        }),
      )
      .min(1, 'expected at least one account'),
    ruleParameters: ruleParametersSchema.optional(),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.accounts.forEach((account, index) => {
      const first = seen.get(account.accountId);
      if (first === undefined) seen.set(account.accountId, index);
      else
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', index, 'accountId'],
          message: `duplicate account id ${account.accountId} (also accounts.${first})`,
        });
    });
  });

export interface FactsFileAccount {
  accountId: string;
  name: string;
  ouPath: string;
  partition?: Partition;
  /** Rule id → that rule's facts (already checked against its schema). */
  facts: Record<string, unknown>;
}

export interface FactsFile {
  description?: string;
  organization: { id: string; managementAccountId: string; rootId?: string; name?: string };
  evaluationTime: string;
  accounts: FactsFileAccount[];
  ruleParameters?: Record<string, Record<string, unknown> | undefined>;
}

function describeIssues(error: z.ZodError, data: unknown): string {
  const accounts = (data as { accounts?: unknown } | null)?.accounts;
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.') || '(root)';
      let where = '';
      if (issue.path[0] === 'accounts' && typeof issue.path[1] === 'number' && Array.isArray(accounts)) {
        const id = (accounts[issue.path[1]] as { accountId?: unknown } | undefined)?.accountId;
        if (typeof id === 'string') where = ` (account ${id})`;
      }
      return `  - ${path}${where}: ${issue.message}`;
    })
    .join('\n');
}

/** Validates already-parsed facts; `source` names the file in error messages. */
export function parseFactsFile(data: unknown, source: string): FactsFile {
  const parsed = factsFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new CliError(`Invalid facts file ${source}:\n${describeIssues(parsed.error, data)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data as FactsFile;
}

/** The text of a file the user named; a file that cannot be read is a CliError naming `what` and why. */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new CliError(`Cannot read ${what} ${path}: ${reason}`, { cause: error });
  }
}

/** A facts file's JSON, not yet validated (`scan --facts` and `custody diff --facts` each check what they read). */
export function readFactsJson(path: string): unknown {
  const text = readText(path, 'facts file');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`Facts file ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export function loadFactsFile(path: string): FactsFile {
  return parseFactsFile(readFactsJson(path), path);
}
