import { randomBytes } from 'node:crypto';
import { startSimulator } from '../../core/simulator/index.ts';
import { DEMO_CACHE_FILE_NAME } from '../../core/paths.ts';
import { call } from '../call.ts';
import { EXIT, type Command } from '../command.ts';
import { intOption } from './simulate.ts';
import { serveUntilInterrupted } from './serve.ts';
import { defaultFrom, describeRun, exitCodeForRun, runSyncInForeground } from './sync.ts';

const DEMO_STAMP = 'demo';
const SECRET_VARIABLE = 'STACKMETER_DEMO_SECRET';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Start the simulator, add it as stamp "demo", sync the last 31 days, then serve the console',
  details:
    'Uses its own cache (demo.sqlite in the per-user data folder) unless --db is given, so it never touches the\n' +
    'real one. A previous "demo" stamp is replaced, because each run starts a new simulator with a new CA.',
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
        secret: { kind: 'env', variable: SECRET_VARIABLE },
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
      ctx.err(`Cache: ${ctx.dbPath}`);
      if (options['no-serve'] !== true) await serveUntilInterrupted(ctx, core, intOption(options, 'port', 0));
      else if (ctx.json) ctx.out(JSON.stringify(run, null, 2));
      return EXIT.ok;
    } finally {
      await sim.close();
    }
  },
};
