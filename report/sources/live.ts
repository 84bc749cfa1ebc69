/**
 * The live sources' clients, with the tooling account's credentials (the SDK's default chain) and adaptive
 * retries (lib/clients.ts). Loaded only when a live flag is given, so the offline report never loads the SDK.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { resolveRegion } from '../../cli/org-scan-defaults';
import { ClientFactory } from '../../lib/clients';
import type { LedgerRecord } from '../../lib/root-activity-ledger';
import type { ReportAccount, RuleEvaluationRecord } from '../kpi';
import { readAggregatorCompliance } from './aggregator';
import { type LedgerTableReadOptions, readLedgerTable } from './ledger-table';
import { accountsFromOrganization } from './organization';

export interface ReportLiveIo {
  readAggregator: (name: string) => Promise<RuleEvaluationRecord[]>;
  readLedgerTable: (name: string) => Promise<LedgerRecord[]>;
  readOrganization: () => Promise<{ organization: { id: string }; accounts: ReportAccount[] }>;
}

/** Live reads through `clients` (tests hand in a factory pointed at moto_server). */
export function liveIo(clients: ClientFactory, ledgerOptions: LedgerTableReadOptions = {}): ReportLiveIo {
  return {
    readAggregator: (name) => readAggregatorCompliance(clients.client(ConfigServiceClient), name),
    readLedgerTable: (name) =>
      readLedgerTable(DynamoDBDocumentClient.from(clients.client(DynamoDBClient)), name, ledgerOptions),
    readOrganization: () => accountsFromOrganization(clients.client(OrganizationsClient)),
  };
}

export function defaultLiveIo(region: string | undefined): ReportLiveIo {
  return liveIo(new ClientFactory({ region: resolveRegion(region) }));
}
