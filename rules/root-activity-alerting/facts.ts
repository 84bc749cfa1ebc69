/**
 * The facts file's schema of root-activity-alerting's facts (cli/facts-file.ts, `rootguard scan`): strict, so a typo
 * in a saved file is an error with its path, never a wrong verdict. Registered by the generated
 * cli/facts-schemas.generated.ts.
 */
import * as z from 'zod';
import type { Assert, Exact } from '../../lib/facts-schema';
import type { RootActivityAlertingFacts } from './evaluate';

const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'expected an AWS Region name');
const count = z.number().int().nonnegative();
export const factsSchema = z.strictObject({
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

/** Fails to compile when the schema drifts from the Facts interface in evaluate.ts. */
export type FactsSchemaMatchesFacts = Assert<Exact<z.output<typeof factsSchema>, RootActivityAlertingFacts>>;
