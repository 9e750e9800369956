import { EventEmitter } from 'node:events';
import type { EventName, StackmeterEvents } from '../shared/contract.ts';
import type { ConnectionInput, ConnectionRow, SyncRequest } from '../shared/domain.ts';
import { StackmeterError } from '../shared/result.ts';
import { createArmClient } from './azure/arm.ts';
import { createHttpClient } from './azure/http.ts';
import { discoverEndpoints, type StampEndpoints } from './azure/metadata.ts';
import { findProviderSubscription } from './azure/subscriptions.ts';
import { createTokenProvider } from './azure/token.ts';
import * as connections from './cache/connections.ts';
import { openCache } from './cache/open.ts';
import { getOverview, listMeters } from './cache/queries.ts';
import * as subscriptions from './cache/subscriptions.ts';
import * as syncRuns from './cache/sync-runs.ts';
import { createUsageWriter } from './cache/usage-writer.ts';
import { importPageFiles } from './exports/import-pages.ts';
import { SecretStore } from './secrets.ts';
import { planWindows, resolveRange } from './sync/plan.ts';
import { runSync } from './sync/run-sync.ts';
import type { Clock, Core, CoreOptions, Logger } from './types.ts';
import { version } from './version.ts';

const systemClock: Clock = { now: () => new Date() };

/** Logs to stderr as one JSON object per line; never given secrets. */
const stderrLogger: Logger = {
  info: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'info', message, ...fields })}\n`),
  warn: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...fields })}\n`),
  error: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'error', message, ...fields })}\n`),
};

interface ActiveRun {
  connection: string;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Creates the domain core on one cache file. Everything the console, the CLI and the desktop app do goes through the
 * object returned here; it holds the only database handle and the only copies of session secrets.
 */
export function createCore(options: CoreOptions): Core {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? stderrLogger;
  const db = openCache(options.dbPath);
  // A process that died mid-sync leaves its run 'running'; nothing is running now, so say what happened to it.
  syncRuns.markInterrupted(db, clock.now());
  const writer = createUsageWriter(db);
  const secrets = new SecretStore(options.env ?? process.env);
  const events = new EventEmitter();
  const active = new Map<number, ActiveRun>();

  const emit = <E extends EventName>(event: E, payload: StackmeterEvents[E]): void => {
    events.emit(event, payload);
  };

  async function addConnection(input: ConnectionInput): Promise<ConnectionRow> {
    if (connections.findByName(db, input.name)) {
      throw new StackmeterError('CONFLICT', `A stamp named "${input.name}" already exists; choose another name or remove it first.`);
    }
    const secret = secrets.accept(input.name, input.secret);
    const http = createHttpClient({ caPem: input.caPem });
    try {
      const endpoints = await discoverEndpoints(http, input.armEndpoint);
      const tokens = createTokenProvider(http, endpoints, { clientId: input.clientId, clientSecret: secret }, clock);
      // Sign in now, so that a wrong secret or client ID is reported while the user is still at the form.
      await tokens.get();
      const arm = createArmClient(http, endpoints.armEndpoint, tokens);
      const providerSubscriptionId = input.subscriptionId?.toLowerCase() ?? (await findProviderSubscription(arm));
      connections.insert(db, {
        name: input.name,
        armEndpoint: endpoints.armEndpoint,
        kind: 'operator',
        authType: endpoints.authType,
        loginEndpoint: endpoints.loginEndpoint,
        audience: endpoints.audience,
        clientId: input.clientId,
        secretSource: secrets.describe(input.secret),
        caPem: input.caPem ?? null,
        providerSubscriptionId,
        createdAt: clock.now().toISOString(),
      });
      log.info('connection added', { connection: input.name, armEndpoint: endpoints.armEndpoint, authType: endpoints.authType });
      return connections.getByName(db, input.name);
    } catch (err) {
      secrets.forget(input.name);
      throw err;
    } finally {
      await http.close();
    }
  }

  function startSync(request: SyncRequest): { runId: number } {
    const conn = connections.getStored(db, request.connection);
    if ([...active.values()].some((r) => r.connection === conn.name)) {
      throw new StackmeterError('CONFLICT', `A sync of "${conn.name}" is already running; wait for it or cancel it.`);
    }
    const range = resolveRange(request.from, request.to, request.granularity, clock.now());
    const windows = planWindows(range, request.granularity);
    const clientSecret = secrets.resolve(conn.name, conn.secretSource);
    const runId = syncRuns.create(db, {
      connectionId: conn.id,
      granularity: request.granularity,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      startedAt: clock.now().toISOString(),
    });
    const controller = new AbortController();
    const endpoints: StampEndpoints = {
      armEndpoint: conn.armEndpoint,
      loginEndpoint: conn.loginEndpoint,
      audience: conn.audience,
      authType: conn.authType,
    };
    log.info('sync started', { runId, connection: conn.name, from: range.from, to: range.to, windows: windows.length });

    const done = (async () => {
      const http = createHttpClient({ caPem: conn.caPem });
      try {
        const tokens = createTokenProvider(http, endpoints, { clientId: conn.clientId, clientSecret }, clock);
        const outcome = await runSync({
          runId,
          connection: conn.name,
          providerSubscriptionId: conn.providerSubscriptionId,
          arm: createArmClient(http, conn.armEndpoint, tokens),
          windows,
          signal: controller.signal,
          store: {
            saveSubscriptions: (subs) => subscriptions.upsert(db, conn.id, subs, clock.now()),
            writePage: (records, window) => writer.writePage(records, { granularity: window.granularity, connectionId: conn.id }),
            saveCounters: (counters) => syncRuns.updateCounters(db, runId, counters),
          },
          onProgress: (p) => emit('sync:progress', p),
        });
        syncRuns.finish(db, runId, { ...outcome, endedAt: clock.now().toISOString() });
        log.info('sync ended', { runId, connection: conn.name, status: outcome.status, ...outcome.counters, error: outcome.error });
      } catch (err) {
        // runSync reports its own failures; reaching here is a bug, recorded rather than lost.
        log.error('sync crashed', { runId, error: (err as Error).stack });
        syncRuns.finish(db, runId, { status: 'failed', error: String(err), errorCode: 'INTERNAL', endedAt: clock.now().toISOString() });
      } finally {
        await http.close();
        active.delete(runId);
        emit('sync:finished', syncRuns.get(db, runId));
      }
    })();
    active.set(runId, { connection: conn.name, controller, done });
    return { runId };
  }

  return {
    'app:info': () => ({ version, dbPath: options.dbPath }),
    'connections:list': () => connections.list(db),
    'connections:add': addConnection,
    'connections:remove': (name) => {
      const conn = connections.getStored(db, name);
      if ([...active.values()].some((r) => r.connection === conn.name)) {
        throw new StackmeterError('CONFLICT', `"${conn.name}" is syncing; cancel the sync before removing the stamp.`);
      }
      const removed = connections.remove(db, conn.name);
      secrets.forget(conn.name);
      log.info('connection removed', { connection: conn.name, usageRows: removed });
    },
    'sync:start': startSync,
    'sync:cancel': (runId) => {
      const run = active.get(runId);
      if (!run) throw new StackmeterError('NOT_FOUND', `Sync run ${runId} is not running.`);
      run.controller.abort();
    },
    'sync:runs': (limit) => syncRuns.list(db, limit ?? 100),
    'overview:get': () => getOverview(db),
    'meters:list': (query) => listMeters(db, query),

    on(event, listener) {
      events.on(event, listener);
      return () => events.off(event, listener);
    },
    async waitForRun(runId) {
      await active.get(runId)?.done;
    },
    async importFiles(paths, importOptions) {
      const connectionId = importOptions?.connection ? connections.getStored(db, importOptions.connection).id : null;
      return importPageFiles(db, paths, { connectionId });
    },
    async close() {
      const running = [...active.values()];
      for (const run of running) run.controller.abort();
      await Promise.all(running.map((r) => r.done));
      db.close();
    },
  };
}
