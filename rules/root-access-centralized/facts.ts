/**
 * The facts file's schema of root-access-centralized's facts (cli/facts-file.ts, `rootguard scan`): strict, so a
 * typo in a saved file is an error with its path, never a wrong verdict. Registered by the generated
 * cli/facts-schemas.generated.ts.
 */
import * as z from 'zod';
import {
  type Assert,
  type Exact,
  isoTime,
  organizationFactsSchema,
  rootCredentialSummarySchema,
} from '../../lib/facts-schema';
import { MAX_ERROR_LENGTH, UNREADABLE_REASONS } from '../../lib/root-access-features';
import type { RootAccessCentralizedFacts } from './evaluate';

export const factsSchema = z.strictObject({
  organization: organizationFactsSchema,
  accountInOrganization: z.boolean(),
  snapshotBuiltAt: isoTime,
  // null: the snapshot predates rootguard's read of the features (never "enabled").
  rootAccessFeatures: z
    .discriminatedUnion('status', [
      z.strictObject({ status: z.literal('READ'), enabledFeatures: z.array(z.string().min(1)) }),
      z.strictObject({
        status: z.literal('UNREADABLE'),
        reason: z.enum(UNREADABLE_REASONS),
        error: z.string().max(MAX_ERROR_LENGTH),
      }),
    ])
    .nullable(),
  rootCredentials: rootCredentialSummarySchema.nullable(),
});

/** Fails to compile when the schema drifts from the Facts interface in evaluate.ts. */
export type FactsSchemaMatchesFacts = Assert<Exact<z.output<typeof factsSchema>, RootAccessCentralizedFacts>>;
