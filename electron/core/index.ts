import { EventEmitter } from 'node:events';
import type { EventName, StackmeterEvents } from '../shared/contract.ts';
import type { ConnectionInput, ConnectionRow } from '../shared/domain.ts';
import { StackmeterError } from '../shared/result.ts';
import { checkProxySetting, createHttpClient } from './azure/http.ts';
import { discoverEndpoints } from './azure/metadata.ts';
import { clientCredential, connectStamp } from './azure/stamp-client.ts';
import { findProviderSubscription, tenantSubscriptionScope } from './azure/subscriptions.ts';
import { missingTenantError } from './azure/token.ts';
import * as connections from './cache/connections.ts';
import * as meterOverrides from './cache/meter-overrides.ts';
import { openCache } from './cache/open.ts';
import { getOverview, listMeters } from './cache/queries.ts';
import * as syncRuns from './cache/sync-runs.ts';
import { createUsageWriter } from './cache/usage-writer.ts';
import { getCompleteness } from './explore/completeness.ts';
import { exploreUsage } from './explore/explore.ts';
import { listUsageRecords } from './explore/records.ts';
import { importPageFiles } from './exports/import-pages.ts';
import { defaultExportDir, exportUsage } from './exports/usage-export.ts';
import { getMeterDetail, getMeterSeries } from './meters/detail.ts';
import { getResourceDetail } from './resources/resource-detail.ts';
import { SecretStore } from './secrets.ts';
import { createSyncManager } from './sync/manager.ts';
import type { Clock, Core, CoreOptions, Logger } from './types.ts';
import { version } from './version.ts';

const systemClock: Clock = { now: () => new Date() };

/** Logs to stderr as one JSON object per line; never given secrets. */
const stderrLogger: Logger = {
  info: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'info', message, ...fields })}\n`),
  warn: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...fields })}\n`),
  error: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'error', message, ...fields })}\n`),
};

/**
 * Creates the domain core on one cache file. Everything the console, the CLI and the desktop app do goes through the
 * object returned here; it holds the only database handle and the only copies of session secrets.
 */
export function createCore(options: CoreOptions): Core {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? stderrLogger;
  const db = openCache(options.dbPath);
  const writer = createUsageWriter(db);
  const env = options.env ?? process.env;
  const secrets = new SecretStore({ env, protector: options.secretProtector });
  const events = new EventEmitter();
  const exportDir = options.exportDir ?? defaultExportDir(options.dbPath);

  const emit = <E extends EventName>(event: E, payload: StackmeterEvents[E]): void => {
    events.emit(event, payload);
  };

  const syncs = createSyncManager({
    db,
    writer,
    clock,
    log,
    emit,
    options: options.sync,
    openStamp(conn) {
      // Read the credential now, so that a missing variable or an unreadable file fails the call, not a run.
      const credential = clientCredential(conn.credentialType, secrets.resolve({ ...conn, connection: conn.name }), conn.secretSource);
      const http = createHttpClient({ caPem: conn.caPem, proxy: conn.proxy, env });
      try {
        return { http, tokens: connectStamp(http, conn, credential).tokens };
      } catch (err) {
        void http.close();
        throw err;
      }
    },
  });

  /**
   * Adds a stamp: reads the credential from its source, discovers the sign-in from the ARM metadata, signs in (so that a
   * wrong credential, tenant or CA is reported while the user is still at the form), finds what to read, and stores
   * the connection with where its credential lives (never the credential in plain text).
   */
  async function addConnection(input: ConnectionInput): Promise<ConnectionRow> {
    if (connections.findByName(db, input.name)) {
      throw new StackmeterError('CONFLICT', `A stamp named "${input.name}" already exists; choose another name or remove it first.`);
    }
    const kind = input.kind ?? 'operator';
    const proxy = input.proxy ? checkProxySetting(input.proxy) : null;
    const credential = secrets.accept(input.name, input.credential);
    const http = createHttpClient({ caPem: input.caPem, proxy, env });
    try {
      const endpoints = await discoverEndpoints(http, input.armEndpoint);
      if (endpoints.authType === 'entra' && !input.tenantId) throw missingTenantError(endpoints);
      const tenantId = endpoints.authType === 'entra' ? input.tenantId ?? null : null;
      const { tokens, arm } = connectStamp(
        http,
        { ...endpoints, tenantId, clientId: input.clientId },
        clientCredential(input.credential.type, credential.value, credential.secretSource),
      );
      await tokens.get();
      const providerSubscriptionId = kind === 'operator'
        ? input.subscriptionId?.toLowerCase() ?? (await findProviderSubscription(arm))
        : await tenantSubscriptionScope(arm, input.subscriptionId);
      connections.insert(db, {
        name: input.name,
        armEndpoint: endpoints.armEndpoint,
        kind,
        authType: endpoints.authType,
        loginEndpoint: endpoints.loginEndpoint,
        audience: endpoints.audience,
        tenantId,
        clientId: input.clientId,
        credentialType: input.credential.type,
        secretSource: credential.secretSource,
        secretBlob: credential.secretBlob,
        caPem: input.caPem ?? null,
        proxy,
        providerSubscriptionId,
        createdAt: clock.now().toISOString(),
      });
      log.info('connection added', {
        connection: input.name, armEndpoint: endpoints.armEndpoint, kind, authType: endpoints.authType,
        credential: `${input.credential.type} from ${credential.secretSource}`, proxy,
      });
      return connections.getByName(db, input.name);
    } catch (err) {
      secrets.forget(input.name);
      throw err;
    } finally {
      await http.close();
    }
  }

  return {
    'app:info': () => ({ version, dbPath: options.dbPath, canProtectSecrets: secrets.canProtect }),
    'connections:list': () => connections.list(db),
    'connections:add': addConnection,
    'connections:remove': (name) => {
      const conn = connections.getStored(db, name);
      if (syncs.isSyncing(conn.id)) {
        throw new StackmeterError('LOCKED', `"${conn.name}" is syncing; cancel the sync before removing the stamp.`);
      }
      const removed = connections.remove(db, conn.name);
      secrets.forget(conn.name);
      log.info('connection removed', { connection: conn.name, usageRows: removed });
    },
    'sync:start': (request) => syncs.start(request),
    'sync:cancel': (runId) => syncs.cancel(runId),
    'sync:runs': (limit) => syncRuns.list(db, limit ?? 100),
    'overview:get': (query) => getOverview(db, query),
    'meters:list': (query) => listMeters(db, query),
    'meters:override': (input) => meterOverrides.setOverride(db, input, clock.now().toISOString()),
    'meters:overrides': () => meterOverrides.listOverrides(db),
    'meters:importOverrides': (inputs) => meterOverrides.importOverrides(db, inputs, clock.now().toISOString()),
    'meters:unknown': () => meterOverrides.listUnknownMeters(db),
    'meters:detail': (query) => getMeterDetail(db, query),
    'meters:series': (query) => getMeterSeries(db, query),
    'usage:explore': (query, offset, limit) => exploreUsage(db, query, offset, limit),
    'usage:records': (filter, offset, limit) => listUsageRecords(db, filter, offset, limit),
    'usage:export': (query, format) => exportUsage(db, query, format, { dir: exportDir, now: clock.now() }),
    'usage:completeness': (query) => getCompleteness(db, query, clock.now()),
    'resources:get': (uri, period) => getResourceDetail(db, uri, period),

    on(event, listener) {
      events.on(event, listener);
      return () => events.off(event, listener);
    },
    waitForRun: (runId) => syncs.wait(runId),
    async importFiles(paths, importOptions) {
      const connectionId = importOptions?.connection ? connections.getStored(db, importOptions.connection).id : null;
      return importPageFiles(db, paths, { connectionId });
    },
    async close() {
      await syncs.close();
      db.close();
    },
  };
}
