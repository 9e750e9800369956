import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../../core/simulator/index.ts';
import { DEMO_CACHE_FILE_NAME } from '../../core/paths.ts';
import { call } from '../call.ts';
import type { Core } from '../../core/types.ts';
import { EXIT, type CliContext, type Command } from '../command.ts';
import { electronBinary } from '../electron-binary.ts';
import { intOption } from '../options.ts';
import { serveUntilInterrupted } from './serve.ts';
import { defaultFrom, describeRun, exitCodeForRun, runSyncInForeground } from './sync.ts';

const DEMO_STAMP = 'demo';
const DEMO_RATE_CARD = 'Starter (example prices)';
const SECRET_VARIABLE = 'STACKMETER_DEMO_SECRET';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Where Electron's binary exists (and the main bundle is built), opens the desktop window on the demo cache beside the
 * browser console; elsewhere says why it did not.
 */
function openDesktopWindow(ctx: CliContext): void {
  if (process.versions.electron !== undefined) {
    // The installed app's own CLI (`stackmeter` runs the app with --cli): the app is here, but it is not this process's
    // business to open a window beside a command line.
    ctx.err('Desktop window: start Stackmeter from your applications and open this cache, or use the console address '
      + 'below.');
    return;
  }
  const binary = electronBinary();
  if (!binary) {
    ctx.err('Desktop window: Electron\'s binary is not installed on this machine; use the console address below.');
    return;
  }
  if (!existsSync(`${REPO}dist/main/main.cjs`)) {
    ctx.err('Desktop window: run "npm run build" once to build the Electron main process; use the console address below.');
    return;
  }
  const env: NodeJS.ProcessEnv = { ...process.env, STACKMETER_DB: ctx.dbPath };
  delete env.ELECTRON_RUN_AS_NODE;
  spawn(binary, [REPO], { stdio: 'ignore', env, detached: true }).unref();
  ctx.err('Desktop window: opening Stackmeter on the demo cache.');
}

/**
 * Gives the demo a published rate card (the starter card's example prices) in effect from the first synced month, so
 * that chargeback and statements have something to show. Kept when it exists: the demo replaces the stamp, not the
 * rate cards and statements made with it.
 */
async function ensureDemoRateCard(ctx: CliContext, core: Core, from: string): Promise<void> {
  if ((await call(core, 'rates:list')).some((c) => c.name === DEMO_RATE_CARD)) return;
  const card = await call(core, 'rates:create', {
    name: DEMO_RATE_CARD, currency: 'USD', rounding: { mode: 'half-even', point: 'line' }, from: 'starter',
  });
  const draft = card.versions[0]!;
  await call(core, 'rates:saveDraft', card.id, draft.version,
    { effectiveFrom: `${from.slice(0, 7)}-01`, note: draft.note, meters: draft.meters });
  await call(core, 'rates:publish', card.id, draft.version, 'Demo: example prices for trying chargeback');
  ctx.err(`Rate card: "${DEMO_RATE_CARD}" published (example prices).`);
}

/**
 * Gives the demo stamp a capacity model, once: its cores read from the simulated stamp's Fabric API and example
 * yearly prices per core, so that the Capacity view has a report to show. Kept when it exists, like the rate card.
 */
async function ensureDemoCapacityModel(ctx: CliContext, core: Core, now: Date): Promise<void> {
  if ((await call(core, 'capacity:models')).some((m) => m.model.stamp === DEMO_STAMP)) return;
  const fabric = await call(core, 'capacity:readCores', DEMO_STAMP);
  const year = now.getUTCFullYear();
  await call(core, 'capacity:save', {
    stamp: DEMO_STAMP, physicalCores: fabric.cores, coresSource: 'fabric', coresNote: fabric.source,
    currency: 'USD', term: { from: `${year}-01-01`, to: `${year}-12-31` }, basePricePerCoreYear: '144',
    addOns: [{ name: 'App Service', pricePerCoreYear: '60' }], otherYearlyCosts: [{ label: 'Support', amount: '12000' }],
    storageCapacityGB: '20000',
  }, 'Demo: example prices for trying the capacity report');
  ctx.err(`Capacity model: ${fabric.cores} cores read from Fabric, example prices per core.`);
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Start the simulator, add it as stamp "demo", sync the last 31 days, then serve the console',
  details:
    'Uses its own cache (demo.sqlite in the per-user data folder) unless --db is given, so it never touches the\n' +
    'real one. A previous "demo" stamp is replaced, because each run starts a new simulator with a new CA.\n' +
    'A rate card with the starter\'s example prices is published once, for trying chargeback, and the stamp gets a\n' +
    'capacity model (cores read from its Fabric API, example prices per core) for trying the capacity report.\n' +
    'Where Electron\'s binary is installed, the desktop window opens on the demo cache as well.',
  defaultDbFile: DEMO_CACHE_FILE_NAME,
  positionals: [],
  options: {
    days: { type: 'string', placeholder: '<n>', description: 'Days of usage to sync (default: 31)' },
    port: { type: 'string', placeholder: '<n>', description: 'Port of the console (default: any free port)' },
    'no-serve': { type: 'boolean', description: 'Stop after the sync instead of serving the console' },
  },
  async run(ctx, options) {
    const days = intOption(options, 'days', 31);
    const secret = randomBytes(18).toString('base64url');
    // The connection names the variable, never the secret: the demo sets it for its own process only.
    process.env[SECRET_VARIABLE] = secret;
    const sim = await startSimulator({ clientSecret: secret });
    try {
      ctx.err(`Simulated Azure Stack Hub at ${sim.url}`);
      const core = ctx.openCore();
      if ((await call(core, 'connections:list')).some((c) => c.name === DEMO_STAMP)) {
        await call(core, 'connections:remove', DEMO_STAMP);
      }
      await call(core, 'connections:add', {
        name: DEMO_STAMP,
        armEndpoint: sim.url,
        clientId: sim.clientId,
        credential: { type: 'secret', source: { kind: 'env', variable: SECRET_VARIABLE } },
        caPem: sim.caPem,
      });
      const now = new Date();
      const run = await runSyncInForeground(ctx, core, {
        connection: DEMO_STAMP,
        from: defaultFrom(now, days),
        to: `${now.toISOString().slice(0, 13)}:00:00Z`,
        granularity: 'Hourly',
      });
      ctx.err(describeRun(run));
      if (run.status !== 'succeeded') return exitCodeForRun(run);
      await ensureDemoRateCard(ctx, core, defaultFrom(now, days));
      await ensureDemoCapacityModel(ctx, core, now);
      ctx.err(`Cache: ${ctx.dbPath}`);
      if (options['no-serve'] !== true) {
        openDesktopWindow(ctx);
        await serveUntilInterrupted(ctx, core, intOption(options, 'port', 0));
      } else if (ctx.json) ctx.out(JSON.stringify(run, null, 2));
      return EXIT.ok;
    } finally {
      await sim.close();
    }
  },
};
