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
 * (compile-time check below), so a typo in a saved file is an error with its path, never a wrong verdict.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { breakGlassWindowSchema } from '../lib/break-glass';
import { ACCOUNT_ID_PATTERN, PARTITIONS, type Partition } from '../lib/partition';
import { RULE_IDS } from '../rules';
import type { RootAccessKeysFacts } from '../rules/root-access-keys/evaluate';
import type { RootActivityAlertingFacts } from '../rules/root-activity-alerting/evaluate';
import type { RootDenyScpFacts } from '../rules/root-deny-scp/evaluate';
import type { RootHardwareMfaFacts } from '../rules/root-hardware-mfa/evaluate';
import type { RootUserIdleFacts } from '../rules/root-user-idle/evaluate';
import { CliError } from './errors';

const accountId = z.string().regex(ACCOUNT_ID_PATTERN, 'expected a 12-digit account id');
const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 date-time' });

// ---- Facts of each rule (keep in step with the Facts interface in rules/<id>/evaluate.ts) ----

const rootCredentialSummarySchema = z.strictObject({
  mfaEnabled: z.boolean(),
  accessKeysPresent: z.boolean(),
  signingCertificatesPresent: z.boolean(),
  passwordPresent: z.boolean().optional(),
});

export const rootHardwareMfaFactsSchema = z.strictObject({
  summary: rootCredentialSummarySchema,
  rootVirtualMfaDevices: z.array(
    z.strictObject({ serialNumber: z.string().min(1), enableDate: isoTime.optional() }),
  ),
});

export const rootAccessKeysFactsSchema = z.strictObject({ summary: rootCredentialSummarySchema });

export const rootDenyScpFactsSchema = z.strictObject({
  organization: z
    .strictObject({
      id: z.string().min(1),
      managementAccountId: accountId,
      featureSet: z.string().min(1),
      scpEnabled: z.boolean(),
    })
    .nullable(),
  accountInOrganization: z.boolean(),
  chain: z.array(
    z.strictObject({
      targetId: z.string().min(1),
      targetType: z.enum(['ACCOUNT', 'ORGANIZATIONAL_UNIT', 'ROOT']),
      policies: z.array(
        // `content` is the policy JSON as text, as DescribePolicy returns it; the rule judges it.
        z.strictObject({ id: z.string().min(1), name: z.string(), content: z.string() }),
      ),
    }),
  ),
});

const credentialReportNote = z.enum(['N/A', 'no_information', 'not_supported']);
export const rootUserIdleFactsSchema = z.strictObject({
  report: z.strictObject({
    generatedAt: isoTime,
    root: z.strictObject({
      passwordEnabled: z.boolean().optional(),
      passwordLastUsed: isoTime.optional(),
      passwordLastUsedNote: credentialReportNote.optional(),
      mfaActive: z.boolean().optional(),
      accessKey1Active: z.boolean().optional(),
      accessKey1LastUsed: isoTime.optional(),
      accessKey1LastUsedNote: credentialReportNote.optional(),
      accessKey2Active: z.boolean().optional(),
      accessKey2LastUsed: isoTime.optional(),
      accessKey2LastUsedNote: credentialReportNote.optional(),
    }),
  }),
  breakGlassWindows: z.array(breakGlassWindowSchema),
  breakGlassWindowsRead: z.boolean(),
});

const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'expected an AWS Region name');
const count = z.number().int().nonnegative();
export const rootActivityAlertingFactsSchema = z.strictObject({
  eventBridge: z.strictObject({
    signInRegion: awsRegion,
    regionsFrom: z.enum(['parameter', 'enabled-regions']),
    // One entry per Region read (its default bus), sorted by Region.
    regions: z.array(
      z.strictObject({
        region: awsRegion,
        rules: z.array(
          z.strictObject({
            name: z.string().min(1),
            arn: z.string(),
            state: z.string().min(1),
            // The pattern's JSON text, as ListRules returns it; the rule evaluates it against real-shaped
            // root events of that Region.
            eventPattern: z.string().min(1),
            // Every target's ARN: the rule checks that the central bus is among them.
            targetArns: z.array(z.string().min(1)),
          }),
        ),
      }),
    ),
  }),
  cloudWatch: z.strictObject({
    region: awsRegion,
    metricFilters: z.array(
      z.strictObject({
        filterName: z.string(),
        logGroupName: z.string(),
        filterPattern: z.string(),
        metricTransformations: z.array(
          z.strictObject({ metricName: z.string(), metricNamespace: z.string() }),
        ),
      }),
    ),
    alarmsByMetric: z.array(
      z.strictObject({
        metricNamespace: z.string(),
        metricName: z.string(),
        alarms: z.array(
          z.strictObject({ alarmName: z.string(), actionsEnabled: z.boolean(), alarmActionCount: count }),
        ),
      }),
    ),
  }),
});

/** Facts schema per rule id. Every rule in rules/index.ts needs one (the contract tests check). */
export const RULE_FACTS_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  'root-hardware-mfa': rootHardwareMfaFactsSchema,
  'root-access-keys': rootAccessKeysFactsSchema,
  'root-deny-scp': rootDenyScpFactsSchema,
  'root-user-idle': rootUserIdleFactsSchema,
  'root-activity-alerting': rootActivityAlertingFactsSchema,
};

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** Fails to compile when a schema above drifts from its rule's Facts interface. */
export type FactsSchemasMatchRules = [
  Assert<Exact<z.output<typeof rootHardwareMfaFactsSchema>, RootHardwareMfaFacts>>,
  Assert<Exact<z.output<typeof rootAccessKeysFactsSchema>, RootAccessKeysFacts>>,
  Assert<Exact<z.output<typeof rootDenyScpFactsSchema>, RootDenyScpFacts>>,
  Assert<Exact<z.output<typeof rootUserIdleFactsSchema>, RootUserIdleFacts>>,
  Assert<Exact<z.output<typeof rootActivityAlertingFactsSchema>, RootActivityAlertingFacts>>,
];

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
        z.never({ error: `rootguard has no facts schema for rule ${id}; add one to cli/facts-file.ts` })
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

export function loadFactsFile(path: string): FactsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new CliError(`Cannot read facts file ${path}: ${reason}`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CliError(`Facts file ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseFactsFile(data, path);
}
