import { EventEmitter } from 'node:events';
import { join } from 'node:path';
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
import { openCacheReadOnly } from './cache/open-read-only.ts';
import { getOverview, listMeters } from './cache/queries.ts';
import * as syncRuns from './cache/sync-runs.ts';
import { createUsageWriter } from './cache/usage-writer.ts';
import { capacityHandlers } from './capacity/service.ts';
import { exportAdjustments, importAdjustments } from './chargeback/adjustment-files.ts';
import { listAdjustments, removeAdjustment, saveAdjustment } from './chargeback/adjustments-store.ts';
import { cacheAuditSource, signerAuditSource } from './auditor/audit-source.ts';
import { appendAudit, type Actor } from './chargeback/audit-log.ts';
import { auditorModeSink, cacheAuditSink } from './chargeback/audit-sink.ts';
import { chargebackLines, runChargeback, whatIf } from './chargeback/chargeback.ts';
import { exportChargebackRun, exportStatement } from './chargeback/exports.ts';
import { exportRateCard, importRateCard } from './chargeback/rate-card-files.ts';
import * as rateCards from './chargeback/rate-cards.ts';
import * as statements from './chargeback/statements.ts';
import { getCompleteness } from './explore/completeness.ts';
import { exploreUsage } from './explore/explore.ts';
import { listUsageRecords } from './explore/records.ts';
import { exportAuditTrail } from './exports/audit-trail.ts';
import { auditExport } from './exports/export-audit.ts';
import { importUsageFiles } from './exports/import-pages.ts';
import { defaultExportDir, exportUsage } from './exports/usage-export.ts';
import { getMeterDetail, getMeterSeries } from './meters/detail.ts';
import { osUserName } from './os-user.ts';
import { defaultDataDir } from './paths.ts';
import { readOnlyRefusal, refuseChanges } from './read-only.ts';
import { bundleHandlers } from './bundles/handlers.ts';
import { createFileRefs } from './file-refs.ts';
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
 * object returned here; it holds the only database handle and the only copies of session secrets. With
 * `options.readOnly` it is an auditor's core: see CoreOptions.readOnly and refuseChanges.
 */
export function createCore(options: CoreOptions): Core {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? stderrLogger;
  const env = options.env ?? process.env;
  const readOnly = options.readOnly
    ? {
      ...options.readOnly, fingerprint: options.readOnly.fingerprint ?? null, bundle: options.readOnly.bundle ?? null,
      openedAt: clock.now().toISOString(),
    }
    : null;
  const db = readOnly ? openCacheReadOnly(options.dbPath) : openCache(options.dbPath);
  // The one switch between a normal core and an auditor's for what reads record (exports, replays): see audit-sink.ts.
  const audit = readOnly ? auditorModeSink : cacheAuditSink(db);
  // The log under review: a bundle's is its signer's (audit-source.ts).
  const auditLog = readOnly?.source === 'bundle' && readOnly.fingerprint !== null
    ? signerAuditSource(db, readOnly.fingerprint) : cacheAuditSource(db);
  const writer = createUsageWriter(db);
  const secrets = new SecretStore({ env, protector: options.secretProtector });
  const events = new EventEmitter();
  /** Files the console picked, by opaque reference (file-refs.ts). */
  const files = createFileRefs();
  const exportDir = options.exportDir
    ?? (readOnly ? join(defaultDataDir(env), 'auditor-exports') : defaultExportDir(options.dbPath));
  const user = osUserName(env);
  /** Who makes a change and when, for the audit log. */
  const actor = (): Actor => ({ user, at: clock.now() });

  const emit = <E extends EventName>(event: E, payload: StackmeterEvents[E]): void => {
    events.emit(event, payload);
  };

  // An auditor's core syncs nothing, and does not even look for interrupted runs (marking them is a write).
  const syncs = readOnly ? null : createSyncManager({
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

  /** The sync manager; never reached in auditor mode, where every method that needs it is refused first. */
  const sync = (): NonNullable<typeof syncs> => {
    if (syncs === null) throw readOnlyRefusal('syncing');
    return syncs;
  };

  const core: Core = {
    'app:info': () => ({ version, dbPath: options.dbPath, canProtectSecrets: secrets.canProtect, readOnly }),
    'connections:list': () => connections.list(db),
    'connections:add': addConnection,
    'connections:remove': (name) => {
      const conn = connections.getStored(db, name);
      if (sync().isSyncing(conn.id)) {
        throw new StackmeterError('LOCKED', `"${conn.name}" is syncing; cancel the sync before removing the stamp.`);
      }
      const removed = connections.remove(db, conn.name);
      secrets.forget(conn.name);
      log.info('connection removed', { connection: conn.name, usageRows: removed });
    },
    'sync:start': (request) => sync().start(request),
    'sync:cancel': (runId) => sync().cancel(runId),
    'sync:runs': (limit) => syncRuns.list(db, limit ?? 100),
    'overview:get': (query) => getOverview(db, query),
    'meters:list': (query) => listMeters(db, query),
    // Local meter names and units are printed on statements, so changing them is audited like a price.
    'meters:override': (input) => db.transaction(() => {
      const { at } = actor();
      const saved = meterOverrides.setOverride(db, input, at.toISOString());
      appendAudit(db, {
        action: 'meter-override.save', subject: `meter:${saved.meterId}`, reason: null, details: { override: input },
      }, user, at);
      return saved;
    }).immediate(),
    'meters:overrides': () => meterOverrides.listOverrides(db),
    'meters:importOverrides': (inputs) => db.transaction(() => {
      const { at } = actor();
      const result = meterOverrides.importOverrides(db, inputs, at.toISOString());
      appendAudit(db, {
        action: 'meter-override.save', subject: 'meter-overrides', reason: null,
        details: { ...result, meters: inputs.map((o) => o.meterId) },
      }, user, at);
      return result;
    }).immediate(),
    'meters:unknown': () => meterOverrides.listUnknownMeters(db),
    'meters:detail': (query) => getMeterDetail(db, query),
    'meters:series': (query) => getMeterSeries(db, query),
    'usage:explore': (query, offset, limit) => exploreUsage(db, query, offset, limit),
    'usage:records': (filter, offset, limit) => listUsageRecords(db, filter, offset, limit),
    'usage:export': async (query, format) => {
      const who = actor();
      const file = await exportUsage(db, query, format, { dir: exportDir, now: who.at });
      return auditExport(audit, { subject: 'usage', details: { format, query } }, file, who);
    },
    'usage:completeness': (query) => getCompleteness(db, query, clock.now()),
    'resources:get': (uri, period) => getResourceDetail(db, uri, period),
    'rates:list': () => rateCards.listRateCards(db),
    'rates:get': (id) => rateCards.getRateCard(db, id),
    'rates:create': (input) => rateCards.createRateCard(db, input, actor()),
    'rates:saveDraft': (id, version, draft) => rateCards.saveDraft(db, id, version, draft, actor()),
    'rates:deleteDraft': (id, version) => rateCards.deleteDraft(db, id, version, actor()),
    'rates:publish': (id, version, reason) => rateCards.publishVersion(db, id, version, reason, actor()),
    'rates:import': (text, format, fileName) => importRateCard(db, text, format, fileName, actor()),
    'rates:export': (id, format, version) => exportRateCard(db, id, format, version, exportDir, actor(), audit),
    'adjustments:list': () => listAdjustments(db),
    'adjustments:save': (adjustment, reason) => saveAdjustment(db, adjustment, reason, actor()),
    'adjustments:remove': (id, reason) => removeAdjustment(db, id, reason, actor()),
    'adjustments:import': (adjustments, reason) => importAdjustments(db, adjustments, reason, actor()),
    'adjustments:export': () => exportAdjustments(db, exportDir, actor(), audit),
    'audit:list': (offset, limit) => auditLog.list(offset, limit),
    'audit:verify': () => auditLog.verify(),
    'audit:export': (format) => exportAuditTrail(auditLog, format,
      { dir: exportDir, actor: actor(), audit, cachePath: options.dbPath, readOnly }),
    'chargeback:run': (query) => runChargeback(db, query, listAdjustments(db)),
    'chargeback:lines': (query, groupKey, offset, limit) =>
      chargebackLines(db, query, groupKey, offset, limit, listAdjustments(db)),
    'chargeback:whatIf': (query, other) => whatIf(db, query, other, listAdjustments(db)),
    'chargeback:export': (query, format, pdfLayout) =>
      exportChargebackRun(db, query, format, pdfLayout, { dir: exportDir, actor: actor(), audit }),
    'statements:list': () => statements.listStatements(db),
    'statements:get': (id) => statements.getStatement(db, id),
    'statements:create': (input) => statements.createStatement(db, input, actor()),
    'statements:finalize': (id, reason) => statements.finalizeStatement(db, id, reason, actor()),
    'statements:replay': (id) => statements.replayStatement(db, id, actor(), audit),
    'statements:correct': (id, reason) => statements.correctStatement(db, id, reason, actor()),
    'statements:export': (id, format, pdfLayout) =>
      exportStatement(db, id, format, pdfLayout, { dir: exportDir, actor: actor(), audit }),
    ...bundleHandlers({
      db, files, exportDir, audit, actor, env, protector: options.secretProtector, emit,
      importFiles: (paths, importOptions) => core.importFiles(paths, importOptions),
    }),
    ...capacityHandlers({ db, actor, audit, exportDir, secrets, env }),

    on(event, listener) {
      events.on(event, listener);
      return () => events.off(event, listener);
    },
    waitForRun: (runId) => sync().wait(runId),
    async importFiles(paths, importOptions) {
      const connectionId = importOptions?.connection ? connections.getStored(db, importOptions.connection).id : null;
      return importUsageFiles(db, paths, { connectionId, dateFormat: importOptions?.dateFormat });
    },
    acceptFile: (path, displayName) => files.accept(path, displayName),
    async close() {
      await syncs?.close();
      db.close();
    },
    exportDir,
  };
  return readOnly ? refuseChanges(core) : core;
}
