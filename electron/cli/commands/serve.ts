import { fileURLToPath } from 'node:url';
import { startServer } from '../../server/server.ts';
import type { Core } from '../../core/types.ts';
import { EXIT, type CliContext, type Command } from '../command.ts';
import { intOption } from '../options.ts';

/** The built console (vite build output), served by browser mode. */
export const RENDERER_DIR = fileURLToPath(new URL('../../../dist/renderer/', import.meta.url));

/** Serves the console for a core until Ctrl-C. */
export async function serveUntilInterrupted(ctx: CliContext, core: Core, port: number): Promise<void> {
  const server = await startServer({ core, staticDir: RENDERER_DIR, port, exportDir: core.exportDir });
  const { readOnly } = await core['app:info']();
  if (ctx.json) ctx.out(JSON.stringify({ url: server.url, readOnly }));
  else {
    if (readOnly) {
      ctx.out(`Auditor mode (read-only): ${readOnly.path}. Nothing is synced, changed or recorded; exports go to `
        + `${core.exportDir}.`);
    }
    ctx.out(`Console: ${server.url}`);
    ctx.out('Open that address in a browser on this machine (it carries the access token). Press Ctrl-C to stop.');
  }
  await ctx.interrupted;
  await server.close();
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the console in browser mode on 127.0.0.1 with a per-launch access token',
  details: 'Only this machine can connect, and only with the token in the printed address; other requests get 401.\n' +
    'With --read-only the console is in auditor mode: the cache is opened read-only, the title bar says so, and\n' +
    'every change (sync, rate cards, adjustments, statements...) is refused. "stackmeter audit open" does the same\n' +
    'for any cache file or a bundle.',
  positionals: [],
  options: {
    port: { type: 'string', placeholder: '<n>', description: 'Port to listen on (default: any free port)' },
  },
  async run(ctx, options) {
    await serveUntilInterrupted(ctx, ctx.openCore(), intOption(options, 'port', 0));
    return EXIT.ok;
  },
};
