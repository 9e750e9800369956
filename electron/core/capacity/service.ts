import type Database from 'better-sqlite3';
import type { Handlers } from '../../shared/contract.ts';
import { StackmeterError } from '../../shared/result.ts';
import { readFabricCapacity } from '../azure/fabric.ts';
import { createHttpClient } from '../azure/http.ts';
import { clientCredential, connectStamp } from '../azure/stamp-client.ts';
import { getStored } from '../cache/connections.ts';
import type { Actor } from '../chargeback/audit-log.ts';
import type { AuditSink } from '../chargeback/audit-sink.ts';
import { exportCapacityReport } from '../exports/capacity-export.ts';
import type { SecretStore } from '../secrets.ts';
import { createRecoveryDraft } from './recovery-draft.ts';
import { buildCapacityReport } from './report.ts';
import { findModel, listModels, saveModel } from './store.ts';

export type CapacityMethod = 'capacity:models' | 'capacity:get' | 'capacity:save' | 'capacity:readCores'
  | 'capacity:report' | 'capacity:recoveryDraft' | 'capacity:export';

export interface CapacityDeps {
  db: Database.Database;
  actor: () => Actor;
  /** Where exports are recorded (the cache's audit log; nowhere in auditor mode). */
  audit: AuditSink;
  exportDir: string;
  secrets: SecretStore;
  env: Record<string, string | undefined>;
}

/**
 * The capacity methods of the contract, for createCore. Reading the cores signs in to the stamp like a sync does (the
 * connection's credential, CA bundle and proxy) and reads its Fabric admin API; nothing of it is saved until the user
 * saves the model.
 */
export function capacityHandlers(deps: CapacityDeps): Pick<Handlers, CapacityMethod> {
  const { db, actor } = deps;

  async function readCores(stamp: string): ReturnType<typeof readFabricCapacity> {
    const conn = getStored(db, stamp);
    if (conn.kind !== 'operator') {
      throw new StackmeterError('INVALID_ARGUMENT', `"${conn.name}" is a tenant connection; only the operator API `
        + '(Microsoft.Fabric.Admin) reports the physical cores. Enter them by hand with a note.');
    }
    if (!conn.providerSubscriptionId) {
      throw new StackmeterError('INVALID_ARGUMENT', `"${conn.name}" has no provider subscription to read the fabric `
        + 'of. Enter the cores by hand with a note.');
    }
    const credential = clientCredential(conn.credentialType,
      deps.secrets.resolve({ ...conn, connection: conn.name }), conn.secretSource);
    const http = createHttpClient({ caPem: conn.caPem, proxy: conn.proxy, env: deps.env });
    try {
      const { arm } = connectStamp(http, conn, credential);
      return await readFabricCapacity(arm, conn.providerSubscriptionId, conn.name, actor().at);
    } finally {
      await http.close();
    }
  }

  return {
    'capacity:models': () => listModels(db),
    'capacity:get': (stamp) => findModel(db, stamp),
    'capacity:save': (model, reason) => saveModel(db, model, reason, actor()),
    'capacity:readCores': readCores,
    'capacity:report': (query) => buildCapacityReport(db, query, actor().at),
    'capacity:recoveryDraft': (query, input) =>
      createRecoveryDraft(db, buildCapacityReport(db, query, actor().at), input, actor()),
    'capacity:export': async (query, format) => {
      const who = actor();
      return exportCapacityReport(buildCapacityReport(db, query, who.at), format,
        { dir: deps.exportDir, actor: who, audit: deps.audit });
    },
  };
}
