/**
 * The facts file's schema of root-deny-scp's facts (cli/facts-file.ts, `rootguard scan`): strict, so a typo
 * in a saved file is an error with its path, never a wrong verdict. Registered by the generated
 * cli/facts-schemas.generated.ts.
 */
import * as z from 'zod';
import { type Assert, type Exact, organizationFactsSchema } from '../../lib/facts-schema';
import type { RootDenyScpFacts } from './evaluate';

export const factsSchema = z.strictObject({
  organization: organizationFactsSchema,
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

/** Fails to compile when the schema drifts from the Facts interface in evaluate.ts. */
export type FactsSchemaMatchesFacts = Assert<Exact<z.output<typeof factsSchema>, RootDenyScpFacts>>;
