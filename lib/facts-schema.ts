/**
 * What the per-rule facts schemas (rules/<id>/facts.ts) share: the account id and time formats of the facts file,
 * the organization and the root credentials (summary, virtual devices, MFA inventory) several rules read, plus the
 * compile-time check that a schema matches its Facts.
 */
import * as z from 'zod';
import { MFA_DEVICE_KINDS } from './mfa-device';
import { ACCOUNT_ID_PATTERN } from './partition';
import { INVENTORY_UNAVAILABLE_REASONS } from './root-mfa-inventory-types';

export const accountId = z.string().regex(ACCOUNT_ID_PATTERN, 'expected a 12-digit account id');
export const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 date-time' });

export const rootCredentialSummarySchema = z.strictObject({
  mfaEnabled: z.boolean(),
  accessKeysPresent: z.boolean(),
  signingCertificatesPresent: z.boolean(),
  passwordPresent: z.boolean().optional(),
});

/** The organization as the snapshot records it (lib/org-tree.ts OrganizationFacts); null outside one. */
export const organizationFactsSchema = z
  .strictObject({
    id: z.string().min(1),
    managementAccountId: accountId,
    featureSet: z.string().min(1),
    scpEnabled: z.boolean(),
  })
  .nullable();

/** Root's virtual MFA devices as the account's own IAM lists them (lib/root-credentials.ts RootVirtualMfaDevice). */
export const rootVirtualMfaDevicesSchema = z.array(
  z.strictObject({ serialNumber: z.string().min(1), enableDate: isoTime.optional() }),
);

/** A root MFA device as the inventory lists it, and the inventory (lib/root-mfa-inventory-types.ts). */
export const mfaDeviceSchema = z.strictObject({
  serialNumber: z.string().min(1),
  kind: z.enum(MFA_DEVICE_KINDS),
  enableDate: isoTime.optional(),
});

export const rootMfaInventorySchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('listed'), devices: z.array(mfaDeviceSchema).max(8) }),
  z.strictObject({
    status: z.literal('unavailable'),
    reason: z.enum(INVENTORY_UNAVAILABLE_REASONS),
    detail: z.string().min(1),
    fix: z.string().min(1),
  }),
]);

export type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type Assert<T extends true> = T;
