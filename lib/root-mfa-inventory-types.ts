/**
 * What lib/root-mfa-inventory.ts answers, without the SDK: the rules' pure evaluate and the facts-file schemas
 * (which the offline CLI loads) import these, never the module that opens the root session.
 */
import type { MfaDevice } from './mfa-device';

export const INVENTORY_UNAVAILABLE_REASONS = [
  'audit-role-not-configured',
  'management-account',
  'centralized-root-access-disabled',
  'access-denied',
  'throttled',
] as const;
export type InventoryUnavailableReason = (typeof INVENTORY_UNAVAILABLE_REASONS)[number];

export type RootMfaInventory =
  | { status: 'listed'; devices: MfaDevice[] }
  | {
      status: 'unavailable';
      reason: InventoryUnavailableReason;
      /** What happened, without credentials; short enough for an annotation. */
      detail: string;
      /** What to enable or fix so the devices can be counted. */
      fix: string;
    };
