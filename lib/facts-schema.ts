/**
 * What the per-rule facts schemas (rules/<id>/facts.ts) share: the account id and time formats of the facts file
 * and the root credential summary two rules read, plus the compile-time check that a schema matches its Facts.
 */
import * as z from 'zod';
import { ACCOUNT_ID_PATTERN } from './partition';

export const accountId = z.string().regex(ACCOUNT_ID_PATTERN, 'expected a 12-digit account id');
export const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 date-time' });

export const rootCredentialSummarySchema = z.strictObject({
  mfaEnabled: z.boolean(),
  accessKeysPresent: z.boolean(),
  signingCertificatesPresent: z.boolean(),
  passwordPresent: z.boolean().optional(),
});

export type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type Assert<T extends true> = T;
